"""The optional generative answer path: a local language model words the answer.

The model sees at most a few numbered passages (the retrieval's best, within a
character budget) and must put a marker ``[n]`` after every statement. Its
reply is checked as it streams: markers that point to no passage are removed,
the others are renumbered 1..m in order of first use, and the citations are
built from the passages those markers name, never from the reply's text. A
reply without any valid marker, an empty reply or a server that cannot be
reached gives the extractive answer instead, with a note that says why.

llama-index is imported only when a model is made or called: it takes seconds
to import and the extractive path does not need it.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

import prompts
from app.answer import Answer, Citation, source_note
from index.search import Hit
from ingest.errors import BeleidsvraagError, ConfigurationError

if TYPE_CHECKING:
    from llama_index.core.llms import LLM

log = logging.getLogger(__name__)

Provider = Literal["none", "ollama", "openai"]
DEFAULT_URLS: dict[str, str] = {"ollama": "http://localhost:11434", "openai": "http://localhost:8000/v1"}
MAX_PASSAGES = 6
BUDGET_CHARS = 6000
RELATED = 3

# "[1]", "[1, 2]", "[1-3]", "[bron 2]"; at most two digits, so "[2024]" is not a marker
_MARKER = re.compile(
    r"([ \t]*)\[\s*(?:(?:bron|passage|fragment)\s*)?(\d{1,2}(?:\s*[,;–-]\s*\d{1,2})*)\s*\]", re.IGNORECASE
)
_OPEN_MARKER = re.compile(r"[ \t]*\[[\w\s,;–-]{0,40}$")  # a marker that may still be completed
_DANGLING = re.compile(r"[ \t]*\[\s*(?:(?:bron|passage|fragment)\s*)?[\d\s,;–-]*$", re.IGNORECASE)  # cut off
_THINKING = re.compile(r"^\s*<think>.*?</think>\s*", re.DOTALL)


class LLMError(BeleidsvraagError):
    """The model server failed (unreachable, time-out, HTTP error, unusable reply); the message is Dutch."""


class LLMSettings(BaseSettings):
    """Settings of the language model; every field can be set as ``BELEIDSVRAAG_LLM_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="BELEIDSVRAAG_LLM_", extra="ignore")

    provider: Provider = Field("none", description="'none' (extractive only), 'ollama' or 'openai' (compatible).")
    url: str = Field(
        "", description="Server address; empty means http://localhost:11434 (ollama) or http://localhost:8000/v1."
    )
    model: str = Field("", description="Model name as the server knows it, e.g. 'qwen2.5:7b-instruct'.")
    api_key: str = Field("", description="API key for OpenAI-compatible servers; local servers accept any.")
    timeout: float = Field(60.0, gt=0, description="Seconds to wait for the server before giving up.")
    temperature: float = Field(0.1, ge=0, le=2, description="Sampling temperature.")
    max_tokens: int = Field(700, ge=16, description="Longest answer, in tokens.")
    context_window: int = Field(8192, ge=512, description="Model context window, in tokens.")

    @model_validator(mode="after")
    def _default_url(self) -> LLMSettings:
        self.url = (self.url or DEFAULT_URLS.get(self.provider, "")).rstrip("/")
        return self


