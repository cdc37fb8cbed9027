"""Hybrid search on the demo index: filters, strata, query understanding, errors, quality."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from app.cli import main
from eval.metrics import mean, recall_in_budget, reciprocal_rank
from eval.questions import load_questions
from index.query import understand_query, without_designators
from index.search import FilterColumns, Filters, Searcher
from index.settings import SearchSettings
from ingest.errors import BeleidsvraagError, ConfigurationError


@pytest.fixture(scope="module")
def searcher(demo_index: Path) -> Searcher:
    return Searcher(demo_index)


def test_gemeente_filter_applies_to_every_leg(searcher: Searcher) -> None:
    result = searcher.search("ondermijning en drugs", top_k=15, filters=Filters(gemeenten=("Losser",)))
    assert len(result.hits) == 15
    assert all("Losser" in h.chunk.municipalities for h in result.hits)


def test_type_and_year_filters_do_not_starve_results(searcher: Searcher) -> None:
    # a query about another gemeente's plan, restricted to the benchmark: still a full list
    result = searcher.search("prioriteiten Haaksbergen jeugd", top_k=8, filters=Filters(doc_types=("benchmark",)))
    assert len(result.hits) == 8 and {h.chunk.doc_type for h in result.hits} == {"benchmark"}
    result = searcher.search("veiligheid", top_k=10, filters=Filters(years=(2025, 2025)))
    assert result.hits and all(h.chunk.period and h.chunk.period >= "2024" for h in result.hits)


def _reference_mask(searcher: Searcher, f: Filters) -> list[bool]:
    """The filter written out passage by passage, to check the vectorised columns against."""
    out = []
    for c in searcher.chunks:
        years = [int(p) for p in (c.period or "").split("-") if p.isdigit()]
        out.append(
            (not f.gemeenten or bool(set(c.municipalities) & set(f.gemeenten)))
            and (not f.doc_types or c.doc_type in f.doc_types)
            and (not f.doc_ids or c.doc_id in f.doc_ids or c.parent_doc_id in f.doc_ids)
            and (not f.years or (bool(years) and years[0] <= f.years[1] and years[-1] >= f.years[0]))
        )
    return out


def test_filter_columns_match_the_filters_passage_by_passage(searcher: Searcher) -> None:
    chunks = searcher.chunks
    columns = FilterColumns(chunks)
    parent = next(c.parent_doc_id for c in chunks if c.parent_doc_id)
    cases = [
        Filters(), Filters(gemeenten=("Losser",)), Filters(gemeenten=("Losser", "Hengelo")),
        Filters(gemeenten=("Nergenshuizen",)), Filters(doc_types=("ivp", "jaarplan")), Filters(years=(2016, 2016)),
        Filters(doc_ids=(parent,)), Filters(gemeenten=("Hengelo",), doc_types=("jaarplan",), years=(2015, 2017)),
    ]  # fmt: skip
    for f in cases:
        assert columns.mask(f).tolist() == _reference_mask(searcher, f), f
    assert 0 < columns.mask(cases[1]).sum() < len(chunks)


def test_faiss_selector_returns_k_allowed_passages(searcher: Searcher) -> None:
    allowed = np.array([i for i, c in enumerate(searcher.chunks) if c.doc_type == "jaarplan"])
    hits = searcher.vectors.search(searcher.embedder.embed_query("crisisbeheersing"), 10, allowed)
    assert len(hits) == 10 and {i for i, _ in hits} <= set(allowed.tolist())


def test_named_gemeente_becomes_a_filter(searcher: Searcher) -> None:
    result = searcher.search("Wat zijn de prioriteiten in het Haaksbergse veiligheidsplan?", top_k=5)
    assert result.info.gemeenten == ("Haaksbergen",)
    assert all(h.chunk.municipalities == ["Haaksbergen"] for h in result.hits)


def test_unknown_gemeente_is_reported(searcher: Searcher) -> None:
    info = searcher.search("Hoe pakt Zwolle ondermijning aan?").info
    assert info.unknown_gemeenten == ("Zwolle",) and info.gemeenten == ()


GEMEENTEN = ("Losser", "Dinkelland", "Haaksbergen", "Hengelo")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (  # each gemeente asked its own thing
            "Hoeveel handhavers zet Losser dagelijks in op parkeren, "
            "en welk bedrag reserveert Hengelo voor cameratoezicht?",
            {
                "Losser": "Hoeveel handhavers zet Losser dagelijks in op parkeren?",
                "Hengelo": "welk bedrag reserveert Hengelo voor cameratoezicht?",
            },
        ),
        (  # a shared question before the colon stays with every gemeente
            "Welke rol krijgen inwoners: wat belooft Losser voor het nieuwe plan, "
            "en hoe heeft Haaksbergen de bewoners betrokken?",
            {
                "Losser": "Welke rol krijgen inwoners, wat belooft Losser voor het nieuwe plan?",
                "Haaksbergen": "Welke rol krijgen inwoners, hoe heeft Haaksbergen de bewoners betrokken?",
            },
        ),
        (  # "…, en hoe in Haaksbergen?" asks nothing on its own: Haaksbergen keeps the whole question
            "Hoe ontwikkelt de jeugdoverlast zich in Dinkelland, en hoe in Haaksbergen?",
            {"Dinkelland": "Hoe ontwikkelt de jeugdoverlast zich in Dinkelland?"},
        ),
        ("Hoe pakken Losser en Hengelo de jeugdoverlast aan, en wat kost dat?", {}),  # one clause names both
        ("Wat doet Losser aan inbraken, en hoeveel inbraken telt het?", {}),  # no comparison
    ],
)
def test_a_comparison_asks_each_gemeente_its_own_clause(question: str, expected: dict[str, str]) -> None:
    info = understand_query(question, GEMEENTEN)
    assert dict(info.clauses) == expected
    for gemeente in GEMEENTEN:
        assert info.question_for(gemeente, question) == expected.get(gemeente, question)


@pytest.mark.parametrize(
    ("question", "compares"),
    [
        ("Wie zat namens het basisteam waar Losser en Dinkelland onder vallen in de agendacommissie?", False),
        ("Wie had zitting namens het politiebasisteam waartoe Hengelo en Haaksbergen behoren?", False),
        ("Welke projecten vallen onder het IVP van Losser en Hengelo?", True),  # no relative clause: compared
        ("Met wie spraken Dinkelland en Haaksbergen om te horen wat er speelt?", True),  # "horen" = to hear
    ],
)
def test_gemeenten_named_as_members_of_something_are_no_comparison(question: str, compares: bool) -> None:
    """Gemeenten in a relative clause of membership say which basisteam or regio is meant."""
    info = understand_query(question, GEMEENTEN)
    assert info.comparison is compares
    assert len(info.gemeenten) == 2  # still a filter


def test_each_gemeente_is_searched_with_its_own_clause(searcher: Searcher) -> None:
    """The Hengelo clause's words ("burgemeester", "cameratoezicht") no longer draw Losser's passage about
    its burgemeester into the Losser stratum of a question that asks Losser about informing the raad."""
    question = (
        "Hoe wordt de raad in Losser geïnformeerd over veiligheid, en welke rol heeft de burgemeester van Hengelo "
        "bij cameratoezicht?"
    )
    result = searcher.search(question, top_k=6)
    assert dict(result.info.clauses).keys() == {"Losser", "Hengelo"}
    losser = [h.chunk for h in result.hits if h.chunk.municipalities[0] == "Losser"]
    assert losser and not any(c.text.startswith("Rol burgemeester") for c in losser)


def test_comparison_is_stratified_per_gemeente(searcher: Searcher) -> None:
    result = searcher.search("Vergelijk de aanpak van jeugdoverlast in Dinkelland en Haaksbergen", top_k=6)
    assert result.info.comparison
    firsts = [h.chunk.municipalities[0] for h in result.hits]
    assert firsts.count("Dinkelland") == 3 and firsts.count("Haaksbergen") == 3
    result = searcher.search("Welke gemeenten noemen cybercrime als prioriteit?", top_k=10)
    assert {g for h in result.hits for g in h.chunk.municipalities} >= {
        "Losser",
        "Dinkelland",
        "Haaksbergen",
        "Hengelo",
    }


def test_a_named_kind_of_document_counts_more(searcher: Searcher) -> None:
    question = "Welke rol heeft de burgemeester volgens de notitie?"
    assert searcher.search(question).info.doc_types == ("notitie",)
    boosted = [h.chunk.doc_type for h in searcher.search(question, top_k=10).hits]
    plain = Searcher(searcher.folder, SearchSettings(doc_type_boost=0.0))
    unboosted = [h.chunk.doc_type for h in plain.search(question, top_k=10).hits]
    assert boosted.count("notitie") > unboosted.count("notitie")
    assert understand_query("Wat staat er in het raadsvoorstel?", ()).doc_types == ("raadsvoorstel", "voorstel")
    assert understand_query("Wat staat er in het veiligheidsplan?", ()).doc_types == ()


def test_a_named_gemeentes_own_documents_come_before_a_proposal_that_concerns_it(searcher: Searcher) -> None:
    # the Losser council proposal concerns Dinkelland too (a joint plan for four gemeenten)
    question = "Wat doet de gemeenteraad van Dinkelland met het veiligheidsplan?"
    first = [h.chunk.municipalities[0] for h in searcher.search(question, top_k=10).hits]
    plain = Searcher(searcher.folder, SearchSettings(own_gemeente_boost=0.0))
    unboosted = [h.chunk.municipalities[0] for h in plain.search(question, top_k=10).hits]
    assert first[0] == "Dinkelland" and first.count("Dinkelland") >= unboosted.count("Dinkelland")
    assert unboosted[0] == "Losser"  # what the boost changes: the proposal led without it


def test_no_duplicates_and_ranks_in_order(searcher: Searcher) -> None:
    for question in ("samenwerking met partners", "alcohol en drugs onder jongeren", "veiligheidsbeleving"):
        hits = searcher.search(question, top_k=20).hits
        keys = [h.chunk.duplicate_of or h.chunk.chunk_id for h in hits]
        assert len(keys) == len(set(keys))
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))


def test_retrieval_quality_on_our_questions(searcher: Searcher) -> None:
    """A floor under the eval numbers (make eval reports the real ones)."""
    questions = [q for q in load_questions() if q.answerable]
    budget, rr = [], []
    for q in questions:
        texts = [h.chunk.text for h in searcher.search(q.question, top_k=20).hits]
        quotes = [g.quote for g in q.gold]
        budget.append(recall_in_budget(texts, quotes))
        rr.append(reciprocal_rank(texts, quotes))
    assert mean(budget) >= 0.82 and mean(rr) >= 0.62


def test_embedder_mismatch_and_damage_are_clear_errors(demo_index: Path, tmp_path: Path) -> None:
    copy = tmp_path / "index"
    shutil.copytree(demo_index, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["search"]["embedder"]["dim"] = 384
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="dim 384"):
        Searcher(copy)
    (copy / "vectors.faiss").write_bytes(b"broken")
    manifest["search"]["embedder"]["dim"] = 256
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BeleidsvraagError, match="damaged"):
        Searcher(copy)


def test_an_index_from_another_analyzer_version_asks_for_a_new_ingest(demo_index: Path, tmp_path: Path) -> None:
    """Terms stemmed by an older analyzer would silently miss the query's terms: refuse, with a message."""
    copy = tmp_path / "index"
    shutil.copytree(demo_index, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["search"]["analyzer"] = "nl-0"
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BeleidsvraagError, match=r"analyzer.*beleidsvraag ingest"):
        Searcher(copy)
    result = CliRunner().invoke(main, ["search", "cameratoezicht", "--index", str(copy)])
    assert result.exit_code == 2 and "ingest" in result.output and "Traceback" not in result.output


