"""Answer records: an answer, its citations (built from the hits it used)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from index.search import Hit


@dataclass(frozen=True, slots=True)
class Citation:
    """A cited passage: marker number ``n`` and the hit it stands for."""

    n: int
    hit: Hit

    def to_json(self) -> dict[str, Any]:
        data = self.hit.to_json()
        return {
            "n": self.n,
            **{k: data[k] for k in ("chunk_id", "text", "section", "page_start", "page_end", "document")},
        }

    def label(self) -> str:
        """Human-readable source: gemeente, title, period, section, page."""
        c = self.hit.chunk
        parts = [", ".join(c.municipalities), c.title]
        if c.period and c.period not in c.title:
            parts.append(c.period)
        if c.section:
            parts.append(c.section)
        if c.page_start:
            parts.append(f"p. {c.page_start}" + (f"-{c.page_end}" if c.page_end and c.page_end != c.page_start else ""))
        return " · ".join(p for p in parts if p)


@dataclass(slots=True)
class Answer:
    question: str
    answer: str
    abstained: bool
    mode: str  # "extractive", "llm", "extractive-fallback"
    period_note: str = ""
    citations: list[Citation] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "mode": self.mode,
            "period_note": self.period_note,
            "notes": self.notes,
            "citations": [c.to_json() for c in self.citations],
            "hits": [h.to_json() for h in self.hits],
        }


def source_note(citations: Sequence[Citation]) -> str:
    """Which documents and periods the answer draws on."""
    sources = dict.fromkeys(
        f"{c.hit.chunk.title}"
        + (f" ({c.hit.chunk.period})" if c.hit.chunk.period and c.hit.chunk.period not in c.hit.chunk.title else "")
        for c in citations
    )
    return ("Bron: " + "; ".join(sources) + ".") if sources else ""
