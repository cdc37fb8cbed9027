"""Follow-up questions made standalone, so retrieval sees the whole question.

"Welke prioriteiten heeft Losser?" followed by "En Dinkelland?" becomes
"Welke prioriteiten heeft Dinkelland?". Without a language model this uses a
few general Dutch rules: a follow-up that names no gemeente takes over the
gemeente(n) of the last question that named one, and an elliptic follow-up
("En …?", "Hoe zit het met …?", or mostly pronouns such as "dat", "daar",
"hun") takes over the topic of the previous question. With a model, the
``rewrite_nl`` prompt asks for one standalone question; any failure falls back
to the rules.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

import prompts
from ingest.gazetteer import Mention, derived_adjectives, load_gazetteer

if TYPE_CHECKING:
    from llama_index.core.llms import LLM

log = logging.getLogger(__name__)

Turn = str | tuple[str, str]  # a previous question, or a (question, answer text) pair
MAX_ELLIPTIC_WORDS = 2  # a follow-up with a pronoun and at most this many content words leans on the topic
HISTORY_TURNS = 4  # turns shown to the model
ANSWER_CHARS = 300  # characters of each previous answer shown to the model

_LEADING = re.compile(r"^\s*(?:en|maar|ook)\b[\s,]*", re.IGNORECASE)
_OPENER = re.compile(
    r"^\s*(?:hoe\s+(?:zit|staat|is)\s+(?:het|dat|dit)\s+(?:dan\s+)?(?:met|bij|in|voor)"
    r"|wat\s+(?:over|met)|geldt\s+(?:dat|dit)\s+ook\s+(?:voor|in|bij)|idem\s+(?:voor|in|bij)"
    r"|(?:dezelfde|zelfde)\s+vraag\s+(?:voor|over|bij))\b[\s,]*",
    re.IGNORECASE,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ANAPHORS = _words(
    "dat die dit deze daar daarvan daarin daarmee daarover daarvoor daarbij daaraan daarop hun hen zij ze"
    " hetzelfde dezelfde diezelfde ervan erin ermee erover ervoor erbij eraan"
)
_ANAPHOR_PHRASE = re.compile(r"\b(?:het|dat|dit|hun)\s+(?:plan|beleid|document|stuk)\b", re.IGNORECASE)
_QUESTION_WORDS = _words("welke welk wat wie waar wanneer waarom waarmee hoeveel hoe hoelang")
_FILLER = _words("zit zitten staat staan gaat geldt idem zelfde vraag eigenlijk dan nou precies gemeente")
_WORD = re.compile(r"[^\W\d_][\w'-]*")


@cache
def _stopwords() -> frozenset[str]:
    from index.analyzer import dutch_stopwords

    return dutch_stopwords() | _ANAPHORS | _QUESTION_WORDS | _FILLER


def rewrite_followup(
    question: str, history: Sequence[Turn], *, llm: LLM | None = None, gemeenten: Sequence[str] = ()
) -> str:
    """``question`` as a standalone question, given the earlier turns (oldest first).

    ``gemeenten`` (those in the index) are shown to the model so it spells
    them right. The model is asked only when the rules find that the question
    leans on the conversation; on any model error the rules' answer is used.
    """
    previous = resolve_history(history)
    by_rules = rewrite_by_rules(question, previous)
    if llm is None or by_rules == question.strip():
        return by_rules
    from app.llm import LLMError

    try:
        return rewrite_with_llm(question, history, llm, gemeenten)
    except (LLMError, ValueError) as exc:
        log.warning("follow-up rewrite by the model failed, using the rules: %s", exc)
        return by_rules


def resolve_history(history: Sequence[Turn]) -> list[str]:
    """The earlier questions, each made standalone by the rules against the ones before it."""
    resolved: list[str] = []
    for turn in history:
        resolved.append(rewrite_by_rules(turn if isinstance(turn, str) else turn[0], resolved))
    return resolved


def rewrite_by_rules(question: str, previous: Sequence[str]) -> str:
    """The rule-based rewrite against standalone ``previous`` questions (oldest first)."""
    text = question.strip()
    if not previous or not text:
        return text
    names = named_gemeenten(text)
    core = strip_opener(text)
    words = content_words(core)
    if not is_elliptic(text, words):
        if names:
            return text
        carried = last_named(previous)
        return add_gemeenten(text, carried) if carried else text
    topic = previous[-1]
    if not words:  # only gemeente names (or nothing) are new: the previous question, about them
        return substitute_gemeenten(topic, names) if names else topic
    own = {w.casefold() for w in words}
    extra = [w for w in content_words(topic) if w.casefold() not in own]
    rewritten = _capitalize(core)
    if extra:
        rewritten = f"{rewritten.rstrip(' ?')} ({' '.join(extra)})?"
    if not names and (carried := last_named(previous)):
        rewritten = add_gemeenten(rewritten, carried)
    return rewritten


def is_elliptic(question: str, words: Sequence[str]) -> bool:
    """An opener ("En …", "Hoe zit het met …") or a pronoun with few content words."""
    if _LEADING.match(question) or _OPENER.match(question):
        return True
    tokens = {w.casefold() for w in _WORD.findall(question)}
    anaphor = bool(tokens & _ANAPHORS) or bool(_ANAPHOR_PHRASE.search(question))
    return anaphor and len(words) <= MAX_ELLIPTIC_WORDS


def strip_opener(question: str) -> str:
    """The question without a leading "en", "maar", "hoe zit het met", "wat over" and the like."""
    text = _LEADING.sub("", question.strip(), count=1)
    return _OPENER.sub("", text, count=1)


def content_words(text: str) -> list[str]:
    """Words that carry the topic: no stop, question or filler words, no gemeente names (in order)."""
    spans = [(m.start, m.end) for m in load_gazetteer().mentions(text)]
    found: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group()
        if word.casefold() in _stopwords() or len(word) < 2:
            continue
        if any(start <= match.start() < end for start, end in spans):
            continue
        found.append(word)
    return list(dict.fromkeys(found))


def named_gemeenten(text: str) -> list[str]:
    """Official names of the gemeenten a text names, in order, each once."""
    return list(dict.fromkeys(m.gemeente for m in load_gazetteer().mentions(text)))


def last_named(previous: Sequence[str]) -> list[str]:
    """The gemeenten of the most recent question that named any."""
    for question in reversed(previous):
        if names := named_gemeenten(question):
            return names
    return []


def join_names(names: Sequence[str]) -> str:
    """ "A", "A en B", "A, B en C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} en {names[-1]}"


