"""Extractive answering: choose the sentences that answer a question.

Units are single sentences, runs of two sentences (the fact often stands in
the sentence after the matching one) and lists kept with the sentence that
introduces them. A unit scores by the share of the question's concepts it
names (a word with its synonyms and compound parts counts once; concepts few
candidates name weigh more; concepts named only around the unit count half),
the rank of its passage, and whether it holds a value of the kind the question
asks for (an amount, a year, a list). A unit from a further passage joins the
answer only when it names something the chosen units have not.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from index.analyzer import Concept
from index.search import Hit
from ingest.gazetteer import load_gazetteer
from ingest.records import Chunk
from ingest.structure import parse_heading

ANSWER_BUDGET = 1000  # characters of selected text (what a reader takes in; the eval scores the first 1,000)
MAX_UNITS = 5
MAX_LIST_ITEMS = 10
SHORT_INTRO = 60  # characters: a list introduction this short leans on the sentence before it
#: A passage after the first is cited only when, with its document title and section, it names this share
#: of the question's weight: it is about the question, not just sharing a word with it.
FURTHER_PASSAGE_SHARE = 0.45  # 0.35 → 0.45: citation precision +0.02 (+0.05 on held-out-c, blind to it)
#: In rank_by_answer: the best unit's score against the search rank prior 1/(1+i). The answer score
#: leads and the fused rank breaks near ties; 1 → 6: MRR +0.03 on all sets (4 to 10 measured alike).
ANSWER_WEIGHT = 6.0
MIN_RELATIVE = 0.65  # units scoring below this share of the best unit are left out
CONTEXT_SHARE = 0.5  # a concept named only around a unit (passage, section, title, period) counts this share
RANK_BONUS = 0.35  # a unit from the best passage gets this much, from the k-th passage 1/k of it
#: A list's introduction must name this share of the question's (focus) weight to make it a list answer.
INTRO_SHARE = 0.1  # 0 → 0.1: key-term recall +0.005, citation precision +0.008 (no set worse by more than 0.005)
COUNT_BONUS = 0.25  # a list with as many items as the question asks for
WHY_BONUS = 0.5  # a unit giving a cause or reason, for a "waarom" question

_TYPES = (
    ("money", r"\bwelke? \w*(?:bedrag|budget)\b|\bhoeveel (?:geld|euro)\b|\bwat kost\b|\bwat kosten\b|\bhoe duur\b"),
    ("numeric", r"\bhoeveel\b|\bwelk(?:e)? (?:percentage|aantal|aandeel)\b|\bhoe (?:groot|hoog|veel)\b"
                r"|\bwelk deel van\b(?! het jaar)"),  # "welk deel van het jaar" asks when
    ("frequency", r"\bhoe (?:vaak|frequent|regelmatig)\b|\bmet welke (?:frequentie|regelmaat)\b"),
    ("day", r"\bwelke datum\b|\bop welke dag\b"),
    ("date", r"^\W*(?:(?:sinds|vanaf|tot|per) )?wanneer\b"  # mid-sentence "wanneer" is "when/if", not a question
             r"|\bin welk jaar\b|\bwelk jaar\b|\bsinds wanneer\b|\bin welke maand(?:en)?\b"),
    ("period", r"\bperiode\b|\blooptijd\b|\bwelke jaren\b|\bhoe lang\b|\bvoor welke jaren\b|\bover welke jaren\b"),
    ("law", r"\bwelke? (?:\w+ )?(?:wets?artikel|artikel|wet|wetsbepaling|regeling)\b|\bop grond van welke\b"
            r"|\bwettelijke (?:basis|grondslag)\b"),
    ("who", r"\bwie\b|\bwelke? (?:\w+ )?(?:organisatie|partij|partner|instantie|instelling|persoon|functionaris"
            r"|burgemeester|wethouder|bestuurder|voorzitter|minister|directeur|ambtenaar|\w*bureau|bedrijf|stichting"
            r"|afdeling)\b|\bhoe heet\b|\bwat is de naam\b|\bwaar\b.*\bterecht\b|\bbij welke\b"),
    ("list", r"\bnoem\b|\bwelke\b(?:\W+\w+){0,3}?\W+\w+(?:en|s|'s|’s)\b|\bwat zijn de\b"),
    ("why", r"\bwaarom\b|\bom welke redenen?\b|\bwat is de (?:reden|oorzaak)\b|\bhoe komt het\b"),
)  # fmt: skip
VALUE_KINDS = ("money", "numeric", "frequency", "day", "date", "period", "law")  # questions asking for a value
_MONEY = re.compile(
    r"€\s?\d|\b\d[\d.]*(?:,\d{2}\b|,-)|\b\d[\d.,]*\s?(?:euro|miljoen|mln)\b"
    r"|\bgeen (?:extra |aanvullende? |nieuwe? )?(?:budget|kosten|geld|middelen)\b|\bkosteloos\b|\bbudgetneutraal\b",
    re.I,
)  # an amount, or that there is none
#: Numbers that are no values: headings and list numbers, references to chapters, tables, articles.
_NO_VALUE = re.compile(
    r"(?m)^\s*\d{1,2}(?:\.\d{1,2})*[.)]?\s"
    r"|\b(?:hoofdstuk|paragraaf|bijlage|artikel|tabel|figuur|stap|fase|pagina|blz|p)\.?\s*\d+\w*",
    re.I,
)
_NUMBER = re.compile(
    r"€\s?\d|\d[\d.,]*\s?(?:%|procent|euro|fte|uur|keer|meldingen|inwoners)|\b\d+[.,]\d+\b|\b\d{1,3}\b"
    # "één" written with accents is the numeral, not the article ("één concreet geval")
    r"|\b[eé]én\b"
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
#: A cause or reason given, the answer to "waarom": "omdat", "doordat", "te maken met", "oorzaken:", and "Door X te
#: doen, kan Y" (what X brings). Not "daarom": it draws a conclusion whose reason stands in the sentence before.
CAUSE = re.compile(
    r"\b(?:omdat|doordat|daardoor|vanwege|waardoor|oorza\w*|redenen?|te maken met|als gevolg van|komt door"
    r"|het gevolg van|leidt tot)\b"
    r"|\bDoor (?:\w+\W+){1,12}?te \w+,? (?:kan|kunnen|wordt|worden|is|zijn)\b",
    re.I,
)
#: A legal basis: an article number, or a law by name ("Politiewet", "Wet Bibob", "Gemeentewet").
_LAW = re.compile(r"\bartikel \d+\w*|\b[A-Z]\w+wet\b|\bWet [a-zA-Z]\w+|\bAlgemene wet\b|\bAPV\b")
_FREQUENCY = re.compile(
    r"\w*(?:dagelijks|wekelijks|maandelijks|jaarlijks)\b|\b(?:\d+|een|eens|twee|drie|vier)\s?(?:x|keer|maal)\b"
    r"|\b(?:per|elke?|iedere?) (?:dag|week|weken|maand|kwartaal|jaar)\b|\bmeerdere keren\b",
    re.I,
)
_MONTH = r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)"
_DAY_OF_MONTH = r"\b\d{1,2} " + _MONTH + r"\b"
_DAY = re.compile(_DAY_OF_MONTH + r"|\b\d{1,2}-\d{1,2}-(?:19|20)?\d\d\b", re.I)  # "5 juli 2016", "1-1-2018"
#: a day, a month ("de Webapp wordt in februari vervangen": the answer to "in welke maand") or a year
_DATE = re.compile(r"\b" + _MONTH + r"\b|\b(?:19|20)\d\d\b", re.I)


def question_type(question: str) -> str:
    """money, numeric, frequency, day, date, period, law, who, list, why or lookup."""
    for name, pattern in _TYPES:
        if re.search(pattern, question, re.I):
            return name
    return "lookup"


_NAME = re.compile(
    r"\b[A-Z]\.\s?(?:[A-Z]\.\s?)*[A-Z][a-z]+"  # S. Schelberg
    r"|\b[A-Z][a-z]+(?: (?:van |de |der |den |ten |ter )*[A-Z][a-z]+)+"  # Rob Welten, Openbaar Ministerie
    r"|\b[A-Z][A-Z&]{1,6}\b"  # VRT
    r"|(?<=[a-z,;] )[A-Z][a-z]+"  # a capitalised word within a sentence: Veiligheidshuis
)


def names(text: str) -> list[str]:
    """Proper names of people and organisations in a text (by capitals)."""
    return _NAME.findall(text)


_COUNT_WORDS = {"twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9, "tien": 10}
#: Numbers written out ("veertien gemeenten"): an answer to "hoeveel", though too common in running text
#: ("twee thema's") to make a sentence that names one the likelier answer.
NUMBER_WORDS = re.compile(
    r"\b(?:" + "|".join(_COUNT_WORDS) + r"|elf|twaalf|dertien|veertien|vijftien|zestien|zeventien|achttien"
    r"|negentien|twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig|honderd|duizend)\b",
    re.I,
)
_ASKED_COUNT = re.compile(r"\bwelke (\d{1,2}|" + "|".join(_COUNT_WORDS) + r")\b", re.I)


def asked_count(question: str) -> int | None:
    """How many things a list question asks for ("Welke drie prioriteiten ..."), if it says."""
    m = _ASKED_COUNT.search(question)
    if not m:
        return None
    word = m.group(1).lower()
    return int(word) if word.isdigit() else _COUNT_WORDS[word]


def has_value(text: str, kind: str) -> bool:
    """Does ``text`` hold a value of the kind a question asks for?"""
    if kind == "money":
        return bool(_MONEY.search(text))
    if kind == "numeric":
        return bool(_NUMBER.search(_YEAR.sub(" ", _NO_VALUE.sub(" ", text))))
    if kind == "day":
        return bool(_DAY.search(text))
    if kind == "date":
        return bool(_DATE.search(text))
    if kind == "frequency":
        return bool(_FREQUENCY.search(text))
    if kind == "period":
        return len(_YEAR.findall(text)) >= 1
    if kind == "law":
        return bool(_LAW.search(text))
    return True


@dataclass(frozen=True, slots=True)
class Unit:
    """A stretch of one passage: ``start``/``end`` are offsets into its text."""

    hit_index: int
    start: int
    end: int
    text: str
    is_list: bool = False
    intro: int = 0  # for a list: length of its introduction in ``text``
    items: int = 0  # for a list: how many items it holds
    heads: bool = False  # for a list: items with a description each, shown by their heads
    titled: bool = False  # for a list: introduced by a title line, not a sentence ending in a colon


def units_of(hit_index: int, hit: Hit) -> list[Unit]:
    """Sentences, two-sentence runs and list groups of a passage."""
    text = hit.chunk.text
    spans = [tuple(s) for s in hit.chunk.sentences] or [(0, len(text))]
    units = [Unit(hit_index, s, e, text[s:e]) for s, e in spans]
    units += [Unit(hit_index, a[0], b[1], text[a[0] : b[1]]) for a, b in itertools.pairwise(spans)]
    lists: list[Unit] = []
    for k, (s, e) in enumerate(spans):
        if lists and lists[-1].heads and s < lists[-1].end:
            continue  # a description inside a described list introduces no list of its own
        titled = titles_list(text, s, e)
        end, items = _list_end(text, e) if titled or text[s:e].rstrip().endswith(":") else (e, 0)
        if titled and items < 2:
            end, items = e, 0
        heads = described_heads(text, e) if items <= 1 else []
        if end > e or heads:
            if e - s < SHORT_INTRO and k > 0 and not titled:
                s = spans[k - 1][0]  # "Dat zijn:" takes the sentence that says what
            body = text[s:end]
            labelled = not heads and _labelled(lines := text[e:end].strip().splitlines())
            if labelled:  # long items with a label each ("1. Mensenhandel: Het doel is …"): the labels
                body = text[s:e] + "".join("\n" + item_head(line) for line in lines)
            elif heads:  # items with a description each: the list is their first lines, shortened to the head
                end, items = heads[-1][1], len(heads)
                body = text[s:e] + "".join("\n" + item_head(text[a:b]) for a, b in heads)
            described = labelled or bool(heads)
            lists.append(
                Unit(hit_index, s, end, body, is_list=True, intro=e - s, items=items, heads=described, titled=titled)
            )
    # an introduction never stands without the list it announces
    units = [u for u in units if not any(u.start < x.start + x.intro <= u.end < x.end for x in lists)]
    return units + lists


_ITEM = re.compile(r"(?:•|\d{1,2}[.)])\s")
MAX_TITLE = 60  # characters: the longest line that may title a list without a colon


def titles_list(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` a line of its own that may title the item lines after it without a colon: a
    question ("Wat willen we bereiken?", "Hoe gaan we dat meten?") or a short heading ("Voorbeelden",
    "Activiteiten")? Such a title stands alone: it does not lean on the sentence before it."""
    line = text[start:end].strip()
    own_line = (start == 0 or text[start - 1] == "\n") and text.startswith("\n", end)
    if not own_line or not line or "\n" in line or _ITEM.match(line):
        return False
    return line.endswith("?") or (len(line) <= MAX_TITLE and line[0].isupper() and line[-1] not in ".;,:")


