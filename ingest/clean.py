"""Clean extracted text: an ordered list of small ``str -> str`` steps.

The text may carry page breaks as form feeds (:data:`~ingest.records.PAGE_BREAK`)
at line starts; every step keeps them, and :func:`split_pages` removes them at
the end while recording where each page starts. Stored text stays faithful:
Unicode NFC, no ASCII folding, no rewording.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from ingest.records import PAGE_BREAK

Step = Callable[[str], str]

FF = PAGE_BREAK
BULLET = "•"
_SPACES = dict.fromkeys(map(ord, "\xa0\u2007\u202f\u2009\u200a\t"), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"), None)
_BULLET_GLYPHS = "•●■▪◦○►➢▶◆◾♦✓✔"
_PRIVATE_USE = "[\ue000-\uf8ff]"
#: A text whose typical line is longer than this (characters) was not hard-wrapped.
UNWRAPPED_WIDTH = 200
_TERMINAL = (".", "!", "?", ":", ";")
_LINKING_WORDS = frozenset({"en", "of", "tot", "t/m", "en/of"})
#: Vowel pairs that Dutch spelling separates with a hyphen in compounds ("politie-eenheid").
_VOWEL_CLASHES = frozenset(["aa", "ae", "ai", "ao", "au", "ee", "ei", "eu", "ie", "oe", "oi", "oo", "ou", "ui", "uu"])
_SHORT_CAPS_WORDS = frozenset({"EN", "DE", "HET", "VAN", "IN", "OP", "TE", "EEN", "OF", "MET", "BIJ", "AAN", "VOOR"})


# --------------------------------------------------------------------------- helpers


def _body(line: str) -> str:
    """A line without its page-break mark and surrounding spaces."""
    return line.replace(FF, "").strip()


def _mark(line: str) -> str:
    """The page-break mark of a line ('' or FF)."""
    return FF if FF in line else ""


def _text_line_indexes(lines: Sequence[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if _body(line)]


# --------------------------------------------------------------------------- steps


def normalize_unicode(text: str) -> str:
    """NFC, Unix line ends, exotic spaces to plain spaces, invisible marks dropped.

    A soft hyphen at a line end becomes a plain hyphen (for de-hyphenation);
    inside a line it is removed. Page breaks are put at the start of a line.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_SPACES).translate(_INVISIBLE)
    text = re.sub("\xad[ ]*\n", "-\n", text).replace("\xad", "")
    return re.sub(f"(?<!\n)[ ]*{FF}", f"\n{FF}", text)


def mark_page_starts(text: str) -> str:
    """Turn page-start signals of extracted text into page breaks.

    In text extracted from PDFs a line that begins with exactly one space is
    nearly always the first line of a page. Used only when such lines are a
    minority (otherwise the indentation is the writer's style) and when the
    text has no page breaks of its own.
    """
    if FF in text:
        return text
    lines = text.split("\n")
    signals = [i for i, line in enumerate(lines) if re.match(r"^ \S", line)]
    nonempty = sum(1 for line in lines if line.strip())
    if len(signals) < 2 or len(signals) > 0.3 * nonempty:
        return text
    first_text = next((i for i, line in enumerate(lines) if line.strip()), 0)
    for i in signals:
        # after a lone number the indented line is a footnote body or a table cell;
        # a line of 1-3 characters is a fragment of rotated text
        before = next((lines[k].strip() for k in range(i - 1, -1, -1) if lines[k].strip()), "")
        if i != first_text and len(lines[i].strip()) > 3 and not _BARE_NUMBER.match(before):
            lines[i] = FF + lines[i][1:]
    return "\n".join(lines)


