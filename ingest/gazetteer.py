"""Dutch municipalities: find the gemeenten a text names.

The list of all Dutch municipalities (with aliases, adjective forms and former
municipalities) is a data file, ``ingest/data/gemeenten.csv``. Adjective forms
are also derived by rule ("Haaksbergen" → "Haaksbergse", "Hengelo" →
"Hengelose"). Names that are also ordinary Dutch words ("Best", "Buren") count
only as "gemeente Best" when the text uses the word in lower case too.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

_CONTEXT = r"(?:gemeenten?|in|te|uit|van|voor)\s+"


@dataclass(frozen=True, slots=True)
class Mention:
    gemeente: str
    start: int
    end: int
    surface: str


class Gazetteer:
    """All surface forms of Dutch municipality names, mapped to official names."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        self.names: tuple[str, ...] = tuple(row["name"] for row in rows)
        forms: dict[str, str] = {}
        for row in rows:
            for form in _surface_forms(row):
                forms.setdefault(form, row["name"])
        self._forms = forms
        ordered = sorted(forms, key=len, reverse=True)
        self._pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ordered)) + r")(?![\w-])")
        self._lower = {name.lower(): name for name in self.names}

    def canonical(self, name: str) -> str | None:
        """The official name for a name, alias or adjective (case-insensitive)."""
        if name in self._forms:
            return self._forms[name]
        lowered = name.strip().lower()
        for form, official in self._forms.items():
            if form.lower() == lowered:
                return official
        return self._lower.get(lowered)

    def forms_of(self, name: str) -> list[str]:
        """Every surface form (name, alias, adjective, former name) of an official name: a text that does not
        contain one of them mentions it nowhere."""
        return [form for form, official in self._forms.items() if official == name]

    def mentions(self, text: str) -> list[Mention]:
        """Every mention of a municipality in ``text``, in order."""
        lower_words = set(re.findall(r"\b[a-zà-ÿ]+\b", text))
        found = []
        for m in self._pattern.finditer(text):
            surface = m.group(1)
            if surface.lower() in lower_words and not _has_context(text, m.start()):
                continue  # an ordinary word here ("best", "putten"), not the gemeente
            found.append(Mention(self._forms[surface], m.start(), m.end(), surface))
        return found

    def count(self, text: str) -> Counter[str]:
        return Counter(m.gemeente for m in self.mentions(text))


def _has_context(text: str, start: int) -> bool:
    return re.search(_CONTEXT + r"$", text[max(0, start - 12) : start], re.I) is not None


def _surface_forms(row: dict[str, str]) -> list[str]:
    name = row["name"]
    base = re.sub(r"\s*\(.*\)$", "", name)  # "Bergen (NH.)" -> "Bergen"
    forms = [name, base]
    for column in ("aliases", "adjectives", "former"):
        forms += [f.strip() for f in (row.get(column) or "").split("|") if f.strip()]
    forms += derived_adjectives(base)
    return [f for f in dict.fromkeys(forms) if len(f) >= 3]


def derived_adjectives(name: str) -> list[str]:
    """Regular Dutch adjective forms of a place name (only for one-word names)."""
    if " " in name or "-" in name or not name[:1].isupper():
        return []
    if name.endswith("en"):
        stem = name[:-2]
        return [stem + "se", name + "se"]
    if name.endswith("e"):
        return [name + "se"]
    return [name + "se", name + "s" if not name.endswith("s") else name]


@cache
def load_gazetteer() -> Gazetteer:
    """The gazetteer of all Dutch municipalities (loaded once per process)."""
    source = resources.files("ingest").joinpath("data/gemeenten.csv")
    rows = list(csv.DictReader(source.read_text(encoding="utf-8").splitlines()))
    return Gazetteer(rows)
