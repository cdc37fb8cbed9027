"""Build or update an index folder from files: ingest, then swap in atomically."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Any

from index.build import build_search_index
from index.settings import EmbedderSettings
from ingest.chunking import ChunkSettings
from ingest.errors import BeleidsvraagError
from ingest.metadata import load_manifest
from ingest.pipeline import (
    FileOutcome,
    IngestResult,
    Previous,
    Progress,
    collect_files,
    display_path,
    fingerprint,
    ingest_files,
)
from ingest.store import (
    base_manifest,
    index_lock,
    read_chunks,
    read_documents,
    read_manifest,
    staged_folder,
    write_ingest_output,
)

log = logging.getLogger(__name__)


def load_previous(folder: Path) -> Previous:
    """What the current index holds, to skip unchanged files; empty when the
    index is missing or unreadable (then everything is ingested again)."""
    try:
        manifest = read_manifest(folder)
        documents, chunks = read_documents(folder), read_chunks(folder)
    except BeleidsvraagError as exc:
        log.info("not reusing the previous index: %s", exc)
        return Previous()
    docs_by_path, chunks_by_path = defaultdict(list), defaultdict(list)
    for doc in documents:
        docs_by_path[doc.path].append(doc)
    for chunk in chunks:
        chunks_by_path[chunk.path].append(chunk)
    return Previous(dict(docs_by_path), dict(chunks_by_path), manifest.get("pipeline", ""))


def build_index(
    paths: list[Path],
    folder: Path,
    *,
    settings: ChunkSettings,
    manifest_path: Path | None = None,
    root: Path | None = None,
    progress: Progress | None = None,
    embedder: EmbedderSettings | None = None,
) -> tuple[IngestResult, list[Path]]:
    """Ingest ``paths`` into ``folder``; returns the result and unsupported files.

    Raises :class:`~ingest.errors.IndexBusyError` when another ingest runs, and
    leaves the previous index in place when anything fails.
    """
    for path in paths:
        if not path.exists():
            raise BeleidsvraagError(f"{path}: no such file or folder")
    manifest = load_manifest(manifest_path) if manifest_path else {}
    files, unsupported = collect_files(paths)
    with index_lock(folder):
        previous = load_previous(folder)
        result = ingest_files(
            files, settings=settings, manifest=manifest, previous=previous, root=root, progress=progress
        )
        result.outcomes += [_skipped(p, root) for p in unsupported]
        with staged_folder(folder) as staging:
            manifest = _manifest(result, settings)
            manifest["search"] = build_search_index(staging, result.chunks, embedder or EmbedderSettings())
            write_ingest_output(staging, result.documents, result.chunks, manifest)
    return result, unsupported


def _skipped(path: Path, root: Path | None) -> FileOutcome:
    return FileOutcome(display_path(path, root), "skipped", f"unsupported file type '{path.suffix or '(none)'}'")


def _manifest(result: IngestResult, settings: ChunkSettings) -> dict[str, Any]:
    files = {
        o.path: {
            "status": o.status,
            "reason": o.reason,
            "sha256": o.documents[0].file_sha256 if o.documents else None,
            "documents": len(o.documents),
            "chunks": len(o.chunks),
        }
        for o in result.outcomes
    }
    return base_manifest(
        pipeline=fingerprint(settings),
        chunk_settings=asdict(settings),
        files=files,
        counts={
            "files": sum(1 for o in result.outcomes if o.documents),
            "documents": len(result.documents),
            "chunks": len(result.chunks),
        },
    )


def stale_reason(folder: Path, settings: ChunkSettings) -> str:
    """Why the index in ``folder`` should be rebuilt (none, damaged, built by an older ingest pipeline or
    analyzer, with other chunk settings or another embedder), or '' when it is current."""
    from index.search import Searcher

    if not (folder / "manifest.json").exists():
        return "er is nog geen index"
    try:
        built = read_manifest(folder).get("pipeline")
        Searcher(folder)
    except BeleidsvraagError as exc:
        return str(exc)
    if built != fingerprint(settings):
        return f"gebouwd met {built}, nu {fingerprint(settings)}"
    return ""


def index_sources(folder: Path) -> list[Path]:
    """The files an index was built from that still exist (to rebuild it from the same documents)."""
    from ingest.store import read_documents

    try:
        paths = dict.fromkeys(Path(d.path) for d in read_documents(folder))
    except (OSError, ValueError, BeleidsvraagError):
        return []
    return [p for p in paths if p.exists()]
