"""Retrieval eval: run a :class:`~eval.baselines.Retriever` on the question set
and score it with the pure metrics of :mod:`eval.metrics`.

Only answerable questions count. Per question: recall@5 (share of gold quotes
in the first 5 passages), MRR@10, recall@4000c (share of gold quotes in the
first 4,000 characters of evidence), the 1-based rank of the first passage
holding a gold quote (within k) and the time of the call in milliseconds.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from eval.baselines import Retriever
from eval.metrics import BUDGET_CHARS, first_rank, mean, recall_at_k, recall_in_budget, reciprocal_rank
from eval.questions import Question

RECALL_K = 5
MRR_K = 10


@dataclass(frozen=True, slots=True)
class QuestionRow:
    """The scores of one question for one system."""

    id: str
    type: str
    gemeenten: tuple[str, ...]
    doc_type: str
    split: str
    recall_at_5: float
    mrr_at_10: float
    recall_4000c: float
    first_gold_rank: int | None  # 1-based, None when no gold passage is within k
    ms: float  # wall time of the retrieve call, milliseconds

    def to_json(self) -> dict[str, Any]:
        row = asdict(self)
        row["gemeenten"] = list(self.gemeenten)
        return row


@dataclass(frozen=True, slots=True)
class Summary:
    """Mean scores over a group of questions."""

    n: int
    recall_at_5: float
    mrr_at_10: float
    recall_4000c: float
    ms_per_query: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class RetrievalReport:
    """One system on one question set: overall means, breakdowns and per-question rows."""

    system: str
    k: int
    overall: Summary
    rows: list[QuestionRow] = field(default_factory=list)
    by_type: dict[str, Summary] = field(default_factory=dict)
    by_gemeente: dict[str, Summary] = field(default_factory=dict)
    by_doc_type: dict[str, Summary] = field(default_factory=dict)
    by_split: dict[str, Summary] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "k": self.k,
            "overall": self.overall.to_json(),
            "by_type": {key: s.to_json() for key, s in self.by_type.items()},
            "by_gemeente": {key: s.to_json() for key, s in self.by_gemeente.items()},
            "by_doc_type": {key: s.to_json() for key, s in self.by_doc_type.items()},
            "by_split": {key: s.to_json() for key, s in self.by_split.items()},
            "rows": [row.to_json() for row in self.rows],
        }


def type_key(row: QuestionRow) -> str:
    return row.type


def gemeente_key(row: QuestionRow) -> str:
    """The first gemeente a question is about, or ``-``."""
    return row.gemeenten[0] if row.gemeenten else "-"


def doc_type_key(row: QuestionRow) -> str:
    return row.doc_type


def split_key(row: QuestionRow) -> str:
    """dev (the set the work was tuned on) or a held-out set."""
    return row.split


def score_question(question: Question, passages: Sequence[str], ms: float) -> QuestionRow:
    """Score the passages returned for one answerable question."""
    quotes = [gold.quote for gold in question.gold]
    return QuestionRow(
        id=question.id,
        type=question.type,
        gemeenten=question.gemeenten,
        doc_type=question.doc_type,
        split=question.split,
        recall_at_5=recall_at_k(passages, quotes, RECALL_K),
        mrr_at_10=reciprocal_rank(passages, quotes, MRR_K),
        recall_4000c=recall_in_budget(passages, quotes, BUDGET_CHARS),
        first_gold_rank=first_rank(passages, quotes, len(passages)),
        ms=ms,
    )


def summarize(rows: Sequence[QuestionRow]) -> Summary:
    """Mean scores of ``rows`` (all zero for no rows)."""
    return Summary(
        n=len(rows),
        recall_at_5=mean([r.recall_at_5 for r in rows]),
        mrr_at_10=mean([r.mrr_at_10 for r in rows]),
        recall_4000c=mean([r.recall_4000c for r in rows]),
        ms_per_query=mean([r.ms for r in rows]),
    )


def breakdown(rows: Iterable[QuestionRow], key: Callable[[QuestionRow], str]) -> dict[str, Summary]:
    """Summaries of the rows grouped by ``key``, groups in sorted order."""
    groups: dict[str, list[QuestionRow]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return {name: summarize(groups[name]) for name in sorted(groups)}


def build_report(system: str, k: int, rows: Sequence[QuestionRow]) -> RetrievalReport:
    return RetrievalReport(
        system=system,
        k=k,
        overall=summarize(rows),
        rows=list(rows),
        by_type=breakdown(rows, type_key),
        by_gemeente=breakdown(rows, gemeente_key),
        by_doc_type=breakdown(rows, doc_type_key),
        by_split=breakdown(rows, split_key),
    )


def evaluate(retriever: Retriever, questions: Sequence[Question], k: int = 10) -> RetrievalReport:
    """Run ``retriever`` on the answerable ``questions`` (``k`` passages each) and score it.

    One untimed warm-up call comes first, so lazy loading is not charged to a question.
    """
    answerable = [q for q in questions if q.answerable]
    if answerable:
        retriever.retrieve(answerable[0].question, k)
    rows = []
    for question in answerable:
        start = time.perf_counter()
        passages = retriever.retrieve(question.question, k)
        ms = (time.perf_counter() - start) * 1000.0
        rows.append(score_question(question, passages[:k], ms))
    return build_report(retriever.name, k, rows)
