"""Comparing gemeenten by theme: a cited gemeente × theme matrix and side-by-side passages.

A cell is **priority** when one of the gemeente's documents names the topic as
its priority (see :mod:`index.themes`), **discussed** when its documents
mention the topic at least ``MIN_MENTIONS`` times, and **absent** otherwise.
Every priority and discussed cell carries the passages it rests on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.answer import Citation
from index.search import Hit
from index.themes import Priority, Taxonomy, ThemeIndex, Topic, load_taxonomy
from ingest.errors import ConfigurationError
from ingest.records import Chunk
from ingest.store import read_chunks

MIN_MENTIONS = 2  # one passing mention does not make a topic "discussed"
EVIDENCE_PER_CELL = 2
STATUS_LABELS = {"priority": "prioriteit", "discussed": "besproken", "absent": "niet genoemd"}
_YEAR = re.compile(r"(?:19|20)\d\d")


@dataclass(slots=True)
class Cell:
    gemeente: str
    topic: str
    status: str  # "priority", "discussed" or "absent"
    mentions: int
    periods: list[str] = field(default_factory=list)  # periods of the documents naming it a priority
    evidence: list[Hit] = field(default_factory=list)
    priority_rule: str = ""
    #: chunk id → the priority statement in it (where an excerpt should start)
    anchors: dict[str, str] = field(default_factory=dict)

    def period_text(self) -> str:
        """ " (2024-2027)" for a priority, "" otherwise."""
        return f" ({', '.join(self.periods)})" if self.periods else ""


def silent(gemeente: str, topic: Topic) -> str:
    """The explicit statement that a gemeente's documents do not speak of a topic."""
    return f"De documenten van {gemeente} zeggen niets over {topic.label.lower()}."


@dataclass(slots=True)
class Comparison:
    """The matrix for the chosen gemeenten and topics, with numbered citations."""

    gemeenten: list[str]
    topics: list[Topic]
    cells: dict[tuple[str, str], Cell]
    citations: list[Citation] = field(default_factory=list)

    def cell(self, gemeente: str, topic: str) -> Cell:
        return self.cells[(gemeente, topic)]

    def markers(self, cell: Cell) -> list[int]:
        ids = {c.hit.chunk.chunk_id: c.n for c in self.citations}
        return [ids[h.chunk.chunk_id] for h in cell.evidence]

    def to_json(self) -> dict[str, Any]:
        return {
            "gemeenten": self.gemeenten,
            "topics": [{"id": t.id, "label": t.label, "kind": t.kind, "veld": t.veld} for t in self.topics],
            "cells": [
                {
                    "gemeente": c.gemeente, "topic": c.topic, "status": c.status, "mentions": c.mentions,
                    "periods": c.periods, "priority_rule": c.priority_rule, "citations": self.markers(c),
                }
                for c in self.cells.values()
            ],
            "citations": [c.to_json() for c in self.citations],
        }  # fmt: skip

    def rows(self) -> list[dict[str, str]]:
        """Flat rows for CSV: one per cell."""
        out = []
        for (gemeente, tid), cell in self.cells.items():
            topic = next(t for t in self.topics if t.id == tid)
            sources = [c for c in self.citations if c.n in set(self.markers(cell))]
            out.append(
                {
                    "gemeente": gemeente, "topic_id": tid, "topic": topic.label, "kind": topic.kind,
                    "veld": topic.veld, "status": cell.status, "mentions": str(cell.mentions),
                    "periods": "; ".join(cell.periods), "sources": " | ".join(c.label() for c in sources),
                    "chunk_ids": " ".join(c.hit.chunk.chunk_id for c in sources),
                }
            )  # fmt: skip
        return out


