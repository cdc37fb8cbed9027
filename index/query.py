"""Query understanding: gemeenten named (known or not), years, comparisons, kinds of document."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from ingest.gazetteer import Mention, load_gazetteer

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
#: Gemeenten named as members of something in a relative clause ("het basisteam waartoe Hengelo en Haaksbergen
#: behoren", "de regio waar Losser en Dinkelland onder vallen"): they say which one is meant, not what to compare.
MEMBER_CLAUSE = re.compile(
    r"\b(?:waartoe|waaronder|waarbij|waarin|waar|die|dat)\b[^,;:?]{0,80}?"
    r"\b(?:behoren|behoort|behoorden|(?:onder )?vallen|(?:onder )?valt|vielen|horen bij|hoort bij|deel uitma\w+)\b",
    re.I,
)
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
#: A document named by its kind and period ("(IVP 2013-2016)", "volgens het Losserse IVP 2013-2016", "de
#: G32-benchmark 2015", "in zijn jaarplan 2016", "Hengelo (veiligheidsbeleid 2017-2020)"): it says which
#: document is meant, not what the question asks.
DESIGNATOR = re.compile(
    r"\(?\b(?:(?:volgens|in|uit|van) )?(?:het |de |dit |zijn |haar |hun )?(?:\w+[- ])?"
    r"(?:IVP|\w*plan|\w*benchmark\w*|\w*notitie|\w*voorstel|\w*brief|\w*beleid)\s*\(?"
    r"((?:19|20)\d\d)(?:\s*[-–/]\s*((?:19|20)?\d\d))?\)?",
    re.I,
)
MIN_CONTENT_WORDS = 2  # words of 4+ letters a question needs besides the documents it names to search by


@dataclass(frozen=True, slots=True)
class QueryInfo:
    """What a question says beyond its words."""

    gemeenten: tuple[str, ...] = ()  # named and present in the corpus
    unknown_gemeenten: tuple[str, ...] = ()  # named Dutch municipalities the corpus does not hold
    years: tuple[int, ...] = ()
    #: periods of the documents the question names ("(IVP 2013-2016)"): (gemeente the document is named
    #: for, or "" for any, first year, last year)
    periods: tuple[tuple[str, int, int], ...] = ()
    comparison: bool = False
    doc_types: tuple[str, ...] = ()  # kinds of document the question names
    notes: tuple[str, ...] = field(default=())
    #: for a comparison that asks each gemeente its own thing ("Wat droeg Losser bij, en welk bedrag
    #: reserveert Hengelo?"): per gemeente, the question without the other gemeenten' clauses
    clauses: tuple[tuple[str, str], ...] = ()

    def question_for(self, gemeente: str, question: str) -> str:
        """What ``question`` asks of ``gemeente``: its own clause with the shared ones, or all of it."""
        return dict(self.clauses).get(gemeente, question)

    def periods_for(self, gemeenten: Sequence[str]) -> tuple[tuple[int, int], ...]:
        """The periods of the documents the question names for ``gemeenten`` (or for no gemeente in particular)."""
        return tuple((a, b) for g, a, b in self.periods if not g or not gemeenten or g in gemeenten)


def understand_query(query: str, corpus_gemeenten: Collection[str]) -> QueryInfo:
    """Find gemeenten ("in Hengelo", "Losserse", "Haaksbergs"), years, comparison cues, the kinds of document
    named and, for a comparison asking each gemeente its own thing, the clause per gemeente."""
    mentions = load_gazetteer().mentions(query)
    named = list(dict.fromkeys(m.gemeente for m in mentions))
    known = tuple(g for g in named if g in corpus_gemeenten)
    unknown = tuple(g for g in named if g not in corpus_gemeenten)
    years = tuple(sorted({int(y) for y in _YEAR.findall(query)}))
    members = [m.span() for m in MEMBER_CLAUSE.finditer(query)]
    compared = [m for m in mentions if not any(a <= m.start < b for a, b in members)]
    several = len({m.gemeente for m in compared}) >= 2 and not JOINT_CUES.search(query)
    comparison = several or comparison_cue(query, len(known) + len(unknown))
    doc_types = named_doc_types(query)
    clauses = gemeente_clauses(query, mentions, known) if comparison else ()
    periods = named_periods(query, mentions)
    return QueryInfo(
        known, unknown, years, periods=periods, comparison=comparison, doc_types=doc_types, clauses=clauses
    )


def named_periods(query: str, mentions: Sequence[Mention]) -> tuple[tuple[str, int, int], ...]:
    """The periods of the documents a question names, each with the gemeente it names the document for: one
    inside the phrase ("het Losserse IVP 2013-2016") or right before its bracket ("Losser (IVP 2013-2016)")."""
    out = []
    for m in DESIGNATOR.finditer(query):
        first, end = int(m.group(1)), m.group(2) or m.group(1)
        last = int(end) if len(end) == 4 else first // 100 * 100 + int(end)  # "2013-16"
        before = query[: m.start()].rstrip()
        owner = next(
            (
                x.gemeente
                for x in mentions
                if m.start() <= x.start < m.end()
                or (x.end == len(before) and m.group().startswith("("))
                or query[m.end() : x.start].strip().lower() == "van"  # "de G32-benchmark 2015 van Hengelo"
            ),
            "",
        )
        out.append((owner, min(first, last), max(first, last)))
    return tuple(out)


def without_designators(query: str) -> str:
    """``query`` without the phrases that name a document by its kind and period: they say which document is
    meant (a filter's work, see :func:`named_periods`), and as words they draw the title pages and
    introductions that repeat the document's name. The query itself when too little would remain."""
    rest = re.sub(r"\s{2,}", " ", DESIGNATOR.sub(" ", query)).strip()
    return rest if len(_CONTENT_WORD.findall(rest)) >= MIN_CONTENT_WORDS else query


def named_doc_types(query: str) -> tuple[str, ...]:
    """The kinds of document a question names ("volgens de benchmark": benchmark)."""
    return tuple(dict.fromkeys(t for cue, types in DOC_TYPE_CUES if cue.search(query) for t in types))


#: Where a question goes on to ask the next gemeente its own thing: ", en welk bedrag ...", " en volgens het
#: Hengelose ...", "; ...", or the specifics after a colon ("Welke rol krijgen inwoners: wat belooft Losser, en ...").
_CLAUSE_BREAK = re.compile(
    r",?\s+en\s+(?=(?:wat|welke?|hoeveel|hoe|wanneer|wie|waar\w*|waarom|volgens)\b"
    r"|(?:in|op|tot|uit|bij|met|voor|sinds|vanaf|aan) (?:welke?|wat|hoeveel)\b)|\s*[;:]\s+",
    re.I,
)
_CONTENT_WORD = re.compile(r"\b[^\W\d_]{4,}\b")
_QUESTION_WORDS = re.compile(r"\b(?:welke?|hoeveel|wanneer|waarom|waar|volgens)\b", re.I)
MIN_CLAUSE_WORDS = 3  # words of 4+ letters, besides gemeente names, a clause needs to stand as a question


def gemeente_clauses(query: str, mentions: Sequence[Mention], gemeenten: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """For a question whose clauses each ask one gemeente something ("Tot welke leeftijd rekent Dinkelland
    iemand tot de jeugd, en welke leeftijdsgroep pleegt in Hengelo veel criminaliteit?"), per gemeente the
    question without the clauses about the others: their words would only draw the wrong passages. A clause
    too short to ask anything ("…, en hoe in Haaksbergen?") leaves its gemeente the whole question; a clause
    naming all of them is shared ("Hoe staat het in Dinkelland en in Hengelo: wat gaat Dinkelland …"), and
    one naming some of them leaves every gemeente the whole question."""
    spans, start = [], 0
    for m in _CLAUSE_BREAK.finditer(query):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(query)))
    named = [{m.gemeente for m in mentions if a <= m.start < b and m.gemeente in gemeenten} for a, b in spans]
    named = [set() if len(n) > 1 and n == set(gemeenten) else n for n in named]  # a clause naming all is shared
    if sum(bool(n) for n in named) < 2 or any(len(n) > 1 for n in named):
        return ()
    out = []
    for gemeente in gemeenten:
        own = [span for span, n in zip(spans, named, strict=True) if gemeente in n]
        words = sum(len(_CONTENT_WORD.findall(_unnamed(query, a, b, mentions))) for a, b in own)
        if own and words >= MIN_CLAUSE_WORDS:
            kept = [query[a:b].strip(" ,;:?") for (a, b), n in zip(spans, named, strict=True) if not n or gemeente in n]
            out.append((gemeente, ", ".join(kept) + "?"))
    return tuple(out)


def _unnamed(query: str, start: int, end: int, mentions: Sequence[Mention]) -> str:
    """``query[start:end]`` with its gemeente names and question words blanked out."""
    text = query[start:end]
    for m in mentions:
        a, b = max(m.start, start) - start, min(m.end, end) - start
        if a < b:
            text = text[:a] + " " * (b - a) + text[b:]
    return _QUESTION_WORDS.sub(" ", text)