#: The rule above the footnotes of a page, as text extraction gives it: a line of spaces only.
_NOTE_RULE = re.compile(r"^[ \t]{20,}$")
#: The first line of a footnote: its number alone ("4", the body on the next line) or before its body
#: ("5 De indeling is als volgt: ..."); never "2." (a numbered list item).
_NOTE_START = re.compile(r"^[ ]?(\d{1,2})(?:[ ]+(\S.*?))?[ ]*$")
NOTE_LABEL = "voetnoot"
#: A note reference as the PDF converter leaves it ("enquêteP0F / 1 / P onder"), with the note's number.
_CONVERTER_NOTE = r"P\d{{1,2}}F[ ]*\n(?:[ ]*\n)*[ ]*{}[ ]*\n(?:[ ]*\n)*[ ]*P"


def _note_references(number: int) -> tuple[re.Pattern[str], ...]:
    """Where a page's text refers to footnote ``number``, surest first: the converter's "enquêteP0F / 1 / P"
    residue, the number glued to a word ("feiten4 en", "aanpak2.", "ZSM28.") or after its full stop
    ("aanpak.6", "o.a.21:"); else the number set apart before a full stop ("8 uur per week 5.") or after one
    ("in Twente. 4" at the end of a line)."""
    n = str(number)
    return (
        re.compile(
            _CONVERTER_NOTE.format(n) + r"(?=[ .,;:]|$)"
            rf"|(?:(?<=[a-zà-ÿ’')])|(?<=[A-Z]{{2}})){n}(?=[ .,;:)]|$)"
            rf"|(?<=[a-zà-ÿ])([.,;:]){n}(?=[ .,;:]|$)",
            re.M,
        ),
        re.compile(rf"(?<=[a-zà-ÿ])[ ]{n}(?=[.,;:](?:[ ]|$))|(?<=[a-zà-ÿ])([.])[ ]{n}(?=[ ]*$)", re.M),
    )


@dataclass(frozen=True, slots=True)
class _Note:
    number: int
    body: str
    lines: range  # the page's lines that hold it


def _page_notes(lines: Sequence[str]) -> tuple[int, list[_Note]]:
    """The footnotes at the foot of a page: where they start (the rule above them, or their first line) and
    the notes. After a rule, every line to the page's end belongs to a note (a body may run over lines);
    without one, only a run of one-line notes counting up by one ends the page."""
    rule = next((i for i in range(len(lines) - 1, -1, -1) if _NOTE_RULE.match(lines[i])), None)
    if rule is not None:
        found: list[tuple[int, int, list[str]]] = []  # number, first line, body lines
        for i in range(rule + 1, len(lines)):
            line = lines[i]
            m = _NOTE_START.match(line)
            if m and ((not found and line.strip()) or (found and int(m.group(1)) == found[-1][0] + 1)):
                found.append((int(m.group(1)), i, [m.group(2) or ""]))
            elif line.strip() and found:
                found[-1][2].append(line.strip())
            elif line.strip():
                return len(lines), []  # text after the rule that is no note: not a footnote block
        ends = [first for _, first, _ in found[1:]] + [len(lines)]
        notes = [_Note(n, " ".join(" ".join(body).split()), range(first, end))
                 for (n, first, body), end in zip(found, ends, strict=True)]  # fmt: skip
        return rule, notes
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end
    run: list[_Note] = []
    while start and (m := _NOTE_START.match(lines[start - 1])) and m.group(2):
        if run and int(m.group(1)) != run[0].number - 1:
            break
        run.insert(0, _Note(int(m.group(1)), m.group(2), range(start - 1, start)))
        start -= 1
    return start, run


def inline_footnotes(text: str) -> str:
    """Put each footnote where the text refers to it: "plegers van HIC feiten4 en" with the note "4
    woninginbraak, overvallen, straatroof en geweld" at the foot of the page becomes "plegers van HIC feiten
    (voetnoot: woninginbraak, overvallen, straatroof en geweld) en". A note read at the foot of a page is
    cut off from what it explains (and splits the sentence that runs on to the next page). The reference is
    looked for on the note's page, then on the page before (a page break found too early splits a page); a
    note whose reference is not found stays where it is. Needs the page breaks of ``mark_page_starts``."""
    pages = text.split(FF)
    bodies: list[str] = []
    tails: list[list[str]] = []
    for page in pages:
        lines = page.split("\n")
        start, notes = _page_notes(lines)
        bodies.append("\n".join(lines[:start]))
        inlined = [note for note in notes if note.body and _inline_note(bodies, note.number, note.body)]
        drop = {i for note in inlined for i in note.lines}
        if inlined and len(inlined) == len(notes) and _NOTE_RULE.match(lines[start]):
            drop.add(start)  # the rule above notes that all moved
        tails.append([line for i, line in enumerate(lines[start:], start) if i not in drop])
    return FF.join("\n".join([body, *tail]) for body, tail in zip(bodies, tails, strict=True))


