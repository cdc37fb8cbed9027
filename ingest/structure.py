"""Find the structure of cleaned text: paragraphs, sub-documents, headings.

Cleaned text holds one paragraph per line. A compound file (a letter with an
annexed plan and partner documents) is split into sub-documents at page starts
where a new document evidently begins: front matter or a document title after
a document that already had body text, or chapter numbering that restarts.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.records import Heading

#: Titles of the first section of a document (front matter).
FRONT_MATTER = (
    "voorwoord", "samenvatting", "managementsamenvatting", "inleiding", "introductie", "aanleiding", "achtergrond",
)  # fmt: skip
#: Words in a page-top line that announce a document of its own.
DOCUMENT_WORDS = (
    "jaarplan", "meerjarenkoers", "meerjarenplan", "meerjarenbeleid", "notitie", "benchmark", "rapport",
    "raadsvoorstel", "raadsbrief", "raadsinformatiebrief", "voorstel", "advies", "veiligheidsplan",
    "veiligheidsbeleid", "jaarverslag", "uitvoeringsplan", "uitvoeringsprogramma",
)  # fmt: skip
MIN_DOCUMENT_CHARS = 1500
TITLE_PAGE_CHARS = 400
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(\S.*)$")
_CHAPTER = re.compile(r"^(?:hoofdstuk)\s+(\d{1,2})\b[.:]?\s*(.*)$", re.I)
_ANNEX = re.compile(r"^(bijlage|bijlagen)\s*(\d{1,2}|[IVX]{1,4})?\b\s*[.:]?\s*(.*)$", re.I)
#: Words a heading does not end with (a line ending in them was wrapped mid-sentence).
_OPEN_ENDINGS = frozenset(
    [
        "de",
        "het",
        "een",
        "van",
        "en",
        "of",
        "voor",
        "met",
        "op",
        "te",
        "in",
        "aan",
        "om",
        "dat",
        "die",
        "door",
        "bij",
        "tot",
        "als",
        "naar",
    ]
)
_LIST_ITEM = re.compile(r"^(?:\d{1,2}[.)]|•)\s")
#: A signature: a person's name on one line ("Rob Welten", "drs. J.A. de Vries"), the role on the next.
_PERSON = re.compile(
    r"^(?:(?:drs|mr|dr|ir|ing|prof)\.?\s+)*(?:(?:[A-Z]\.\s?)+|[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s+)(?:(?:van|de|der|den|ten|ter)\s+)*"
    r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s*$"
)
_ROLE = re.compile(
    r"^(?:(?:de|het)\s+)?(?:burgemeester|wethouder|voorzitter|secretaris|gemeentesecretaris|griffier|directeur"
    r"|portefeuillehouder|hoofd|namens|loco-burgemeester)\b",
    re.I,
)


def is_signature_role(line: str, previous: str) -> bool:
    """Is ``line`` the role under a signature ("Burgemeester gemeente Haaksbergen" below "Rob Welten")?
    Such a line is no heading: the foreword it closes must keep the name with it."""
    return bool(_ROLE.match(line.strip())) and bool(_PERSON.match(previous.strip()))


_LABEL = re.compile(r"^([A-Z][a-zà-ÿ]{3,20}):[ ]+([A-Z][^.:;]{2,60})$")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One line of cleaned text; offsets are 0-based characters, ``end`` exclusive."""

    start: int
    end: int
    text: str


def split_paragraphs(text: str) -> list[Paragraph]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append(Paragraph(pos, pos + len(line), line))
        pos += len(line) + 1
    return out


# --------------------------------------------------------------------------- headings


def parse_heading(line: str) -> tuple[str | None, str, str] | None:
    """Classify a paragraph as a heading candidate.

    Returns ``(number, title, kind)`` with kind one of ``numbered``, ``chapter``,
    ``annex``, ``caps``, ``label``, ``short``; or None for body text.
    """
    body = line.strip()
    if not body or len(body) > 100 or body.startswith("•") or body.endswith((",", ";")):
        return None
    if m := _ANNEX.match(body):
        if m.group(2) or body.isupper():
            return (f"Bijlage {m.group(2) or ''}".strip(), m.group(3).strip(), "annex")
        return None
    if m := _CHAPTER.match(body):
        return (m.group(1), m.group(2).strip(), "chapter")
    if m := _NUMBERED.match(body):
        title = m.group(2).strip()
        if _is_title(title.lstrip("(‘“'\"")):  # "2.3 (Nieuwe) interventies drang- en dwangkader"
            return (m.group(1), title, "numbered")
        return None
    if m := _LABEL.match(body):
        return (None, body, "label")
    if _is_title(body) and body.isupper() and sum(c.isalpha() for c in body) >= 4:
        return (None, body, "caps")
    if _is_title(body) and len(body) <= 60 and len(body.split()) <= 8:
        return (None, body, "short")
    return None