_NUMBER_ITEM = re.compile(r"^(\d{1,2})[.)]\s+\S.*$", re.M)


LONG_ITEM = 120  # characters: a list item this long may be a labelled paragraph
MAX_LABEL = 80  # characters: the most a label before its colon takes


def _labelled(items: Sequence[str]) -> bool:
    """Are list items all labelled paragraphs ("1. Mensenhandel: Het doel is om …", each long, its label
    before a colon)? Then the labels are the list."""
    return len(items) >= 2 and all(len(x) > LONG_ITEM and 0 < x.find(": ") < MAX_LABEL for x in items)


def _closes_list(line: str) -> bool:
    """Does a (stripped) line end a list of described items: a new introduction or a heading?"""
    return line.endswith(":") or is_heading(Unit(0, 0, len(line), line))


def described_heads(text: str, intro_end: int) -> list[tuple[int, int]]:
    """The item lines of a list whose items each carry a description: numbered ("1. Samenwerking" then a
    paragraph, "2. Informatiepositie" then a paragraph …, the numbers in order) or bulleted ("• Participatie"
    then a paragraph, "• Transparantie" …, at least one description between two items). Spans of the item
    lines after the introduction, or nothing when fewer than two follow; the first item must follow the
    introduction directly."""
    rest = text[intro_end:]
    first = intro_end + len(rest) - len(rest.lstrip())
    if _NUMBER_ITEM.match(text, first):
        heads: list[tuple[int, int]] = []
        for m in _NUMBER_ITEM.finditer(text, intro_end):
            if int(m.group(1)) != len(heads) + 1 or len(heads) >= MAX_LIST_ITEMS:
                break
            heads.append((m.start(), m.end()))
        return heads if len(heads) >= 2 else []
    if not text.startswith("• ", first):
        return []
    heads, described, pos = [], False, first
    while pos < len(text) and len(heads) < MAX_LIST_ITEMS:
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end].strip()
        if line.startswith("• "):
            heads.append((pos, end))
        elif line and _closes_list(line):
            break  # the next introduction or a heading: the list is over
        elif line:
            described = True
        pos = end + 1
    return heads if len(heads) >= 2 and described else []


