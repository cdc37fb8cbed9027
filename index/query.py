"""Query understanding: gemeenten named (known or not), years, comparisons, kinds of document."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from ingest.gazetteer import load_gazetteer

COMPARISON_CUES = re.compile(
    r"\b(?:vergelijk\w*|verschil\w*|overeenkomst\w*|gemeen|welke gemeenten|elke gemeente|per gemeente|alle gemeenten"
    r"|beide gemeenten|gemeenten onderling|ten opzichte van)\b",
    re.I,
)
#: Questions about priorities or themes ("speerpunten", "waar ligt de focus").
PRIORITY_CUES = re.compile(
    r"\b\w*(?:prioriteit|prioriter|speerpunt|zwaartepunt|accent|thema'?s|beleidsthema)\w*|\bfocus\w*",
    re.I,
)
_WHICH_GEMEENTE = re.compile(r"\bwelke gemeente\b", re.I)
_COMPARATIVE = re.compile(
    r"\b(?:meer|meest\w*|minder|minst\w*|vaker|vaakst\w*|hoger|hoogst\w*|lager|laagst\w*|groter|grootst\w*"
    r"|kleiner|kleinst\w*|beter|best\w*|slechter|slechtst\w*)\b",
    re.I,
)


def comparison_cue(query: str) -> bool:
    """Does the question compare gemeenten ("vergelijk", "welke gemeenten")? "Welke gemeente" alone
    asks for one name a document gives ("welke gemeente is penvoerder"), unless it asks who does
    more or most, or which gemeente has a priority."""
    if COMPARISON_CUES.search(query):
        return True
    return bool(_WHICH_GEMEENTE.search(query) and (_COMPARATIVE.search(query) or PRIORITY_CUES.search(query)))


#: Gemeenten named together as partners ("samen met", "gezamenlijk"): a joint matter, not a comparison.
JOINT_CUES = re.compile(r"\b(?:samen|gezamenlijk\w*|samenwerk\w*|met elkaar)\b", re.I)
#: Words naming a kind of document ("volgens de benchmark", "het raadsvoorstel"), with the document types
#: of ``ingest`` they stand for. "plan" and "veiligheidsplan" are left out: questions use them for any plan.
DOC_TYPE_CUES = (
    (re.compile(r"\b(?:raads)?voorstel\w*", re.I), ("raadsvoorstel", "voorstel")),
    (re.compile(r"\b(?:raads(?:informatie)?)?brief\b|\bbrief aan de raad\b", re.I), ("raadsbrief",)),
    (re.compile(r"\bjaarplan\w*|\bjaarprogramma\w*", re.I), ("jaarplan",)),
    (re.compile(r"\bmeerjaren\w*", re.I), ("meerjarenplan",)),
    (re.compile(r"\bnotitie\w*", re.I), ("notitie",)),
    (re.compile(r"\bbenchmark\w*", re.I), ("benchmark",)),
)
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


@dataclass(frozen=True, slots=True)
class QueryInfo:
    """What a question says beyond its words."""

    gemeenten: tuple[str, ...] = ()  # named and present in the corpus
    unknown_gemeenten: tuple[str, ...] = ()  # named Dutch municipalities the corpus does not hold
    years: tuple[int, ...] = ()
    comparison: bool = False
    doc_types: tuple[str, ...] = ()  # kinds of document the question names
    notes: tuple[str, ...] = field(default=())


def understand_query(query: str, corpus_gemeenten: Collection[str]) -> QueryInfo:
    """Find gemeenten ("in Hengelo", "Losserse", "Haaksbergs"), years and comparison cues."""
    named = list(dict.fromkeys(m.gemeente for m in load_gazetteer().mentions(query)))
    known = tuple(g for g in named if g in corpus_gemeenten)
    unknown = tuple(g for g in named if g not in corpus_gemeenten)
    years = tuple(sorted({int(y) for y in _YEAR.findall(query)}))
    several = len(known) + len(unknown) >= 2 and not JOINT_CUES.search(query)
    comparison = several or comparison_cue(query)
    doc_types = tuple(dict.fromkeys(t for cue, types in DOC_TYPE_CUES if cue.search(query) for t in types))
    return QueryInfo(known, unknown, years, comparison, doc_types=doc_types)