def _is_title(title: str) -> bool:
    words = title.split()
    if not words or len(words) > 14 or title.endswith((".", ",", ";")) or words[-1].lower() in _OPEN_ENDINGS:
        return False
    if not (title[0].isupper() or title[0].isdigit()):
        return False
    letters = sum(c.isalpha() for c in title)
    return letters >= 0.6 * len(title.replace(" ", ""))


def _plausible_next(number: tuple[int, ...], last: tuple[int, ...] | None) -> bool:
    """Does a numbered heading plausibly follow the previous one?"""
    if last is None:
        return (len(number) == 1 and number[0] <= 2) or number in ((1, 1), (0,))
    for depth in range(1, len(last) + 2):
        prefix = last[: depth - 1]
        if len(number) < depth or number[: depth - 1] != prefix:
            continue
        step = number[depth - 1] - (last[depth - 1] if depth <= len(last) else 0)
        tail_ok = all(n == 1 for n in number[depth:])
        if 1 <= step <= 2 and tail_ok:
            return True
    return False


_FOOTNOTE = re.compile(r"^(\d{1,3})\.?\s+\S")


def footnotes(paragraphs: Sequence[Paragraph], page_bottom: Sequence[bool]) -> set[int]:
    """Indices of footnote bodies: the run of numbered lines, counting up by one, that ends a page
    ("4 Veiligheidsanalyse met partners, 13 mei 2016" above the next page's first line). Alone, a
    numbered line looks like a heading; at the foot of a page, in a run of numbers, it is a note."""
    out: set[int] = set()
    for k in (k for k, bottom in enumerate(page_bottom) if bottom):
        j, expected = k, None
        while j >= 0 and (m := _FOOTNOTE.match(paragraphs[j].text)) and expected in (None, int(m.group(1))):
            out.add(j)
            j, expected = j - 1, int(m.group(1)) - 1
    return out


def page_bottoms(paragraphs: Sequence[Paragraph], page_starts: Sequence[int]) -> list[bool]:
    """For each paragraph: is it the last one of its page (the next paragraph is on a later page)?"""
    if not page_starts:
        return [False] * len(paragraphs)
    pages = [bisect.bisect_right(page_starts, p.start) for p in paragraphs]
    return [k + 1 < len(pages) and pages[k + 1] > pages[k] for k in range(len(pages))]


def numbered_chain(numbers: Sequence[tuple[int, ...]]) -> set[int]:
    """Indices of the longest run of heading numbers in which each plausibly follows the one before.

    A list item or note that looks like a numbered heading ("4. Bestuurlijke aanpak" in a list of
    last period's priorities) would otherwise set the count wrong and every real heading after it
    ("2 Prioriteiten en koers") would fail to follow; the longest chain skips such strays."""
    best: list[tuple[int, int]] = []  # (chain length ending here, previous index or -1)
    for i, number in enumerate(numbers):
        entry = (1, -1) if _plausible_next(number, None) else (0, -1)
        for j in range(i):
            if best[j][0] and best[j][0] + 1 > entry[0] and _plausible_next(number, numbers[j]):
                entry = (best[j][0] + 1, j)
        best.append(entry)
    end = max(range(len(best)), key=lambda i: best[i][0], default=-1)
    chain: set[int] = set()
    while end >= 0 and best[end][0]:
        chain.add(end)
        end = best[end][1]
    return chain