#: Where the head of a described item ends: its colon ("1. Mensenhandel: Het doel is …"), its first
#: sentence, or a sentence run on without a full stop ("• Flexibiliteit Aangezien veiligheidsvraagstukken …",
#: a heading that text extraction joined to its paragraph).
_HEAD_END = re.compile(
    r":\s|\.\s+(?=[A-Z])|(?<=[a-zë])\s+(?=(?:De|Het|Een|Dit|Deze|Dat|Die|Als|Aangezien|Omdat|Door|Om|Met|Bij|In|Op"
    r"|Voor|We|Wij|Er|Zo|Ook|Daarbij|Daarnaast|Hierbij|Wanneer|Indien|Binnen|Vanuit|Naast)\s)"
)


def item_head(line: str) -> str:
    """The head of one described item line ("1. Mensenhandel: Het doel is …" → "1. Mensenhandel"): up to its
    colon, first sentence or run-on sentence."""
    line = line.strip()
    marker = _ITEM.match(line)
    start = marker.end() if marker else 0
    if m := _HEAD_END.search(line, start):
        line = line[: m.start()]
    return line


def _list_end(text: str, intro_end: int, most: int = MAX_LIST_ITEMS) -> tuple[int, int]:
    """End of the bullet or numbered lines right after an introducing sentence (at most ``most``), and
    their number."""
    end, pos, items = intro_end, intro_end, 0
    while pos < len(text) and items < most:
        nl = text.find("\n", pos)
        line_start = nl + 1 if nl >= 0 else len(text)
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end < 0 else line_end
        if nl < 0 or not _ITEM.match(text[line_start:line_end]):
            break
        end, pos, items = line_end, line_end, items + 1
    return end, items