def llm_settings(provider: str, model: str | None = None, url: str | None = None) -> LLMSettings:
    """Settings from command-line choices (the environment fills the rest); invalid ones become a
    ConfigurationError with pydantic's reason."""
    overrides = {k: v for k, v in (("model", model), ("url", url)) if v}
    try:
        return LLMSettings(provider=provider, **overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigurationError(f"invalid LLM settings: {exc.errors()[0]['msg']}") from exc


def make_llm(settings: LLMSettings) -> LLM:
    """The llama-index model for ``settings``; raises ConfigurationError when it cannot be made."""
    if settings.provider == "none":
        raise ConfigurationError("no language model configured: choose ollama or openai (BELEIDSVRAAG_LLM_PROVIDER)")
    if not settings.model.strip():
        raise ConfigurationError(
            f"no model name for the {settings.provider} server at {settings.url}: "
            "set BELEIDSVRAAG_LLM_MODEL (for example qwen2.5:7b-instruct)"
        )
    try:
        return _make_ollama(settings) if settings.provider == "ollama" else _make_openai_like(settings)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(f"cannot set up the {settings.provider} model '{settings.model}': {exc}") from exc


def _make_ollama(settings: LLMSettings) -> LLM:
    from llama_index.llms.ollama import Ollama  # type: ignore[import-untyped]

    llm: LLM = Ollama(
        model=settings.model,
        base_url=settings.url,
        request_timeout=settings.timeout,
        temperature=settings.temperature,
        context_window=settings.context_window,  # given, so no /api/show round trip
        additional_kwargs={"num_predict": settings.max_tokens},
    )
    return llm


def _make_openai_like(settings: LLMSettings) -> LLM:
    from llama_index.llms.openai_like import OpenAILike  # type: ignore[import-untyped]

    llm: LLM = OpenAILike(
        model=settings.model,
        api_base=settings.url,
        api_key=settings.api_key or "not-needed",
        is_chat_model=True,
        timeout=settings.timeout,
        max_retries=0,  # a local server that is down should give the fallback at once
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
        context_window=settings.context_window,
    )
    return llm


def llm_url(llm: object) -> str:
    """The server address of a llama-index model (OpenAI-like or Ollama)."""
    return str(getattr(llm, "api_base", None) or getattr(llm, "base_url", None) or "?")


def server_errors() -> tuple[type[Exception], ...]:
    """Errors a model server can cause: connection, time-out, HTTP status, a reply that does not parse."""
    import httpx
    import ollama
    import openai

    return (OSError, httpx.HTTPError, openai.OpenAIError, ollama.ResponseError, ValueError)


def describe_error(exc: BaseException, llm: object) -> str:
    """A Dutch note for the user: which server, what went wrong, and that the extractive answer follows."""
    import httpx
    import openai

    url, tail = llm_url(llm), "dit is het extractieve antwoord."
    status = exc.response.status_code if isinstance(exc, httpx.HTTPStatusError) else getattr(exc, "status_code", None)
    if isinstance(status, int):
        detail = _short(_error_detail(exc))
        reason = f"HTTP {status}: {detail}" if status > 0 else detail
        return f"Het taalmodel op {url} gaf een fout ({reason}); {tail}"
    if isinstance(exc, ValueError):
        return f"Het taalmodel op {url} gaf een onbruikbaar antwoord ({_short(str(exc))}); {tail}"
    if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException | TimeoutError):
        seconds = getattr(llm, "timeout", None) or getattr(llm, "request_timeout", None)
        reason = f"geen antwoord binnen {seconds:g} s" if isinstance(seconds, int | float) else "time-out"
    else:
        reason = f"verbinding mislukt: {_short(str(exc)) or type(exc).__name__}"
    return f"Het taalmodel op {url} is niet bereikbaar ({reason}); {tail}"


