"""The assistant: a question in, a cited Dutch answer (or an honest abstention) out.

Abstention follows what was measured to work without false abstentions: a
gemeente named that is not in the corpus, no value of the asked kind (amount,
date) in the best sentences, or an asked year that appears nowhere near the
topic. A retrieval-score threshold is deliberately not used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import prompts
from app.answer import Answer, Citation, source_note
from app.compare import STATUS_LABELS, Comparer, Comparison, silent
from app.extractive import (
    ANSWER_BUDGET,
    NUMBER_WORDS,
    VALUE_KINDS,
    Unit,
    asked_count,
    continue_lists,
    has_value,
    question_type,
    select_units,
)
from app.llm import generate_answer
from app.ranking import question_concepts
from index.analyzer import Concept
from index.query import PRIORITY_CUES, QueryInfo, comparison_cue, understand_query
from index.search import Filters, Hit, Searcher, SearchResult
from index.themes import Priority, Taxonomy, load_taxonomy
from ingest.gazetteer import load_gazetteer
from ingest.records import Chunk

if TYPE_CHECKING:
    from llama_index.core.llms import LLM

TOP_K = 8
RELATED = 3
#: Characters per gemeente in a comparison: the answer's budget shared, less room for the labels.
MIN_COMPARE_BUDGET = 250
# A time word asks for a period only when it qualifies a plan, a policy or a period ("het huidige
# Losserse veiligheidsbeleid", "de komende vier jaar"), not a thing in it ("een nieuwe
# samenwerkingsfase", "nieuwe wetgeving", "ouders"); "nu" only as an adverb, not as "now that" after a comma.
_PLAN = r"(?:\w+\s+){0,2}?\w*(?:plan|plannen|beleid|ivp|nota|programma|agenda|periode|jaar|jaren)\b"
_CURRENT = re.compile(
    rf"\b(?:huidige?|nieuwe?|actuele?|recente|lopende|komende)\s+{_PLAN}|\b(?:momenteel|straks)\b|(?<![,;] )\bnu\b",
    re.I,
)
_OLDER = re.compile(rf"\b(?:oude|oudere|oudste|vorige|eerdere|vroegere)\s+{_PLAN}", re.I)
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
#: The question words of a question: more than one ("wanneer …, en hoeveel …") asks for more than one thing.
_ASKS = re.compile(r"\b(?:hoeveel|welke?|wanneer|waarom|hoe|wie|wat|waar|noem|sinds)\b", re.I)
_SOURCES = re.compile(r"\bvolgens\b", re.I)
_SINCE_ASKED = re.compile(r"\b(?:sinds|vanaf) wanneer\b", re.I)
_SINCE = re.compile(r"\b(?:sinds|vanaf|sedert) (?!wanneer\b)\w+", re.I)  # "sinds corona", "vanaf de invoering"


def single_ask(question: str) -> bool:
    """Does ``question`` ask for one thing from one source: one question word, at most one "volgens …"?"""
    return len(_ASKS.findall(question)) == 1 and len(_SOURCES.findall(question)) <= 1


@dataclass(frozen=True, slots=True)
class Draft:
    """Selected units and the hits they came from, before wording."""

    hits: list[Hit]
    units: list[Unit]


_SHARED_QUESTION = re.compile(
    r"\b(?:gemeen|gemeenschappelijk\w*|overeenkomst\w*|overeenkomen|gedeeld\w*|delen|allebei|beide)\b", re.I
)
_DIFFERENCE_QUESTION = re.compile(r"\b(?:verschil\w*|anders|alleen|wel\b.*\bniet)\b", re.I)


class Assistant:
    """Answers questions over one loaded index."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self._named: dict[str, list[str]] = {}
        self.analyzer = searcher.lexical.analyzer
        self.comparer = Comparer(searcher.chunks, searcher.themes, load_taxonomy())

    def ask(self, question: str, *, gemeenten: Sequence[str] = ()) -> Answer:
        # the fused order, not answer_search's: the answer stage does its own question-aware selection,
        # and on the eval, answering from the reranked passages lost key terms and near-miss abstentions
        result = self.searcher.search(question, top_k=TOP_K, filters=Filters(gemeenten=tuple(gemeenten)))
        info = result.info
        if reason := self._outside(info, gemeenten):
            return self._from_mentions(question, result) or abstain(question, result, reason)
        answer = self._answer(question, result, gemeenten)
        if info.unknown_gemeenten and not answer.abstained:
            names = ", ".join(info.unknown_gemeenten)
            about = " en ".join(info.gemeenten) or "de andere gemeenten"
            answer.notes.append(f"{names} staat niet in de documenten; het antwoord gaat over {about}.")
        return answer

    def _outside(self, info: QueryInfo, gemeenten: Sequence[str]) -> str:
        """Why the question is about no gemeente of the index: it names only gemeenten that are not in it,
        or only ones without documents of their own; "" when it is not."""
        if gemeenten:
            return ""
        own = self.searcher.own_gemeenten
        if info.unknown_gemeenten and not info.gemeenten:
            if any(self._named_in_text(g) for g in info.unknown_gemeenten):  # named, though in no metadata
                return self._mentioned_only(info.unknown_gemeenten)
            return f"{', '.join(info.unknown_gemeenten)} staat niet in de documenten (wel: {', '.join(own)})."
        if info.gemeenten and not any(g in own for g in info.gemeenten):
            return self._mentioned_only(info.gemeenten)
        return ""

    def _from_mentions(self, question: str, result: SearchResult) -> Answer | None:
        """The answer for a gemeente without documents of its own from the passages of other documents that
        name it (a regional plan describing its pilot), when the best passage for the question is one of
        them and the answer's first statement names it; ``None`` otherwise, or when those passages do not
        answer (a figure the question asks for is missing)."""
        asked = {*result.info.gemeenten, *result.info.unknown_gemeenten}
        if result.info.gemeenten:  # searched among the passages concerning it: rank among all of them
            result = self.searcher.search(
                question, top_k=TOP_K, filters=Filters(gemeenten=tuple(self.searcher.gemeenten))
            )
        naming = [h for h in result.hits if names_any(h.chunk.text, asked)]
        if not naming or naming[0] is not result.hits[0]:
            return None  # the question's best passage is about something else: the documents do not cover it
        answer = self._answer(question, replace(result, hits=naming), ())
        first = answer.answer.split("[", 1)[0]  # the first statement, up to its citation marker
        if answer.abstained or not names_any(first, asked):
            return None  # a passage naming it in passing ("Noaberkracht Dinkelland Tubbergen") says nothing of it
        answer.hits = naming  # what a model may answer from, too: only the passages that speak of it
        who = " en ".join(sorted(asked))
        answer.notes.append(
            f"{who} {'hebben' if len(asked) > 1 else 'heeft'} geen eigen documenten in de index; "
            f"dit antwoord komt uit passages van andere documenten die {who} noemen."
        )
        return answer

    def _named_in_text(self, gemeente: str) -> list[str]:
        """The documents whose text names a gemeente ("title (gemeente)"), though no passage's metadata may:
        a substring test for its surface forms first, the gazetteer's mention rules on what passes."""
        if gemeente not in self._named:
            forms = load_gazetteer().forms_of(gemeente)
            self._named[gemeente] = list(
                dict.fromkeys(
                    f"{c.title} ({c.municipalities[0]})"
                    for c in self.searcher.chunks
                    if any(f in c.text for f in forms) and names_any(c.text, {gemeente})
                )
            )
        return self._named[gemeente]

    def _mentioned_only(self, names: Sequence[str]) -> str:
        """Why a question about gemeenten without documents of their own is not answered, and where they
        are mentioned (a joint proposal of another gemeente): the user can look there."""
        sources = dict.fromkeys(
            f"{c.title} ({c.municipalities[0]})"
            for c in self.searcher.chunks
            if c.municipalities[0] not in names and any(g in c.municipalities for g in names)
        )
        for g in names:
            sources.update(dict.fromkeys(self._named_in_text(g)))
        several = len(names) > 1
        who = " en ".join(names)
        own = ", ".join(self.searcher.own_gemeenten)
        reason = f"{who} {'hebben' if several else 'heeft'} geen eigen documenten in de index (wel: {own})."
        if sources:
            reason += f" {who} {'worden' if several else 'wordt'} alleen genoemd in: {'; '.join(list(sources)[:3])}."
        return reason

    def _answer(self, question: str, result: SearchResult, gemeenten: Sequence[str]) -> Answer:
        info = result.info
        if not result.hits:
            return abstain(question, result, "")
        if self._about_themes(question, info) and (themed := self._compare_themes(question, result, [*gemeenten])):
            return themed
        if len(compared := compared_gemeenten(result, gemeenten)) > 1:
            return self._compare(question, result, compared)
        hits, period_note = prefer_period(result.hits, question)
        kind = question_type(question)
        concepts, count = self._concepts(question), asked_count(question)
        one = kind in VALUE_KINDS and single_ask(question)  # one value asked: one passage gives it
        units = select_units(hits, concepts, self.analyzer.terms, kind, count=count, one_passage=one)
        units, hits = continue_lists(units, hits, self.searcher.next_chunk)
        if reason := missing_value(question, kind, units, hits):
            return abstain(question, result, reason)
        answer = compose(question, Draft(hits, units), result.hits)
        answer.period_note = " ".join(p for p in (source_note(answer.citations), period_note) if p)
        return answer

    def answer(
        self,
        question: str,
        *,
        gemeenten: Sequence[str] = (),
        llm: LLM | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        """The extractive answer, or with ``llm`` the model's answer over the same passages (falling back to
        the extractive one, with a note, when the model fails or cites nothing valid)."""
        extractive = self.ask(question, gemeenten=gemeenten)
        if llm is None:
            return extractive
        info = understand_query(question, self.searcher.gemeenten)
        if extractive.abstained and self._outside(info, gemeenten):
            return extractive  # passages about other gemeenten must not tempt the model
        hits, _ = prefer_period(extractive.hits, question)
        return generate_answer(question, hits, extractive, llm, on_token=on_token)

    def _concepts(self, question: str) -> list[Concept]:
        return question_concepts(self.searcher, question)

    def _compare(self, question: str, result: SearchResult, order: Sequence[str]) -> Answer:
        """One short answer per gemeente, each from that gemeente's own passages."""
        whole = self._concepts(question)
        lines: list[str] = []
        citations: dict[str, Citation] = {}
        budget = max(MIN_COMPARE_BUDGET, (ANSWER_BUDGET - 100) // len(order))
        for gemeente in order:
            # a gemeente asked its own thing: its clause's concepts count twice (the rest may hold the topic)
            asked = result.info.question_for(gemeente, question)
            concepts = whole + self._concepts(asked) if asked != question else whole
            # the question's own kind: a "hoe" or "waarom" comparison asks for a sentence per gemeente, not a list
            kind = question_type(asked)
            own = [h for h in result.hits if h.chunk.municipalities[0] == gemeente]
            units = select_units(own, concepts, self.analyzer.terms, kind, budget=budget)
            if not units:
                lines.append(f"{gemeente}: {prompts.cannot_answer()}")
                continue
            text = " ".join(f"{unit_text(u)} [{cite(citations, own[u.hit_index])}]" for u in units)
            lines.append(f"{gemeente}: {text}")
        answer = Answer(question, "\n".join(lines), False, "extractive", citations=list(citations.values()))
        answer.hits = result.hits
        answer.period_note = source_note(answer.citations)
        return answer

    def _about_themes(self, question: str, info: QueryInfo) -> bool:
        """A comparison about themes or priorities, not about a figure or date: one with a cue ("vergelijk",
        "verschil", "welke gemeenten"), or naming two gemeenten of the corpus and asking for priorities
        (a question naming gemeenten and a topic may ask about their joint project)."""
        if question_type(question) in VALUE_KINDS:
            return False
        if comparison_cue(question, len(info.gemeenten) + len(info.unknown_gemeenten)):
            return bool(PRIORITY_CUES.search(question) or self.comparer.taxonomy.named(question))
        return info.comparison and len(info.gemeenten) >= 2 and bool(PRIORITY_CUES.search(question))

    def _compare_themes(self, question: str, result: SearchResult, given: list[str]) -> Answer | None:
        """A comparison about themes or priorities, answered from the theme matrix, per gemeente."""
        taxonomy = self.comparer.taxonomy
        topics = taxonomy.named(question)
        named = given or list(result.info.gemeenten)
        # one gemeente named alone is set against all the others ("hoe verhoudt Losser zich tot de andere
        # gemeenten?"); one named beside a gemeente without documents is answered alone, with a note
        alone = len(named) >= 2 or bool(named and result.info.unknown_gemeenten)
        names = named if alone else list(dict.fromkeys([*named, *self.comparer.gemeenten]))
        citations: dict[str, Citation] = {}
        if topics:
            comparison = self.comparer.compare(topics, names)
            summary = [_status_summary(comparison, citations)] if PRIORITY_CUES.search(question) else []
            concepts = self._concepts(question)
            lines = [*summary, *(self._theme_line(concepts, comparison, g, citations, result.hits) for g in names)]
            notes: list[str] = []
        else:
            lines, notes = [], []
            picked: dict[str, dict[str, int]] = {}
            for gemeente in names:
                line, note, picked[gemeente] = self._priority_line(question, gemeente, citations)
                lines.append(line)
                notes += [note] if note else []
            lines = [*_overlap_lines(question, picked, self.comparer.taxonomy), *lines]
        answer = Answer(question, "\n".join(lines), False, "extractive", citations=list(citations.values()))
        answer.hits = result.hits
        answer.period_note = " ".join([source_note(answer.citations), *notes]).strip()
        return answer

    def _theme_line(
        self,
        concepts: Sequence[Concept],
        comparison: Comparison,
        gemeente: str,
        citations: dict[str, Citation],
        hits: Sequence[Hit] = (),
    ) -> str:
        """What one gemeente's documents say about the asked topic(s): status and the best sentence, cited.
        The sentence comes from the topic's evidence or from the gemeente's own passages the search found
        (a question about an "intern meldpunt voor ondermijning" is answered by the meldpunt, not by the
        priority list)."""
        parts = []
        for topic in comparison.topics:
            cell = comparison.cell(gemeente, topic.id)
            if cell.status == "absent":
                parts.append(silent(gemeente, topic))
                continue
            period = cell.period_text()
            kind = "list" if cell.status == "priority" else "lookup"  # a priority list with its introduction
            ids = {h.chunk.chunk_id for h in cell.evidence}
            found = [h for h in hits if h.chunk.municipalities[0] == gemeente and h.chunk.chunk_id not in ids]
            candidates = [*cell.evidence, *found]
            units = select_units(candidates, concepts, self.analyzer.terms, kind, budget=400)
            support = " ".join(f"{unit_text(u)} [{cite(citations, candidates[u.hit_index])}]" for u in units[:1])
            if not support:
                support = f"[{cite(citations, cell.evidence[0])}]"
            parts.append(f"{topic.label}: {STATUS_LABELS[cell.status]}{period}. {support}")
        return f"{gemeente}: " + " ".join(parts)

    def _priority_line(
        self, question: str, gemeente: str, citations: dict[str, Citation]
    ) -> tuple[str, str, dict[str, int]]:
        """The priorities one gemeente's newest plan names (or of the asked year), each cited; with a note on
        the period chosen and the marker of each priority topic."""
        by_id = self.comparer.by_id
        own = self.comparer.priorities_of(gemeente)
        if not own:
            return f"{gemeente}: in de documenten is geen lijst met prioriteiten gevonden.", "", {}
        periods = {by_id[p.chunk_id].period or "" for p in own}
        asked = _YEAR.findall(question)
        chosen = _choose_period(own, by_id, gemeente, asked)
        picked = [p for p in own if (by_id[p.chunk_id].period or "") == chosen]
        items, markers = [], {}
        for p in picked:
            markers[p.topic] = cite(citations, Hit(0, 0.0, by_id[p.chunk_id]))
            items.append(f"{self.comparer.taxonomy.by_id[p.topic].label} [{markers[p.topic]}]")
        note = ""
        if len(periods) > 1 and not asked:
            note = (
                f"Voor {gemeente} staan prioriteiten uit meerdere perioden in de index; "
                f"dit antwoord gebruikt de nieuwste ({chosen})."
            )
        return f"{gemeente} ({chosen or 'periode onbekend'}): " + "; ".join(items) + ".", note, markers


def _overlap_lines(question: str, picked: dict[str, dict[str, int]], taxonomy: Taxonomy) -> list[str]:
    """For "wat hebben ... gemeen" the priorities every compared gemeente shares, for "wat is het verschil"
    those only one of them has; each cited with the markers of the gemeente lines below."""
    with_list = {g: topics for g, topics in picked.items() if topics}
    if len(with_list) < 2:
        return []
    lines = []
    if _SHARED_QUESTION.search(question):
        shared = [t for t in next(iter(with_list.values())) if all(t in topics for topics in with_list.values())]
        items = [f"{taxonomy.by_id[t].label} [{', '.join(str(m[t]) for m in with_list.values())}]" for t in shared]
        lines.append("Gedeelde prioriteiten: " + "; ".join(items) + "." if items else
                     "De genoemde gemeenten hebben geen prioriteit gemeen.")  # fmt: skip
    if _DIFFERENCE_QUESTION.search(question):
        for gemeente, topics in with_list.items():
            only = [t for t in topics if not any(t in other for g, other in with_list.items() if g != gemeente)]
            if only:
                lines.append(
                    f"Alleen {gemeente}: " + "; ".join(f"{taxonomy.by_id[t].label} [{topics[t]}]" for t in only) + "."
                )
    return lines


def _status_summary(comparison: Comparison, citations: dict[str, Citation]) -> str:
    """One line per asked topic: where it is a priority, where only discussed (cited), where absent."""
    lines = []
    for topic in comparison.topics:
        groups: dict[str, list[str]] = {}
        for gemeente in comparison.gemeenten:
            cell = comparison.cell(gemeente, topic.id)
            marker = f" [{cite(citations, cell.evidence[0])}]" if cell.evidence else ""
            groups.setdefault(cell.status, []).append(gemeente + marker)
        parts = [
            f"{STATUS_LABELS[s]}: {', '.join(groups[s])}" for s in ("priority", "discussed", "absent") if s in groups
        ]
        lines.append(f"{topic.label} — " + "; ".join(parts) + ".")
    return "\n".join(lines)


def _choose_period(own: Sequence[Priority], by_id: dict[str, Chunk], gemeente: str, asked: Sequence[str]) -> str:
    """The period whose priorities answer: one holding an asked year, else the newest (the gemeente's own
    document before a joint one)."""

    def key(p: Priority) -> tuple[int, int, int]:
        chunk = by_id[p.chunk_id]
        years = [int(y) for y in _YEAR.findall(chunk.period or "")]
        holds = any(years and min(years) <= int(a) <= max(years) for a in asked)
        return (int(holds), max(years) if years else 0, int(chunk.municipalities[0] == gemeente))

    return by_id[max(own, key=key).chunk_id].period or ""


def names_any(text: str, gemeenten: Collection[str]) -> bool:
    """Does the text name one of the gemeenten (in any of its forms: "Borne", "Bornse")?"""
    return any(m.gemeente in gemeenten for m in load_gazetteer().mentions(text))


def compared_gemeenten(result: SearchResult, given: Sequence[str] = ()) -> list[str]:
    """The gemeenten a comparison answers for, in the order of their best passage: those the user chose
    or the question names that have passages of their own (a gemeente only mentioned in another's
    documents cannot be compared), or, for a comparison naming none ("welke gemeenten ..."), every
    gemeente among the passages."""
    info = result.info
    if not info.comparison:
        return []
    primaries = list(dict.fromkeys(h.chunk.municipalities[0] for h in result.hits))
    named = set(given) or set(info.gemeenten)
    return [g for g in primaries if g in named] if named else primaries


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
    years = _YEAR.findall(question)
    # a day asked for ("op welke datum"): a year the question names itself ("het plan 2024-2027") is no answer
    if kind == "day" and not any(has_value(u.text, "day") or set(_YEAR.findall(u.text)) - set(years) for u in units):
        return "De gevonden passages noemen geen datum bij dit onderwerp."
    kind = "date" if kind == "day" else kind  # a year near the topic may still be all the documents say
    written = kind == "numeric" and any(NUMBER_WORDS.search(u.text) for u in units)  # "veertien gemeenten"
    # "sinds wanneer" may be answered by an event: "Sinds corona is ..."
    since = kind == "date" and bool(_SINCE_ASKED.search(question)) and any(_SINCE.search(u.text) for u in units)
    valued = written or since or any(has_value(u.text, kind) for u in units)
    if kind in ("money", "numeric", "date") and not valued:
        asked = {"money": "bedrag", "numeric": "bedrag of aantal", "date": "datum of jaar"}[kind]
        return f"De gevonden passages noemen geen {asked} bij dit onderwerp."
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