def focus_weights(concepts: Sequence[Concept], unit_terms: Sequence[set[str]]) -> list[Concept]:
    """Concept weights sharpened by how few candidate units name each concept.

    A concept most candidates share is the question's topic (every retrieved
    passage is about it); one few of them name is what the question asks
    about, and the unit naming it is more likely the answer.
    """
    n = len(unit_terms)
    if not n:
        return list(concepts)
    sharpened = []
    for c in concepts:
        df = sum(c.match(terms) > 0 for terms in unit_terms)
        sharpened.append(replace(c, weight=c.weight * (1.0 + math.log((n + 1) / (df + 1)))))
    return sharpened


def introduces(unit: Unit, concepts: Sequence[Concept], analyze: Callable[[str], list[str]]) -> bool:
    """Does a list's introduction name something the question asks about? (A list answers a list
    question when it says what it lists, not when its items happen to hold the question's words.) With the
    focus weights of ``focus_weights``, the topic every candidate names ("Inzet Veiligheidshuis:" for
    "welke soorten delicten bedoelt het Veiligheidshuis") weighs too little to count."""
    terms = set(analyze(unit.text[: unit.intro]))
    named = sum(c.weight * c.match(terms) for c in concepts)
    return named > 0 and named >= INTRO_SHARE * sum(c.weight for c in concepts)