def test_cli_search_json_and_batch(demo_index: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["search", "cameratoezicht", "--index", str(demo_index), "--json", "--top-k", "3"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"query", "filters", "gemeenten_detected", "unknown_gemeenten", "hits"}
    hit = data["hits"][0]
    keys = {"rank", "chunk_id", "score", "text", "section", "page_start", "page_end", "themes", "document"}
    assert set(hit) == keys
    assert "toezicht_en_handhaving" in hit["themes"]  # cameratoezicht is one of its terms
    assert set(hit["document"]) == {"doc_id", "path", "title", "municipalities", "doc_type", "period"}
    batch = runner.invoke(
        main, ["search", "-", "--index", str(demo_index)], input="jeugd\n\nHaaksbergse prioriteiten\n"
    )
    lines = [json.loads(line) for line in batch.output.splitlines()]
    assert [line["query"] for line in lines] == ["jeugd", "Haaksbergse prioriteiten"]
    bad = runner.invoke(main, ["search", "jeugd", "--index", str(demo_index), "--gemeente", "Zwolle"])
    assert bad.exit_code == 2 and "Zwolle" in bad.output and "Traceback" not in bad.output


def test_next_chunk_follows_the_document(searcher: Searcher) -> None:
    chunks = searcher.chunks
    for chunk in chunks[:50]:
        following = searcher.next_chunk(chunk)
        if following is None:  # the last passage of its (sub-)document
            assert not any(c.doc_id == chunk.doc_id and c.char_start > chunk.char_start for c in chunks)
            continue
        assert following.doc_id == chunk.doc_id and following.char_start >= chunk.char_end
        assert not any(
            c.doc_id == chunk.doc_id and chunk.char_start < c.char_start < following.char_start for c in chunks
        )


@pytest.mark.parametrize(
    ("question", "periods", "rest"),
    [
        ("Hoe typeren Losser (IVP 2013-2016) en Haaksbergen (IVP 2024-2027) drugsoverlast?",
         (("Losser", 2013, 2016), ("Haaksbergen", 2024, 2027)), "Hoe typeren Losser en Haaksbergen drugsoverlast?"),
        ("Wat zegt het Losserse IVP 2013-16 over cameratoezicht?", (("Losser", 2013, 2016),),
         "Wat zegt over cameratoezicht?"),
        ("Welke score kreeg wijkaanpak in de G32-benchmark 2015 van Hengelo?", (("Hengelo", 2015, 2015),),
         "Welke score kreeg wijkaanpak van Hengelo?"),
        ("Welk bedrag noemt het RIEC in zijn jaarplan 2016 voor personeel?", (("", 2016, 2016),),
         "Welk bedrag noemt het RIEC voor personeel?"),
        # a year that names no document is what the question asks about; too little left keeps the question
        ("Hoeveel inbraken waren er in 2015 in Hengelo?", (), "Hoeveel inbraken waren er in 2015 in Hengelo?"),
        ("Wat staat in het IVP 2013-2016?", (("", 2013, 2016),), "Wat staat in het IVP 2013-2016?"),
    ],
)  # fmt: skip
def test_a_document_named_by_kind_and_period_is_a_filter_not_search_words(
    question: str, periods: tuple[tuple[str, int, int], ...], rest: str
) -> None:
    gemeenten = ("Losser", "Haaksbergen", "Hengelo")
    assert understand_query(question, gemeenten).periods == periods
    assert without_designators(question) == rest


def test_the_period_of_a_named_document_counts_more(searcher: Searcher) -> None:
    # Losser has a plan for 2013-2016 and a proposal for 2025-2026; the question names the proposal's period
    question = "Wie betaalt mee aan het veiligheidsbeleid volgens het Losserse voorstel 2025-2026?"
    boosted = [h.chunk.period for h in searcher.search(question, top_k=10).hits]
    plain = Searcher(searcher.folder, SearchSettings(period_boost=0.0))
    unboosted = [h.chunk.period for h in plain.search(question, top_k=10).hits]
    assert boosted.count("2025-2026") > unboosted.count("2025-2026")
    # the designation's words do not search: without the boost, the question ranks as if it did not name it
    named = [h.chunk.chunk_id for h in plain.search("Hoe betrekt Losser (IVP 2013-2016) inwoners?", top_k=10).hits]
    bare = [h.chunk.chunk_id for h in plain.search("Hoe betrekt Losser inwoners?", top_k=10).hits]
    assert named == bare