def _error_detail(exc: BaseException) -> str:
    """The server's own error message where the client kept it (OpenAI body, Ollama ``error``)."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message:
            return str(message)
    return str(getattr(exc, "error", None) or getattr(exc, "message", None) or exc)


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- passages and prompt ---------------------------------------------------------------------------------------


def select_passages(hits: Sequence[Hit], *, max_passages: int = MAX_PASSAGES, budget: int = BUDGET_CHARS) -> list[Hit]:
    """The best hits to show the model: at most ``max_passages``, together at most ``budget``
    characters of passage text (the first hit is always taken), each passage once."""
    chosen: list[Hit] = []
    seen: set[str] = set()
    used = 0
    for hit in hits:
        if len(chosen) >= max_passages:
            break
        size = len(hit.chunk.text)
        if hit.chunk.chunk_id in seen or (chosen and used + size > budget):
            continue
        chosen.append(hit)
        seen.add(hit.chunk.chunk_id)
        used += size
    return chosen


def format_passages(passages: Sequence[Hit]) -> str:
    """``[n] Gemeente · Titel · periode · sectie · p. X`` followed by the passage text, numbered from 1."""
    blocks = []
    for n, hit in enumerate(passages, start=1):
        text = re.sub(r"[ \t]+", " ", hit.chunk.text.strip())
        blocks.append(f"[{n}] {Citation(n, hit).label()}\n{text}")
    return "\n\n".join(blocks)


def answer_prompt(question: str, passages: Sequence[Hit]) -> str:
    """The rendered ``answer_nl`` prompt."""
    return prompts.render(
        "answer_nl",
        question=question.strip(),
        passages=format_passages(passages),
        cannot_answer=prompts.cannot_answer(),
    )


# --- markers -----------------------------------------------------------------------------------------------------


def marker_numbers(spec: str) -> list[int]:
    """The numbers in a marker's inside: "1, 2" → [1, 2]; "2-4" → [2, 3, 4]."""
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", spec.strip()):
        ends = [int(x) for x in re.split(r"\s*[–-]\s*", part) if x]
        if len(ends) == 2 and 0 < ends[1] - ends[0] < 10:
            numbers += range(ends[0], ends[1] + 1)
        else:
            numbers += ends
    return numbers


def strip_thinking(text: str) -> str:
    """Drop a leading ``<think>…</think>`` block that some reasoning models put in their reply."""
    return _THINKING.sub("", text, count=1)


def rewrite_markers(text: str, passages: int) -> tuple[str, list[int]]:
    """Remove markers naming no passage (1..``passages``), renumber the others 1..m in order of first use.

    Returns the new text and the old passage numbers in the order of their new numbers."""
    order: dict[int, int] = {}

    def replace(match: re.Match[str]) -> str:
        valid = [n for n in marker_numbers(match.group(2)) if 1 <= n <= passages]
        if not valid:
            return ""
        new = dict.fromkeys(order.setdefault(n, len(order) + 1) for n in valid)
        return f"{match.group(1)}[{', '.join(map(str, new))}]"

    return _MARKER.sub(replace, strip_thinking(text)), list(order)


class CitationStream:
    """Applies :func:`rewrite_markers` to a reply while it streams.

    ``feed`` returns only text that can no longer change (a marker still open,
    a ``<think>`` block still open and trailing spaces are held back), so the
    pieces returned by ``feed`` and ``finish`` join to exactly the final text.
    """

    def __init__(self, passages: int) -> None:
        self.passages = passages
        self.raw = ""
        self.text = ""
        self.used: list[int] = []

    def feed(self, delta: str) -> str:
        self.raw += delta
        return self._advance(self.raw[: self._stable_end()])

    def finish(self) -> str:
        """The rest of the text; a marker left open by a reply cut off at the token limit is dropped."""
        return self._advance(_DANGLING.sub("", self.raw.rstrip()))

    def _stable_end(self) -> int:
        head = self.raw.lstrip()
        if "<think>".startswith(head[:7]) and "</think>" not in head:
            return 0  # a reasoning block may be starting or still open
        if match := _OPEN_MARKER.search(self.raw):
            return match.start()
        return len(self.raw)

    def _advance(self, raw: str) -> str:
        text, used = rewrite_markers(raw.rstrip(), self.passages)
        text = text.strip()
        if not text.startswith(self.text):  # cannot happen with a stable cut; keep the output consistent
            log.debug("streamed text diverged from its rewrite")
            return ""
        delta, self.text, self.used = text[len(self.text) :], text, used
        return delta


# --- the answer --------------------------------------------------------------------------------------------------