def _inline_note(bodies: list[str], number: int, note: str) -> bool:
    """Put ``note`` at its reference in the last page body, or else the one before; False if not found."""
    for k in range(len(bodies) - 1, max(len(bodies) - 3, -1), -1):
        for pattern in _note_references(number):
            if m := pattern.search(bodies[k]):
                punct = m.group(1) or ""
                if note.endswith(".") and not note.endswith("etc."):
                    note = note[:-1]  # the sentence's own full stop follows
                glued_punct = bodies[k][m.end() : m.end() + 1] in (".", ",", ";", ":")
                inline = f"{punct} ({NOTE_LABEL}: {note})" if glued_punct else f" ({NOTE_LABEL}: {note}){punct}"
                bodies[k] = bodies[k][: m.start()] + inline + bodies[k][m.end() :]
                return True
    return False


_FOOTNOTE_REF = re.compile(_CONVERTER_NOTE.format(r"\d{1,2}") + r"(?:[ ]|$|(?=[.,;:]))", re.M)
_NOTE_BEFORE_PUNCT = re.compile(r"[ ]*\n(?:[ ]*\n)*[ ]*\d{1,2}[ ]*\n(?:[ ]*\n)*[ ]*(?=[.,;:][ ]|[.,;:]$)", re.M)
_SUPERSCRIPT = re.compile(r"(\d)P[ ]*\n(?:[ ]*\n)*[ ]*(ste|de|e)[ ]*\n(?:[ ]*\n)*[ ]*P(?:[ ]|$)", re.M)
_GLUED_NOTE = re.compile(r"\b([a-zà-ÿ]{3,})(\d{1,2})([.,;:])(?=\s|$)")


def _drop_reference(m: re.Match[str]) -> str:
    """Nothing before punctuation ("partners. Deze"), else a line break."""
    return "" if m.string[m.end() : m.end() + 1] in (".", ",", ";", ":") else "\n"


def strip_footnote_residue(text: str) -> str:
    """Remove footnote references and superscript residue of the PDF converter.

    ``enquêteP0F / 1 / P onder`` becomes ``enquête / onder``; ``2P / de / P als``
    becomes ``2de als``; a note number glued to a word (``aanpak2.``) is dropped.
    """
    text = _FOOTNOTE_REF.sub(_drop_reference, text)
    text = _NOTE_BEFORE_PUNCT.sub("", text)
    text = _SUPERSCRIPT.sub(r"\1\2 ", text)
    return _GLUED_NOTE.sub(r"\1\3", text)


_PAGE_NUMBER = re.compile(
    r"^(?:-\s*\d{1,3}\s*-|\d{1,3}\s*/\s*\d{1,3}|(?:pagina|blz\.?|page)\s*\d{1,3}(?:\s*(?:van|/|of)\s*\d{1,3})?)$",
    re.I,
)
_BARE_NUMBER = re.compile(r"^\d{1,3}$")


def remove_running_lines(text: str) -> str:
    """Drop page numbers and running headers/footers.

    A line is a running header when the same short line (digits ignored)
    occurs three or more times and mostly right next to a page break. Page
    numbers ("-12-", "13/23", "pagina 3 van 9") go wherever they stand; a bare
    number only next to a page break.
    """
    lines = text.split("\n")
    near = _near_page_break(lines, reach=1)
    running = _running_keys(lines, near)
    kept = []
    for i, line in enumerate(lines):
        body = _body(line)
        drop = bool(_PAGE_NUMBER.match(body)) or (near[i] and bool(_BARE_NUMBER.match(body)))
        drop = drop or _running_key(line) in running
        kept.append(_mark(line) if drop else line)
    return "\n".join(kept)


