"""Themes of passages and the priorities documents name.

The taxonomy (``index/data/themes.yaml``) holds the VNG *Kernbeleid Veiligheid*
fields (velden) and the themes that recur in plans, each with Dutch terms.

- **Mentions**: every passage gets the themes whose terms it contains (a term in
  the passage's own heading counts extra).
- **Priorities**: a document names a theme or field as a priority when it
  stands as an item of a list introduced by a priority cue ("de volgende
  prioriteiten", "speerpunten"), under a heading with such a cue ("3
  Prioriteiten"), on a "Prioriteit: X" label line, or in a sentence that
  enumerates the plan's priorities ("twee prioriteiten, namelijk X en Y").
  Priorities of others (landelijke, regionale, politie, vorige periode,
  inwoners) are not the document's own and are skipped.

Everything is computed from the text with general Dutch rules; nothing is tied
to a particular corpus.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ingest.errors import ConfigurationError
from ingest.records import Chunk

THEMES_FILE = "themes.json"
MAX_PER_TERM = 2
HEADING_WEIGHT = 2  # a term in a passage's own heading counts as this many mentions

#: Words that make a sentence or heading about priorities.
_CUE = re.compile(
    r"\b(?:\w*prioriteit\w*|prioritair\w*|geprioriteerd\w*|speerpunt\w*|focuspunt\w*|zwaartepunt\w*"
    r"|aandachtsgebied\w*|beleidsthema\w*)\b"
)
#: Priorities that belong to someone else or to another period.
_FOREIGN = re.compile(
    r"\b(?:landelijk\w*|nationa\w*|regiona\w*|provincia\w*|politie\w*|basisteam\w*|openbaar ministerie"
    r"|ministerie\w*|rijk|kabinet\w*|europe\w*|vorig\w*|voorgaande|eerdere|inwoners|bewoners|volgens"
    r"|enquete\w*|veiligheidsregio\w*|riec|veiligheidshuis\w*|brandweer\w*|ggd)\b"
)
_LABEL_LINE = re.compile(r"^\s*(?:prioriteit|speerpunt|thema|focuspunt)\s*:\s*(.{3,80})$", re.M | re.I)
_ITEM = re.compile(r"^\s*(?:•|-|–|\*|\d{1,2}[.)]|[a-z][.)])\s+(.+)$")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9•])")
_INTRO_SENTENCES = 3
_MAX_ITEM_CHARS = 90


def fold(text: str) -> str:
    """Lower case, no accents, one kind of dash and quote, '&' as 'en', single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in decomposed if not unicodedata.combining(c))
    text = re.sub(r"[‐‑‒–—―]", "-", text).replace("&", " en ")
    text = re.sub(r"[’‘`´]", "'", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True, slots=True)
class Topic:
    """A theme, or a whole field (``kind == "veld"``)."""

    id: str
    label: str
    kind: str  # "thema" or "veld"
    veld: str
    terms: tuple[str, ...]

    def names(self) -> tuple[str, ...]:
        """The label (without a parenthesised part) and the terms, folded."""
        core = fold(re.sub(r"\(.*?\)", "", self.label))
        return tuple(dict.fromkeys([core, *(fold(t) for t in self.terms)]))


def _alternation(phrases: Iterable[str]) -> re.Pattern[str]:
    ordered = sorted({p for p in phrases if p}, key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"[\s-]*") for p in ordered) or "(?!x)x"
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])")


