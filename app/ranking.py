"""Question-aware ranking: the fused passages of search reordered by how well they answer.

Search (``index/search.py``) ranks passages by their words; the answer stage (``app/extractive.py``)
scores sentences by the question's concepts, the kind of value asked for and the list asked for. The
product's ranking uses both: the first :data:`RERANK_DEPTH` fused passages are reordered by their best
sentence's score plus a prior for their fused rank. Comparisons keep their per-gemeente interleaving.
"""

from __future__ import annotations

from dataclasses import replace

from app.extractive import asked_count, question_type, rank_by_answer
from index.analyzer import PARTIAL_MATCH, Concept
from index.search import Filters, Searcher, SearchResult
from ingest.gazetteer import load_gazetteer

RERANK_DEPTH = 15  # fused passages reordered by their answer (15 and 20 measured alike, 30 worse)


def question_concepts(searcher: Searcher, question: str) -> list[Concept]:
    """The question's concepts weighted by the rarity of their terms in the index, without the names of the
    gemeenten the index holds passages of (every passage of a gemeente has them in its context). Another gemeente named
    ("de veiligheidshuizen van Enschede en Almelo") is what the question asks about."""
    own = set(searcher.gemeenten)
    names = [m.surface for m in load_gazetteer().mentions(question) if m.gemeente in own]
    idf = searcher.lexical.idf
    weighted = []
    for concept in searcher.lexical.analyzer.query_concepts(question, skip=names):
        weight = max((idf(t) for t in concept.full), default=0.0)
        weight = weight or PARTIAL_MATCH * max((idf(t) for t in concept.partial), default=0.0)
        if weight > 0:
            weighted.append(replace(concept, weight=weight))
    return weighted


def answer_search(searcher: Searcher, question: str, *, top_k: int = 10, filters: Filters = Filters()) -> SearchResult:
    """Search, then reorder the first :data:`RERANK_DEPTH` passages by how well they answer ``question``."""
    result = searcher.search(question, top_k=max(top_k, RERANK_DEPTH), filters=filters)
    hits = result.hits
    if not result.info.comparison and len(hits) > 1:
        concepts = question_concepts(searcher, question)
        analyze = searcher.lexical.analyzer.terms
        hits = rank_by_answer(hits, concepts, analyze, question_type(question), asked_count(question))
    result.hits = [replace(hit, rank=rank) for rank, hit in enumerate(hits[:top_k], start=1)]
    return result
