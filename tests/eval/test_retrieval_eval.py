"""The retrieval eval: breakdowns on hand-made rows, scoring, and a smoke run on the demo index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.baselines import WhitespaceBm25, check_systems
from eval.questions import DEV, HELD_OUT, Gold, Question, load_questions
from eval.report import TABLE_HEADER, format_split_table, format_table, margin_over_baselines, run_retrieval_eval
from eval.retrieval_eval import (
    QuestionRow,
    breakdown,
    build_report,
    doc_type_key,
    evaluate,
    gemeente_key,
    score_question,
    split_key,
    summarize,
    type_key,
)
from ingest.errors import ConfigurationError


def _row(
    id: str, type: str, gemeenten: tuple[str, ...], doc_type: str, r5: float, rr: float, rb: float, split: str = DEV
) -> QuestionRow:
    rank = round(1 / rr) if rr else None
    return QuestionRow(id, type, gemeenten, doc_type, split, r5, rr, rb, rank, 10.0)


ROWS = [
    _row("q1", "lookup", ("Losser",), "ivp", 1.0, 1.0, 1.0),
    _row("q2", "lookup", ("Hengelo", "Losser"), "raadsbrief", 0.5, 0.5, 1.0),
    _row("q3", "list", (), "ivp", 0.0, 0.0, 0.0),
    _row("q4", "numeric", ("Losser",), "jaarplan", 1.0, 0.25, 0.5, HELD_OUT),
]


def _question(id: str, quote: str, type: str = "lookup") -> Question:
    gold = (Gold("000_x.txt", quote),) if type != "unanswerable" else ()
    return Question(id, f"vraag {id}", type, gold, ("x",), ("Losser",), "ivp", False, None)


def test_breakdown_by_type_groups_and_averages() -> None:
    groups = breakdown(ROWS, type_key)
    assert list(groups) == ["list", "lookup", "numeric"]
    assert groups["lookup"].n == 2
    assert groups["lookup"].recall_at_5 == pytest.approx(0.75)
    assert groups["lookup"].mrr_at_10 == pytest.approx(0.75)
    assert groups["list"].recall_4000c == 0.0


def test_breakdown_by_gemeente_uses_the_first_gemeente_or_a_dash() -> None:
    groups = breakdown(ROWS, gemeente_key)
    assert list(groups) == ["-", "Hengelo", "Losser"]
    assert groups["Losser"].n == 2 and groups["Hengelo"].n == 1 and groups["-"].n == 1
    assert groups["Losser"].recall_4000c == pytest.approx(0.75)


def test_breakdown_by_question_set() -> None:
    groups = breakdown(ROWS, split_key)
    assert {k: s.n for k, s in groups.items()} == {DEV: 3, HELD_OUT: 1}
    assert groups[HELD_OUT].mrr_at_10 == 0.25


def test_questions_from_a_heldout_file_are_marked_held_out(tmp_path: Path) -> None:
    row = {
        "id": "x1", "question": "Wat?", "type": "lookup", "gold": [{"file": "000_x.txt", "quote": "een zin"}],
        "key_terms": ["zin"], "gemeenten": [], "doc_type": "ivp", "paraphrased": False, "unanswerable_kind": None,
    }  # fmt: skip
    (tmp_path / "part_a.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    (tmp_path / "heldout.jsonl").write_text(json.dumps({**row, "id": "h1"}) + "\n", encoding="utf-8")
    (tmp_path / "heldout_b.jsonl").write_text(json.dumps({**row, "id": "hb1"}) + "\n", encoding="utf-8")
    assert {q.id: q.split for q in load_questions(tmp_path)} == {"x1": DEV, "h1": HELD_OUT, "hb1": "held-out-b"}


def test_breakdown_by_doc_type_and_empty_input() -> None:
    assert {k: s.n for k, s in breakdown(ROWS, doc_type_key).items()} == {"ivp": 2, "jaarplan": 1, "raadsbrief": 1}
    assert breakdown([], type_key) == {}
    assert summarize([]).n == 0 and summarize([]).recall_at_5 == 0.0


def test_score_question_finds_the_gold_rank() -> None:
    question = _question("q1", "de speerpunten voor 2013-2016")
    passages = ["iets anders", "Hier staan De  speerpunten\nvoor 2013-2016: drugs."]
    row = score_question(question, passages, 3.0)
    assert row.first_gold_rank == 2
    assert row.mrr_at_10 == 0.5 and row.recall_at_5 == 1.0 and row.recall_4000c == 1.0


def test_evaluate_skips_unanswerable_questions_and_truncates_to_k() -> None:
    retriever = WhitespaceBm25(["alpha beta", "gamma delta", "epsilon"], "toy")
    questions = [_question("q1", "gamma delta"), _question("q2", "", "unanswerable")]
    report = evaluate(retriever, questions, k=2)
    assert [r.id for r in report.rows] == ["q1"]
    assert report.overall.n == 1 and report.overall.recall_at_5 == 1.0
    assert report.system == "toy" and set(report.by_type) == {"lookup"}


def test_margin_and_table() -> None:
    reports = [build_report("bm25-whitespace", 10, ROWS[:2]), build_report("ours-full", 10, ROWS[:1])]
    margin = margin_over_baselines(reports)
    assert margin is not None and margin["best_baseline"] == "bm25-whitespace"
    assert margin["margin"] == pytest.approx(0.0)
    table = format_table(reports)
    assert table.splitlines()[0] == TABLE_HEADER
    assert "| ours-full | 1.000 | 1.000 | 1.000 | 10.0 |" in table
    assert margin_over_baselines(reports[1:]) is None


def test_split_table_shows_each_system_per_question_set() -> None:
    table = format_split_table([build_report("ours-full", 10, ROWS)])
    assert "| ours-full | dev | 3 | 0.500 | 0.500 | 0.667 | | |" in table
    assert "| ours-full | held-out | 1 | 1.000 | 0.250 | 0.500 | | |" in table


def test_unknown_system_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="unknown retrieval system"):
        check_systems(["bm25-whitespace", "magic"])


def test_smoke_run_on_the_demo_index(demo_index: Path, tmp_path: Path) -> None:
    questions = load_questions()[:8]
    reports, answers = run_retrieval_eval(demo_index, tmp_path, ["ours-full", "bm25-whitespace"], questions=questions)
    assert [r.system for r in reports] == ["bm25-whitespace", "ours-full"]
    md_files, json_files = sorted(tmp_path.glob("eval-*.md")), sorted(tmp_path.glob("eval-*.json"))
    assert len(md_files) == 1 and len(json_files) == 1
    assert (tmp_path / "latest.md").read_text(encoding="utf-8") == md_files[0].read_text(encoding="utf-8")
    markdown = md_files[0].read_text(encoding="utf-8")
    assert TABLE_HEADER in markdown and "## Breakdowns for ours-full" in markdown

    payload = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert payload["commit"] and payload["index"]["chunk_settings"]["target_chars"] > 0
    answerable = sum(q.answerable for q in questions)
    for system in payload["systems"]:
        assert len(system["rows"]) == answerable
        assert {"id", "type", "gemeenten", "doc_type", "first_gold_rank", "ms"} <= set(system["rows"][0])
        overall = system["overall"]
        assert all(0.0 <= overall[key] <= 1.0 for key in ("recall_at_5", "mrr_at_10", "recall_4000c"))
    full = next(s for s in payload["systems"] if s["system"] == "ours-full")
    assert full["overall"]["recall_4000c"] > 0.5  # a sanity floor, not a quality target
    # the answer eval ran in the same command, ours and the naive baseline, over every question
    assert [a.system for a in answers] == ["ours-extractive", "naive-first-1000c"]
    assert all(len(a.rows) == len(questions) for a in answers)
    assert "## Answers" in markdown and "| key-term recall@1000c |" in markdown
    assert [a["system"] for a in payload["answers"]] == ["ours-extractive", "naive-first-1000c"]
    assert answers[0].overall.key_term_recall > 0.3  # a sanity floor, not a quality target


def test_indexed_files_include_those_a_reingest_kept(tmp_path: Path) -> None:
    from eval.baselines import indexed_files
    from ingest.store import INDEX_FORMAT

    (tmp_path / "a.txt").write_text("x")
    manifest = {
        "format": INDEX_FORMAT,
        "files": {
            str(tmp_path / "a.txt"): {"status": "unchanged"},
            str(tmp_path / "b.txt"): {"status": "ingested"},
            str(tmp_path / "c.txt"): {"status": "failed"},
        },
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert [p.name for p in indexed_files(tmp_path, root=tmp_path)] == ["a.txt", "b.txt"]