def running_lines_by_page(text: str) -> dict[int, list[str]]:
    """The running headers/footers of a text, by 1-based page number.

    Give it the text after :func:`mark_page_starts`; used to name documents
    whose title page did not survive extraction.
    """
    lines = text.split("\n")
    near = _near_page_break(lines, reach=1)
    running = _running_keys(lines, near)
    pages: dict[int, list[str]] = {}
    page = 1
    for line in lines:
        page += line.count(FF)
        if _running_key(line) in running:
            pages.setdefault(page, []).append(_body(line))
    return pages


def _running_keys(lines: Sequence[str], near: Sequence[bool]) -> set[str]:
    counts: Counter[str] = Counter()
    near_counts: Counter[str] = Counter()
    for i, line in enumerate(lines):
        if key := _running_key(line):
            counts[key] += 1
            near_counts[key] += near[i]
    return {k for k, n in counts.items() if n >= 3 and near_counts[k] >= 0.6 * n}


def _running_key(line: str) -> str:
    body = _body(line)
    if not 8 <= len(body) <= 120 or body.startswith(BULLET) or body.endswith(":"):
        return ""
    if len(body.split()) < 2 or _HEADING_NUMBER.match(body) or body.endswith("?"):
        return ""  # section headings repeat across sub-documents; headers do not look like them
    return re.sub(r"\d+", "#", body.lower())


def _near_page_break(lines: Sequence[str], reach: int = 2) -> list[bool]:
    """For each line: is it at the edge of its page?

    The edge is the first and last ``reach`` text lines of the page, not counting
    page-number lines (which are at the edge themselves).
    """
    near = [False] * len(lines)
    by_page: dict[int, list[int]] = {}
    page = 0
    for i, line in enumerate(lines):
        page += line.count(FF)
        if _body(line):
            by_page.setdefault(page, []).append(i)
    for members in by_page.values():
        numbers = [i for i in members if _is_page_number_like(lines[i])]
        text = [i for i in members if i not in numbers]
        for i in text[:reach] + text[-reach:] + numbers:
            near[i] = True
    return near


def _is_page_number_like(line: str) -> bool:
    body = _body(line)
    return bool(_PAGE_NUMBER.match(body) or _BARE_NUMBER.match(body))


def normalize_bullets(text: str) -> str:
    """Map bullet glyphs (private-use symbols, ●, ■, "o ", "- ", "* ") to "• "."""
    text = re.sub(rf"(?m)^({FF}?)[ ]*(?:[{_BULLET_GLYPHS}]|{_PRIVATE_USE})[ ]*", rf"\1{BULLET} ", text)
    # a dash before an amount ("– 2.262,--") is a minus sign, before "2 locaties" a bullet
    text = re.sub(rf"(?m)^({FF}?)[ ]*(?:[-–*]|o)[ ]+(?=[^\W\d_]|\d+[ ]+[^\W\d_])", rf"\1{BULLET} ", text)
    text = re.sub(rf"(?<=\S)[ ]+{_PRIVATE_USE}[ ]+(?=\S)", f"\n{BULLET} ", text)
    return re.sub(_PRIVATE_USE, " ", text)


_SYMBOL_EVIDENCE = (
    re.compile(r"[a-zà-ÿ]Φ"),  # Φ used as a full stop after a word
    re.compile(r"[a-z]±[a-z]"),  # ± used for ë inside a word
    re.compile(r"(?m)^[Áü] "),  # Á and ü used as bullets
)


