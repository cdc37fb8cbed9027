"""The generative answer path and follow-up rewriting, against a real local HTTP model server."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import prompts
from app import conversation, llm
from app.answer import Answer
from app.assistant import Assistant
from app.conversation import rewrite_by_rules, rewrite_followup
from app.llm import CitationStream, LLMSettings, generate_answer, make_llm, rewrite_markers, select_passages
from index.search import Hit, Searcher, open_searcher
from ingest.errors import ConfigurationError
from tests.app.llm_server import ModelServer, free_port

QUESTION = "Welke drie beleidsprioriteiten kiest Dinkelland?"


@pytest.fixture(scope="module")
def searcher(demo_index: Path) -> Searcher:
    return open_searcher(demo_index)


@pytest.fixture(scope="module")
def extractive(searcher: Searcher) -> Answer:
    return Assistant(searcher).ask(QUESTION)


@pytest.fixture
def server() -> Iterator[ModelServer]:
    with ModelServer() as running:
        yield running


def openai_model(url: str, **settings: Any) -> Any:
    return make_llm(LLMSettings(provider="openai", url=url, model="test-model", **settings))


def ask(server: ModelServer, extractive: Answer, *pieces: str, max_passages: int = 3) -> tuple[Answer, list[str]]:
    """The generated answer for QUESTION when the server replies with ``pieces``, and what was streamed."""
    server.reply(*pieces)
    streamed: list[str] = []
    answer = generate_answer(
        QUESTION, extractive.hits, extractive, openai_model(server.openai_url), on_token=streamed.append,
        max_passages=max_passages,
    )  # fmt: skip
    return answer, streamed


# --- settings and factory ---


def test_make_llm_without_model_name_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match="BELEIDSVRAAG_LLM_MODEL"):
        make_llm(LLMSettings(provider="openai"))
    with pytest.raises(ConfigurationError, match="BELEIDSVRAAG_LLM_PROVIDER"):
        make_llm(LLMSettings(model="x"))


def test_settings_pick_a_default_url_per_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    assert LLMSettings(provider="openai").url == "http://localhost:8000/v1"
    monkeypatch.setenv("BELEIDSVRAAG_LLM_PROVIDER", "ollama")
    monkeypatch.setenv("BELEIDSVRAAG_LLM_MODEL", "qwen2.5:7b")
    settings = LLMSettings()
    assert (settings.provider, settings.url, settings.model) == ("ollama", "http://localhost:11434", "qwen2.5:7b")
    assert LLMSettings(provider="openai", url="http://h:1/v1/").url == "http://h:1/v1"


def test_make_llm_builds_the_configured_clients() -> None:
    openai: Any = make_llm(LLMSettings(provider="openai", url="http://127.0.0.1:9/v1", model="m", timeout=5))
    assert (openai.api_base, openai.api_key, openai.model) == ("http://127.0.0.1:9/v1", "not-needed", "m")
    assert openai.timeout == 5
    assert openai.metadata.is_chat_model and openai.max_retries == 0
    ollama: Any = make_llm(LLMSettings(provider="ollama", model="m", max_tokens=100))
    assert (ollama.base_url, ollama.model) == ("http://localhost:11434", "m")
    assert ollama.additional_kwargs == {"num_predict": 100} and ollama.context_window == 8192


# --- prompt templates ---


def test_template_fields_are_exactly_what_the_code_supplies(
    monkeypatch: pytest.MonkeyPatch, server: ModelServer, extractive: Answer
) -> None:
    supplied: dict[str, set[str]] = {}
    real_render = prompts.render

    def spy(name: str, **values: str) -> str:
        supplied[name] = set(values)
        return real_render(name, **values)

    monkeypatch.setattr(prompts, "render", spy)
    llm.answer_prompt(QUESTION, extractive.hits[:2])
    server.reply("Welke prioriteiten heeft Dinkelland?")
    conversation.rewrite_with_llm("En Dinkelland?", [LOSSER], openai_model(server.openai_url))
    assert supplied == {name: prompts.fields(name) for name in ("answer_nl", "rewrite_nl")}
    assert prompts.cannot_answer() in llm.answer_prompt(QUESTION, extractive.hits[:1])


# --- markers ---


def test_rewrite_markers_drops_unknown_and_renumbers_by_first_use() -> None:
    text, used = rewrite_markers("A [3]. B [9]. C [1, 3][2]. D [2024]. E [bron 2]. F [0].", 3)
    assert text == "A [1]. B. C [2, 1][3]. D [2024]. E [3]. F."
    assert used == [3, 1, 2]


@pytest.mark.parametrize("size", [1, 2, 3, 7, 100])
def test_streamed_pieces_join_to_the_final_text(size: int) -> None:
    reply = "<think>eerst [9] nadenken</think>\n Losser kiest X [3]. Ook Y [9] en Z [1,\u00a02][2]. Slot [4"
    stream = CitationStream(3)
    pieces = [stream.feed(reply[i : i + size]) for i in range(0, len(reply), size)] + [stream.finish()]
    assert "".join(pieces) == stream.text == "Losser kiest X [1]. Ook Y en Z [2, 3][3]. Slot"
    assert stream.used == [3, 1, 2]


# --- answers over the OpenAI-compatible protocol ---


def test_streamed_answer_keeps_valid_markers_renumbered(server: ModelServer, extractive: Answer) -> None:
    passages = select_passages(extractive.hits, max_passages=3)
    answer, streamed = ask(
        server, extractive, "Dinkelland kiest", " drie prioriteiten [", "2", "] in de", " periode 2024-2026 [9]",
        ". Zie ook [1][", "3].",
    )  # fmt: skip
    assert answer.mode == "llm" and not answer.abstained
    assert answer.answer == "Dinkelland kiest drie prioriteiten [1] in de periode 2024-2026. Zie ook [2][3]."
    assert "".join(streamed) == answer.answer and len(streamed) > 3  # delivered piece by piece, in order
    assert [(c.n, c.hit.chunk.chunk_id) for c in answer.citations] == [
        (1, passages[1].chunk.chunk_id), (2, passages[0].chunk.chunk_id), (3, passages[2].chunk.chunk_id),
    ]  # fmt: skip
    assert answer.period_note.startswith("Bron: ") and "Dinkelland" in answer.period_note
    assert answer.hits == extractive.hits


def test_prompt_holds_numbered_passages_and_question(server: ModelServer, extractive: Answer) -> None:
    answer, _ = ask(server, extractive, "Zie [1].", max_passages=6)
    assert answer.mode == "llm"
    request = server.requests[-1]["body"]
    assert request["stream"] is True and request["model"] == "test-model"
    prompt = server.prompts()[-1]
    passages = select_passages(extractive.hits)
    assert len(passages) == 6 and sum(len(p.chunk.text) for p in passages) <= llm.BUDGET_CHARS
    assert f"Vraag: {QUESTION}" in prompt and prompts.cannot_answer() in prompt
    assert "[1] Dinkelland · Integraal Veiligheidsplan Dinkelland 2024-2026 · " in prompt
    assert "[6] " in prompt and "[7] " not in prompt
    assert "Ondermijning en gedigitaliseerde criminaliteit" in prompt


def test_reply_without_valid_marker_falls_back_to_the_extractive_answer(
    server: ModelServer, extractive: Answer
) -> None:
    notes_before = list(extractive.notes)
    answer, streamed = ask(server, extractive, "Dinkelland kiest drie prioriteiten [9], zie [4].")
    assert answer.mode == "extractive-fallback" and not answer.abstained
    assert answer.answer == extractive.answer and answer.citations == extractive.citations
    assert "geen bruikbare [n]-verwijzing" in answer.notes[-1]
    assert extractive.notes == notes_before and extractive.mode == "extractive"  # the original is not changed
    assert "".join(streamed) == "Dinkelland kiest drie prioriteiten, zie."


def test_cannot_answer_reply_abstains(server: ModelServer, extractive: Answer) -> None:
    answer, _ = ask(server, extractive, "De documenten geven ", "hier geen antwoord op.")
    assert answer.abstained and answer.mode == "llm"
    assert answer.answer == prompts.cannot_answer() and not answer.citations
    assert answer.hits and answer.notes[0].startswith("Mogelijk relevant")


def test_server_down_gives_the_fallback_with_a_note_naming_the_url(extractive: Answer) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    started = time.monotonic()
    answer = generate_answer(QUESTION, extractive.hits, extractive, openai_model(url))
    assert time.monotonic() - started < 10  # no retries against a server that is down
    assert answer.mode == "extractive-fallback" and answer.answer == extractive.answer
    assert answer.notes[-1].startswith(f"Het taalmodel op {url} is niet bereikbaar (")
    assert answer.notes[-1].endswith("dit is het extractieve antwoord.")


def test_http_error_gives_the_fallback(server: ModelServer, extractive: Answer) -> None:
    server.reply("x", status=500)
    answer = generate_answer(QUESTION, extractive.hits, extractive, openai_model(server.openai_url))
    assert answer.mode == "extractive-fallback"
    assert f"Het taalmodel op {server.openai_url} gaf een fout (HTTP 500" in answer.notes[-1]


def test_unusable_reply_gives_the_fallback(server: ModelServer, extractive: Answer) -> None:
    server.reply(garbage=True)
    answer = generate_answer(QUESTION, extractive.hits, extractive, openai_model(server.openai_url))
    assert answer.mode == "extractive-fallback"
    assert f"Het taalmodel op {server.openai_url} gaf een onbruikbaar antwoord" in answer.notes[-1]


def test_timeout_gives_the_fallback(server: ModelServer, extractive: Answer) -> None:
    server.reply("Te laat [1].", delay=3)
    answer = generate_answer(QUESTION, extractive.hits, extractive, openai_model(server.openai_url, timeout=0.5))
    assert answer.mode == "extractive-fallback"
    assert "niet bereikbaar (geen antwoord binnen 0.5 s)" in answer.notes[-1]


# --- the Ollama protocol ---


def test_ollama_streams_a_cited_answer(server: ModelServer, extractive: Answer) -> None:
    server.reply("Drie prioriteiten", " [1]", ", waaronder ondermijning [2].")
    model = make_llm(LLMSettings(provider="ollama", url=server.ollama_url, model="qwen", context_window=4096))
    streamed: list[str] = []
    answer = generate_answer(QUESTION, extractive.hits, extractive, model, on_token=streamed.append)
    assert answer.mode == "llm" and answer.answer == "Drie prioriteiten [1], waaronder ondermijning [2]."
    assert "".join(streamed) == answer.answer and len(answer.citations) == 2
    request = server.requests[-1]
    assert request["path"] == "/api/chat" and request["body"]["stream"] is True
    assert request["body"]["options"] == {"temperature": 0.1, "num_ctx": 4096, "num_predict": 700}


def test_ollama_down_gives_the_fallback(extractive: Answer) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    model = make_llm(LLMSettings(provider="ollama", url=url, model="qwen"))
    answer = generate_answer(QUESTION, extractive.hits, extractive, model)
    assert answer.mode == "extractive-fallback" and f"Het taalmodel op {url} is niet bereikbaar" in answer.notes[-1]


# --- follow-up questions ---

LOSSER = "Welke prioriteiten heeft Losser?"


@pytest.mark.parametrize(
    ("question", "history", "expected"),
    [
        ("En Dinkelland?", [LOSSER], "Welke prioriteiten heeft Dinkelland?"),
        ("Hoe zit het met Tubbergen en Hengelo?", [LOSSER], "Welke prioriteiten heeft Tubbergen en Hengelo?"),
        ("En Tubbergen?", [LOSSER, "En Dinkelland?"], "Welke prioriteiten heeft Tubbergen?"),
        ("En in Dinkelland?", ["Wat zijn de prioriteiten?"], "Wat zijn de prioriteiten in Dinkelland?"),
        ("En Dinkelland?", ["Hoe ziet het Losserse beleid eruit?"], "Hoe ziet het Dinkellandse beleid eruit?"),
        (
            "Hoeveel inwoners deden mee aan de enquête?",
            [("Wat zijn de prioriteiten van Haaksbergen?", "Veiligheidsbeleving [1].")],
            "Hoeveel inwoners deden mee aan de enquête in Haaksbergen?",
        ),
        ("En wat kost dat?", [LOSSER], "Wat kost dat (prioriteiten) in Losser?"),
        ("En daar?", ["Hoe pakt Losser ondermijning aan?"], "Hoe pakt Losser ondermijning aan?"),
        (QUESTION, [LOSSER], QUESTION),
        ("Wat is een BOA?", [], "Wat is een BOA?"),
    ],
)
def test_rewrite_rules(question: str, history: list[Any], expected: str) -> None:
    assert rewrite_followup(question, history) == expected


def test_rewrite_by_rules_without_history_is_unchanged() -> None:
    assert rewrite_by_rules("  En Dinkelland?  ", []) == "En Dinkelland?"


def test_rewrite_with_the_model(server: ModelServer) -> None:
    server.reply('Vraag: "Welke prioriteiten stelt de gemeente Dinkelland?"\nUitleg: ...')
    history = [(LOSSER, "Losser kiest ondermijning [1].")]
    rewritten = rewrite_followup("En Dinkelland?", history, llm=openai_model(server.openai_url), gemeenten=["Losser"])
    assert rewritten == "Welke prioriteiten stelt de gemeente Dinkelland?"
    prompt = server.prompts()[-1]
    assert f"Vraag: {LOSSER}\nAntwoord: Losser kiest ondermijning." in prompt
    assert "Laatste vraag: En Dinkelland?" in prompt and "Gemeenten in de documenten: Losser" in prompt
    assert server.requests[-1]["body"].get("stream") in (None, False)


def test_standalone_question_does_not_ask_the_model(server: ModelServer) -> None:
    assert rewrite_followup(QUESTION, [LOSSER], llm=openai_model(server.openai_url)) == QUESTION
    assert server.requests == []


def test_rewrite_falls_back_to_rules_when_the_model_fails(server: ModelServer) -> None:
    down = openai_model(f"http://127.0.0.1:{free_port()}/v1")
    assert rewrite_followup("En Dinkelland?", [LOSSER], llm=down) == "Welke prioriteiten heeft Dinkelland?"
    server.reply("   \n")
    empty = openai_model(server.openai_url)
    assert rewrite_followup("En Dinkelland?", [LOSSER], llm=empty) == "Welke prioriteiten heeft Dinkelland?"


def test_hits_are_real_index_hits(extractive: Answer) -> None:
    assert extractive.hits and all(isinstance(h, Hit) for h in extractive.hits)
    assert not extractive.abstained and extractive.mode == "extractive"


# --- the command line: ask --llm and chat ---


def test_ask_cli_streams_the_model_answer_with_citations(server: ModelServer, demo_index: Path) -> None:
    from click.testing import CliRunner

    from app.cli import main

    server.reply("Dinkelland kiest ", "ondermijning [1].")
    args = ["ask", QUESTION, "--index", str(demo_index), "--llm", "openai", "--llm-url", server.openai_url]
    out = CliRunner().invoke(main, [*args, "--llm-model", "m"])
    assert out.exit_code == 0, out.output
    assert "Dinkelland kiest ondermijning [1]." in out.output and "  [1] Dinkelland" in out.output
    assert QUESTION in server.prompts()[0]

    server.reply("Dinkelland kiest ondermijning [1] [7].")
    out = CliRunner().invoke(main, [*args, "--llm-model", "m", "--json"])
    data = json.loads(out.output)
    assert data["mode"] == "llm" and data["answer"] == "Dinkelland kiest ondermijning [1]."
    assert [c["n"] for c in data["citations"]] == [1]


def test_ask_cli_server_down_prints_the_extractive_answer_and_why(demo_index: Path) -> None:
    from click.testing import CliRunner

    from app.cli import main

    url = f"http://127.0.0.1:{free_port()}/v1"
    args = ["ask", QUESTION, "--index", str(demo_index), "--llm", "openai", "--llm-url", url, "--llm-model", "m"]
    out = CliRunner().invoke(main, [*args, "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["mode"] == "extractive-fallback" and data["citations"]
    assert any("niet bereikbaar" in note and url in note for note in data["notes"])
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0 and "niet bereikbaar" in out.output and "Maatschappelijke onrust" in out.output


def test_ask_cli_llm_without_model_is_a_clear_error(demo_index: Path) -> None:
    from click.testing import CliRunner

    from app.cli import main

    out = CliRunner().invoke(main, ["ask", QUESTION, "--index", str(demo_index), "--llm", "openai"])
    assert out.exit_code == 2 and "Fout:" in out.output and "Traceback" not in out.output


def test_unknown_gemeente_never_reaches_the_model(server: ModelServer, searcher: Searcher) -> None:
    model = openai_model(server.openai_url)
    answer = Assistant(searcher).answer("Welke prioriteiten heeft Maastricht?", llm=model)
    assert answer.abstained and answer.mode == "extractive" and not server.prompts()


def test_chat_cli_rewrites_follow_ups(demo_index: Path) -> None:
    from click.testing import CliRunner

    from app.cli import main

    stdin = "Wat zijn de prioriteiten van Haaksbergen?\nEn Dinkelland?\n"
    out = CliRunner().invoke(main, ["chat", "--index", str(demo_index)], input=stdin)
    assert out.exit_code == 0, out.output
    assert "(opgevat als: " in out.output and "Dinkelland" in out.output.split("(opgevat als: ")[1].splitlines()[0]
    assert "Veiligheidsbeleving" in out.output  # the first answer (Haaksbergen's list)
