"""The eval question set is well-formed and its gold quotes stand in the corpus."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from eval.metrics import contains

QUESTIONS = sorted((Path(__file__).resolve().parents[2] / "eval" / "questions").glob("*.jsonl"))
FIELDS = {"id", "question", "type", "gold", "key_terms", "gemeenten", "doc_type", "paraphrased", "unanswerable_kind"}
TYPES = {"lookup", "list", "numeric", "period", "comparison", "unanswerable"}


def _load() -> list[dict[str, object]]:
    rows = []
    for path in QUESTIONS:
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def test_question_set_shape() -> None:
    rows = _load()
    assert len(rows) >= 80
    assert all(set(r) == FIELDS and r["type"] in TYPES for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)
    types = Counter(r["type"] for r in rows)
    assert 0.05 <= types["unanswerable"] / len(rows) <= 0.15
    assert sum(bool(r["paraphrased"]) for r in rows) >= len(rows) / 2


@pytest.mark.parametrize("row", _load(), ids=lambda r: str(r["id"]))
def test_gold_quotes_stand_in_their_file(row: dict[str, object], corpus_files: dict[str, Path]) -> None:
    gold = row["gold"]
    assert isinstance(gold, list)
    if row["type"] == "unanswerable":
        assert not gold and row["unanswerable_kind"] in ("near_miss", "other_gemeente")
        return
    assert gold and row["key_terms"]
    for item in gold:
        source = corpus_files[item["file"][:3]].read_text(encoding="utf-8")
        assert contains(source, item["quote"]), item["quote"]  # matched as the eval matches it
