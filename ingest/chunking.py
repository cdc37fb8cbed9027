"""Cut a document into passages: section-aware, paragraph- and sentence-aware.

Passages never overlap (repeated text wastes an evidence budget) and never
cross a sub-document boundary. A section starts a new passage once the
current one has its minimum size; a list stays with the sentence that
introduces it where the size allows; a heading goes with the text below it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from ingest.structure import Paragraph

#: Dutch abbreviations the sentencizer must not split after.
ABBREVIATIONS = (
    "o.a.", "art.", "dhr.", "mevr.", "mw.", "bijv.", "bv.", "i.v.m.", "m.b.t.", "t.a.v.", "t.b.v.", "i.o.m.",
    "e.d.", "e.a.", "nr.", "blz.", "ca.", "incl.", "excl.", "resp.", "z.s.m.", "d.w.z.", "m.u.v.", "v.w.b.",
    "jl.", "jr.", "min.", "max.", "evt.", "vnl.", "o.b.v.", "i.p.v.", "n.a.v.", "t/m", "cq.", "c.q.", "vs.",
)  # fmt: skip

Splitter = Callable[[str], list[tuple[int, int]]]
#: A paragraph ending in ":" longer than this (characters) has its introducing sentences split off.
LIST_INTRO_CHARS = 300
_LIST_ITEM = re.compile(r"(?:•|\d{1,2}[.)])\s")
_LIST_NUMBER = re.compile(r"\(?\d{1,2}[.)]|[a-z][.)]")
#: A currency sign with a full stop ("Bijdrage Halt Twente €. 5.668,--"): the amount follows, no sentence ends.
_CURRENCY_STOP = re.compile(r"(?:€|\bfl|\bEUR)\s?\.$")


@dataclass(frozen=True, slots=True)
class ChunkSettings:
    """Passage sizes in characters."""

    target_chars: int = 800
    min_chars: int = 500
    max_chars: int = 1200

    def fingerprint(self) -> str:
        return f"para-sent-v1:{self.target_chars}/{self.min_chars}/{self.max_chars}"


@dataclass(frozen=True, slots=True)
class ChunkSpan:
    """A passage: offsets into the file's cleaned text, sentences relative to ``start``."""

    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]


@cache
def _nlp() -> Any:
    spacy = _import_spacy_without_torch()

    nlp: Any = spacy.blank("nl")
    for abbreviation in ABBREVIATIONS:
        nlp.tokenizer.add_special_case(abbreviation, [{"ORTH": abbreviation}])
    nlp.add_pipe("sentencizer")
    return nlp


