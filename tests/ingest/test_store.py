"""Incremental, interrupted and concurrent ingests: the index is never lost."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from app.build import build_index
from ingest.chunking import ChunkSettings
from ingest.errors import IndexBusyError
from ingest.store import index_lock, read_chunks, read_documents, read_manifest, staged_folder

PLAN = (
    "Integraal Veiligheidsplan Almelo 2024-2027\n\n1. Inleiding\n\n"
    + "De gemeente Almelo werkt samen met politie en zorgpartners aan een veilige stad. " * 12
    + "\n\n2. Prioriteiten\n\n"
    + "De prioriteiten zijn ondermijning, jeugd en veiligheid en woninginbraken in Almelo. " * 12
)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text(PLAN.replace("Almelo", "Borne" if name == "b.txt" else "Almelo"), encoding="utf-8")
    return folder


def _build(corpus: Path, index: Path):  # type: ignore[no-untyped-def]
    result, _ = build_index([corpus], index, settings=ChunkSettings(), root=corpus.parent)
    return {Path(o.path).name: o.status for o in result.outcomes}


def test_reingest_skips_unchanged_replaces_changed_drops_removed(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    assert _build(corpus, index) == {"a.txt": "ingested", "b.txt": "ingested"}
    first_ids = {c.chunk_id for c in read_chunks(index)}
    assert _build(corpus, index) == {"a.txt": "unchanged", "b.txt": "unchanged"}
    assert {c.chunk_id for c in read_chunks(index)} == first_ids
    (corpus / "a.txt").write_text(PLAN.replace("ondermijning", "cybercrime"), encoding="utf-8")
    assert _build(corpus, index) == {"a.txt": "ingested", "b.txt": "unchanged"}
    texts = " ".join(c.text for c in read_chunks(index) if c.path.endswith("a.txt"))
    assert "cybercrime" in texts and "ondermijning" not in texts
    (corpus / "b.txt").unlink()
    assert _build(corpus, index) == {"a.txt": "unchanged"}
    assert {Path(d.path).name for d in read_documents(index)} == {"a.txt"}
    assert read_manifest(index)["counts"]["files"] == 1


def test_failed_run_leaves_previous_index_usable(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    _build(corpus, index)
    before = (index / "chunks.jsonl").read_text(encoding="utf-8")
    with pytest.raises(RuntimeError), staged_folder(index) as staging:
        (staging / "chunks.jsonl").write_text("half", encoding="utf-8")
        raise RuntimeError("crash while writing")
    assert (index / "chunks.jsonl").read_text(encoding="utf-8") == before
    assert not [p for p in tmp_path.iterdir() if "staging" in p.name]


def test_run_killed_between_renames_is_recovered(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    _build(corpus, index)
    os.replace(index, tmp_path / ".index.old")  # the state after the first rename
    assert read_manifest(index)["counts"]["files"] == 2
    assert index.exists()


def test_concurrent_ingest_is_refused(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    _build(corpus, index)
    with index_lock(index), pytest.raises(IndexBusyError, match="another ingest"):
        _build(corpus, index)
    assert _build(corpus, index)  # the lock is released afterwards


def test_settings_change_reingests_everything(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    _build(corpus, index)
    result, _ = build_index([corpus], index, settings=ChunkSettings(600, 400, 900), root=corpus.parent)
    assert {o.status for o in result.outcomes} == {"ingested"}
    shutil.rmtree(index)
