"""The theme taxonomy, theme mentions and priority detection, on small texts and the demo index."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.themes import THEMES_FILE, Taxonomy, ThemeIndex, build_theme_index, fold, load_taxonomy
from ingest.errors import ConfigurationError
from ingest.records import Chunk
from ingest.store import read_chunks


def chunk(text: str, section: str = "", chunk_id: str = "c1", doc_id: str = "d1") -> Chunk:
    return Chunk(
        chunk_id=chunk_id, doc_id=doc_id, text=text, section=section, page_start=1, page_end=1, char_start=0,
        char_end=len(text), path="x.txt", title="Plan", municipalities=["Testgem"], doc_type="ivp",
        period="2024-2027", parent_doc_id=None,
    )  # fmt: skip


def priorities(*chunks: Chunk) -> set[tuple[str, str]]:
    return {(p.topic, p.rule) for p in build_theme_index(chunks, load_taxonomy()).priorities}


def test_taxonomy_has_the_vng_fields_and_the_recurring_priorities() -> None:
    taxonomy = load_taxonomy()
    assert {v.id for v in taxonomy.velden} >= {
        "veilige_woon_en_leefomgeving", "bedrijvigheid_en_veiligheid", "jeugd_en_veiligheid",
        "fysieke_veiligheid", "integriteit_en_veiligheid",
    }  # fmt: skip
    themes = {t.id for t in taxonomy.themes}
    wanted = {
        "ondermijning", "high_impact_crimes", "veiligheidsbeleving", "cybercrime", "verward_gedrag",
        "radicalisering_en_polarisatie", "huiselijk_geweld_en_kindermishandeling", "verkeersveiligheid",
    }  # fmt: skip
    assert wanted <= themes
    assert all(t.veld in taxonomy.by_id for t in taxonomy.themes)


def test_fold_and_names_match_variants() -> None:
    taxonomy = load_taxonomy()
    assert fold("Zorg & Veiligheid – één") == "zorg en veiligheid - een"
    assert "zorg_en_veiligheid" in taxonomy.named("Prioriteit: Zorg & Veiligheid")
    assert "cybercrime" in taxonomy.named("Ondermijning en gedigitaliseerde criminaliteit")
    assert taxonomy.resolve("ondermijning") == "ondermijning"
    assert taxonomy.resolve("Verkeersveiligheid") == "verkeersveiligheid"
    assert taxonomy.resolve("high impact crimes") == "high_impact_crimes"
    assert taxonomy.resolve("geen-bestaand-thema") is None


def test_invalid_taxonomy_gives_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "themes.yaml"
    bad.write_text("velden: [{id: a, label: A}]\nthemes: [{id: t, label: T, veld: b, terms: [x]}]\n")
    with pytest.raises(ConfigurationError, match="unknown veld"):
        Taxonomy.load(bad)
    bad.write_text("velden: {{{")
    with pytest.raises(ConfigurationError, match="invalid"):
        Taxonomy.load(bad)


def test_mentions_count_terms_with_a_cap_per_term() -> None:
    counts = load_taxonomy().mentions("Het RIEC, het RIEC en het RIEC helpen bij ondermijning en witwassen.")
    assert counts["ondermijning"] == 2 + 1 + 1  # RIEC capped at two, plus two other terms
    assert "verkeersveiligheid" not in counts


def test_priority_list_with_own_cue() -> None:
    text = "Wij hebben keuzes gemaakt. Dit zijn de volgende prioriteiten:\n• Ondermijning\n• Veiligheidsbeleving"
    assert priorities(chunk(text)) == {("ondermijning", "list"), ("veiligheidsbeleving", "list")}


def test_priorities_of_others_are_not_the_documents_own() -> None:
    police = "In de gezagsdriehoek van de politie zijn twee speerpunten benoemd:\n• Ondermijning\n• Verkeersveiligheid"
    earlier = "In de vorige beleidsperiode waren de speerpunten:\n• Woninginbraak"
    assert priorities(chunk(police), chunk(earlier, chunk_id="c2")) == set()


def test_priority_heading_label_and_sentence_rules() -> None:
    heading = chunk("Tekst over de aanpak.", section="3 Prioriteiten 2024-2027 > 3.2 Huiselijk geweld")
    label = chunk("Prioriteit: Jeugd en veiligheid\nDe aanpak van jeugdgroepen.", chunk_id="c2")
    sentence = chunk("De raad steunt twee prioriteiten, namelijk verkeersveiligheid en cybercrime.", chunk_id="c3")
    assert priorities(heading, label, sentence) == {
        ("huiselijk_geweld_en_kindermishandeling", "heading"),
        ("jeugd_en_veiligheid", "label"),
        ("verkeersveiligheid", "sentence"),
        ("cybercrime", "sentence"),
    }


def test_theme_index_round_trip_and_recompute_on_other_taxonomy(tmp_path: Path) -> None:
    chunks = [chunk("Dit zijn onze prioriteiten:\n• Ondermijning\n• Drugsoverlast")]
    taxonomy = load_taxonomy()
    built = build_theme_index(chunks, taxonomy)
    built.save(tmp_path)
    loaded = ThemeIndex.load(tmp_path, chunks, taxonomy)
    assert loaded.mentions == built.mentions and loaded.priorities == built.priorities
    (tmp_path / THEMES_FILE).write_text('{"taxonomy": "other", "mentions": {}, "priorities": []}')
    assert ThemeIndex.load(tmp_path, chunks, taxonomy).priorities == built.priorities  # recomputed
    (tmp_path / THEMES_FILE).write_text("not json")
    assert ThemeIndex.load(tmp_path, chunks, taxonomy).priorities == built.priorities


def test_demo_index_stores_themes_and_priorities(demo_index: Path) -> None:
    themes = ThemeIndex.load(demo_index, read_chunks(demo_index), load_taxonomy())
    assert (demo_index / THEMES_FILE).exists() and themes.priorities
    by_id = {c.chunk_id: c for c in read_chunks(demo_index)}
    for p in themes.priorities:  # every priority's evidence is in its passage
        assert p.chunk_id in by_id
        start = " ".join(p.evidence.split())[:40]
        assert start in " ".join(by_id[p.chunk_id].text.split()) or start in by_id[p.chunk_id].section
