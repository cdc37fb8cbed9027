"""Dutch prompt templates and fixed phrases, as text files loaded by name."""

from __future__ import annotations

import string
from functools import cache
from importlib import resources


@cache
def load(name: str) -> str:
    """The text of ``prompts/<name>.txt`` (trailing newline removed)."""
    return resources.files("prompts").joinpath(f"{name}.txt").read_text(encoding="utf-8").rstrip("\n")


def fields(name: str) -> set[str]:
    """The ``{placeholders}`` a template expects."""
    return {f for _, f, _, _ in string.Formatter().parse(load(name)) if f}


def render(name: str, **values: str) -> str:
    """Fill a template; every field must be given, and no other."""
    missing, extra = fields(name) - set(values), set(values) - fields(name)
    if missing or extra:
        raise KeyError(f"template {name}: missing {sorted(missing)}, unexpected {sorted(extra)}")
    return load(name).format(**values)


def cannot_answer() -> str:
    """The one phrase used by prompts, the answer parser and the eval when the documents do not say."""
    return load("cannot_answer")