class Taxonomy:
    """The fields and themes, with matchers for mentions and priority items."""

    def __init__(self, topics: Sequence[Topic], fingerprint: str) -> None:
        self.topics = list(topics)
        self.by_id = {t.id: t for t in self.topics}
        self.fingerprint = fingerprint
        self.themes = [t for t in self.topics if t.kind == "thema"]
        self.velden = [t for t in self.topics if t.kind == "veld"]
        # Mentions in running text: theme terms only (field names such as "jeugd" are too general).
        self._mention = {t.id: _alternation(t.names()) for t in self.themes}
        # Priority items and questions: themes and fields by label or term.
        self._item = {t.id: _alternation(t.names()) for t in self.topics}

    @classmethod
    def load(cls, path: Path | None = None) -> Taxonomy:
        raw = path.read_bytes() if path else resources.files("index").joinpath("data/themes.yaml").read_bytes()
        try:
            data = yaml.safe_load(raw)
            velden = {v["id"]: v for v in data["velden"]}
            topics = [Topic(v["id"], v["label"], "veld", v["id"], tuple(v.get("terms") or ())) for v in velden.values()]
            for t in data["themes"]:
                if t["veld"] not in velden:
                    raise ConfigurationError(f"theme {t['id']}: unknown veld {t['veld']}")
                topics.append(Topic(t["id"], t["label"], "thema", t["veld"], tuple(t.get("terms") or ())))
        except (yaml.YAMLError, KeyError, TypeError) as exc:
            raise ConfigurationError(f"theme taxonomy {path or 'themes.yaml'} is invalid: {exc}") from exc
        return cls(topics, hashlib.sha256(raw).hexdigest()[:16])

    def mentions(self, text: str) -> dict[str, int]:
        """Theme id → term occurrences in ``text``, each distinct term counted at most
        ``MAX_PER_TERM`` times (a name repeated ten times is not ten mentions)."""
        folded = fold(text)
        counts = {}
        for tid, rx in self._mention.items():
            found = Counter(m.replace("-", " ") for m in rx.findall(folded))
            if found:
                counts[tid] = sum(min(n, MAX_PER_TERM) for n in found.values())
        return counts

    def named(self, text: str) -> list[str]:
        """Themes and fields a short text (a list item, a heading, a question) names."""
        folded = fold(text)
        return [tid for tid, rx in self._item.items() if rx.search(folded)]

    def resolve(self, name: str) -> str | None:
        """A topic id from what a user typed: an id, a label, a term, or a unique prefix of them."""
        key = fold(name).replace("_", " ")
        for topic in self.topics:
            if key in (topic.id.replace("_", " "), *topic.names()):
                return topic.id
        prefixed = [t.id for t in self.topics if any(n.startswith(key) for n in topic_keys(t))]
        return prefixed[0] if len(prefixed) == 1 else None


def topic_keys(topic: Topic) -> tuple[str, ...]:
    return (topic.id.replace("_", " "), *topic.names())


@cache
def load_taxonomy() -> Taxonomy:
    return Taxonomy.load()


@dataclass(frozen=True, slots=True)
class Priority:
    """A topic a document names as its priority, with the passage as evidence."""

    doc_id: str
    topic: str
    chunk_id: str
    rule: str  # "list", "heading", "label" or "sentence"
    evidence: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class ThemeIndex:
    """Theme mentions per passage and priorities per document."""

    fingerprint: str
    mentions: dict[str, dict[str, int]] = field(default_factory=dict)  # chunk_id → theme → count
    priorities: list[Priority] = field(default_factory=list)

    def save(self, folder: Path) -> None:
        data = {
            "taxonomy": self.fingerprint,
            "mentions": self.mentions,
            "priorities": [p.to_json() for p in self.priorities],
        }
        (folder / THEMES_FILE).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, chunks: Sequence[Chunk], taxonomy: Taxonomy) -> ThemeIndex:
        """The stored theme index; recomputed in memory when missing or made with another taxonomy."""
        path = folder / THEMES_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("taxonomy") == taxonomy.fingerprint:
                priorities = [Priority(**p) for p in data["priorities"]]
                return cls(data["taxonomy"], data["mentions"], priorities)
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return build_theme_index(chunks, taxonomy)

    def themes_of(self, chunk_id: str) -> list[str]:
        return sorted(self.mentions.get(chunk_id, {}), key=lambda t: -self.mentions[chunk_id][t])


