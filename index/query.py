"""Query understanding: gemeenten named (known or not), years, comparisons, kinds of document."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from ingest.gazetteer import load_gazetteer

#: Cues that always set gemeenten side by side ("welke gemeenten", "per gemeente").
COMPARISON_CUES = re.compile(
    r"\b(?:welke gemeenten|elke gemeente|iedere gemeente|per gemeente|alle gemeenten|beide gemeenten"
    r"|gemeenten onderling)\b",
    re.I,
)
#: Cues that compare anything ("het verschil tussen preventie en repressie", "de vergelijkingsronde van de
#: benchmark"): a comparison of gemeenten only when the question names several or speaks of gemeenten.
_COMPARING_WORDS = re.compile(r"\b(?:vergelijk\w*|verschil\w*|overeenkomst\w*|gemeen|ten opzichte van)\b", re.I)
_GEMEENTEN = re.compile(r"\b(?:gemeenten|gemeentes)\b", re.I)
#: "Welke gemeenten werken samen in / vallen onder / nemen deel aan ...": asks for the members that one
#: passage names, not for a comparison of the gemeenten in the index.
_MEMBERSHIP = re.compile(
    r"\b(?:samen\w*|gezamenlijk\w*|deelne\w*|deel aan|nemen deel|neemt deel|aangesloten|vallen onder|valt onder"
    r"|behoren tot|horen bij|maken deel uit|betrokken|verenigd|aangehaakt|lid)\b",
    re.I,
)
#: "in plaats van per gemeente", "niet per gemeente": the cue names what the question sets aside.
_SET_ASIDE = re.compile(r"\b(?:in plaats van|i\.?p\.?v\.?|niet|dan)\s+$", re.I)
#: Questions about priorities or themes ("speerpunten", "waar ligt de focus").
PRIORITY_CUES = re.compile(
    r"\b\w*(?:prioriteit|prioriter|speerpunt|zwaartepunt|accent|thema'?s|beleidsthema)\w*|\bfocus\w*",
    re.I,
)
_WHICH_GEMEENTE = re.compile(r"\bwelke gemeente\b", re.I)
_WHICH_GEMEENTEN = re.compile(r"\bwelke (?:\w+ )?gemeenten\b", re.I)
_COMPARATIVE = re.compile(
    r"\b(?:meer|meest\w*|minder|minst\w*|vaker|vaakst\w*|hoger|hoogst\w*|lager|laagst\w*|groter|grootst\w*"
    r"|kleiner|kleinst\w*|beter|best\w*|slechter|slechtst\w*)\b",
    re.I,
)


def comparison_cue(query: str, named: int = 0) -> bool:
    """Does the question compare gemeenten ("welke gemeenten", "per gemeente", or "vergelijk" / "verschil"
    with several gemeenten named (``named``) or spoken of)? "Welke gemeente" alone asks for one name a
    document gives ("welke gemeente is penvoerder"), unless it asks who does more or most, or which gemeente
    has a priority; "welke gemeenten werken samen in ..." asks for the members a passage names."""
    if any(not _SET_ASIDE.search(query, 0, m.start()) for m in COMPARISON_CUES.finditer(query)):
        return not (_WHICH_GEMEENTEN.search(query) and _MEMBERSHIP.search(query) and not PRIORITY_CUES.search(query))
    if _COMPARING_WORDS.search(query) and (named >= 2 or _GEMEENTEN.search(query)):
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
    comparison = several or comparison_cue(query, len(known) + len(unknown))
    doc_types = tuple(dict.fromkeys(t for cue, types in DOC_TYPE_CUES if cue.search(query) for t in types))
    return QueryInfo(known, unknown, years, comparison, doc_types=doc_types)