def score_unit(
    unit: Unit, concepts: Sequence[Concept], terms: set[str], context: set[str], kind: str,
    analyze: Callable[[str], list[str]], count: int | None = None,
) -> float:  # fmt: skip
    """Weighted share of the question's concepts the unit names; concepts only named around it (passage,
    section, document title or period) count ``CONTEXT_SHARE``: the topic may be named once for a whole
    passage or document."""
    if unit.titled and kind != "list":
        return 0.0  # a titled list answers a list question; another question is answered by one of its items
    total = sum(c.weight for c in concepts) or 1.0
    own = sum(c.weight * c.match(terms) for c in concepts)
    if own == 0 or (is_heading(unit) and not (kind in VALUE_KINDS and has_value(unit.text, kind))):
        return 0.0  # a heading names the question's words but answers nothing (a table row with a value may)
    around = sum(c.weight * max(0.0, c.match(context) - c.match(terms)) for c in concepts)
    score = (own + CONTEXT_SHARE * around) / total + RANK_BONUS / (1 + unit.hit_index)
    if kind in VALUE_KINDS and has_value(unit.text, kind):
        score += 0.5
    if kind == "who" and names_new(unit.text, concepts, analyze):
        score += 0.25
    if kind == "why" and CAUSE.search(unit.text):
        score += WHY_BONUS
    if kind == "list" and unit.is_list and introduces(unit, concepts, analyze):
        score += 0.5 + (COUNT_BONUS if count is not None and unit.items == count else 0.0)
    elif (
        kind == "list" and not unit.is_list and (inline := inline_list(unit)) and introduces(inline, concepts, analyze)
    ):
        score += 0.5 + (COUNT_BONUS if count is not None and inline.items == count else 0.0)
    return score - 0.0002 * max(0, len(unit.text) - 250)


#: An enumeration inside a sentence, after its colon: "… in vijf velden: Veilige woon- en leefomgeving,
#: bedrijvigheid en veiligheid, jeugd en veiligheid, fysieke veiligheid en integriteit en veiligheid."
_INLINE_LIST = re.compile(r":\s+([^:;.?!\n]*?,[^:;.?!\n]*?,[^:;.?!\n]*)")  # three items or more, in one sentence


def inline_list(unit: Unit) -> Unit | None:
    """The unit as a list when one of its sentences enumerates three or more things after a colon (its
    introduction the text up to the colon); None otherwise."""
    m = _INLINE_LIST.search(unit.text)
    if not m:
        return None
    items = m.group(1).count(",") + 1
    return replace(unit, is_list=True, intro=m.start() + 1, items=items)


def is_heading(unit: Unit) -> bool:
    """Is the unit one line that reads as a heading or a footnote ("3.3 Drugsoverlast", "Thema's")?"""
    text = unit.text.strip()
    return not unit.is_list and "\n" not in text and parse_heading(text) is not None