def build_theme_index(chunks: Sequence[Chunk], taxonomy: Taxonomy) -> ThemeIndex:
    """Mentions of every passage and priorities of every document."""
    index = ThemeIndex(taxonomy.fingerprint)
    for chunk in chunks:
        if chunk.duplicate_of:
            continue
        counts = taxonomy.mentions(chunk.text)
        own_heading = chunk.section.rsplit(" > ", 1)[-1]
        for tid in taxonomy.mentions(own_heading):
            counts[tid] = counts.get(tid, 0) + HEADING_WEIGHT
        if counts:
            index.mentions[chunk.chunk_id] = counts
    seen: set[tuple[str, str]] = set()
    for chunk in chunks:
        if chunk.duplicate_of:
            continue
        for topic, rule, evidence in document_priorities(chunk, taxonomy):
            if (chunk.doc_id, topic) not in seen:
                seen.add((chunk.doc_id, topic))
                index.priorities.append(Priority(chunk.doc_id, topic, chunk.chunk_id, rule, evidence))
    return index


def own_cue(text: str) -> bool:
    """Does a sentence of ``text`` speak of priorities, and not of someone else's or another period's?"""
    for sentence in _SENTENCE.split(text):
        folded = fold(sentence)
        if _CUE.search(folded) and not _FOREIGN.search(folded):
            return True
    return False


def document_priorities(chunk: Chunk, taxonomy: Taxonomy) -> list[tuple[str, str, str]]:
    """(topic id, rule, evidence text) for the priorities a passage names."""
    found: list[tuple[str, str, str]] = []
    found += _from_lists(chunk.text, taxonomy)
    found += _from_headings(chunk.section, taxonomy)
    for match in _LABEL_LINE.finditer(chunk.text):
        found += [(tid, "label", match.group(0).strip()) for tid in taxonomy.named(match.group(1))]
    for line in chunk.text.split("\n"):
        for sentence in _SENTENCE.split(line):
            if own_cue(sentence) and _enumerates(sentence):
                found += [(tid, "sentence", sentence.strip()) for tid in taxonomy.named(_after_cue(sentence))]
    return found


def _from_lists(text: str, taxonomy: Taxonomy) -> list[tuple[str, str, str]]:
    """Items of lists whose introduction (last sentences before the list) has an own priority cue."""
    lines = text.split("\n")
    found: list[tuple[str, str, str]] = []
    k = 0
    while k < len(lines):
        if not _ITEM.match(lines[k]) or k == 0 or not lines[k - 1].rstrip().endswith(":"):
            k += 1
            continue
        before = " ".join(lines[:k])
        intro = " ".join(_SENTENCE.split(before)[-_INTRO_SENTENCES:])
        items = []
        while k < len(lines) and (m := _ITEM.match(lines[k])):
            items.append(m.group(1))
            k += 1
        if own_cue(intro):
            evidence = (intro.strip() + "\n" + "\n".join(f"• {i}" for i in items)).strip()
            for item in items:
                head = re.split(r":|\s->|\s-\s|\s–\s|\. ", item, maxsplit=1)[0][:_MAX_ITEM_CHARS]
                found += [(tid, "list", evidence) for tid in taxonomy.named(head)]
    return found


def _from_headings(section: str, taxonomy: Taxonomy) -> list[tuple[str, str, str]]:
    """The heading right under a heading with an own priority cue ("3 Prioriteiten > 3.2 Jeugd")."""
    parts = [p.strip() for p in section.split(" > ") if p.strip()]
    found: list[tuple[str, str, str]] = []
    for parent, child in itertools.pairwise(parts):
        if own_cue(parent):
            title = re.sub(r"^[\d.]+\s*", "", child)
            found += [(tid, "heading", f"{parent} > {child}") for tid in taxonomy.named(title[:_MAX_ITEM_CHARS])]
    return found


def _enumerates(sentence: str) -> bool:
    """A sentence that lists priorities: 'namelijk', a colon, or 'prioriteiten, X en Y'."""
    folded = fold(sentence)
    return bool(re.search(r"\bnamelijk\b|prioriteit\w*\s*(?::|,)|\bzijn prioriteiten\b", folded))


def _after_cue(sentence: str) -> str:
    """The enumeration of a priority sentence: after 'namelijk', else after the colon or comma that
    follows the cue."""
    folded = fold(sentence)
    m = _CUE.search(folded)
    if not m:
        return ""
    after = folded[m.end() :]
    for marker in ("namelijk", ":", ","):
        if marker in after:
            return after.split(marker, 1)[1]
    return ""
