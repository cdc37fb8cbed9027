"""Acronyms a corpus defines itself: "Keurmerk Veilig Ondernemen (KVO)".

Policy documents write an organisation, programme or instrument out once with
its acronym in brackets and use the acronym after that; questions use either.
The definitions are found with the algorithm of Schwartz & Hearst (2003, "A
simple algorithm for identifying abbreviation definitions in biomedical
text"): the acronym's letters are matched from right to left against the words
before the bracket, its first letter at the start of a word, and the shortest
long form that matches wins. Learned acronyms join the lexicon's for query
expansion, so "Keurmerk Veilig Ondernemen" also finds passages that only say
"KVO" and the other way round.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from index.analyzer import fold

MAX_FORMS = 3  # long forms kept per acronym (most frequent first)
_BRACKET = re.compile(r"\s\(\s?([A-Z][A-Za-z&\-]{1,9}(?:\s?/\s?[A-Z][A-Za-z&\-]{1,9})*)\s?\)")
BEFORE_CHARS = 240  # how far before the bracket a long form may start
_JOIN = re.compile(r"(?:,|\sen|\sof)\s*$")
_WORD = re.compile(r"\S+")


def _is_acronym(short: str) -> bool:
    """Two to eight letters with at least two capitals: "KVO", "RIEC", "OO&V" (not "Wet", not "ICT-beleid")."""
    letters = [c for c in short if c.isalpha()]
    return 2 <= len(letters) <= 8 and sum(c.isupper() for c in letters) >= 2 and "-" not in short


def long_form(short: str, before: str) -> str | None:
    """The long form of ``short`` at the end of ``before``, or None (Schwartz & Hearst)."""
    words = _WORD.findall(before)
    letters = [c.lower() for c in short if c.isalnum()]
    while words and not any(c.isalpha() for c in words[-1]):
        words.pop()  # "Integraal Veiligheidsplan 2024-2026 (IVP)": the years are no part of the name
    window = " ".join(words[-min(len(letters) + 5, len(letters) * 2) :])
    s, i = len(letters) - 1, len(window) - 1
    while s >= 0:
        c = letters[s]
        # the first letter must start a word (or be a capital: "PolitieTeam"); the others may stand anywhere
        while i >= 0 and (
            window[i].lower() != c or (s == 0 and i > 0 and window[i - 1].isalnum() and not window[i].isupper())
        ):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    first = i + 1  # where the acronym's first letter matched
    start = first if first > 0 and window[first - 1].isalnum() else window.rfind(" ", 0, first) + 1
    found = window[start:].strip(" ,;:-–")
    if not found[:1].isalpha() or fold(found) == fold(short):
        return None
    return found


def definitions(text: str) -> list[tuple[str, str]]:
    """(acronym, long form) pairs a text defines, in order."""
    pairs = []
    for m in _BRACKET.finditer(text):
        before = text[max(0, m.start() - BEFORE_CHARS) : m.start()]
        before = before[max(before.rfind(c) for c in "()\n") + 1 :]
        found_here = []
        # "Keurmerk Veilig Ondernemen en Kwaliteitsmeter Veilig Uitgaan (KVO/KVU)": the last name is the last's
        for short in reversed([p.strip() for p in m.group(1).split("/")]):
            if not _is_acronym(short) or not (found := long_form(short, before)):
                break
            found_here.append((short, found))
            before = _JOIN.sub("", before[: before.rstrip().rfind(found)].rstrip())
        pairs += reversed(found_here)
    return pairs


def learn_acronyms(texts: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Folded acronym → its most frequent folded long forms, over a corpus."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        for short, found in definitions(text):
            counts[fold(short)][fold(found)] += 1
    return {short: tuple(f for f, _ in forms.most_common(MAX_FORMS)) for short, forms in sorted(counts.items())}
