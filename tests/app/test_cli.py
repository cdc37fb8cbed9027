"""The CLI: summary, exit codes, clear messages for bad input, docs --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main
from tests.ingest.pdfs import make_corrupt_pdf, make_encrypted_pdf, make_image_pdf, make_text_pdf


@pytest.fixture
def mixed_corpus(tmp_path: Path, corpus_files: dict[str, Path]) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "plan.txt").write_bytes(corpus_files["001"].read_bytes())
    make_text_pdf(folder / "goed.pdf", [["1. Inleiding", "De gemeente Borne werkt aan veiligheid in de wijken."] * 3])
    make_encrypted_pdf(folder / "geheim.pdf")
    make_image_pdf(folder / "scan.pdf")
    make_corrupt_pdf(folder / "kapot.pdf")
    (folder / "leeg.txt").write_text("", encoding="utf-8")
    (folder / "notities.docx").write_bytes(b"PK\x03\x04")
    return folder


def test_ingest_reports_each_bad_file_and_goes_on(mixed_corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    result = CliRunner().invoke(main, ["ingest", str(mixed_corpus), "--index", str(index), "--quiet"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for name, reason in [("geheim.pdf", "encrypted"), ("scan.pdf", "no text layer"), ("kapot.pdf", "PDF"),
                         ("leeg.txt", "empty"), ("notities.docx", "unsupported")]:  # fmt: skip
        line = next(line for line in result.output.splitlines() if name in line)
        assert reason in line
    docs = CliRunner().invoke(main, ["docs", "--json", "--index", str(index)])
    assert docs.exit_code == 0
    paths = {Path(d["path"]).name for d in json.loads(docs.output)}
    assert paths == {"plan.txt", "goed.pdf"}


def test_docs_json_lists_demo_documents(demo_index: Path) -> None:
    result = CliRunner().invoke(main, ["docs", "--json"], env={"BELEIDSVRAAG_INDEX": str(demo_index)})
    assert result.exit_code == 0, result.output
    docs = json.loads(result.output)
    assert len([d for d in docs if d["parent_doc_id"] is None]) == 5
    assert len([d for d in docs if d["parent_doc_id"]]) >= 6
    assert {"doc_id", "path", "title", "municipalities", "doc_type", "period", "chunk_count"} <= set(docs[0])


def test_missing_or_broken_index_gives_a_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["docs", "--index", str(tmp_path / "nergens")])
    assert result.exit_code == 2 and "no index" in result.output and "Traceback" not in result.output
    broken = tmp_path / "kapot"
    broken.mkdir()
    (broken / "manifest.json").write_text("{niet json", encoding="utf-8")
    result = CliRunner().invoke(main, ["docs", "--index", str(broken)])
    assert result.exit_code == 2 and "damaged" in result.output


def test_missing_input_path_is_reported(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "bestaat-niet"), "--index", str(tmp_path / "i")])
    assert result.exit_code == 2 and "no such file" in result.output


def test_ingest_if_stale_builds_once_and_rebuilds_an_outdated_index_from_its_own_files(
    tmp_path: Path, corpus_files: dict[str, Path]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "plan.txt").write_bytes(corpus_files["001"].read_bytes())
    index = tmp_path / "index"
    runner = CliRunner()
    built = runner.invoke(main, ["ingest", str(folder), "--index", str(index), "--quiet", "--if-stale"])
    assert built.exit_code == 0 and "opgebouwd" in built.output, built.output
    again = runner.invoke(main, ["ingest", "--index", str(index), "--quiet", "--if-stale"])
    assert again.exit_code == 0 and "niets te doen" in again.output

    def outdate() -> None:
        manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
        manifest["search"]["analyzer"] = "nl-0"
        (index / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    outdate()
    rebuilt = runner.invoke(main, ["ingest", "--index", str(index), "--quiet", "--if-stale"])
    assert rebuilt.exit_code == 0 and "nl-0" in rebuilt.output, rebuilt.output
    docs = json.loads(runner.invoke(main, ["docs", "--json", "--index", str(index)]).output)
    assert {Path(d["path"]).name for d in docs} == {"plan.txt"}  # its own files, not the demo corpus
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    manifest["pipeline"] = "pipeline-v0|old"  # chunks made by an older ingest
    (index / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    rechunked = runner.invoke(main, ["ingest", "--index", str(index), "--quiet", "--if-stale"])
    assert rechunked.exit_code == 0 and "pipeline-v0" in rechunked.output, rechunked.output
    assert "niets te doen" in runner.invoke(main, ["ingest", "--index", str(index), "--quiet", "--if-stale"]).output
    outdate()
    (folder / "plan.txt").unlink()
    lost = runner.invoke(main, ["ingest", "--index", str(index), "--quiet", "--if-stale"])
    assert lost.exit_code == 2 and "no longer where" in lost.output and "Traceback" not in lost.output
    assert (index / "manifest.json").exists()  # the old index stays
