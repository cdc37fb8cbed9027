"""Records produced by the ingest stage: loaded text, documents and chunks."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Separator between pages inside loaded and cleaned text (form feed).
PAGE_BREAK = "\f"


@dataclass(frozen=True, slots=True)
class LoadedText:
    """Text of one file as read from disk, before cleaning.

    ``text`` holds the pages joined by :data:`PAGE_BREAK` when the source has
    pages (PDF); ``page_labels`` are the printed labels, one per page.
    """

    text: str
    kind: str  # "pdf" or "text"
    page_labels: tuple[str, ...] = ()
    encoding: str | None = None

    @property
    def has_pages(self) -> bool:
        return self.kind == "pdf"


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading found in cleaned text; offsets are characters into that text."""

    start: int
    end: int
    level: int
    number: str | None
    title: str


@dataclass(slots=True)
class DocumentMeta:
    """Metadata of a document or sub-document."""

    title: str
    municipalities: list[str]
    doc_type: str
    period: str | None
    adopted: str | None = None
    source_url: str | None = None
    evidence: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Document:
    """A (sub-)document: a span of one file's cleaned text with metadata.

    ``char_start``/``char_end`` are 0-based character offsets into the file's
    cleaned text; ``page_start``/``page_end`` are 1-based page numbers, or
    ``None`` when the source has no pages.
    """

    doc_id: str
    path: str
    file_sha256: str
    parent_doc_id: str | None
    meta: DocumentMeta
    char_start: int
    char_end: int
    page_start: int | None
    page_end: int | None
    chunk_count: int = 0
    #: printed page labels of the file (PDF), index 0 for page 1; empty when unknown
    page_labels: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(data.pop("meta"))
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Document:
        data = dict(data)
        meta_fields = {k: data.pop(k) for k in list(data) if k in DocumentMeta.__dataclass_fields__}
        return cls(meta=DocumentMeta(**meta_fields), **data)


@dataclass(slots=True)
class Chunk:
    """One passage with its provenance, as written to ``chunks.jsonl``.

    ``text`` is exactly ``cleaned_text[char_start:char_end]`` of its file.
    """

    chunk_id: str
    doc_id: str
    text: str
    section: str
    page_start: int | None
    page_end: int | None
    char_start: int
    char_end: int
    path: str
    title: str
    municipalities: list[str]
    doc_type: str
    period: str | None
    parent_doc_id: str | None
    duplicate_of: str | None = None
    #: sentence spans as [start, end] character offsets relative to ``text``
    sentences: list[list[int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Chunk:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)