def _import_spacy_without_torch() -> Any:
    """spaCy, imported without PyTorch when that is not loaded yet.

    thinc (under spaCy) imports torch when it is installed, which costs about 2 s of every ingest, for
    models we never load: a blank pipeline's tokenizer and sentencizer need none of it. torch is hidden
    during the import and given back afterwards, so a neural embedder can still import it.
    """
    hide = "torch" not in sys.modules
    if hide:
        sys.modules["torch"] = None  # type: ignore[assignment]  # makes "import torch" fail quickly
    try:
        import spacy
    finally:
        if hide:
            del sys.modules["torch"]
    return spacy


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (0-based character offsets, end exclusive) of a paragraph."""
    doc = _nlp()(text)
    spans: list[tuple[int, int]] = []
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        while end > start and text[end - 1].isspace():
            end -= 1
        if end <= start:
            continue
        previous = text[spans[-1][0] : spans[-1][1]] if spans else ""
        if _LIST_NUMBER.fullmatch(previous) or _CURRENCY_STOP.search(previous):
            spans[-1] = (spans[-1][0], end)  # "1." is not a sentence: it numbers the next one; "€." an amount
        else:
            spans.append((start, end))
    return spans


def _units(paragraphs: Sequence[Paragraph], max_chars: int, splitter: Splitter) -> list[Paragraph]:
    """Paragraphs, with those longer than ``max_chars`` cut at sentence ends."""
    units: list[Paragraph] = []
    for par in paragraphs:
        if par.text.rstrip().endswith(":") and len(par.text) > LIST_INTRO_CHARS:
            par, intro = _split_intro(par, splitter)
            if intro is not None:
                units += [*_units([par], max_chars, splitter), intro]
                continue
        if len(par.text) <= max_chars:
            units.append(par)
            continue
        group_start = group_end = None
        for s, e in splitter(par.text):
            if group_start is not None and group_end is not None and e - group_start > max_chars:
                units.append(Paragraph(par.start + group_start, par.start + group_end, par.text[group_start:group_end]))
                group_start = None
            group_start = s if group_start is None else group_start
            group_end = e
        if group_start is not None and group_end is not None:
            units.append(Paragraph(par.start + group_start, par.start + group_end, par.text[group_start:group_end]))
    return units


def _split_intro(par: Paragraph, splitter: Splitter) -> tuple[Paragraph, Paragraph | None]:
    """Split off the sentences that introduce a list ("…prioriteiten. Dat zijn:")."""
    spans = splitter(par.text)
    if len(spans) < 2:
        return par, None
    cut = spans[-2][0] if spans[-1][1] - spans[-1][0] < 60 and len(spans) >= 3 else spans[-1][0]
    if cut == 0:
        return par, None
    head = par.text[:cut].rstrip()
    return Paragraph(par.start, par.start + len(head), head), Paragraph(par.start + cut, par.end, par.text[cut:])


def chunk_paragraphs(
    text: str,
    paragraphs: Sequence[Paragraph],
    section_starts: dict[int, int],
    settings: ChunkSettings = ChunkSettings(),
    splitter: Splitter = split_sentences,
) -> list[ChunkSpan]:
    """Pack the paragraphs of one (sub-)document into passages.

    ``section_starts`` maps the offset of each heading to its level (1 = chapter).
    """
    starts = section_starts
    groups: list[list[Paragraph]] = [[]]
    for unit in _units(paragraphs, settings.max_chars, splitter):
        current = groups[-1]
        size = current[-1].end - current[0].start if current else 0
        new_size = unit.end - current[0].start if current else len(unit.text)
        if current and _should_close(current, unit, size, new_size, starts.get(unit.start, 0), settings):
            carried = _trailing_headings(current, starts)
            groups[-1] = current[: len(current) - len(carried)]
            groups.append(carried)
        groups[-1].append(unit)
    return [_span(text, group, splitter) for group in _merge_small(groups, settings) if group]


def _merge_small(groups: list[list[Paragraph]], s: ChunkSettings) -> list[list[Paragraph]]:
    """Fold passages shorter than a quarter of the minimum into a neighbour."""
    merged: list[list[Paragraph]] = []
    for group in groups:
        if not group:
            continue
        small = _size(group) < s.min_chars // 4 or (merged and _size(merged[-1]) < s.min_chars // 4)
        if merged and small and group[-1].end - merged[-1][0].start <= s.max_chars:
            merged[-1] = merged[-1] + group
        else:
            merged.append(group)
    return merged


def _size(group: Sequence[Paragraph]) -> int:
    return group[-1].end - group[0].start


def _should_close(
    current: Sequence[Paragraph], unit: Paragraph, size: int, new_size: int, new_section: int, s: ChunkSettings
) -> bool:
    """``new_section`` is 0, or the level of the heading that ``unit`` opens."""
    if new_size > s.max_chars:
        return True
    if new_section and (size >= s.min_chars or (new_section == 1 and size >= s.min_chars // 4)):
        return True  # a chapter (level 1) starts a passage unless the current one is tiny
    introduces_list = current[-1].text.rstrip().endswith(":") or bool(_LIST_ITEM.match(unit.text))
    return new_size > s.target_chars and size >= s.min_chars and not introduces_list


def _trailing_headings(group: Sequence[Paragraph], section_starts: dict[int, int]) -> list[Paragraph]:
    """Headings, and a paragraph introducing a list, at the end of a closing
    passage move to the next one (with the text or list they announce)."""
    k = len(group)
    if k > 1 and group[-1].text.rstrip().endswith(":"):
        k -= 1
    while k > 1 and group[k - 1].start in section_starts:
        k -= 1
    return list(group[k:])


def _span(text: str, group: Sequence[Paragraph], splitter: Splitter) -> ChunkSpan:
    start, end = group[0].start, group[-1].end
    sentences: list[tuple[int, int]] = []
    for par in group:
        offset = par.start - start
        sentences += [(offset + s, offset + e) for s, e in splitter(par.text)] or [(offset, offset + len(par.text))]
    return ChunkSpan(start, end, tuple(sentences))