def names_new(text: str, concepts: Sequence[Concept], analyze: Callable[[str], list[str]]) -> bool:
    """Does the text name a person or organisation the question does not name (a candidate answer to "wie")?
    A gemeente is no such name: it is where, not who (and the question's own gemeente is no concept)."""
    gazetteer = load_gazetteer()
    for name in names(text):
        if any(m.start == 0 and m.end == len(name) for m in gazetteer.mentions(name)):
            continue
        terms = set(analyze(name))
        if terms and not any(c.match(terms) for c in concepts):
            return True
    return False


def context_of(hit: Hit) -> str:
    """What a reader of a unit knows besides it: the document's title and period, the section, the passage."""
    chunk = hit.chunk
    return "\n".join((chunk.title, chunk.period or "", chunk.section, chunk.text))


def _adds_nothing(unit: Unit, chosen: Sequence[Unit], matches: Sequence[float], covered: Sequence[float]) -> bool:
    """Is ``unit`` from a passage not cited yet, naming no concept better than the chosen units do?"""
    new_passage = all(u.hit_index != unit.hit_index for u in chosen)
    return new_passage and all(m <= c for m, c in zip(matches, covered, strict=True))


def _score_units(
    hits: Sequence[Hit], concepts: Sequence[Concept], analyze: Callable[[str], list[str]], kind: str,
    count: int | None,
) -> tuple[list[tuple[float, Unit, set[str]]], list[Concept], list[set[str]]]:  # fmt: skip
    """Every unit of the hits with its score and terms; the focus-weighted concepts; each hit's context."""
    units = [u for i, h in enumerate(hits) for u in units_of(i, h)]
    unit_terms = _unit_terms(hits, units, analyze)
    contexts = [set(analyze(context_of(h))) for h in hits]
    weighted = focus_weights(concepts, unit_terms)
    scored = [
        (score_unit(u, weighted, terms, contexts[u.hit_index], kind, analyze, count), u, terms)
        for u, terms in zip(units, unit_terms, strict=True)
    ]
    return scored, weighted, contexts


def _unit_terms(hits: Sequence[Hit], units: Sequence[Unit], analyze: Callable[[str], list[str]]) -> list[set[str]]:
    """The terms of each unit, each sentence analysed once: a run of sentences has the terms of its
    sentences (lists, whose items are no sentences, are analysed whole)."""
    sentences: list[list[tuple[int, int, set[str]]]] = []
    for hit in hits:
        text = hit.chunk.text
        spans = [(span[0], span[1]) for span in hit.chunk.sentences] or [(0, len(text))]
        sentences.append([(start, end, set(analyze(text[start:end]))) for start, end in spans])
    out = []
    for unit in units:
        inside = (
            [] if unit.is_list else [t for a, b, t in sentences[unit.hit_index] if unit.start <= a and b <= unit.end]
        )
        out.append(set().union(*inside) if inside else set(analyze(unit.text)))
    return out


def rank_by_answer(
    hits: Sequence[Hit], concepts: Sequence[Concept], analyze: Callable[[str], list[str]], kind: str,
    count: int | None = None,
) -> list[Hit]:  # fmt: skip
    """The hits reordered by their best unit's score plus a prior for their search rank (1 for the first,
    1/k for the k-th): a passage whose sentence names what is asked, with a value of the asked kind or the
    list asked for, comes before one that only shares the question's words."""
    best = [0.0] * len(hits)
    for score, unit, _ in _score_units(hits, concepts, analyze, kind, count)[0]:
        best[unit.hit_index] = max(best[unit.hit_index], score)
    order = sorted(range(len(hits)), key=lambda i: -(ANSWER_WEIGHT * best[i] + 1.0 / (1 + i)))
    return [hits[i] for i in order]