class Comparer:
    """Theme comparisons over the passages of one index."""

    def __init__(self, chunks: Sequence[Chunk], themes: ThemeIndex, taxonomy: Taxonomy) -> None:
        self.chunks = [c for c in chunks if not c.duplicate_of]
        self.themes = themes
        self.taxonomy = taxonomy
        self.by_id = {c.chunk_id: c for c in self.chunks}
        #: gemeente → its passages that mention any theme (built once; cells only look here)
        self._mentioning: dict[str, list[Chunk]] = {}
        for chunk in self.chunks:
            if chunk.chunk_id in themes.mentions:
                for gemeente in chunk.municipalities:
                    self._mentioning.setdefault(gemeente, []).append(chunk)
        first_named = {c.municipalities[0] for c in self.chunks if c.municipalities}
        self.gemeenten = sorted(first_named)
        self.all_gemeenten = sorted({g for c in self.chunks for g in c.municipalities})

    @classmethod
    def from_folder(cls, folder: Path) -> Comparer:
        taxonomy = load_taxonomy()
        chunks = read_chunks(folder)
        return cls(chunks, ThemeIndex.load(folder, chunks, taxonomy), taxonomy)

    def resolve_topics(self, names: Sequence[str]) -> list[Topic]:
        """Topics by id, label or term; all fields and themes (grouped by field) when none are given."""
        if not names:
            order = []
            for veld in self.taxonomy.velden:
                order.append(veld)
                order += [t for t in self.taxonomy.themes if t.veld == veld.id]
            return order
        topics = []
        for name in names:
            tid = self.taxonomy.resolve(name)
            if tid is None:
                known = ", ".join(t.id for t in self.taxonomy.topics)
                raise ConfigurationError(f"Onbekend thema '{name}'. Bekende thema's: {known}")
            topics.append(self.taxonomy.by_id[tid])
        return list(dict.fromkeys(topics))

    def resolve_gemeenten(self, names: Sequence[str]) -> list[str]:
        if not names:
            return self.gemeenten
        lookup = {g.lower(): g for g in self.all_gemeenten}
        missing = [n for n in names if n.lower() not in lookup]
        if missing:
            raise ConfigurationError(
                f"{', '.join(missing)} staat niet in de documenten (wel: {', '.join(self.all_gemeenten)})."
            )
        return list(dict.fromkeys(lookup[n.lower()] for n in names))

    def compare(self, topics: Sequence[str] = (), gemeenten: Sequence[str] = ()) -> Comparison:
        chosen_topics = self.resolve_topics(topics)
        chosen_gemeenten = self.resolve_gemeenten(gemeenten)
        cells = {
            (g, t.id): self._cell(g, t, EVIDENCE_PER_CELL if len(chosen_topics) > 1 else EVIDENCE_PER_CELL + 1)
            for t in chosen_topics
            for g in chosen_gemeenten
        }
        comparison = Comparison(chosen_gemeenten, chosen_topics, cells)
        numbered: dict[str, Citation] = {}
        for cell in cells.values():
            for hit in cell.evidence:
                if hit.chunk.chunk_id not in numbered:
                    numbered[hit.chunk.chunk_id] = Citation(len(numbered) + 1, hit)
        comparison.citations = list(numbered.values())
        return comparison

    def priorities_of(self, gemeente: str) -> list[Priority]:
        """Every priority named by a document of ``gemeente``."""
        return [
            p
            for p in self.themes.priorities
            if p.chunk_id in self.by_id and gemeente in self.by_id[p.chunk_id].municipalities
        ]

    def _priorities(self, gemeente: str, topic: Topic) -> list[Priority]:
        found = [p for p in self.priorities_of(gemeente) if p.topic == topic.id]
        return sorted(found, key=lambda p: -_period_end(self.by_id[p.chunk_id].period))

    def _mentions(self, gemeente: str, topic: Topic) -> list[tuple[int, Chunk]]:
        """(count, passage) of a gemeente's passages mentioning the topic (a field: any of its themes)."""
        members = {topic.id} if topic.kind == "thema" else {t.id for t in self.taxonomy.themes if t.veld == topic.id}
        out = []
        for chunk in self._mentioning.get(gemeente, []):
            counts = self.themes.mentions[chunk.chunk_id]
            n = sum(counts.get(m, 0) for m in members)
            if n:
                out.append((n, chunk))
        return sorted(out, key=lambda x: (-x[0], -_period_end(x[1].period)))

    def _cell(self, gemeente: str, topic: Topic, limit: int) -> Cell:
        priorities = self._priorities(gemeente, topic)
        mentioned = self._mentions(gemeente, topic)
        total = sum(n for n, _ in mentioned)
        cell = Cell(gemeente, topic.id, "absent", total)
        evidence: list[Chunk] = []
        if priorities:
            cell.status = "priority"
            cell.priority_rule = priorities[0].rule
            cell.periods = [p for p in dict.fromkeys(self.by_id[q.chunk_id].period or "" for q in priorities) if p]
            evidence = [self.by_id[p.chunk_id] for p in priorities]
            for p in reversed(priorities):
                cell.anchors[p.chunk_id] = p.evidence
        elif total >= MIN_MENTIONS:
            cell.status = "discussed"
        evidence += [c for _, c in mentioned]
        if cell.status != "absent":
            unique = list({c.chunk_id: c for c in evidence}.values())[:limit]
            cell.evidence = [Hit(i + 1, 0.0, c, tuple(self.themes.themes_of(c.chunk_id))) for i, c in enumerate(unique)]
        return cell


def _period_end(period: str | None) -> int:
    years = [int(y) for y in _YEAR.findall(period or "")]
    return max(years) if years else 0


def excerpt(text: str, topic: Topic, taxonomy: Taxonomy, width: int = 320, anchor: str = "") -> str:
    """A stretch of a passage from its priority statement (``anchor``) or around its first mention of the topic."""
    flat = re.sub(r"\s+", " ", text).strip()
    at = flat.find(re.sub(r"\s+", " ", anchor).strip()[:60]) if anchor else -1
    if at >= 0:
        piece = flat[at : at + width]
        return ("…" if at else "") + piece + ("…" if at + width < len(flat) else "")
    members = [topic] if topic.kind == "thema" else [t for t in taxonomy.themes if t.veld == topic.id]
    lowered = flat.lower()
    positions = [lowered.find(n) for t in [topic, *members] for n in t.names() if n and lowered.find(n) >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    if start:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    piece = flat[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(flat) else "")
