"""Loaders: text encodings, PDFs made in the test, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunking import ChunkSettings
from ingest.errors import EmptyDocumentError, IngestError, UnsupportedFileError
from ingest.gazetteer import load_gazetteer
from ingest.loaders import read_file
from ingest.pipeline import process_file
from tests.ingest.pdfs import make_corrupt_pdf, make_encrypted_pdf, make_image_pdf, make_text_pdf

SENTENCE = "De gemeente Enschede zet in op veiligheidsbeleving en financiën: € 50.000 per jaar, zegt ’t college."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_text_encodings_decode_to_the_same_text(tmp_path: Path, encoding: str) -> None:
    text = SENTENCE if encoding != "latin-1" else SENTENCE.replace("€", "EUR").replace("’", "'")
    path = tmp_path / "plan.txt"
    path.write_bytes(text.encode(encoding))
    assert read_file(path).text == text


def test_empty_and_unknown_files_are_refused_with_a_reason(tmp_path: Path) -> None:
    empty = tmp_path / "leeg.txt"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(EmptyDocumentError, match="empty"):
        read_file(empty)
    with pytest.raises(UnsupportedFileError, match=r"unsupported file type '\.docx'"):
        read_file(tmp_path / "plan.docx")


def _plan_pages() -> list[list[str]]:
    return [
        ["1. Inleiding", "Dit plan beschrijft de aanpak van woninginbraken en de samen-",
         "werking met zorginstel-", "lingen in de gemeente Enschede.", "De looptijd is 2025-2028."],
        ["2. Prioriteiten", "De prioriteiten zijn ondermijning en jeugd. Het Zorg-",
         "en Veiligheidshuis ondersteunt de aanpak in Oost-", "Nederland."],
        ["3. Financien", "Het budget bedraagt 40.000 euro per jaar voor preventie.",
         "Wijkagenten houden toezicht in de kernen."],
    ]  # fmt: skip


def test_pdf_pages_and_labels_are_kept(tmp_path: Path) -> None:
    loaded = read_file(make_text_pdf(tmp_path / "plan.pdf", _plan_pages()))
    assert loaded.kind == "pdf"
    assert loaded.page_labels == ("1", "2", "3")
    assert loaded.text.count("\f") == 2
    assert "zorginstel-" in loaded.text


def test_pdf_ingested_end_to_end_cleans_and_keeps_pages(tmp_path: Path) -> None:
    path = make_text_pdf(tmp_path / "plan.pdf", _plan_pages())
    documents, chunks = process_file(path, "plan.pdf", "0" * 64, ChunkSettings(), load_gazetteer(), {})
    text = " ".join(c.text for c in chunks)
    assert "zorginstellingen" in text and "samenwerking" in text
    assert "Zorg- en Veiligheidshuis" in text and "Oost-Nederland" in text
    assert "Integraal Veiligheidsplan Teststad" not in text  # running header removed
    assert "- 2 -" not in text  # page-number footer removed
    assert documents[0].page_labels == ["1", "2", "3"]
    pages = {c.text.split("\n")[0]: (c.page_start, c.page_end) for c in chunks}  # a chapter starts a passage
    assert pages["1. Inleiding"] == (1, 1)
    assert pages["2. Prioriteiten"] == (2, 3)  # the tiny last chapter joins its neighbour
    assert documents[0].meta.municipalities == ["Enschede"]
    assert documents[0].meta.period == "2025-2028"


@pytest.mark.parametrize(
    ("maker", "error", "message"),
    [
        (make_encrypted_pdf, IngestError, "encrypted"),
        (make_image_pdf, EmptyDocumentError, "no text layer"),
        (make_corrupt_pdf, IngestError, "PDF"),
    ],
)
def test_bad_pdfs_raise_one_line_reasons(tmp_path: Path, maker, error, message) -> None:  # type: ignore[no-untyped-def]
    path = maker(tmp_path / "slecht.pdf")
    with pytest.raises(error, match=message) as info:
        read_file(path)
    assert "\n" not in str(info.value)
