"""The gemeente × theme comparison on the demo corpus, against facts read in the documents."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.assistant import Assistant
from app.cli import main
from app.compare import Comparer, Comparison
from index.search import Searcher
from index.themes import load_taxonomy
from ingest.errors import ConfigurationError


@pytest.fixture(scope="module")
def comparer(demo_index: Path) -> Comparer:
    return Comparer.from_folder(demo_index)


@pytest.fixture(scope="module")
def matrix(comparer: Comparer) -> Comparison:
    return comparer.compare()


# Read in the documents: the priority lists of each plan.
PRIORITIES = {
    "Haaksbergen": ["ondermijning", "jeugd_en_veiligheid", "zorg_en_veiligheid", "veiligheidsbeleving"],  # 003 p. 1
    "Dinkelland": ["ondermijning", "cybercrime", "zorg_en_veiligheid"],  # 002 "lokale beleidsprioriteiten"
    "Losser": ["verkeersveiligheid", "woninginbraak", "drugscriminaliteit_en_drugsoverlast"],  # 000 ch. 3
    "Hengelo": ["huiselijk_geweld_en_kindermishandeling", "radicalisering_en_polarisatie", "ondermijning"],  # 004
}


@pytest.mark.parametrize(("gemeente", "topics"), PRIORITIES.items())
def test_priorities_read_in_the_plans(matrix: Comparison, gemeente: str, topics: list[str]) -> None:
    for topic in topics:
        cell = matrix.cell(gemeente, topic)
        assert cell.status == "priority", (gemeente, topic)
        assert cell.evidence and all(gemeente in h.chunk.municipalities for h in cell.evidence)


def test_absent_and_discussed_cells(matrix: Comparison) -> None:
    # No document of Hengelo mentions cybercrime or digital crime (checked with grep on 004).
    assert matrix.cell("Hengelo", "cybercrime").status == "absent"
    assert not matrix.cell("Hengelo", "cybercrime").evidence
    # Haaksbergen writes about verkeersveiligheid (V85 measurements) without making it a priority.
    assert matrix.cell("Haaksbergen", "verkeersveiligheid").status == "discussed"


def test_every_cell_is_backed_by_cited_passages(matrix: Comparison) -> None:
    taxonomy = load_taxonomy()
    numbers = {c.n for c in matrix.citations}
    assert numbers == set(range(1, len(matrix.citations) + 1))
    for cell in matrix.cells.values():
        assert (cell.status == "absent") == (not cell.evidence)
        assert set(matrix.markers(cell)) <= numbers
        if cell.status == "discussed":
            topic = taxonomy.by_id[cell.topic]
            members = {topic.id} if topic.kind == "thema" else {t.id for t in taxonomy.themes if t.veld == topic.id}
            assert any(members & set(h.themes) for h in cell.evidence)


def test_filters_and_errors(comparer: Comparer) -> None:
    small = comparer.compare(["ondermijning", "veiligheidsbeleving"], ["Losser", "haaksbergen"])
    assert small.gemeenten == ["Losser", "Haaksbergen"] and [t.id for t in small.topics] == [
        "ondermijning", "veiligheidsbeleving",
    ]  # fmt: skip
    assert len(small.cells) == 4
    with pytest.raises(ConfigurationError, match="Onbekend thema"):
        comparer.compare(["ruimtevaart"])
    with pytest.raises(ConfigurationError, match="Maastricht"):
        comparer.compare([], ["Maastricht"])


def test_compare_cli_formats(demo_index: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["compare", "--index", str(demo_index), "--format", "json", "--theme", "ondermijning"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert {c["gemeente"] for c in data["cells"]} == set(PRIORITIES)
    assert all(c["status"] == "priority" for c in data["cells"])
    assert all(c["citations"] for c in data["cells"]) and data["citations"][0]["text"]

    out = runner.invoke(main, ["compare", "--index", str(demo_index), "--format", "csv", "--gemeente", "Haaksbergen"])
    rows = list(csv.DictReader(io.StringIO(out.output)))
    assert out.exit_code == 0 and len(rows) == len(load_taxonomy().topics)
    row = next(r for r in rows if r["topic_id"] == "veiligheidsbeleving")
    assert row["status"] == "priority" and "Haaksbergen" in row["sources"]

    out = runner.invoke(main, ["compare", "--index", str(demo_index), "--theme", "cybercrime"])
    assert out.exit_code == 0
    assert out.output.count("De documenten van") == 1 and "Hengelo zeggen" in out.output  # only Hengelo is silent

    out = runner.invoke(main, ["compare", "--index", str(demo_index), "--theme", "ruimtevaart"])
    assert out.exit_code == 2 and "Onbekend thema" in out.output


def test_ask_compares_priorities_per_gemeente(demo_index: Path) -> None:
    answer = Assistant(Searcher(demo_index)).ask("Vergelijk de prioriteiten van Dinkelland en Haaksbergen.")
    lines = answer.answer.splitlines()
    assert [line.split(" ")[0] for line in lines] == ["Dinkelland", "Haaksbergen"]
    assert "Veiligheidsbeleving" in lines[1] and "Veiligheidsbeleving" not in lines[0]
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == {c.n for c in answer.citations}
    for citation in answer.citations:
        assert citation.hit.chunk.municipalities[0] in ("Dinkelland", "Haaksbergen")


def test_ask_which_gemeenten_have_a_theme_as_priority(demo_index: Path) -> None:
    answer = Assistant(Searcher(demo_index)).ask("Welke gemeenten hebben veiligheidsbeleving als prioriteit?")
    first = answer.answer.splitlines()[0]
    assert re.search(r"prioriteit: Haaksbergen \[\d+\];", first)
    assert not answer.abstained and answer.citations


def test_a_theme_comparison_answers_what_was_asked_about_the_theme(demo_index: Path) -> None:
    # the theme (ondermijning) gives each gemeente's status; the sentence shown answers the question's
    # own subject (an internal reporting point), from the gemeente's passages the search found
    answer = Assistant(Searcher(demo_index)).ask("Welke gemeenten hebben een intern meldpunt voor ondermijning?")
    line = next(line for line in answer.answer.splitlines() if line.startswith("Haaksbergen"))
    assert "prioriteit" in line and "meldpunt" in line.split("prioriteit", 1)[1]
    cited = {c.n: c.hit.chunk for c in answer.citations}
    marker = int(re.findall(r"\[(\d+)\]", line)[-1])
    assert "meldpunt" in cited[marker].text and cited[marker].municipalities[0] == "Haaksbergen"
