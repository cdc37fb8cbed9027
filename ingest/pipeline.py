"""The ingest stage: files → clean text → (sub-)documents → chunks with metadata.

Each file is processed on its own: a file that fails is reported and skipped
while the batch goes on. Unchanged files (same content hash, same settings)
reuse their previous documents and chunks.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ingest.chunking import ChunkSettings, chunk_paragraphs
from ingest.clean import clean_text, mark_page_starts, normalize_unicode, page_at, running_lines_by_page, split_pages
from ingest.errors import IngestError
from ingest.gazetteer import Gazetteer, load_gazetteer
from ingest.loaders import is_supported, read_file
from ingest.metadata import apply_manifest, infer_metadata, infer_municipalities, manifest_entry
from ingest.records import Chunk, Document
from ingest.structure import (
    Paragraph,
    SectionIndex,
    body_follows,
    find_headings,
    page_bottoms,
    split_documents,
    split_paragraphs,
)

log = logging.getLogger(__name__)

#: Bumped whenever cleaning, structure or metadata rules change what they produce.
PIPELINE_VERSION = "12"
Progress = Callable[[str, int, int], None]


@dataclass(slots=True)
class FileOutcome:
    path: str
    status: str  # "ingested", "unchanged", "failed", "skipped"
    reason: str = ""
    documents: list[Document] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)


@dataclass(slots=True)
class IngestResult:
    outcomes: list[FileOutcome]
    seconds: float

    @property
    def documents(self) -> list[Document]:
        return [d for o in self.outcomes for d in o.documents]

    @property
    def chunks(self) -> list[Chunk]:
        return [c for o in self.outcomes for c in o.chunks]

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def skipped(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "skipped"]


@dataclass(frozen=True, slots=True)
class Previous:
    """What an earlier ingest produced, by file path, to skip unchanged files."""

    documents: dict[str, list[Document]] = field(default_factory=dict)
    chunks: dict[str, list[Chunk]] = field(default_factory=dict)
    fingerprint: str = ""


def fingerprint(settings: ChunkSettings) -> str:
    """Identifies everything that shapes chunks; a change re-ingests every file."""
    return f"pipeline-v{PIPELINE_VERSION}|{settings.fingerprint()}"


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Supported files under ``paths`` (folders walked recursively), and the rest."""
    found: list[Path] = []
    unsupported: list[Path] = []
    for path in paths:
        candidates = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for candidate in candidates:
            if candidate.name.startswith(".") or candidate.name.upper() in ("NOTES.MD", "README.MD"):
                continue
            (found if is_supported(candidate) else unsupported).append(candidate)
    return found, unsupported


def ingest_files(
    files: Sequence[Path],
    *,
    settings: ChunkSettings = ChunkSettings(),
    manifest: dict[str, dict[str, Any]] | None = None,
    previous: Previous | None = None,
    root: Path | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Ingest files one by one; failures are isolated and reported."""
    started = time.perf_counter()
    previous = previous or Previous()
    reuse = previous.fingerprint == fingerprint(settings)
    gazetteer = load_gazetteer()
    outcomes = []
    for i, path in enumerate(files):
        if progress:
            progress(str(path), i, len(files))
        outcomes.append(_ingest_one(path, settings, manifest or {}, previous if reuse else Previous(), root, gazetteer))
    if progress:
        progress("", len(files), len(files))
    mark_duplicates([c for o in outcomes for c in o.chunks])
    return IngestResult(outcomes, time.perf_counter() - started)


def _ingest_one(
    path: Path, settings: ChunkSettings, manifest: dict[str, dict[str, Any]], previous: Previous,
    root: Path | None, gazetteer: Gazetteer,
) -> FileOutcome:  # fmt: skip
    key = display_path(path, root)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return FileOutcome(key, "failed", f"cannot read file ({exc.strerror})")
    sha = hashlib.sha256(data).hexdigest()
    old_docs = previous.documents.get(key, [])
    entry = manifest_entry(manifest, path, root)
    if old_docs and old_docs[0].file_sha256 == sha and not entry:
        return FileOutcome(key, "unchanged", documents=old_docs, chunks=previous.chunks.get(key, []))
    try:
        documents, chunks = process_file(path, key, sha, settings, gazetteer, entry)
    except IngestError as exc:
        return FileOutcome(key, "failed", exc.reason)
    return FileOutcome(key, "ingested", documents=documents, chunks=chunks)


def display_path(path: Path, root: Path | None) -> str:
    """The path stored with documents: relative to ``root`` when below it."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def process_file(
    path: Path, key: str, sha: str, settings: ChunkSettings, gazetteer: Gazetteer, entry: dict[str, Any]
) -> tuple[list[Document], list[Chunk]]:
    """Read, clean, split and chunk one file."""
    loaded = read_file(path)
    text, page_starts = split_pages(clean_text(loaded.text))
    if len(text.strip()) < 20:
        raise IngestError(key, "no usable text after cleaning")
    running = running_lines_by_page(mark_page_starts(normalize_unicode(loaded.text)))
    paragraphs = split_paragraphs(text)
    spans = split_documents(text, paragraphs, page_starts)
    municipalities = entry.get("municipalities") or infer_municipalities(text, gazetteer)
    file_id = sha[:16]
    documents: list[Document] = []
    chunks: list[Chunk] = []
    compound = len(spans) > 1
    for start, end in spans:
        pars = [p for p in paragraphs if start <= p.start < end]
        doc_id = hashlib.sha256(text[start:end].encode("utf-8")).hexdigest()[:16] if compound else file_id
        doc, doc_chunks = _build_document(doc_id, text, pars, page_starts, running, municipalities, settings)
        doc.path, doc.file_sha256 = key, sha
        doc.parent_doc_id = file_id if compound else None
        apply_manifest(doc.meta, entry, whole_file=not compound)
        documents.append(doc)
        chunks += doc_chunks
    if compound:
        documents.insert(0, _file_document(file_id, key, sha, documents, len(text), page_starts, entry))
    for doc in documents:
        doc.page_labels = list(loaded.page_labels)
    _attach(chunks, documents)
    return documents, chunks


