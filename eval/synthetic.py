"""Synthetic corpora for the scale benchmark: the demo documents under other gemeenten.

Each replica of a demo file names other real municipalities (from the gazetteer)
and is perturbed so that it is no mere copy: amounts changed, years shifted,
sentences of some paragraphs shuffled, a few words dropped. The pipeline marks
passages whose word 5-grams mostly occurred before as duplicates; the
perturbation is sized so that most replica passages are not marked, however many
replicas there are (the report gives the share that is).
"""

from __future__ import annotations

import random
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.gazetteer import Gazetteer, derived_adjectives, load_gazetteer


@dataclass(frozen=True, slots=True)
class Perturbation:
    """How much a replica differs from its original (probabilities per unit)."""

    drop_word: float = 0.05  # per inner word of a line with four or more words
    replace_word: float = 0.08  # per inner word: another word of the corpus (drawn by frequency)
    change_amount: float = 0.6  # per number of three or more digits that is not a year
    shuffle_paragraph: float = 0.3  # per paragraph of two or more sentences
    max_year_shift: int = 4  # years move by the same offset in -max..+max per replica


_YEAR = re.compile(r"\b(19|20)\d\d\b")
_AMOUNT = re.compile(r"\b\d{3,}\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def gemeenten_in(texts: Sequence[str], gazetteer: Gazetteer) -> list[str]:
    """The official names of all municipalities the texts mention, sorted."""
    return sorted({m.gemeente for text in texts for m in gazetteer.mentions(text)})


def replica_names(originals: Sequence[str], gazetteer: Gazetteer, rng: random.Random) -> dict[str, str]:
    """A distinct other real municipality for each original one."""
    pool = [n for n in gazetteer.names if n not in originals and "(" not in n]
    return dict(zip(originals, rng.sample(pool, len(originals)), strict=True))


def rename(text: str, names: dict[str, str], gazetteer: Gazetteer) -> str:
    """Replace each mention of a mapped municipality (names and adjective forms)."""
    parts, last = [], 0
    for m in gazetteer.mentions(text):
        target = names.get(m.gemeente)
        if target is None:
            continue
        parts += [text[last : m.start], _surface_for(m.surface, m.gemeente, target)]
        last = m.end
    return "".join(parts) + text[last:]


def _surface_for(surface: str, original: str, target: str) -> str:
    """The target's form matching the surface: its adjective for an adjective."""
    original_adjectives, target_adjectives = derived_adjectives(original), derived_adjectives(target)
    if surface in original_adjectives and target_adjectives:
        return target_adjectives[min(original_adjectives.index(surface), len(target_adjectives) - 1)]
    return target


def perturb(text: str, rng: random.Random, vocabulary: Sequence[str], how: Perturbation = Perturbation()) -> str:
    """Shuffle some paragraphs' sentences, then change amounts, years and words line by line.

    Replacing words by other corpus words keeps replicas apart however many there
    are; dropped or shuffled words alone recur across replicas.
    """
    shift = rng.randint(-how.max_year_shift, how.max_year_shift)
    blocks = re.split(r"(\n[ \t]*\n)", text)
    blocks = [_shuffle_block(b, rng) if rng.random() < how.shuffle_paragraph else b for b in blocks]
    lines = "".join(blocks).split("\n")
    return "\n".join(_perturb_line(line, rng, vocabulary, how, shift) for line in lines)


def _shuffle_block(block: str, rng: random.Random) -> str:
    """Shuffle a plain paragraph's sentences and wrap it to its old width; a
    paragraph with a page start (a line opening with one space) or a list stays."""
    lines = block.split("\n")
    if any(re.match(r"^ \S", line) or line.lstrip()[:1] in "•-–·" for line in lines if line.strip()):
        return block
    sentences = _SENTENCE_END.split(" ".join(line.strip() for line in lines if line.strip()))
    if len(sentences) < 2:
        return block
    rng.shuffle(sentences)
    width = max(len(line) for line in lines)
    return " \n".join(textwrap.wrap(" ".join(sentences), width=max(40, width))) + " "


def _perturb_line(line: str, rng: random.Random, vocabulary: Sequence[str], how: Perturbation, shift: int) -> str:
    body = line.lstrip(" ")
    if not body.strip():
        return line
    lead, trail = line[: len(line) - len(body)], line[len(line.rstrip(" ")) :]
    words = body.split()
    if len(words) >= 4:
        inner = [_perturb_word(w, rng, vocabulary, how) for w in words[1:-1]]
        words = [words[0], *(w for w in inner if w), words[-1]]
    out = " ".join(words)
    out = _YEAR.sub(lambda m: str(int(m.group(0)) + shift), out)
    out = _AMOUNT.sub(lambda m: _new_amount(m.group(0), rng, how), out)
    return lead + out + trail


def _perturb_word(word: str, rng: random.Random, vocabulary: Sequence[str], how: Perturbation) -> str:
    """The word, nothing (dropped) or another corpus word (only for plain words)."""
    roll = rng.random()
    if roll < how.drop_word:
        return ""
    if roll < how.drop_word + how.replace_word and word.isalpha() and vocabulary:
        return rng.choice(vocabulary)
    return word


def corpus_words(texts: Sequence[str]) -> list[str]:
    """Every plain lower-case word of three or more letters, with repeats (so drawing is by frequency)."""
    return [w for text in texts for w in re.findall(r"\b[a-zà-ÿ]{3,}\b", text)]


def _new_amount(digits: str, rng: random.Random, how: Perturbation) -> str:
    if _YEAR.fullmatch(digits) or rng.random() >= how.change_amount:
        return digits
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in digits[1:])


def write_corpus(sources: Sequence[Path], folder: Path, scale: int, *, seed: int = 0) -> list[Path]:
    """The originals plus ``scale - 1`` renamed, perturbed replicas of each, as
    UTF-8 ``.txt`` files under ``folder``; returns the written files."""
    gazetteer = load_gazetteer()
    texts = {p: p.read_text(encoding="utf-8") for p in sources}
    originals = gemeenten_in(list(texts.values()), gazetteer)
    vocabulary = corpus_words(list(texts.values()))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for replica in range(scale):
        rng = random.Random(f"{seed}:{replica}")
        names = replica_names(originals, gazetteer, rng)
        for path, text in texts.items():
            out = text if replica == 0 else perturb(rename(text, names, gazetteer), rng, vocabulary)
            target = folder / f"r{replica:03d}_{path.stem}.txt"
            target.write_text(out, encoding="utf-8")
            written.append(target)
    return written
