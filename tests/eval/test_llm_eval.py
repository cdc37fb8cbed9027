"""The eval of generative answers, against a local OpenAI-compatible server started by the test."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from eval.questions import load_questions, select_sets
from eval.report import main
from tests.app.llm_server import ModelServer, free_port

SET = "held-out-b"


def first_line_of_passage_1(prompt: str) -> str:
    """A model that answers with the first line of passage [1], cited; "klaar" to anything else."""
    found = re.search(r"^\[1\] .*\n(.+)$", prompt, re.M)
    return f"{found.group(1).strip()} [1]" if found else "klaar"


def run(index: Path, out: Path, *extra: str) -> dict:
    main(["--index", str(index), "--out", str(out), "--system", "ours-full", "--set", SET, *extra])
    return json.loads((out / "latest.json").read_text(encoding="utf-8"))


def test_generative_answers_are_a_third_answer_system(demo_index: Path, tmp_path: Path) -> None:
    questions = select_sets(load_questions(), [SET])
    with ModelServer() as server:
        server.responder = first_line_of_passage_1
        payload = run(demo_index, tmp_path, "--llm", "openai", "--llm-url", server.openai_url, "--llm-model", "m")
        prompts = server.prompts()
    assert payload["settings"]["llm"] == {"provider": "openai", "model": "m", "url": server.openai_url}
    assert payload["settings"]["questions"] == len(questions)
    ours, _, generative = payload["answers"]
    assert [a["system"] for a in payload["answers"]] == ["ours-extractive", "naive-first-1000c", "ours-llm"]
    rows = {r["id"]: r for r in generative["rows"]}
    assert set(rows) == {q.id for q in questions}
    # every answerable question went to the model, and its reply (a cited line of passage 1) is the answer
    asked = "\n".join(prompts)
    for q in questions:
        if q.answerable:
            assert q.question in asked
            assert rows[q.id]["mode"] == "llm"
            assert rows[q.id]["answer"].removesuffix(" [1]")[:200] in asked
    assert generative["overall"]["fallbacks"] == 0
    assert generative["overall"]["key_term_recall"] > 0.0  # first lines of the best passages hold some key terms
    assert all(r["mode"] == "extractive" for r in ours["rows"])
    markdown = (tmp_path / "latest.md").read_text(encoding="utf-8")
    assert "| ours-llm |" in markdown and f"ours-llm: 0 of {len(questions)} answers fell back" in markdown


def test_answers_without_valid_citations_count_as_fallbacks(demo_index: Path, tmp_path: Path) -> None:
    with ModelServer() as server:
        server.reply("Dat staat in de stukken.")  # no [n] marker: each answer falls back to the extractive one
        payload = run(demo_index, tmp_path, "--llm", "openai", "--llm-url", server.openai_url, "--llm-model", "m")
    ours, _, generative = payload["answers"]
    answered = [r for r in generative["rows"] if r["mode"] != "extractive"]
    assert answered and all(r["mode"] == "extractive-fallback" for r in answered)
    assert generative["overall"]["fallbacks"] == len(answered)
    # a fallback is the extractive answer, scored as given
    assert generative["overall"]["key_term_recall"] == pytest.approx(ours["overall"]["key_term_recall"])


def test_an_unreachable_server_stops_the_eval_before_it_runs(
    demo_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "latest.md").write_text("previous report", encoding="utf-8")
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(SystemExit) as exit_info:
        run(demo_index, tmp_path, "--llm", "openai", "--llm-url", url)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Fout:") and "Traceback" not in err
    assert (tmp_path / "latest.md").read_text(encoding="utf-8") == "previous report"
    assert not list(tmp_path.glob("eval-*"))


def test_question_sets_are_chosen_by_name(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    questions = load_questions()
    chosen = select_sets(questions, ["dev", SET])
    assert {q.split for q in chosen} == {"dev", SET}
    assert len(chosen) == sum(q.split in ("dev", SET) for q in questions)
    assert select_sets(questions, []) == questions
    with pytest.raises(SystemExit) as exit_info:
        main(["--index", str(tmp_path), "--out", str(tmp_path), "--set", "held-out-zz"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "unknown question set held-out-zz" in err and "held-out-b" in err


def test_the_cli_passes_sets_and_model_choices_on(demo_index: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from app.cli import main as cli

    base = ["eval", "--index", str(demo_index), "--out", str(tmp_path), "--system", "ours-full", "--set", SET]
    result = CliRunner().invoke(cli, [*base, "--no-answers"])
    assert result.exit_code == 0, result.output
    payload = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert payload["settings"]["questions"] == len(select_sets(load_questions(), [SET])) and not payload["answers"]
    down = f"http://127.0.0.1:{free_port()}/v1"
    result = CliRunner().invoke(cli, [*base, "--llm", "openai", "--llm-url", down, "--llm-model", "m"])
    assert result.exit_code == 2 and "Fout:" in result.output and down in result.output