def repair_symbol_font(text: str) -> str:
    """Undo a leaked symbol font, but only where the text shows it leaked.

    When several signs agree (Φ after words, ± inside words, Á/ü as bullets),
    Á and ü at a line start are bullets, ± is ë, Φ is a full stop, ô between
    letters is an apostrophe and a free-standing ï is a dash. Real accents in
    other documents are never touched.
    """
    evidence = sum(len(p.findall(text)) for p in _SYMBOL_EVIDENCE)
    if evidence < 3:
        return text
    text = re.sub(rf"(?m)^({FF}?)[ ]*[Áü][ ]+", rf"\1{BULLET} ", text)
    text = re.sub(r"(?<=[a-zA-Z])±", "ë", text)
    text = re.sub(r"(?<=\S)Φ", ".", text)
    text = re.sub(r"(?<=[a-z])ô(?=s\b)", "’", text)
    return re.sub(r"(?<= )ï(?= )", "–", text)


def strip_underline_residue(text: str) -> str:
    """Remove the stray "U" that underlining leaves before a word ("UHengelo")."""
    return re.sub(rf"(?m)^({FF}?[ ]*)U(?=[A-Z][a-zà-ÿ])", r"\1", text)


def join_letter_spaced(text: str) -> str:
    """Join display text that the PDF converter letter-spaced ("VOORS T EL")."""
    return "\n".join(_join_spaced_line(line) for line in text.split("\n"))


def _join_spaced_line(line: str) -> str:
    tokens = _body(line).split()
    if len(tokens) < 3 or not all(t.isalpha() and t.isupper() for t in tokens):
        return line
    if any(t in _SHORT_CAPS_WORDS for t in tokens) or statistics.mean(map(len, tokens)) > 3.5:
        return line
    return _mark(line) + "".join(tokens)


def join_rotated_fragments(text: str) -> str:
    """Join runs of four or more lines of 1-3 letters (rotated text) into one word."""
    lines = text.split("\n")
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len([r for r in run if _body(r)]) >= 4:
            out.append("".join(_mark(r) for r in run) + "".join(_body(r) for r in run))
        else:
            out.extend(run)
        run.clear()

    for line in lines:
        body = _body(line)
        if re.fullmatch(r"[A-Za-zÀ-ÿ]{1,3}", body) or (not body and run):
            run.append(line)
        else:
            flush()
            out.append(line)
    flush()
    return "\n".join(out)


def dehyphenate(text: str) -> str:
    """Join words broken with a hyphen at a line end, keeping real hyphens.

    "zorginstel- / lingen" becomes "zorginstellingen"; the hyphen stays before
    a capital ("Oost-Nederland"), after a digit ("2013-2016") or an acronym
    ("G32-gemeenten"), and before "en"/"of"/"tot" ("alcohol- en drugsgebruik").
    Blank lines between the two halves are skipped; a page break on the second
    half moves to the line after the joined one.
    """
    lines = text.split("\n")
    dropped: set[int] = set()
    for i in range(len(lines)):
        if i in dropped:
            continue
        while m := _HYPHEN_END.search(lines[i]):
            j = _next_text_line(lines, i, max_gap=3, skip=dropped)
            joined = _join_hyphenated(lines[i], lines[j], m.group(1)) if j is not None else None
            if joined is None or j is None:
                break
            marks = "".join(_mark(lines[k]) for k in range(i + 1, j + 1) if k not in dropped)
            lines[i] = joined
            dropped.update(range(i + 1, j + 1))
            if marks:  # keep page breaks: they move to the next line
                nxt = next((k for k in range(j + 1, len(lines)) if k not in dropped), None)
                if nxt is None:
                    lines.append(marks)
                else:
                    lines[nxt] = marks + lines[nxt].replace(FF, "")
    return "\n".join(line for k, line in enumerate(lines) if k not in dropped)


_HYPHEN_END = re.compile(r"(\S*\w)-[ ]*$")


def _next_text_line(lines: Sequence[str], i: int, max_gap: int, skip: Collection[int] = ()) -> int | None:
    gap = 0
    for j in range(i + 1, len(lines)):
        if j in skip:
            continue
        if _body(lines[j]):
            return j
        gap += 1
        if gap > max_gap:
            return None
    return None


