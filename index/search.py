"""Hybrid search over an index folder: filters, fusion, duplicates, strata.

One :class:`Searcher` holds the loaded resources (chunks, lexical index,
vectors, embedder); the steps are :class:`FilterColumns` (filter masks),
:func:`fuse` and :func:`drop_duplicates`.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.analyzer import ANALYZER_VERSION
from index.dense import EMBEDDER_FILE, CharLsaEmbedder, Embedder, VectorIndex, load_embedder
from index.lexical import LexicalIndex
from index.ngram import NgramIndex
from index.query import QueryInfo, named_doc_types, understand_query, without_designators
from index.rerank import CrossEncoderReranker, rerank
from index.settings import SearchSettings
from index.themes import ThemeIndex, load_taxonomy
from ingest.errors import BeleidsvraagError, ConfigurationError
from ingest.records import Chunk
from ingest.store import IndexCorruptError, read_chunks, read_manifest

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Filters:
    """Restrictions on passages; empty means no restriction."""

    gemeenten: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    years: tuple[int, int] | None = None  # inclusive range the document's period must overlap
    doc_ids: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v}


@dataclass(frozen=True, slots=True)
class Hit:
    """A ranked passage with its document."""

    rank: int
    score: float
    chunk: Chunk
    themes: tuple[str, ...] = ()  # theme ids the passage mentions, most mentioned first

    def to_json(self) -> dict[str, Any]:
        c = self.chunk
        return {
            "rank": self.rank, "chunk_id": c.chunk_id, "score": round(self.score, 6), "text": c.text,
            "section": c.section, "page_start": c.page_start, "page_end": c.page_end, "themes": list(self.themes),
            "document": {"doc_id": c.doc_id, "path": c.path, "title": c.title, "municipalities": c.municipalities,
                         "doc_type": c.doc_type, "period": c.period},
        }  # fmt: skip


@dataclass(slots=True)
class SearchResult:
    query: str
    filters: Filters
    info: QueryInfo
    hits: list[Hit] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "filters": self.filters.to_json(),
            "gemeenten_detected": list(self.info.gemeenten),
            "unknown_gemeenten": list(self.info.unknown_gemeenten),
            "comparison": self.info.comparison,
            "doc_types_detected": list(self.info.doc_types),
            "hits": [h.to_json() for h in self.hits],
        }


def index_text(chunk: Chunk) -> str:
    """What the search legs see of a passage: its document title and section too."""
    return f"{chunk.title}\n{chunk.section}\n{chunk.text}"


class Searcher:
    """A loaded index folder, ready to answer queries."""

    def __init__(self, folder: Path, settings: SearchSettings | None = None) -> None:
        self.folder = folder
        self.settings = settings or SearchSettings()
        self.manifest = read_manifest(folder)
        section = self.manifest.get("search")
        if not section:
            raise IndexCorruptError(f"{folder} has no search index; run 'beleidsvraag ingest' again")
        self.chunks: list[Chunk] = read_chunks(folder)
        if section.get("analyzer") != ANALYZER_VERSION:
            raise IndexCorruptError(
                f"{folder} was built with another version of the Dutch analyzer "
                f"({section.get('analyzer')}, now {ANALYZER_VERSION}); run 'beleidsvraag ingest' again"
            )
        if len(self.chunks) != section.get("chunks"):
            raise IndexCorruptError(f"{folder}: chunks and search index disagree; run 'beleidsvraag ingest' again")
        try:
            self.lexical = LexicalIndex.load(folder)
            self.vectors = VectorIndex.load(folder, settings=self.settings)
            config = json.loads((folder / EMBEDDER_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError, RuntimeError) as exc:
            raise IndexCorruptError(f"{folder}: search index is damaged ({exc}); run 'beleidsvraag ingest'") from exc
        self.embedder: Embedder = load_embedder(folder, config)
        encoder = self.embedder if isinstance(self.embedder, CharLsaEmbedder) else CharLsaEmbedder.load(folder)
        self.ngram = NgramIndex.load(folder, encoder)  # the built-in embedder's n-grams, loaded once
        check_embedder(self.embedder, self.vectors, section)
        self.reranker = CrossEncoderReranker(self.settings.reranker) if self.settings.reranker else None
        self.gemeenten = sorted({g for c in self.chunks for g in c.municipalities})
        #: gemeenten with documents of their own (a document's first gemeente), not only mentioned in another's
        self.own_gemeenten = sorted({c.municipalities[0] for c in self.chunks if c.municipalities})
        self.filter_columns = FilterColumns(self.chunks)
        self._texts = [c.text for c in self.chunks]
        ordered = sorted(self.chunks, key=lambda c: (c.doc_id, c.char_start))
        self._next = {a.chunk_id: b for a, b in itertools.pairwise(ordered) if a.doc_id == b.doc_id}
        self.themes = ThemeIndex.load(folder, self.chunks, load_taxonomy())

    def next_chunk(self, chunk: Chunk) -> Chunk | None:
        """The passage that follows ``chunk`` in its (sub-)document, if any."""
        return self._next.get(chunk.chunk_id)

    def search(self, query: str, *, top_k: int = 10, filters: Filters = Filters()) -> SearchResult:
        """Ranked passages for a query; gemeenten named in it filter (or, for a
        comparison, stratify) unless the caller gave gemeente filters."""
        info = understand_query(query, self.gemeenten)
        result = SearchResult(query, filters, info)
        if not query.strip():
            return result
        whole = self._legs(without_designators(query))
        strata = self._strata(info, filters)
        per_stratum = max(2, -(-top_k // len(strata))) if len(strata) > 1 else top_k
        ranked: list[list[tuple[int, float]]] = []
        for stratum in strata:
            mask = self.filter_columns.mask(stratum)
            if not mask.any() and stratum.gemeenten and not filters.gemeenten:
                mask = self.filter_columns.mask(Filters(doc_types=stratum.doc_types))
            # a comparison asking each gemeente its own thing searches each with its own clause
            asked = info.question_for(stratum.gemeenten[0], query) if len(stratum.gemeenten) == 1 else query
            legs, doc_types = (
                (whole, info.doc_types)
                if asked == query
                else (_stress(whole, self._legs(without_designators(asked))), named_doc_types(asked))
            )
            periods = info.periods_for(stratum.gemeenten)
            ranked.append(self._rank(asked, legs, mask, per_stratum, doc_types, stratum.gemeenten, periods))
        merged = interleave(ranked)[:top_k] if len(ranked) > 1 else ranked[0][:top_k]
        result.hits = [
            Hit(rank + 1, score, self.chunks[i], tuple(self.themes.themes_of(self.chunks[i].chunk_id)))
            for rank, (i, score) in enumerate(merged)
        ]
        return result

    def _legs(self, query: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The BM25 scores, the n-gram scores and the query vector of ``query``."""
        return self.lexical.scores(query), self.ngram.scores(query), self.embedder.embed_query(query)

    def _strata(self, info: QueryInfo, filters: Filters) -> list[Filters]:
        if filters.gemeenten:
            return [filters]
        gemeenten = info.gemeenten or (tuple(self.gemeenten) if info.comparison else ())
        if info.comparison and len(gemeenten) > 1:
            return [Filters((g,), filters.doc_types, filters.years, filters.doc_ids) for g in gemeenten]
        return [Filters(gemeenten, filters.doc_types, filters.years, filters.doc_ids)]

    def _rank(
        self,
        query: str,
        legs: tuple[np.ndarray, np.ndarray, np.ndarray],
        mask: np.ndarray,
        k: int,
        doc_types: tuple[str, ...] = (),
        gemeenten: tuple[str, ...] = (),
        periods: tuple[tuple[int, int], ...] = (),
    ) -> list[tuple[int, float]]:
        """Fused, de-duplicated (and optionally reranked) passages within ``mask``; passages from the kinds
        of document in ``doc_types`` (named in the question) count a little more, and so do passages from
        a document of one of ``gemeenten`` itself (its first gemeente) over one that only concerns it, and
        passages from a document whose period overlaps one of ``periods`` (the documents the question names).

        ``legs`` holds the BM25 scores, the n-gram scores and the query vector.
        """
        lexical, ngram, dense_query = legs
        s = self.settings
        allowed = np.flatnonzero(mask)
        if allowed.size == 0:
            return []
        lex_top = _top(lexical, mask, s.candidates)
        ngram_top = _top(ngram, mask, s.candidates)
        dense_hits = self.vectors.search(dense_query, s.candidates, None if mask.all() else allowed)
        dense_top = [i for i, score in dense_hits if score > s.min_dense_score]
        fused = fuse([lex_top, ngram_top, dense_top], [s.lexical_weight, s.ngram_weight, s.dense_weight], s.rrf_k)
        if (doc_types and s.doc_type_boost) or (gemeenten and s.own_gemeente_boost) or (periods and s.period_boost):
            fused = [(i, score * self._boost(self.chunks[i], doc_types, gemeenten, periods)) for i, score in fused]
            fused.sort(key=lambda item: -item[1])
        ranked = drop_duplicates(fused, self.chunks)
        if self.reranker is not None:
            ranked = rerank(self.reranker, query, ranked, self._texts, s.rerank_depth)
        return ranked[:k]

    def _boost(
        self, chunk: Chunk, doc_types: tuple[str, ...], gemeenten: tuple[str, ...], periods: tuple[tuple[int, int], ...]
    ) -> float:
        s = self.settings
        boost = 1.0 + (s.doc_type_boost if chunk.doc_type in doc_types else 0.0)
        own = bool(chunk.municipalities) and chunk.municipalities[0] in gemeenten
        first, last = _period_span(chunk.period)
        named = first >= 0 and any(first <= b and a <= last for a, b in periods)
        return boost * (1.0 + (s.own_gemeente_boost if own else 0.0)) * (1.0 + (s.period_boost if named else 0.0))