def generate_answer(
    question: str,
    hits: Sequence[Hit],
    fallback: Answer,
    llm: LLM,
    *,
    on_token: Callable[[str], None] | None = None,
    max_passages: int = MAX_PASSAGES,
    budget: int = BUDGET_CHARS,
) -> Answer:
    """The model's answer from the best ``hits``, with validated citations, or ``fallback`` with a note.

    ``on_token`` receives the answer text as it streams, already with markers
    checked and renumbered; when the result is a fallback, what was streamed
    is not the answer (the note says why). Never raises on server errors.
    """
    passages = select_passages(hits, max_passages=max_passages, budget=budget)
    if not passages:
        return as_fallback(fallback, "Er zijn geen passages voor het taalmodel; dit is het extractieve antwoord.")
    stream = CitationStream(len(passages))
    try:
        for delta in stream_reply(llm, answer_prompt(question, passages)):
            _emit(stream.feed(delta), on_token)
    except LLMError as exc:
        log.info("language model failed: %s", exc)
        return as_fallback(fallback, str(exc))
    _emit(stream.finish(), on_token)
    return judge_reply(question, stream, passages, fallback)


def stream_reply(llm: LLM, prompt: str) -> Iterator[str]:
    """The reply to ``prompt`` as text deltas; server failures become :class:`LLMError`."""
    from llama_index.core.llms import ChatMessage

    try:
        for response in llm.stream_chat([ChatMessage(role="user", content=prompt)]):
            yield response.delta or ""
    except server_errors() as exc:
        raise LLMError(describe_error(exc, llm)) from exc


def _emit(text: str, on_token: Callable[[str], None] | None) -> None:
    if text and on_token is not None:
        on_token(text)


def judge_reply(question: str, stream: CitationStream, passages: Sequence[Hit], fallback: Answer) -> Answer:
    """The answer a finished reply gives: abstention, cited answer, or the fallback."""
    text = stream.text
    hits = fallback.hits or list(passages)
    if is_cannot_answer(text):
        answer = Answer(question, _MARKER.sub("", text).strip(), True, "llm", hits=hits)
        if hits:
            answer.notes.append(f"Mogelijk relevant: de {min(RELATED, len(hits))} dichtstbijzijnde passages.")
        return answer
    if not text:
        return as_fallback(fallback, "Het taalmodel gaf een leeg antwoord; dit is het extractieve antwoord.")
    if not stream.used:
        return as_fallback(
            fallback,
            "Het antwoord van het taalmodel verwees niet geldig naar de passages (geen bruikbare [n]-verwijzing); "
            "dit is het extractieve antwoord.",
        )
    citations = [Citation(new, passages[old - 1]) for new, old in enumerate(stream.used, start=1)]
    answer = Answer(question, text, False, "llm", citations=citations, hits=hits)
    answer.period_note = period_note(citations, fallback)
    return answer


def is_cannot_answer(text: str) -> bool:
    """Whether a reply is (or opens with) the shared cannot-answer phrase."""

    def norm(s: str) -> str:
        return " ".join(re.sub(r"[*_\"'“”]", "", s).split()).casefold().rstrip(".")

    phrase = norm(prompts.cannot_answer())
    return bool(phrase) and norm(text).startswith(phrase)


def period_note(citations: Sequence[Citation], fallback: Answer) -> str:
    """The sources of the new citations, plus any period remark the extractive answer made."""
    own = source_note(fallback.citations)
    extra = fallback.period_note.replace(own, "", 1).strip() if own else fallback.period_note.strip()
    return " ".join(p for p in (source_note(citations), extra) if p)


def as_fallback(fallback: Answer, note: str) -> Answer:
    """A copy of the extractive answer, marked as fallback, with ``note`` added."""
    return dataclasses.replace(
        fallback, mode="extractive-fallback", citations=list(fallback.citations), notes=[*fallback.notes, note]
    )


def chat_text(llm: LLM, prompt: str) -> str:
    """One non-streaming reply to ``prompt`` (reasoning block removed); server failures become :class:`LLMError`."""
    from llama_index.core.llms import ChatMessage

    try:
        response = llm.chat([ChatMessage(role="user", content=prompt)])
    except server_errors() as exc:
        raise LLMError(describe_error(exc, llm)) from exc
    return strip_thinking(response.message.content or "").strip()
