"""Question-aware ranking: fused passages reordered by how well they answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.extractive import rank_by_answer
from app.ranking import RERANK_DEPTH, answer_search, question_concepts
from index.analyzer import DutchAnalyzer
from index.search import Searcher
from tests.app.test_extractive import VOCABULARY, concepts, hit


def test_a_passage_holding_the_asked_value_moves_up() -> None:
    analyzer = DutchAnalyzer(VOCABULARY)
    fillers = [hit(f"Het huis organiseert overleg {k} met de partners.", rank=k) for k in range(3)]
    topic = hit("De aanpak van het veiligheidshuis wordt elk jaar besproken in de raad.", rank=3)
    answer = hit("Voor de aanpak van het veiligheidshuis is € 40.000 per jaar begroot.", rank=4)
    question = "Welk bedrag is er voor de aanpak van het veiligheidshuis?"
    ranked = rank_by_answer([*fillers, topic, answer], concepts(analyzer, question), analyzer.terms, "money")
    assert ranked.index(answer) < ranked.index(topic)  # the amount asked for outweighs one rank
    assert ranked.index(topic) < ranked.index(fillers[2])  # naming the question's words outweighs a rank too


def test_the_answer_leads_and_the_fused_rank_breaks_near_ties() -> None:
    analyzer = DutchAnalyzer(VOCABULARY)
    question = "Welk bedrag is er voor de aanpak van het veiligheidshuis?"
    partial = [hit(f"Het veiligheidshuis organiseert overleg {k} met de partners.", rank=k) for k in range(7)]
    answer = hit("Voor de aanpak van het veiligheidshuis is € 40.000 per jaar begroot.", rank=7)
    twin = hit("Voor de aanpak van het veiligheidshuis is € 40.000 per jaar begroot.", rank=8)
    ranked = rank_by_answer([*partial, answer, twin], concepts(analyzer, question), analyzer.terms, "money")
    assert ranked[0] is answer  # the whole answer from the last place outweighs a first place naming one word
    assert ranked.index(answer) < ranked.index(twin)  # between equal answers the fused rank decides
    assert ranked.index(partial[0]) < ranked.index(partial[6])


@pytest.fixture(scope="module")
def searcher(demo_index: Path) -> Searcher:
    return Searcher(demo_index)


def test_answer_search_reorders_only_the_fused_head(searcher: Searcher) -> None:
    question = "Hoeveel formatie heeft het team Veiligheid van Dinkelland?"
    ranked = answer_search(searcher, question, top_k=5)
    assert [h.rank for h in ranked.hits] == [1, 2, 3, 4, 5]
    fused = searcher.search(question, top_k=RERANK_DEPTH).hits
    assert {h.chunk.chunk_id for h in ranked.hits} <= {h.chunk.chunk_id for h in fused}
    assert "3,89" in ranked.hits[0].chunk.text


def test_a_comparison_keeps_its_interleaving_per_gemeente(searcher: Searcher) -> None:
    question = "Vergelijk de aanpak van jeugdoverlast in Dinkelland en Haaksbergen"
    ranked = [h.chunk.chunk_id for h in answer_search(searcher, question, top_k=6).hits]
    assert ranked == [h.chunk.chunk_id for h in searcher.search(question, top_k=6).hits]


def test_only_the_indexed_gemeenten_are_no_concepts(searcher: Searcher) -> None:
    # Hengelo has documents in the index: its name is in every one of its passages' context, so it
    # names no concept; Enschede and Almelo have none, and the question asks about them.
    question = "Wanneer zijn de veiligheidshuizen van Enschede, Hengelo en Almelo samengevoegd?"
    terms = set().union(*(c.full for c in question_concepts(searcher, question)))
    analyze = searcher.lexical.analyzer.terms
    assert set(analyze("Enschede")) <= terms and set(analyze("Almelo")) <= terms
    assert terms.isdisjoint(analyze("Hengelo"))
    assert "Hengelo" in searcher.gemeenten and "Enschede" not in searcher.gemeenten