def _stress(
    whole: tuple[np.ndarray, np.ndarray, np.ndarray], own: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The legs of a whole question with those of one clause added: the clause's words count twice, the
    rest of the question (which may hold the topic the clause leaves out) once."""
    vector = whole[2] + own[2]
    norm = float(np.linalg.norm(vector))
    return whole[0] + own[0], whole[1] + own[1], vector / norm if norm else vector


def _top(scores: np.ndarray, mask: np.ndarray, k: int) -> list[int]:
    """Positions of the ``k`` best positive scores among the allowed passages."""
    masked = np.where(mask, scores, 0.0)
    if k < len(masked):
        best = np.argpartition(-masked, k)[:k]  # the k best in any order, then sorted: no full sort
        order = best[np.argsort(-masked[best], kind="stable")]
    else:
        order = np.argsort(-masked, kind="stable")
    return [int(i) for i in order[:k] if masked[i] > 0]


def check_embedder(embedder: Embedder, vectors: VectorIndex, section: dict[str, Any]) -> None:
    """Refuse an index whose vectors were made by another embedder or dimension."""
    built = section.get("embedder", {})
    if built.get("name") != embedder.name or int(built.get("dim", -1)) != embedder.dim or vectors.dim != embedder.dim:
        raise ConfigurationError(
            f"index built with embedder {built.get('name')} (dim {built.get('dim')}), "
            f"but {embedder.name} (dim {embedder.dim}) is configured; run 'beleidsvraag ingest' again"
        )


class FilterColumns:
    """The filterable fields of all passages as arrays, built once per loaded index, so a filter costs a
    few vector operations instead of a Python loop over every passage (that loop cost milliseconds per
    query at 66,000 passages)."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.size = len(chunks)
        positions: dict[str, list[int]] = {}
        for i, chunk in enumerate(chunks):
            for gemeente in set(chunk.municipalities):
                positions.setdefault(gemeente, []).append(i)
        self._gemeenten = {g: np.array(p, dtype=np.int64) for g, p in positions.items()}
        self._doc_types = np.array([c.doc_type for c in chunks], dtype=object)
        self._doc_ids = np.array([c.doc_id for c in chunks], dtype=object)
        self._parents = np.array([c.parent_doc_id or "" for c in chunks], dtype=object)
        spans = [_period_span(c.period) for c in chunks]
        self._starts = np.array([a for a, _ in spans], dtype=np.int64)
        self._ends = np.array([b for _, b in spans], dtype=np.int64)

    def mask(self, filters: Filters) -> np.ndarray:
        """Boolean mask of the passages a filter allows."""
        mask = np.ones(self.size, dtype=bool)
        if filters.gemeenten:
            wanted = np.zeros(self.size, dtype=bool)
            for gemeente in filters.gemeenten:
                wanted[self._gemeenten.get(gemeente, np.empty(0, dtype=np.int64))] = True
            mask &= wanted
        if filters.doc_types:
            mask &= np.isin(self._doc_types, list(filters.doc_types))
        if filters.doc_ids:
            ids = list(filters.doc_ids)
            mask &= np.isin(self._doc_ids, ids) | np.isin(self._parents, ids)
        if filters.years:
            first, last = filters.years
            mask &= (self._starts >= 0) & (self._starts <= last) & (self._ends >= first)
        return mask


def _period_span(period: str | None) -> tuple[int, int]:
    """First and last year of a period, (-1, -1) when unknown."""
    parts = [int(p) for p in (period or "").split("-") if p.isdigit()]
    return (parts[0], parts[-1]) if parts else (-1, -1)


def fuse(rankings: Sequence[Sequence[int]], weights: Sequence[float], k: float) -> list[tuple[int, float]]:
    """Weighted reciprocal-rank fusion; returns (position, score) best first."""
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, i in enumerate(ranking):
            scores[i] = scores.get(i, 0.0) + weight / (k + rank + 1)
    return sorted(scores.items(), key=lambda item: -item[1])


def drop_duplicates(ranked: Sequence[tuple[int, float]], chunks: Sequence[Chunk]) -> list[tuple[int, float]]:
    """Keep the best of passages that repeat each other (``duplicate_of``)."""
    seen: set[str] = set()
    kept = []
    for i, score in ranked:
        key = chunks[i].duplicate_of or chunks[i].chunk_id
        if key not in seen:
            seen.add(key)
            kept.append((i, score))
    return kept


def interleave(rankings: Sequence[Sequence[tuple[int, float]]]) -> list[tuple[int, float]]:
    """Round-robin merge of per-stratum rankings, so no stratum is crowded out."""
    merged: list[tuple[int, float]] = []
    for depth in range(max((len(r) for r in rankings), default=0)):
        merged += [r[depth] for r in rankings if depth < len(r)]
    return merged


def open_searcher(folder: Path, settings: SearchSettings | None = None) -> Searcher:
    try:
        return Searcher(folder, settings)
    except BeleidsvraagError:
        raise
    except (OSError, ValueError, KeyError) as exc:
        raise IndexCorruptError(f"cannot load the index in {folder} ({exc}); run 'beleidsvraag ingest'") from exc