def find_headings(
    paragraphs: Sequence[Paragraph], next_is_body: Sequence[bool], page_bottom: Sequence[bool] = ()
) -> list[Heading]:
    """Headings of one (sub-)document, in order, with levels.

    Numbered headings form the longest chain in which each plausibly follows the one before (so
    footnote bodies such as "1 Veiligheidsmonitor 2015" inside chapter 3, or numbered list items,
    are not headings), and the numbered lines at the foot of a page (``page_bottom``) are footnotes;
    other headings sit one level below the current numbered one.
    """
    notes = footnotes(paragraphs, page_bottom)
    candidates: list[tuple[int, tuple[str | None, str, str]]] = []
    in_list = False
    for k, par in enumerate(paragraphs):
        parsed = parse_heading(par.text) if k not in notes else None
        previous = paragraphs[k - 1].text.rstrip() if k else ""
        in_list = previous.endswith(":") or (in_list and bool(_LIST_ITEM.match(previous)))
        if parsed is None or (in_list and _LIST_ITEM.match(par.text)) or is_signature_role(par.text, previous):
            continue  # body text, an item of a list that a sentence introduced, or a signature's role
        candidates.append((k, parsed))
    numbered = [
        (k, tuple(int(n) for n in number.split(".")))
        for k, (number, _, kind) in candidates
        if kind in ("numbered", "chapter") and number is not None
    ]
    chain = {numbered[i][0] for i in numbered_chain([digits for _, digits in numbered])}
    headings: list[Heading] = []
    last: tuple[int, ...] | None = None
    for k, (number, title, kind) in candidates:
        par = paragraphs[k]
        if kind == "numbered" and number is not None:
            if k not in chain:
                continue
            last = tuple(int(n) for n in number.split("."))
            headings.append(Heading(par.start, par.end, len(last), number, title))
        elif kind in ("chapter", "annex"):
            if kind == "chapter" and number is not None:
                last = (int(number),)
            headings.append(Heading(par.start, par.end, 1, number, title or par.text.strip()))
        elif kind == "label":
            headings.append(Heading(par.start, par.end, 0, None, title))
        elif kind == "caps" or next_is_body[k]:
            level = min((len(last) if last else 0) + 1, 4)
            headings.append(Heading(par.start, par.end, level, None, title))
    return headings


def body_follows(paragraphs: Sequence[Paragraph]) -> list[bool]:
    """For each paragraph: is the next one running text (long, or a sentence)?"""
    flags = []
    for k in range(len(paragraphs)):
        nxt = paragraphs[k + 1].text if k + 1 < len(paragraphs) else ""
        flags.append(len(nxt) >= 120 or (len(nxt) >= 40 and nxt.rstrip().endswith((".", ":"))))
    return flags


class SectionIndex:
    """Maps character offsets to section paths ("3 Prioriteiten > 3.2 Jeugd")."""

    def __init__(self, headings: Sequence[Heading], text_end: int) -> None:
        self._starts: list[int] = []
        self._levels: list[int] = []
        self._paths: list[str] = []
        stack: list[Heading] = []
        regular = [h for h in headings if h.level > 0]
        for h in regular:
            stack = [s for s in stack if s.level < h.level] + [h]
            self._starts.append(h.start)
            self._levels.append(h.level)
            self._paths.append(" > ".join(_heading_label(s) for s in stack))
        self._labels = _label_regions([h for h in headings if h.level == 0], regular, text_end)

    def path_at(self, offset: int) -> str:
        k = bisect.bisect_right(self._starts, offset) - 1
        path = self._paths[k] if k >= 0 else ""
        for start, end, label in self._labels:
            if start <= offset < end:
                return f"{path} [{label}]" if path else label
        return path

    def boundaries(self) -> dict[int, int]:
        """Heading offsets mapped to their levels (1 = chapter)."""
        return dict(zip(self._starts, self._levels, strict=True))


def _heading_label(h: Heading) -> str:
    return f"{h.number} {h.title}".strip() if h.number else h.title


def _label_regions(labels: Sequence[Heading], headings: Sequence[Heading], end: int) -> list[tuple[int, int, str]]:
    """Spans that a "Prioriteit: …" style label names.

    Labels that stand right under a heading name what follows them; labels that
    close a section (as in some two-column layouts) name the text back to the
    previous label or top-level heading.
    """
    if not labels:
        return []
    heading_ends = [h.end for h in headings]
    first = labels[0]
    k = bisect.bisect_right(heading_ends, first.start) - 1
    leading = k >= 0 and first.start - heading_ends[k] <= 200
    regions = []
    for i, label in enumerate(labels):
        if leading:
            stop = labels[i + 1].start if i + 1 < len(labels) else end
            regions.append((label.start, stop, label.title))
        else:
            begin = labels[i - 1].end if i > 0 else _previous_top_heading(headings, label.start)
            regions.append((begin, label.end, label.title))
    return regions


