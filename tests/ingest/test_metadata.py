"""Metadata inference on every demo file and sub-document, and its building blocks."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from ingest.gazetteer import load_gazetteer
from ingest.metadata import apply_manifest, infer_period, load_manifest, manifest_entry
from ingest.records import Document, DocumentMeta
from ingest.store import read_documents


@pytest.fixture(scope="module")
def documents(demo_index: Path) -> list[Document]:
    return read_documents(demo_index)


def _by_file(documents: list[Document], prefix: str) -> list[Document]:
    return [d for d in documents if Path(d.path).name.startswith(prefix)]


@pytest.mark.parametrize(
    ("prefix", "gemeente", "doc_type", "period"),
    [
        ("000", "Losser", "ivp", "2013-2016"),
        ("001", "Losser", "raadsvoorstel", "2025-2026"),
        ("002", "Dinkelland", "ivp", "2024-2026"),
        ("003", "Haaksbergen", "ivp", "2024-2027"),
    ],
)
def test_single_documents(documents: list[Document], prefix: str, gemeente: str, doc_type: str, period: str) -> None:
    (doc,) = _by_file(documents, prefix)
    assert doc.meta.municipalities[0] == gemeente
    assert (doc.meta.doc_type, doc.meta.period) == (doc_type, period)
    assert doc.parent_doc_id is None and doc.chunk_count > 0


def test_regional_proposal_lists_all_its_gemeenten(documents: list[Document]) -> None:
    (doc,) = _by_file(documents, "001")
    assert set(doc.meta.municipalities) == {"Losser", "Tubbergen", "Dinkelland", "Oldenzaal"}
    assert "Verlengen Integraal Veiligheidsbeleid" in doc.meta.title


def test_compound_file_is_split_into_typed_sub_documents(documents: list[Document]) -> None:
    parent, *subs = _by_file(documents, "004")
    assert parent.parent_doc_id is None and len(subs) >= 6
    assert all(s.parent_doc_id == parent.doc_id and s.meta.municipalities == ["Hengelo"] for s in subs)
    found = [(s.meta.doc_type, s.meta.period) for s in subs]
    assert found[0][0] == "raadsbrief"
    assert ("ivp", "2017-2020") in found
    assert ("jaarplan", "2016") in found  # the RIEC jaarplan
    assert ("jaarplan", "2017") in found  # the jaarplan bevolkingszorg
    assert ("meerjarenplan", "2016-2020") in found
    assert ("benchmark", "2015") in found
    assert "notitie" in {t for t, _ in found}
    assert [s.char_start for s in subs] == sorted(s.char_start for s in subs)
    assert all(a.char_end <= b.char_start <= a.char_end + 1 for a, b in itertools.pairwise(subs))
    assert parent.chunk_count == sum(s.chunk_count for s in subs)


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("Integraal Veiligheidsplan 2024 t/m 2027", "2024-2027"),
        ("het veiligheidsplan voor 2024 tot en met 2027", "2024-2027"),
        ("Beleidsplan 2019–2022 (vorige periode 2015-2018)", "2019-2022"),
        ("verlengen voor de jaren 2025 en 2026", "2025-2026"),
    ],
)
def test_period_forms(text: str, period: str) -> None:
    assert infer_period(text, text, "ivp") == period


def test_annual_documents_get_one_year() -> None:
    assert infer_period("Jaarplan 2016 RIEC Oost-Nederland", "", "jaarplan") == "2016"


def test_gazetteer_knows_adjectives_aliases_and_ordinary_words() -> None:
    gazetteer = load_gazetteer()
    assert len(gazetteer.names) >= 340
    counts = gazetteer.count("De Hengelose aanpak, de Losserse raad, Haaksbergse wijken en Den Bosch.")
    assert set(counts) == {"Hengelo", "Losser", "Haaksbergen", "'s-Hertogenbosch"}
    assert "Best" not in gazetteer.count("Het is best lastig. Best is het om samen te werken.")
    assert "Best" in gazetteer.count("Het is best lastig in de gemeente Best.")
    # every form a mention can take is among a gemeente's surface forms (a text without them names it nowhere)
    forms = gazetteer.forms_of("'s-Hertogenbosch")
    assert {"'s-Hertogenbosch", "Den Bosch", "Bossche"} <= set(forms)
    assert all(m.surface in forms for m in gazetteer.mentions("De Bossche raad en Den Bosch zelf."))


def test_manifest_yaml_and_csv_override_inference(tmp_path: Path) -> None:
    yaml_path = tmp_path / "manifest.yaml"
    yaml_path.write_text(
        "documents:\n  corpus/plan.txt:\n    title: Mijn plan\n    municipalities: [Almelo, Borne]\n"
        "    source_url: https://example.org/plan.pdf\n",
        encoding="utf-8",
    )
    csv_path = tmp_path / "manifest.csv"
    csv_path.write_text("path,doc_type,period,municipalities\nplan.txt,jaarplan,2023,Almelo;Borne\n", encoding="utf-8")
    meta = DocumentMeta("Oud", ["Hengelo"], "ivp", "2017-2020")
    entry = manifest_entry(load_manifest(yaml_path), tmp_path / "corpus" / "plan.txt", root=tmp_path)
    apply_manifest(meta, entry, whole_file=True)
    assert (meta.title, meta.municipalities, meta.source_url) == ("Mijn plan", ["Almelo", "Borne"], entry["source_url"])
    entry = manifest_entry(load_manifest(csv_path), tmp_path / "corpus" / "plan.txt", root=tmp_path)
    apply_manifest(meta, entry, whole_file=True)
    assert (meta.doc_type, meta.period, meta.municipalities) == ("jaarplan", "2023", ["Almelo", "Borne"])
    assert meta.evidence["period"] == "manifest"