def _join_hyphenated(left: str, right: str, word: str) -> str | None:
    """``left`` (ending in a hyphen) joined with the text of ``right``, or None
    when the two do not belong together."""
    body = _body(right)
    if body.startswith(BULLET) or looks_like_heading(body, 80.0):
        return None
    head = left.rstrip()[:-1]
    keeps_hyphen = word[-1].isdigit() or _is_acronym(word)
    if body.split()[0].lower().strip(",.") in _LINKING_WORDS:
        return head + "- " + body
    if body[0].isupper() or (keeps_hyphen and body[0].isalnum()):
        return head + "-" + body
    if body[0].islower():
        clash = (head[-1:] + body[0]).lower() in _VOWEL_CLASHES
        return head + ("-" if clash else "") + body
    return None


def _is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(word) <= 6


def reflow_paragraphs(text: str) -> str:
    """Join hard-wrapped lines into paragraphs, one paragraph per line.

    A single blank line is a paragraph break, except in double-spaced regions
    (where a blank follows almost every line) which need two or more. Headings
    and bullet items always stand alone; a line ending a sentence well short of
    the usual line width ends its paragraph.
    """
    lines = text.split("\n")
    idx = _text_line_indexes(lines)
    if not idx:
        return ""
    width = _typical_width([_body(lines[i]) for i in idx])
    if width > UNWRAPPED_WIDTH:  # not hard-wrapped: every line already is a paragraph
        return "\n".join(lines[i].strip(" ") for i in idx)
    double = _double_spaced(lines, idx)
    paragraphs: list[str] = [lines[idx[0]].strip(" ")]
    for k in range(1, len(idx)):
        prev, cur = lines[idx[k - 1]], lines[idx[k]]
        between = lines[idx[k - 1] + 1 : idx[k]]
        gap = sum(1 for line in between if FF not in line)
        marks = "".join(_mark(line) for line in between)
        gap_breaks = gap >= (2 if double[k] else 1)
        if _continues(paragraphs[-1], prev, cur, gap_breaks, width):
            paragraphs[-1] = paragraphs[-1].rstrip() + " " + marks + cur.strip(" ")
        else:
            paragraphs.append(marks + cur.strip(" "))
    return "\n".join(paragraphs)


def _typical_width(bodies: Sequence[str]) -> float:
    long = sorted(len(b) for b in bodies if len(b) >= 20)
    if not long:
        return 80.0
    return float(long[int(0.75 * (len(long) - 1))])


def _double_spaced(lines: Sequence[str], idx: Sequence[int], window: int = 12) -> list[bool]:
    """For each text line: does it lie in a region where single blanks are not breaks?"""
    single_gap = [k > 0 and idx[k] - idx[k - 1] == 2 for k in range(len(idx))]
    result = []
    for k in range(len(idx)):
        lo, hi = max(1, k - window), min(len(idx), k + window + 1)
        span = single_gap[lo:hi]
        result.append(bool(span) and sum(span) >= 0.6 * len(span))
    return result


_HEADING_NUMBER = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[A-Z]\d?\.|Hoofdstuk \d+|HOOFDSTUK \d+|Bijlage \d+|BIJLAGE \d+)(?:\s|$)"
)


#: A short "Label: value" line such as "Prioriteit: Zorg & Veiligheid".
_LABEL_LINE = re.compile(r"^[A-Z][a-zà-ÿ]{3,20}:[ ]+[A-Z][^.:;]{2,60}$")


def looks_like_heading(body: str, width: float) -> bool:
    """A cheap heading test used for reflow (the structure stage decides for real)."""
    if not body or body.startswith(BULLET) or len(body) > 100 or body.endswith((",", ";")):
        return False
    if _HEADING_NUMBER.match(body) and not body.rstrip().endswith("."):
        rest = _HEADING_NUMBER.sub("", body).strip()
        return not rest or rest[0].isupper()
    if _LABEL_LINE.match(body):
        return True
    letters = [c for c in body if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters) and len(body) <= 80


