"""Chunks: sizes, provenance and faithfulness on the demo index."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

from ingest.chunking import split_sentences
from ingest.clean import clean_text, split_pages
from ingest.store import read_chunks, read_documents


def test_chunks_are_exact_slices_with_provenance(demo_index: Path) -> None:
    chunks = read_chunks(demo_index)
    documents = {d.doc_id: d for d in read_documents(demo_index)}
    texts: dict[str, str] = {}
    for chunk in chunks:
        if chunk.path not in texts:
            raw = (Path(__file__).resolve().parents[2] / chunk.path).read_text(encoding="utf-8")
            texts[chunk.path] = split_pages(clean_text(raw))[0]
        assert texts[chunk.path][chunk.char_start : chunk.char_end] == chunk.text
        doc = documents[chunk.doc_id]
        assert doc.char_start <= chunk.char_start < chunk.char_end <= doc.char_end  # never crosses a sub-document
        assert chunk.municipalities and chunk.doc_type and chunk.title


def test_chunk_sizes_and_no_overlap(demo_index: Path) -> None:
    chunks = read_chunks(demo_index)
    sizes = sorted(len(c.text) for c in chunks)
    assert sizes[len(sizes) // 2] >= 500 and sizes[-1] <= 1600
    by_doc: dict[str, list[tuple[int, int]]] = {}
    for c in chunks:
        by_doc.setdefault(c.doc_id, []).append((c.char_start, c.char_end))
    for spans in by_doc.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_pages_and_sections_are_known_where_the_source_has_them(demo_index: Path) -> None:
    chunks = read_chunks(demo_index)
    paged = [c for c in chunks if not c.path.endswith("001_f058561dd9647f7f.txt")]
    assert all(c.page_start is not None and c.page_start <= (c.page_end or 0) for c in paged)
    assert all(c.page_start is None for c in chunks if c.path.endswith("001_f058561dd9647f7f.txt"))
    assert sum(1 for c in chunks if c.section) > 0.8 * len(chunks)


def test_dutch_abbreviations_do_not_end_sentences() -> None:
    text = "Dit doen we o.a. met dhr. Jansen, conform art. 5 van de APV. Daarna volgt de evaluatie."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Dit doen we o.a. met dhr. Jansen, conform art. 5 van de APV.",
        "Daarna volgt de evaluatie.",
    ]


def test_a_currency_sign_with_a_full_stop_ends_no_sentence() -> None:
    text = "De bijdrage aan Halt is €. 5.668,-- per jaar. Daarna volgt de evaluatie."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "De bijdrage aan Halt is €. 5.668,-- per jaar.",
        "Daarna volgt de evaluatie.",
    ]


def test_sentence_splitting_does_not_load_torch_but_leaves_it_importable() -> None:
    """spaCy's thinc would import torch (seconds) for nothing; in a fresh process it stays unloaded, and
    a neural embedder imported afterwards still gets it."""
    code = (
        "import sys\n"
        "from ingest.chunking import split_sentences\n"
        "assert split_sentences('Een zin. Nog een zin.') == [(0, 8), (9, 21)]\n"
        "assert 'torch' not in sys.modules\n"
        "import torch\n"
        "assert torch.zeros(2).sum().item() == 0\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_a_signature_role_is_no_heading() -> None:
    from ingest.structure import body_follows, find_headings, is_signature_role, split_paragraphs

    text = (
        "1 Inleiding\n"
        "Het plan beschrijft de aanpak van de komende vier jaar voor alle inwoners en ondernemers van de gemeente.\n"
        "Rob Welten\n"
        "Burgemeester gemeente Haaksbergen\n"
        "Voor u ligt het integraal veiligheidsplan; het helpt ons de komende jaren de veiligheid te vergroten.\n"
        "2 Aanpak\n"
        "De aanpak volgt hieronder en geldt voor de hele periode van het plan, met jaarlijkse uitvoeringsplannen.\n"
    )
    paragraphs = split_paragraphs(text)
    titles = [h.title for h in find_headings(paragraphs, body_follows(paragraphs))]
    assert titles == ["Inleiding", "Aanpak"]
    assert is_signature_role("Wethouder Veiligheid", "drs. J.A. de Vries")
    assert not is_signature_role("Burgemeester en wethouders", "Samenvatting")  # a heading after a heading


def test_footnotes_at_the_foot_of_a_page_are_no_headings() -> None:
    from ingest.structure import body_follows, find_headings, page_bottoms, split_paragraphs

    body = (
        "De aanpak richt zich op de wijken waar bewoners zich het minst veilig voelen en de overlast het grootst is.\n"
    )
    page1 = (
        "1 Inleiding\n"
        + body
        + "2 Prioriteiten\n"
        + body
        + "3 Veiligheidsmonitor 2015\n4 Veiligheidsanalyse met partners\n"
    )
    page2 = body + "2.1 Veilige wijken\n" + body
    text = page1 + page2
    paragraphs = split_paragraphs(text)
    bottoms = page_bottoms(paragraphs, [0, len(page1)])
    titles = [h.title for h in find_headings(paragraphs, body_follows(paragraphs), bottoms)]
    assert titles == ["Inleiding", "Prioriteiten", "Veilige wijken"]
    assert bottoms.index(True) == 5  # the last footnote closes page 1
    assert page_bottoms(paragraphs, []) == [False] * len(paragraphs)  # no page breaks: pages unknown
    # without the page signal the notes read as chapters 3 and 4, a longer chain than "2.1"
    assert [h.title for h in find_headings(paragraphs, body_follows(paragraphs))][2:] == [
        "Veiligheidsmonitor 2015",
        "Veiligheidsanalyse met partners",
    ]


def test_a_numbered_list_item_does_not_hide_the_headings_after_it() -> None:
    from ingest.structure import body_follows, find_headings, numbered_chain, split_paragraphs

    body = "In deze periode lag de nadruk op samenwerking met politie, zorgpartners en bewoners in alle wijken.\n"
    text = (
        "1 Inleiding\n" + body + "1.1 Speerpunten vorige periode\n" + body
        + "2. Veilige wijken\n3. Integraal toezicht\n4. Bestuurlijke aanpak\n"
        + "1.2 Ontwikkelingen\n" + body + "2 Prioriteiten\n" + body + "2.1 Binnenstad\n" + body
        + "2.2 Jeugd\n" + body + "3 Organisatie\n" + body
    )  # fmt: skip
    paragraphs = split_paragraphs(text)
    numbers = [h.number for h in find_headings(paragraphs, body_follows(paragraphs))]
    assert numbers == ["1", "1.1", "1.2", "2", "2.1", "2.2", "3"]
    assert numbered_chain([(1,), (1, 1), (2,), (3,), (1, 2), (2,), (2, 1)]) == {0, 1, 4, 5, 6}
    assert numbered_chain([(5,), (7,)]) == set()  # nothing can open a document at chapter 5


def test_a_numbered_heading_may_open_with_a_bracket() -> None:
    from ingest.structure import body_follows, find_headings, split_paragraphs

    body = "Nog niet altijd worden alle mogelijkheden van drang en dwang ingezet bij de persoonsgerichte aanpak.\n"
    heading = "2.2  (Nieuwe)  interventies drang- en dwangkader\n"
    paragraphs = split_paragraphs("2 Ontwikkelingen\n" + body + "2.1 Organisatie\n" + body + heading + body)
    headings = find_headings(paragraphs, body_follows(paragraphs))
    assert [h.number for h in headings] == ["2", "2.1", "2.2"]
    assert headings[-1].title.startswith("(Nieuwe)")
