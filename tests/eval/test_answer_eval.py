"""Answer metrics: key-term recall, citation precision, abstention, on hand-made rows."""

from __future__ import annotations

import pytest

from eval.answer_eval import (
    AnswerOutput,
    AnswerReport,
    CitedPassage,
    breakdown,
    citation_precision,
    format_answer_breakdown,
    format_answer_table,
    score_answer,
    summarize,
)
from eval.questions import Gold, Question

FILE = "003_x.txt"


def question(kind: str = "lookup", unanswerable_kind: str | None = None) -> Question:
    answerable = kind != "unanswerable"
    return Question(
        id="q1", question="Hoeveel inwoners vulden de vragenlijst in?", type=kind,
        gold=(Gold(FILE, "Bij 181 inwoners is een vragenlijst afgenomen"),) if answerable else (),
        key_terms=("181",) if answerable else (), gemeenten=("Haaksbergen",), doc_type="ivp",
        paraphrased=True, unanswerable_kind=unanswerable_kind,
    )  # fmt: skip


def test_citation_precision_counts_supporting_passages() -> None:
    q = question()
    gold = CitedPassage(FILE, "Bij 181 inwoners is een vragenlijst afgenomen over veiligheid.")
    same_file_key_term = CitedPassage(FILE, "In totaal 181 respondenten.")
    other_file_key_term = CitedPassage("002_y.txt", "Er zijn 181 meldingen.")
    unrelated = CitedPassage(FILE, "Het college stelt het plan vast.")
    assert citation_precision([gold, same_file_key_term, other_file_key_term, unrelated], q) == pytest.approx(0.5)
    assert citation_precision([], q) is None
    many = [gold] * 5 + [unrelated] * 5
    assert citation_precision(many, q) == 1.0  # only the first five count


def test_key_term_recall_only_counts_the_first_1000_characters() -> None:
    late = score_answer(question(), AnswerOutput("x" * 1000 + " 181", False, ()), 1.0)
    early = score_answer(question(), AnswerOutput("Het waren 181 inwoners.", False, ()), 1.0)
    assert late.key_term_recall == 0.0 and early.key_term_recall == 1.0


def test_abstention_split_and_false_abstention() -> None:
    rows = [
        score_answer(question(), AnswerOutput("De documenten geven hier geen antwoord op.", True, ()), 1.0),
        score_answer(question(), AnswerOutput("181 [1]", False, (CitedPassage(FILE, "181"),)), 3.0),
        score_answer(question("unanswerable", "near_miss"), AnswerOutput("...", True, ()), 1.0),
        score_answer(question("unanswerable", "near_miss"), AnswerOutput("...", False, ()), 1.0),
        score_answer(question("unanswerable", "other_gemeente"), AnswerOutput("...", True, ()), 1.0),
    ]
    summary = summarize(rows)
    assert summary.false_abstention == 0.5
    assert summary.abstention_near_miss == 0.5 and summary.abstention_other_gemeente == 1.0
    assert summary.key_term_recall == 0.5  # the abstained answer scores zero
    assert summary.citation_precision == 1.0  # abstained answers have no citations to judge
    assert rows[2].key_term_recall is None and rows[2].citation_precision is None
    report = AnswerReport("x", summary, rows)
    assert "| x | 0.500 | 1.000 | 0.500 | 0.500 | 1.000 |" in format_answer_table([report])


def test_breakdown_shows_no_score_for_groups_without_answerable_questions() -> None:
    rows = [
        score_answer(question(), AnswerOutput("181 [1]", False, (CitedPassage(FILE, "181"),)), 1.0),
        score_answer(question("unanswerable", "other_gemeente"), AnswerOutput("...", True, ()), 1.0),
    ]
    groups = breakdown(rows, lambda r: r.type)
    assert groups["unanswerable"].key_term_recall is None
    assert groups["unanswerable"].citation_precision is None and groups["unanswerable"].false_abstention is None
    table = format_answer_breakdown("type", groups)
    assert "| unanswerable | 1 | — | — | — | — | 1.000 |" in table
    assert "| lookup | 1 | 1.000 | 1.000 | 0.000 | — | — |" in table