def _continues(paragraph: str, prev: str, cur: str, gap_breaks: bool, width: float) -> bool:
    prev_body, cur_body = _body(prev), _body(cur)
    if cur_body.startswith(BULLET) or looks_like_heading(cur_body, width):
        return False
    starts_lower = cur_body[:1].islower() or cur_body[:1] in "(€%" or cur_body[:1].isdigit()
    if looks_like_heading(_body(paragraph), width):
        return starts_lower and len(prev_body) >= 0.8 * width  # a wrapped numbered item
    ends_sentence = prev_body.endswith(_TERMINAL)
    if FF in cur:  # a page break: continue only an unfinished sentence
        return not ends_sentence and (starts_lower or len(prev_body) >= 0.75 * width)
    if gap_breaks:
        return not ends_sentence and starts_lower
    if ends_sentence and len(prev_body) < 0.7 * width:
        return False
    if prev_body.endswith(":") and not starts_lower:
        return False
    # a short line without final punctuation is a title or label
    return ends_sentence or len(prev_body) >= 0.5 * width or starts_lower


def join_split_words(text: str) -> str:
    """Join words the converter split with a space ("inwo ners", "gemeent en").

    Two adjacent lower-case tokens are joined when the first never occurs on its
    own elsewhere in the text and the joined form occurs at least twice.
    """
    words = Counter(re.findall(r"[a-zà-ÿ]+", text))

    def fix(m: re.Match[str]) -> str:
        first, second = m.group(1), m.group(2)
        if words[first] == 1 and words[first + second] >= 2 and len(first) >= 2:
            return first + second
        return m.group(0)

    return re.sub(r"\b([a-zà-ÿ]{2,})[ ]+([a-zà-ÿ]{2,})\b", fix, text)


def normalize_spacing(text: str) -> str:
    """Collapse runs of spaces, trim lines, drop empty lines (keeping page breaks)."""
    text = re.sub(r"[ ]{2,}", " ", text)
    text = re.sub(r"[ ]+([.,;:)])(?=\s|$)", r"\1", text)
    lines = [line.strip(" ") for line in text.split("\n")]
    out: list[str] = []
    pending = ""
    for line in lines:
        if not _body(line):
            pending += _mark(line)
            continue
        out.append(pending + line.replace(FF + " ", FF) if pending else line)
        pending = ""
    if pending and out:
        out[-1] += pending
    return "\n".join(out)


#: The default cleaning pipeline, in order.
CLEAN_STEPS: tuple[Step, ...] = (
    normalize_unicode,
    mark_page_starts,
    inline_footnotes,
    strip_footnote_residue,
    remove_running_lines,
    normalize_bullets,
    repair_symbol_font,
    strip_underline_residue,
    join_letter_spaced,
    join_rotated_fragments,
    dehyphenate,
    reflow_paragraphs,
    join_split_words,
    normalize_spacing,
)


def clean_text(text: str, steps: Sequence[Step] = CLEAN_STEPS) -> str:
    """Run the cleaning steps in order; page breaks stay in the result."""
    for step in steps:
        text = step(text)
    return text


def split_pages(text: str) -> tuple[str, list[int]]:
    """Remove page breaks; return the text and the 0-based character offset at
    which each page starts (the first page starts at 0). A text without page
    breaks gets an empty list: its pages are unknown."""
    if FF not in text:
        return text, []
    starts = [0]
    parts = text.split(FF)
    out = parts[0]
    for part in parts[1:]:
        starts.append(len(out))  # an empty page starts where the next one does
        out += part
    return out, starts


def page_at(page_starts: Sequence[int], offset: int) -> int | None:
    """1-based page number holding a character offset, or None without pages."""
    if not page_starts:
        return None
    lo, hi = 0, len(page_starts)
    while lo < hi:
        mid = (lo + hi) // 2
        if page_starts[mid] <= offset:
            lo = mid + 1
        else:
            hi = mid
    return max(lo, 1)
