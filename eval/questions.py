"""Load the eval question set (``eval/questions/*.jsonl``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ConfigurationError

QUESTIONS_DIR = Path(__file__).resolve().parent / "questions"
DEV, HELD_OUT = "dev", "held-out"


@dataclass(frozen=True, slots=True)
class Gold:
    file: str
    quote: str


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    question: str
    type: str
    gold: tuple[Gold, ...]
    key_terms: tuple[str, ...]
    gemeenten: tuple[str, ...]
    doc_type: str
    paraphrased: bool
    unanswerable_kind: str | None
    split: str = DEV  # "held-out..." for heldout*.jsonl: each written before a round of work that did not tune to it

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


def split_of(path: Path) -> str:
    """``dev`` for the questions the work is tuned on; ``held-out`` for heldout.jsonl, ``held-out-b`` for
    heldout_b.jsonl, ...: each held-out set is reported apart, since a set whose totals were looked at
    during the work is less blind than a fresh one."""
    if not path.stem.startswith("heldout"):
        return DEV
    return HELD_OUT + path.stem.removeprefix("heldout").replace("_", "-")


def load_questions(folder: Path = QUESTIONS_DIR) -> list[Question]:
    questions = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                row["gold"] = tuple(Gold(**g) for g in row["gold"])
                for key in ("key_terms", "gemeenten"):
                    row[key] = tuple(row[key])
                row["split"] = split_of(path)
                questions.append(Question(**row))
    return questions


def select_sets(questions: Sequence[Question], names: Sequence[str]) -> list[Question]:
    """The questions of the named sets ("dev", "held-out", "held-out-k", ...), all of them for no names;
    an unknown name is refused with the names there are."""
    if not names:
        return list(questions)
    known = list(dict.fromkeys(q.split for q in questions))
    if unknown := [n for n in names if n not in known]:
        raise ConfigurationError(f"unknown question set {', '.join(unknown)}; the sets are: {', '.join(known)}")
    return [q for q in questions if q.split in names]
