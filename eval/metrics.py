"""Retrieval and answer metrics: pure functions over texts, with per-question rows.

Gold is (file, quote); a quote counts as found in a passage when it stands in it
after case folding, whitespace collapsing and bullet removal, so the metrics
survive re-chunking and cleaning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

BUDGET_CHARS = 4000


def normalize(text: str) -> str:
    text = text.replace("•", " ").replace("\u00ad", "")
    text = re.sub(r"\s+", " ", text.casefold())
    return re.sub(r" (?=[.,;:)])", "", text).strip()


def contains(passage: str, quote: str) -> bool:
    return normalize(quote) in normalize(passage)


def first_rank(passages: Sequence[str], quotes: Sequence[str], k: int = 10) -> int | None:
    """1-based rank of the first passage holding any gold quote, within ``k``."""
    for rank, passage in enumerate(passages[:k], start=1):
        if any(contains(passage, q) for q in quotes):
            return rank
    return None


def reciprocal_rank(passages: Sequence[str], quotes: Sequence[str], k: int = 10) -> float:
    rank = first_rank(passages, quotes, k)
    return 1.0 / rank if rank else 0.0


def recall_at_k(passages: Sequence[str], quotes: Sequence[str], k: int = 5) -> float:
    """Share of gold quotes found in the first ``k`` passages."""
    if not quotes:
        return 0.0
    return sum(any(contains(p, q) for p in passages[:k]) for q in quotes) / len(quotes)


def recall_in_budget(passages: Sequence[str], quotes: Sequence[str], budget: int = BUDGET_CHARS) -> float:
    """Share of gold quotes inside the first ``budget`` characters of evidence."""
    if not quotes:
        return 0.0
    evidence, used = [], 0
    for passage in passages:
        if used >= budget:
            break
        evidence.append(passage[: budget - used])
        used += len(passage)
    joined = "\n".join(evidence)
    return sum(contains(joined, q) for q in quotes) / len(quotes)


def key_term_recall(answer: str, key_terms: Sequence[str], budget: int = 1000) -> float:
    """Share of key terms in the first ``budget`` characters of an answer."""
    if not key_terms:
        return 0.0
    head = normalize(answer[:budget])
    return sum(normalize(t) in head for t in key_terms) / len(key_terms)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
