"""The assistant: a question in, a cited Dutch answer (or an honest abstention) out.

Abstention follows what was measured to work without false abstentions: a
gemeente named that is not in the corpus, no value of the asked kind (amount,
date) in the best sentences, or an asked year that appears nowhere near the
topic. A retrieval-score threshold is deliberately not used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import prompts
from app.answer import Answer, Citation
from app.extractive import Unit, has_value, question_type, select_units
from index.search import Filters, Hit, Searcher, SearchResult
from ingest.gazetteer import load_gazetteer

TOP_K = 8
RELATED = 3
_CURRENT = re.compile(r"\b(?:huidig\w*|nu|actueel|actuele|momenteel|nieuw\w*|recent\w*|komende|straks)\b", re.I)
_OLDER = re.compile(r"\b(?:oud\w*|vorig\w*|eerder\w*|vroeger\w*)\b", re.I)
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


@dataclass(frozen=True, slots=True)
class Draft:
    """Selected units and the hits they came from, before wording."""

    hits: list[Hit]
    units: list[Unit]


class Assistant:
    """Answers questions over one loaded index."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.analyzer = searcher.lexical.analyzer

    def ask(self, question: str, *, gemeenten: Sequence[str] = ()) -> Answer:
        result = self.searcher.search(question, top_k=TOP_K, filters=Filters(gemeenten=tuple(gemeenten)))
        info = result.info
        if info.unknown_gemeenten and not info.gemeenten and not gemeenten:
            names = ", ".join(info.unknown_gemeenten)
            known = ", ".join(self.searcher.gemeenten)
            return abstain(question, result, f"{names} staat niet in de documenten (wel: {known}).")
        if not result.hits:
            return abstain(question, result, "")
        if info.comparison and len({h.chunk.municipalities[0] for h in result.hits}) > 1:
            return self._compare(question, result)
        hits, period_note = prefer_period(result.hits, question)
        kind = question_type(question)
        units = select_units(hits, self._query_terms(question), self.analyzer.terms, kind)
        if reason := missing_value(question, kind, units, hits):
            return abstain(question, result, reason)
        answer = compose(question, Draft(hits, units), result.hits)
        answer.period_note = " ".join(p for p in (source_note(answer.citations), period_note) if p)
        return answer

    def _query_terms(self, question: str) -> dict[str, float]:
        """Query terms without the gemeente names (every passage of it has them)."""
        terms = self.analyzer.query_terms(question)
        for mention in load_gazetteer().mentions(question):
            for term in self.analyzer.terms(mention.surface):
                terms.pop(term, None)
        return terms

    def _compare(self, question: str, result: SearchResult) -> Answer:
        """One short answer per gemeente, each from that gemeente's own passages."""
        order = list(dict.fromkeys(h.chunk.municipalities[0] for h in result.hits))
        terms, kind = self._query_terms(question), question_type(question)
        kind = "list" if kind == "lookup" else kind  # comparisons are mostly about sets: priorities, themes
        lines: list[str] = []
        citations: dict[str, Citation] = {}
        for gemeente in order:
            own = [h for h in result.hits if h.chunk.municipalities[0] == gemeente]
            units = select_units(own, terms, self.analyzer.terms, kind, budget=350)
            if not units:
                lines.append(f"{gemeente}: {prompts.cannot_answer()}")
                continue
            text = " ".join(f"{unit_text(u)} [{cite(citations, own[u.hit_index])}]" for u in units)
            lines.append(f"{gemeente}: {text}")
        answer = Answer(question, "\n".join(lines), False, "extractive", citations=list(citations.values()))
        answer.hits = result.hits
        answer.period_note = source_note(answer.citations)
        return answer


def cite(citations: dict[str, Citation], hit: Hit) -> int:
    """The marker number of a hit, numbering hits in order of first use."""
    if hit.chunk.chunk_id not in citations:
        citations[hit.chunk.chunk_id] = Citation(len(citations) + 1, hit)
    return citations[hit.chunk.chunk_id].n


def unit_text(unit: Unit) -> str:
    return re.sub(r"[ \t]+", " ", unit.text.strip())


def compose(question: str, draft: Draft, all_hits: list[Hit]) -> Answer:
    """The answer text: each selected unit followed by its citation marker."""
    citations: dict[str, Citation] = {}
    lines = [f"{unit_text(u)} [{cite(citations, draft.hits[u.hit_index])}]" for u in draft.units]
    return Answer(question, "\n".join(lines), False, "extractive", citations=list(citations.values()), hits=all_hits)


def abstain(question: str, result: SearchResult, reason: str) -> Answer:
    """The shared cannot-answer phrase, a reason, and the closest passages as 'mogelijk relevant'."""
    text = " ".join(p for p in (prompts.cannot_answer(), reason) if p)
    answer = Answer(question, text, True, "extractive", hits=result.hits)
    if result.hits:
        answer.notes.append(f"Mogelijk relevant: de {min(RELATED, len(result.hits))} dichtstbijzijnde passages.")
    return answer


def missing_value(question: str, kind: str, units: Sequence[Unit], hits: Sequence[Hit]) -> str:
    """Why the best sentences cannot answer, or '' when they can."""
    if not units:
        return "Geen passage gaat over deze vraag."
    if kind in ("numeric", "date") and not any(has_value(u.text, kind) for u in units):
        asked = "bedrag of aantal" if kind == "numeric" else "datum of jaar"
        return f"De gevonden passages noemen geen {asked} bij dit onderwerp."
    years = _YEAR.findall(question)
    if len(years) == 1 and not any(years[0] in f"{h.chunk.text} {h.chunk.period}" for h in hits):
        return f"Het jaar {years[0]} komt bij dit onderwerp niet voor."  # one asked year, absent near the topic
    return ""


def _period_end(hit: Hit) -> int:
    years = [int(y) for y in _YEAR.findall(hit.chunk.period or "")]
    return max(years) if years else 0


def prefer_period(hits: list[Hit], question: str) -> tuple[list[Hit], str]:
    """For "current" questions keep a gemeente's newest document when it has
    several periods (for "older/previous" questions its oldest); say so."""
    if _YEAR.search(question):
        return hits, ""
    newer = bool(_CURRENT.search(question))
    older = bool(_OLDER.search(question)) and not newer
    by_gemeente: dict[str, set[int]] = {}
    for hit in hits:
        by_gemeente.setdefault(hit.chunk.municipalities[0], set()).add(_period_end(hit))
    notes, kept = [], list(hits)
    for gemeente, ends in by_gemeente.items():
        if len(ends - {0}) < 2 or not (newer or older):
            continue
        chosen = max(ends) if newer else min(ends - {0})
        kept = [h for h in kept if h.chunk.municipalities[0] != gemeente or _period_end(h) in (chosen, 0)]
        label = "nieuwste" if newer else "oudste"
        notes.append(
            f"Voor {gemeente} staan documenten uit meerdere perioden in de index; dit antwoord gebruikt het {label}."
        )
    return kept, " ".join(notes)


def source_note(citations: Sequence[Citation]) -> str:
    """Which documents and periods the answer draws on."""
    sources = dict.fromkeys(
        f"{c.hit.chunk.title}"
        + (f" ({c.hit.chunk.period})" if c.hit.chunk.period and c.hit.chunk.period not in c.hit.chunk.title else "")
        for c in citations
    )
    return ("Bron: " + "; ".join(sources) + ".") if sources else ""
