"""The on-disk hand-off of the ingest stage: an index folder.

``chunks.jsonl`` (one chunk per line), ``documents.jsonl`` and ``manifest.json``
(what built the folder). A new folder is written next to the old one and
swapped in by renames, under an exclusive lock, so a failed or interrupted run
leaves the previous index usable.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import platform
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

from ingest.errors import BeleidsvraagError, IndexBusyError
from ingest.records import Chunk, Document

log = logging.getLogger(__name__)

INDEX_FORMAT = 1
CHUNKS_FILE = "chunks.jsonl"
DOCUMENTS_FILE = "documents.jsonl"
MANIFEST_FILE = "manifest.json"


class IndexMissingError(BeleidsvraagError):
    """No index exists in the folder yet."""


class IndexCorruptError(BeleidsvraagError):
    """The index folder exists but cannot be read."""


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
    except FileNotFoundError as exc:
        raise IndexCorruptError(f"index folder {path.parent} has no {path.name}; run 'beleidsvraag ingest'") from exc
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexCorruptError(f"{path} is damaged ({exc}); run 'beleidsvraag ingest' to rebuild it") from exc


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of an index folder; clear errors when missing or damaged."""
    recover(folder)
    path = folder / MANIFEST_FILE
    if not folder.exists() or not path.exists():
        raise IndexMissingError(f"no index in {folder}; run 'beleidsvraag ingest' first")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexCorruptError(f"{path} is damaged ({exc}); run 'beleidsvraag ingest' to rebuild it") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != INDEX_FORMAT:
        raise IndexCorruptError(f"{folder} was built by an incompatible version; run 'beleidsvraag ingest' again")
    return manifest


def read_documents(folder: Path) -> list[Document]:
    return [Document.from_json(row) for row in read_jsonl(folder / DOCUMENTS_FILE)]


def read_chunks(folder: Path) -> list[Chunk]:
    return [Chunk.from_json(row) for row in read_jsonl(folder / CHUNKS_FILE)]


def write_ingest_output(folder: Path, documents: list[Document], chunks: list[Chunk], manifest: dict[str, Any]) -> None:
    """Write documents, chunks and manifest into a (staging) folder."""
    write_jsonl(folder / DOCUMENTS_FILE, [d.to_json() for d in documents])
    write_jsonl(folder / CHUNKS_FILE, [c.to_json() for c in chunks])
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def base_manifest(**fields: Any) -> dict[str, Any]:
    """Manifest fields every index folder carries: format, time, versions."""
    versions = {"python": platform.python_version()}
    for package in ("beleidsvraag", "pypdf", "spacy", "bm25s", "faiss-cpu", "numpy"):
        try:
            versions[package] = importlib_metadata.version(package)
        except importlib_metadata.PackageNotFoundError:
            continue
    return {"format": INDEX_FORMAT, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "versions": versions, **fields}


# --------------------------------------------------------------------------- safe writing


@contextmanager
def index_lock(folder: Path) -> Iterator[None]:
    """Hold the exclusive write lock of an index folder; refuse when taken."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    lock_path = folder.parent / f".{folder.name}.lock"
    handle = lock_path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexBusyError(f"another ingest is writing {folder}; try again when it has finished") from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


@contextmanager
def staged_folder(folder: Path) -> Iterator[Path]:
    """A fresh staging folder that replaces ``folder`` when the block succeeds.

    On an exception the staging folder is removed and ``folder`` is untouched.
    """
    recover(folder)
    staging = folder.parent / f".{folder.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap_in(staging, folder)


def swap_in(staging: Path, folder: Path) -> None:
    """Replace ``folder`` by ``staging`` with two renames; the old copy is kept
    until the new one is in place (see :func:`recover`)."""
    old = folder.parent / f".{folder.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        os.replace(folder, old)
    os.replace(staging, folder)
    shutil.rmtree(old, ignore_errors=True)


def recover(folder: Path) -> None:
    """Put back the previous index if a run died between the two renames."""
    old = folder.parent / f".{folder.name}.old"
    if not folder.exists() and old.exists():
        log.warning("restoring the previous index of %s after an interrupted run", folder)
        os.replace(old, folder)