def _previous_top_heading(headings: Sequence[Heading], offset: int) -> int:
    tops = [h.start for h in headings if h.level == 1 and h.start < offset]
    return tops[-1] if tops else 0


# --------------------------------------------------------------------------- sub-documents


def split_documents(text: str, paragraphs: Sequence[Paragraph], page_starts: Sequence[int]) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the sub-documents of one file's cleaned text.

    Candidate boundaries are page starts whose first lines open a document:
    front matter ("Voorwoord", "1 Inleiding"), or a line naming a document type
    ("Jaarplan 2016 …", "NOTITIE …"). A candidate splits when the current
    document already has body text and either reached chapter 2 or more (so the
    numbering restarts) or has no numbered chapters and did not itself open with
    front matter. A short title page before the boundary goes with the new
    document.
    """
    if not paragraphs:
        return []
    end = paragraphs[-1].end
    firsts = _page_openers(paragraphs, page_starts)
    spans_start = [paragraphs[0].start]
    state = _DocState(opened_with=_first_opener(paragraphs[:3]))
    for par in paragraphs:
        opener = firsts.get(par.start)
        long_enough = par.start - spans_start[-1] >= MIN_DOCUMENT_CHARS
        if opener is not None and long_enough and _opens_new(opener, state):
            spans_start.append(_title_page_start(text, par.start, page_starts, spans_start[-1]))
            state = _DocState(opened_with=opener)
        state.observe(par.text)
    bounds = [*spans_start, end]
    return [(bounds[i], bounds[i + 1]) for i in range(len(spans_start))]


@dataclass(slots=True)
class _DocState:
    opened_with: str | None  # "front", "title" or None
    max_chapter: int = 0

    def observe(self, line: str) -> None:
        parsed = parse_heading(line)
        if parsed and parsed[2] in ("numbered", "chapter") and parsed[0]:
            top = int(parsed[0].split(".")[0])
            if top <= self.max_chapter + 2:
                self.max_chapter = max(self.max_chapter, top)


def _page_openers(paragraphs: Sequence[Paragraph], page_starts: Sequence[int]) -> dict[int, str]:
    """Paragraph starts (among the first two of a page) that open a document."""
    openers: dict[int, str] = {}
    starts = [p.start for p in paragraphs]
    for page_start in page_starts[1:]:
        k = bisect.bisect_left(starts, page_start)
        for par in paragraphs[k : k + 2]:
            kind = _opener_kind(par.text)
            if kind:
                openers[par.start] = kind
                break
    return openers


def _opener_kind(line: str) -> str | None:
    body = line.strip()
    parsed = parse_heading(body)
    if parsed is None or parsed[2] == "annex":
        return None
    number, title, kind = parsed
    first_word = re.sub(r"[^a-zà-ÿ]", " ", title.lower()).split()[:1]
    if first_word and first_word[0] in FRONT_MATTER and (number in (None, "1")):
        return "front"
    words = set(re.findall(r"[a-zà-ÿ]+", body.lower()))
    named = bool(words & set(DOCUMENT_WORDS))
    if named and kind in ("caps", "short", "chapter") and (kind == "caps" or re.search(r"\b(19|20)\d\d\b", body)):
        return "title"
    return None


def _first_opener(paragraphs: Sequence[Paragraph]) -> str | None:
    return next((kind for p in paragraphs if (kind := _opener_kind(p.text))), None)


def _opens_new(opener: str, state: _DocState) -> bool:
    """Does a page opener start a new document, given the current one's state?

    Chapter numbering that reached 2 or more always closes the current document.
    A document title also closes one without numbered chapters; front matter
    does so only when the current document opened with neither (a letter).
    """
    if state.max_chapter >= 2:
        return True
    if opener == "title":
        return state.max_chapter == 0
    return state.max_chapter == 0 and state.opened_with is None


def _has_sentences(text: str, start: int, end: int) -> bool:
    return any(len(line) > 100 for line in text[start:end].split("\n"))


def _title_page_start(text: str, offset: int, page_starts: Sequence[int], doc_start: int) -> int:
    """Move a boundary back over a short title page that precedes it."""
    k = bisect.bisect_right(page_starts, offset) - 1
    if k >= 1 and page_starts[k] == offset:
        prev = page_starts[k - 1]
        if prev > doc_start and offset - prev <= TITLE_PAGE_CHARS and not _has_sentences(text, prev, offset):
            return prev
    return offset