def _build_document(
    doc_id: str, text: str, pars: Sequence[Paragraph], page_starts: Sequence[int], running: dict[int, list[str]],
    municipalities: Sequence[str], settings: ChunkSettings,
) -> tuple[Document, list[Chunk]]:  # fmt: skip
    start, end = pars[0].start, pars[-1].end
    page_start, page_end = page_at(page_starts, start), page_at(page_starts, max(start, end - 1))
    headers = [h for p in range(page_start or 0, (page_end or -1) + 1) for h in running.get(p, [])]
    meta = infer_metadata([p.text for p in pars], headers, municipalities)
    doc = Document(doc_id, "", "", None, meta, start, end, page_start, page_end)
    sections = SectionIndex(find_headings(pars, body_follows(pars), page_bottoms(pars, page_starts)), end)
    chunks = []
    for span in chunk_paragraphs(text, pars, sections.boundaries(), settings):
        body = text[span.start : span.end]
        chunk_id = hashlib.sha256(f"{doc_id}:{span.start}:{body}".encode()).hexdigest()[:16]
        chunks.append(
            Chunk(
                chunk_id=chunk_id, doc_id=doc_id, text=body, section=sections.path_at(span.start),
                page_start=page_at(page_starts, span.start), page_end=page_at(page_starts, span.end - 1),
                char_start=span.start, char_end=span.end, path="", title="", municipalities=[], doc_type="",
                period=None, parent_doc_id=None, sentences=[list(s) for s in span.sentences],
            )
        )  # fmt: skip
    doc.chunk_count = len(chunks)
    return doc, chunks


def _file_document(
    file_id: str, key: str, sha: str, children: Sequence[Document], length: int, page_starts: Sequence[int],
    entry: dict[str, Any],
) -> Document:  # fmt: skip
    """The whole compound file as a document; it takes the largest part's metadata."""
    main = max(children, key=lambda d: d.char_end - d.char_start)
    evidence = {**main.meta.evidence, "file": f"metadata of its largest part: {main.meta.title}"}
    meta = apply_manifest(replace(main.meta, evidence=evidence), entry, whole_file=True)
    pages = (1, len(page_starts)) if page_starts else (None, None)
    chunk_count = sum(d.chunk_count for d in children)
    return Document(file_id, key, sha, None, meta, 0, length, pages[0], pages[1], chunk_count)


def _attach(chunks: list[Chunk], documents: Sequence[Document]) -> None:
    """Copy each chunk's document fields from the document that holds it."""
    by_id = {d.doc_id: d for d in documents}
    for chunk in chunks:
        doc = by_id[chunk.doc_id]
        chunk.path, chunk.title, chunk.doc_type, chunk.period = (
            doc.path,
            doc.meta.title,
            doc.meta.doc_type,
            doc.meta.period,
        )
        chunk.municipalities, chunk.parent_doc_id = list(doc.meta.municipalities), doc.parent_doc_id


def mark_duplicates(chunks: Sequence[Chunk], threshold: float = 0.8) -> None:
    """Mark chunks whose word 5-grams mostly (``threshold``) occurred earlier.

    ``duplicate_of`` names the earlier chunk sharing most of them; copies whose
    passage boundaries differ from the original's are found too.
    """
    first_seen: dict[int, int] = {}
    for i, chunk in enumerate(chunks):
        shingles = _shingles(chunk.text)
        owners = Counter(first_seen[h] for h in shingles if h in first_seen)
        seen = sum(owners.values())
        chunk.duplicate_of = chunks[owners.most_common(1)[0][0]].chunk_id if seen >= threshold * len(shingles) else None
        for h in shingles:
            first_seen.setdefault(h, i)


def _shingles(text: str, n: int = 5) -> set[int]:
    words = re.findall(r"\w+", text.lower())
    return {hash(tuple(words[k : k + n])) for k in range(max(1, len(words) - n + 1))}
