"""Read files from disk into :class:`LoadedText`: plain text and PDF.

Each loader raises an :class:`~ingest.errors.IngestError` subclass with a
one-line reason; it never lets a library exception escape.
"""

from __future__ import annotations

import logging
from pathlib import Path

from charset_normalizer import from_bytes

from ingest.errors import EmptyDocumentError, IngestError, UnsupportedFileError
from ingest.records import PAGE_BREAK, LoadedText

log = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".md"})
PDF_SUFFIXES = frozenset({".pdf"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES

#: A page with fewer non-space characters than this counts as having no text.
MIN_PAGE_CHARS = 20


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def read_file(path: Path) -> LoadedText:
    """Read one supported file; raise an ``IngestError`` with a reason otherwise."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return read_text_file(path)
    if suffix in PDF_SUFFIXES:
        return read_pdf(path)
    raise UnsupportedFileError(str(path), f"unsupported file type '{suffix or '(none)'}'")


def decode_text(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), else the best guess among
    cp1252 and Latin-1 style encodings. Returns ``(text, encoding)``."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        for encoding in ("utf-16", "utf-32"):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
        raise IngestError(path, "binary content: not a text file")
    best = from_bytes(data, cp_isolation=["cp1252", "latin_1", "iso8859_15"]).best()
    encoding = best.encoding if best is not None else "cp1252"
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise IngestError(path, f"cannot decode text ({exc})") from exc


def read_text_file(path: Path) -> LoadedText:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), f"cannot read file ({exc.strerror})") from exc
    text, encoding = decode_text(data, str(path))
    if not text.strip():
        raise EmptyDocumentError(str(path), "empty file")
    return LoadedText(text=text, kind="text", encoding=encoding)


def read_pdf(path: Path) -> LoadedText:
    """Read a PDF page by page with pypdf, keeping printed page labels."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not _try_empty_password(reader):
            raise IngestError(str(path), "encrypted PDF: cannot read without a password")
        pages = [page.extract_text() or "" for page in reader.pages]
        labels = _page_labels(reader, len(pages))
    except IngestError:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise IngestError(str(path), f"corrupt or unreadable PDF ({type(exc).__name__}: {exc})") from exc
    except Exception as exc:  # pypdf raises many types on malformed input
        raise IngestError(str(path), f"unreadable PDF ({type(exc).__name__}: {exc})") from exc
    if not pages:
        raise EmptyDocumentError(str(path), "PDF has no pages")
    if sum(len("".join(p.split())) for p in pages) < MIN_PAGE_CHARS:
        raise EmptyDocumentError(str(path), "PDF has no text layer (scanned?); OCR it first")
    return LoadedText(text=PAGE_BREAK.join(p.replace(PAGE_BREAK, "\n") for p in pages), kind="pdf", page_labels=labels)


def _try_empty_password(reader: object) -> bool:
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:
        return False


def _page_labels(reader: object, count: int) -> tuple[str, ...]:
    try:
        labels = list(reader.page_labels)  # type: ignore[attr-defined]
    except Exception:
        labels = []
    if len(labels) != count:
        labels = [str(i + 1) for i in range(count)]
    return tuple(labels)