def select_units(
    hits: Sequence[Hit], concepts: Sequence[Concept], analyze: Callable[[str], list[str]], kind: str,
    budget: int = ANSWER_BUDGET, count: int | None = None, one_passage: bool = False,
) -> list[Unit]:  # fmt: skip
    """The best non-overlapping units within the budget, most relevant first; ``count`` is the number of
    things a list question asks for (a list of that many items is more likely its answer); with
    ``one_passage`` only units of the best unit's passage."""
    scored, weighted, contexts = _score_units(hits, concepts, analyze, kind, count)
    total = sum(c.weight for c in concepts) or 1.0
    about = [sum(c.weight * c.match(context) for c in concepts) / total for context in contexts]
    chosen: list[Unit] = []
    covered = [0.0] * len(weighted)  # how well the chosen units name each concept
    used = 0
    ranked = sorted(scored, key=lambda x: -x[0])
    floor = ranked[0][0] * MIN_RELATIVE if ranked else 0.0
    for score, unit, terms in ranked:
        if score <= 0 or score < floor or len(chosen) >= MAX_UNITS:
            break
        if used + len(unit.text) > budget and chosen:
            continue
        if any(u.hit_index == unit.hit_index and u.start < unit.end and unit.start < u.end for u in chosen):
            continue
        new_passage = all(u.hit_index != unit.hit_index for u in chosen)
        if chosen and new_passage and one_passage:
            continue
        if chosen and new_passage and about[unit.hit_index] < FURTHER_PASSAGE_SHARE:
            continue  # a sentence matching a word of the question in a passage about something else
        matches = [c.match(terms) for c in weighted]
        if chosen and kind != "list" and _adds_nothing(unit, chosen, matches, covered):
            continue  # another passage that names nothing the answer has not named yet (lists may spread)
        chosen.append(unit)
        covered = [max(m, c) for m, c in zip(matches, covered, strict=True)]
        used += len(unit.text)
    return with_next_sentences(with_referents(chosen, hits, budget), hits, budget)  # most relevant first


def continue_lists(
    units: Sequence[Unit], hits: Sequence[Hit], next_of: Callable[[Chunk], Chunk | None], budget: int = ANSWER_BUDGET
) -> tuple[list[Unit], list[Hit]]:
    """A list that runs to the end of its passage goes on in the next passage of its document: the items
    there follow it (as a unit of that passage, cited with it; a numbered list only when the numbers go on).
    Units after a continued list give way when the answer would outgrow ``budget``."""
    hits, out = list(hits), []
    for unit in units:
        out.append(unit)
        chunk = hits[unit.hit_index].chunk
        after = chunk.text[unit.end :]
        more_after = _describes(after) if unit.heads else bool(after.strip())
        cut_short = unit.is_list and unit.items < MAX_LIST_ITEMS and not more_after
        following = next_of(chunk) if cut_short else None
        used = sum(len(u.text) for u in out)  # the answer up to this list: what follows it may give way
        if following is None or used >= budget:
            continue
        last = _ITEM.findall(unit.text)[-1:] or [""]
        if unit.heads:
            more = _continued_heads(following, last[0], MAX_LIST_ITEMS - unit.items, budget - used)
        else:
            more = _continued_items(following, last[0], MAX_LIST_ITEMS - unit.items, budget - used)
        if more is None:
            continue
        index = next((i for i, h in enumerate(hits) if h.chunk.chunk_id == following.chunk_id), None)
        if index is None:
            hits.append(Hit(len(hits) + 1, 0.0, following))
            index = len(hits) - 1
        out.append(replace(more, hit_index=index))
    while sum(len(u.text) for u in out) > budget and len(out) > 1 and not out[-1].is_list:
        out.pop()  # what the continued lists pushed out
    return out, hits


def _continued_items(following: Chunk, last: str, most: int, room: int) -> Unit | None:
    """The item lines that open ``following`` and go on from the list item ``last`` ("• …" after "• …",
    "4." after "3."), within ``room`` characters; None when none do."""
    end, items = _list_end("\n" + following.text, 0, most)
    first = _ITEM.match(following.text)
    numbered = last[:1].isdigit()
    if not items or not first or numbered != first.group()[:1].isdigit():
        return None
    if numbered and int(re.sub(r"\D", "", first.group())) != int(re.sub(r"\D", "", last)) + 1:
        return None  # "1." after "3.": another list
    end = _fit(following.text, end - 1, room)
    return Unit(0, 0, end, following.text[:end], is_list=True, items=items) if end > 0 else None


