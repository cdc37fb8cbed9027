"""The one exception hierarchy of beleidsvraag.

Every error a user can cause (bad file, broken index, unknown setting) is a
``BeleidsvraagError`` with a message fit to show as is; the CLI and the UI
print that message instead of a traceback.
"""

from __future__ import annotations


class BeleidsvraagError(Exception):
    """Base class for all errors that carry a user-facing message."""


class IngestError(BeleidsvraagError):
    """A file could not be turned into text."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnsupportedFileError(IngestError):
    """The file type is not one we read."""


class EmptyDocumentError(IngestError):
    """The file holds no usable text (empty, or a scan without text layer)."""


class ConfigurationError(BeleidsvraagError):
    """Settings are invalid or an optional component is not installed."""


class IndexBusyError(BeleidsvraagError):
    """Another process is writing the same index folder."""
