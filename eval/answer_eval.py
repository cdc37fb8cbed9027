"""Answer evaluation: key-term recall, citation precision and abstention, per question.

- **key-term recall**: share of a question's key terms within the first 1,000
  characters of the answer (longer answers cannot buy it);
- **citation precision**: share of the first five citations that support the
  answer: the cited passage holds a gold quote, or comes from a gold file and
  holds a key term;
- **abstention** on unanswerable questions, near misses and other gemeenten
  apart, and **false abstention** on answerable ones.

The baseline in the same run is the naive answer a reader gets without answer
selection: the first 1,000 characters of our own ranked passages, each passage
a "citation", never abstaining. With a language model configured, the generative
answers over the same passages are a third system; an answer that fell back to
the extractive one (server error, no valid citation) counts as such.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from eval.metrics import contains, key_term_recall, mean
from eval.questions import Question
from eval.retrieval_eval import doc_type_key, gemeente_key, split_key, type_key

ANSWER_BUDGET = 1000
CITATIONS_K = 5
OURS = "ours-extractive"
NAIVE = "naive-first-1000c"
GENERATIVE = "ours-llm"
FALLBACK = "extractive-fallback"  # the mode of a generative answer that fell back to the extractive one


@dataclass(frozen=True, slots=True)
class CitedPassage:
    file: str
    text: str


@dataclass(frozen=True, slots=True)
class AnswerOutput:
    text: str
    abstained: bool
    citations: tuple[CitedPassage, ...]
    mode: str = "extractive"  # "extractive", "llm", "extractive-fallback", "naive"


@dataclass(frozen=True, slots=True)
class AnswerRow:
    id: str
    type: str
    gemeenten: tuple[str, ...]
    doc_type: str
    unanswerable_kind: str | None
    split: str
    abstained: bool
    key_term_recall: float | None  # None for unanswerable questions
    citation_precision: float | None  # None when nothing was cited or the question is unanswerable
    ms: float
    answer: str
    mode: str = "extractive"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class AnswerSummary:
    n: int
    key_term_recall: float | None  # None when the group holds no answerable question
    citation_precision: float | None  # None when no answer in the group cited anything
    false_abstention: float | None
    abstention_near_miss: float | None
    abstention_other_gemeente: float | None
    ms_per_question: float
    fallbacks: int = 0  # generative answers that fell back to the extractive one

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class AnswerReport:
    system: str
    overall: AnswerSummary
    rows: list[AnswerRow]
    by_type: dict[str, AnswerSummary] = field(default_factory=dict)
    by_gemeente: dict[str, AnswerSummary] = field(default_factory=dict)
    by_doc_type: dict[str, AnswerSummary] = field(default_factory=dict)
    by_split: dict[str, AnswerSummary] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "overall": self.overall.to_json(),
            "by_type": {k: v.to_json() for k, v in self.by_type.items()},
            "by_gemeente": {k: v.to_json() for k, v in self.by_gemeente.items()},
            "by_doc_type": {k: v.to_json() for k, v in self.by_doc_type.items()},
            "by_split": {k: v.to_json() for k, v in self.by_split.items()},
            "rows": [r.to_json() for r in self.rows],
        }


def citation_supports(citation: CitedPassage, question: Question) -> bool:
    """Does a cited passage hold a gold quote, or come from a gold file and hold a key term?"""
    if any(contains(citation.text, g.quote) for g in question.gold):
        return True
    gold_files = {g.file for g in question.gold}
    return Path(citation.file).name in gold_files and any(contains(citation.text, t) for t in question.key_terms)


def citation_precision(citations: Sequence[CitedPassage], question: Question, k: int = CITATIONS_K) -> float | None:
    first = citations[:k]
    if not first:
        return None
    return sum(citation_supports(c, question) for c in first) / len(first)


def score_answer(question: Question, output: AnswerOutput, ms: float) -> AnswerRow:
    answerable = question.answerable
    return AnswerRow(
        id=question.id,
        type=question.type,
        gemeenten=question.gemeenten,
        doc_type=question.doc_type,
        unanswerable_kind=question.unanswerable_kind,
        split=question.split,
        abstained=output.abstained,
        key_term_recall=key_term_recall(output.text, question.key_terms, ANSWER_BUDGET) if answerable else None,
        citation_precision=(
            citation_precision(output.citations, question) if answerable and not output.abstained else None
        ),
        ms=ms,
        answer=output.text[:ANSWER_BUDGET],
        mode=output.mode,
    )


def _rate(values: Sequence[bool]) -> float | None:
    return sum(values) / len(values) if values else None


def summarize(rows: Sequence[AnswerRow]) -> AnswerSummary:
    answerable = [r for r in rows if r.key_term_recall is not None]
    unanswerable = [r for r in rows if r.key_term_recall is None]
    recalls = [r.key_term_recall for r in answerable if r.key_term_recall is not None]
    precisions = [r.citation_precision for r in answerable if r.citation_precision is not None]
    return AnswerSummary(
        n=len(rows),
        key_term_recall=mean(recalls) if recalls else None,
        citation_precision=mean(precisions) if precisions else None,
        false_abstention=_rate([r.abstained for r in answerable]),
        abstention_near_miss=_rate([r.abstained for r in unanswerable if r.unanswerable_kind == "near_miss"]),
        abstention_other_gemeente=_rate([r.abstained for r in unanswerable if r.unanswerable_kind == "other_gemeente"]),
        ms_per_question=mean([r.ms for r in rows]),
        fallbacks=sum(r.mode == FALLBACK for r in rows),
    )


def breakdown(rows: Iterable[AnswerRow], key: Callable[[Any], str]) -> dict[str, AnswerSummary]:
    groups: dict[str, list[AnswerRow]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return {name: summarize(group) for name, group in sorted(groups.items())}


def evaluate_answers(
    system: str, answer: Callable[[Question], AnswerOutput], questions: Sequence[Question]
) -> AnswerReport:
    rows = []
    for question in questions:
        start = time.perf_counter()
        output = answer(question)
        rows.append(score_answer(question, output, (time.perf_counter() - start) * 1000))
    return AnswerReport(
        system,
        summarize(rows),
        rows,
        by_type=breakdown(rows, type_key),
        by_gemeente=breakdown(rows, gemeente_key),
        by_doc_type=breakdown(rows, doc_type_key),
        by_split=breakdown(rows, split_key),
    )


def run_answer_eval(index_folder: Path, questions: Sequence[Question], llm: Any = None) -> list[AnswerReport]:
    """Our extractive assistant and the naive baseline on the same index and questions; with ``llm`` (a
    llama-index LLM) also the generative answers the assistant gives with that model."""
    from app.assistant import Assistant
    from index.search import Searcher

    searcher = Searcher(index_folder)
    assistant = Assistant(searcher)

    def output(answer: Any) -> AnswerOutput:
        cited = tuple(CitedPassage(c.hit.chunk.path, c.hit.chunk.text) for c in answer.citations)
        return AnswerOutput(answer.answer, answer.abstained, cited, answer.mode)

    def ours(question: Question) -> AnswerOutput:
        return output(assistant.ask(question.question))

    def generative(question: Question) -> AnswerOutput:
        return output(assistant.answer(question.question, llm=llm))

    def naive(question: Question) -> AnswerOutput:
        hits = searcher.search(question.question, top_k=10).hits
        text = "\n".join(h.chunk.text for h in hits)[:ANSWER_BUDGET]
        used = [h for h, start in zip(hits, _starts(hits), strict=True) if start < ANSWER_BUDGET]
        return AnswerOutput(text, False, tuple(CitedPassage(h.chunk.path, h.chunk.text) for h in used), "naive")

    reports = [evaluate_answers(OURS, ours, questions), evaluate_answers(NAIVE, naive, questions)]
    if llm is not None:
        reports.append(evaluate_answers(GENERATIVE, generative, questions))
    return reports


def fallback_lines(reports: Sequence[AnswerReport]) -> list[str]:
    """A sentence per generative system on how many of its answers fell back to the extractive one."""
    return [
        f"{r.system}: {r.overall.fallbacks} of {r.overall.n} answers fell back to the extractive answer "
        "(server error, empty reply or no valid citation); they are scored as given."
        for r in reports
        if r.system == GENERATIVE
    ]


def _starts(hits: Sequence[Any]) -> list[int]:
    starts, pos = [], 0
    for hit in hits:
        starts.append(pos)
        pos += len(hit.chunk.text) + 1
    return starts


ANSWER_HEADER = (
    "| system | key-term recall@1000c | citation precision@5 | false abstention | abstention near miss "
    "| abstention other gemeente | ms/question |"
)


def format_score(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _scores(s: AnswerSummary) -> str:
    values = (
        s.key_term_recall, s.citation_precision, s.false_abstention, s.abstention_near_miss,
        s.abstention_other_gemeente,
    )  # fmt: skip
    return " | ".join(format_score(v) for v in values)


def format_answer_table(reports: Sequence[AnswerReport]) -> str:
    lines = [ANSWER_HEADER, "|---|---|---|---|---|---|---|"]
    for r in reports:
        lines.append(f"| {r.system} | {_scores(r.overall)} | {r.overall.ms_per_question:.0f} |")
    return "\n".join(lines)


def format_answer_breakdown(title: str, groups: dict[str, AnswerSummary]) -> str:
    """Per-group answer scores; "—" where a group has no question the column applies to."""
    lines = [
        f"| {title} | n | key-term recall | citation precision | false abstention | abstention near miss "
        "| abstention other gemeente |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in groups.items():
        lines.append(f"| {name} | {s.n} | {_scores(s)} |")
    return "\n".join(lines)
