"""Optional reranking of the fused candidates by a cross-encoder.

Off by default: the eval showed no cheap built-in reranking step that helps
(query-term coverage and proximity reranking did not), so none is applied.
A sentence-transformers cross-encoder (name or local path) can be configured.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from index.dense import load_local_model


class Reranker(Protocol):
    name: str

    def scores(self, query: str, passages: Sequence[str]) -> list[float]: ...


class CrossEncoderReranker:
    """A sentence-transformers ``CrossEncoder`` loaded offline by name or path."""

    def __init__(self, model: str, *, device: str = "cpu") -> None:
        from sentence_transformers import CrossEncoder

        self._model = load_local_model(CrossEncoder, model, "reranker", device=device)
        self.name = f"cross-encoder:{model}"

    def scores(self, query: str, passages: Sequence[str]) -> list[float]:
        if not passages:
            return []
        return [float(s) for s in self._model.predict([(query, p) for p in passages])]


def rerank(
    reranker: Reranker, query: str, ranked: Sequence[tuple[int, float]], texts: Sequence[str], depth: int
) -> list[tuple[int, float]]:
    """Reorder the first ``depth`` candidates by the reranker; the rest keep their order."""
    head, tail = list(ranked[:depth]), list(ranked[depth:])
    scores = reranker.scores(query, [texts[i] for i, _ in head])
    reordered = [(i, s) for (i, _), s in sorted(zip(head, scores, strict=True), key=lambda x: -x[1])]
    return reordered + tail