def _continued_heads(following: Chunk, last: str, most: int, room: int) -> Unit | None:
    """The items of a described list that go on in ``following`` (after the rest of the description of
    item ``last``), shown by their heads within ``room`` characters; None when none go on."""
    text = following.text
    numbered = last[:1].isdigit()
    expected = int(re.sub(r"\D", "", last)) + 1 if numbered else 0
    heads: list[tuple[int, int]] = []
    pos = 0
    while pos < len(text) and len(heads) < most:
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end].strip()
        item = _ITEM.match(line)
        if item and item.group()[:1].isdigit() == numbered:
            if numbered and int(re.sub(r"\D", "", item.group())) != expected + len(heads):
                break  # another list
            heads.append((pos, end))
        elif item or (line and _closes_list(line)):
            break
        pos = end + 1
    body = ""
    while heads and len(body := "\n".join(item_head(text[a:b]) for a, b in heads)) > room:
        heads.pop()
    return Unit(0, heads[0][0], heads[-1][1], body, is_list=True, items=len(heads), heads=True) if heads else None


def _describes(text: str) -> bool:
    """Does ``text`` (what follows the last head of a described list in its passage) hold more than that
    item's description: another item, a heading or a new introduction?"""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return any(_ITEM.match(x) or _closes_list(x) for x in lines)


def _fit(text: str, end: int, room: int) -> int:
    """``end``, or the end of the last whole line of ``text[:end]`` within ``room`` characters."""
    if end <= room:
        return end
    cut = text.rfind("\n", 0, room + 1)
    return cut if cut > 0 else 0


#: A sentence that opens by pointing back ("In deze kast ...", "Dit betekent ...", "Daarom ..."): what it is
#: about stands in the sentence before it.
_REFERS_BACK = re.compile(
    r"^\W*(?:(?:in|op|met|voor|bij|door|van|uit|na|naast|ook) )?(?:deze|dit|dat|die|dergelijke|zulke|zo'n"
    r"|daar(?!na\b)\w*|hier(?!onder\b|na\b)\w*)\b",
    re.I,
)


def with_referents(units: Sequence[Unit], hits: Sequence[Hit], budget: int) -> list[Unit]:
    """Each chosen sentence (not list) that opens by pointing back, with the sentence before it in its
    passage, while the budget allows and no other chosen unit holds that sentence."""
    used = sum(len(u.text) for u in units)
    out = []
    for unit in units:
        chunk = hits[unit.hit_index].chunk
        spans = [tuple(span) for span in chunk.sentences]
        before = next(((a, b) for a, b in reversed(spans) if b <= unit.start), None)
        if before is not None and not unit.is_list and _REFERS_BACK.match(unit.text):
            text = chunk.text[before[0] : before[1]].strip()
            free = _free(before, unit, units)
            if text and not _ITEM.match(text) and free and used + unit.start - before[0] <= budget:
                used += unit.start - before[0]
                unit = replace(unit, start=before[0], text=chunk.text[before[0] : unit.end])
        out.append(unit)
    return out


def _free(span: tuple[int, int], unit: Unit, units: Sequence[Unit]) -> bool:
    """Does no chosen unit other than ``unit`` hold any of ``span`` in ``unit``'s passage?"""
    return not any(v is not unit and v.hit_index == unit.hit_index and v.start < span[1] and span[0] < v.end
                   for v in units)  # fmt: skip


def with_next_sentences(units: Sequence[Unit], hits: Sequence[Hit], budget: int) -> list[Unit]:
    """Each chosen sentence (not list) with the sentence after it in its passage, while the budget allows and
    no other chosen unit holds that sentence: the fact asked for often stands in the sentence after the one
    that names the question's words. A heading is no such sentence, nor a list's introduction (which never
    stands without its list) or item."""
    used = sum(len(u.text) for u in units)
    out = []
    for unit in units:
        chunk = hits[unit.hit_index].chunk
        after = next(((a, b) for a, b in (tuple(span) for span in chunk.sentences) if a >= unit.end), None)
        if after is not None and not unit.is_list:
            text = chunk.text[after[0] : after[1]].strip()
            sentence = (text.endswith((".", "!", "?", ";")) or len(text) >= 80) and not text.endswith(":")
            sentence = sentence and not _ITEM.match(text)  # a list item belongs to its list
            free = _free(after, unit, units)
            if sentence and free and used + after[1] - unit.end <= budget:
                used += after[1] - unit.end
                unit = replace(unit, end=after[1], text=chunk.text[unit.start : after[1]])
        out.append(unit)
    return out