def add_gemeenten(question: str, names: Sequence[str]) -> str:
    """``question`` with " in <gemeenten>" before its question mark."""
    body = question.rstrip()
    mark = "?" if body.endswith("?") else ""
    return f"{body.rstrip(' ?')} in {join_names(names)}{mark}"


def substitute_gemeenten(topic: str, names: Sequence[str]) -> str:
    """The topic question about ``names`` instead of the gemeenten it named.

    Runs of mentions joined by "en", "of", "," or "&" are one slot; every slot
    naming the same gemeenten as the first one is replaced."""
    runs = _mention_runs(topic, load_gazetteer().mentions(topic))
    if not runs:
        return add_gemeenten(topic, names)
    first = {m.gemeente for m in runs[0]}
    out, pos = [], 0
    for run in runs:
        if {m.gemeente for m in run} != first:
            continue
        out += [topic[pos : run[0].start], _replacement(run, names)]
        pos = run[-1].end
    return "".join([*out, topic[pos:]])


def _mention_runs(text: str, mentions: Sequence[Mention]) -> list[list[Mention]]:
    runs: list[list[Mention]] = []
    for mention in mentions:
        if runs and re.fullmatch(r"\s*(?:,|&|en|of)?\s*", text[runs[-1][-1].end : mention.start], re.IGNORECASE):
            runs[-1].append(mention)
        else:
            runs.append([mention])
    return runs


def _replacement(run: Sequence[Mention], names: Sequence[str]) -> str:
    """The new names, as an adjective when the replaced slot was one ("Losserse" → "Dinkellandse")."""
    surface = run[0].surface
    if len(run) == 1 and len(names) == 1 and surface != run[0].gemeente and surface.endswith("se"):
        adjectives = [a for a in derived_adjectives(names[0]) if a.endswith("se")]
        if adjectives:
            return adjectives[0]
    return join_names(names)


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- with a language model ---------------------------------------------------------------------------------------


def rewrite_with_llm(question: str, history: Sequence[Turn], llm: LLM, gemeenten: Sequence[str] = ()) -> str:
    """One standalone question from the model; raises ValueError when the reply is not one."""
    from app.llm import chat_text

    prompt = prompts.render(
        "rewrite_nl",
        question=question.strip(),
        history=format_history(history),
        gemeenten=", ".join(gemeenten) or "(niet opgegeven)",
    )
    return clean_rewrite(chat_text(llm, prompt))


def format_history(history: Sequence[Turn]) -> str:
    """The last turns as "Vraag: …" / "Antwoord: …" lines (answers shortened, markers removed)."""
    lines: list[str] = []
    for turn in history[-HISTORY_TURNS:]:
        question, answer = (turn, "") if isinstance(turn, str) else turn
        lines.append(f"Vraag: {question.strip()}")
        if answer.strip():
            text = " ".join(re.sub(r"\s*\[[\d,\s]+\]", "", answer).split())
            lines.append(f"Antwoord: {text[:ANSWER_CHARS]}{'…' if len(text) > ANSWER_CHARS else ''}")
    return "\n".join(lines)


def clean_rewrite(reply: str) -> str:
    """The question in a model's reply: its first line, without a label or quotes."""
    lines = [line.strip() for line in reply.splitlines() if line.strip()]
    if not lines:
        raise ValueError("empty rewrite")
    text = re.sub(r"^(?:zelfstandige\s+)?vraag\s*:\s*", "", lines[0], flags=re.IGNORECASE)
    text = text.strip().strip("\"'“”‘’*").strip()
    if not text or len(text) > 400:
        raise ValueError(f"not one question: {reply[:80]!r}")
    return text
