"""Run the eval (retrieval systems and answers) and write the report.

``python -m eval.report [--index DIR] [--out DIR] [--system NAME]... [--no-answers]``
(also ``beleidsvraag eval``) runs every retrieval system and the answer eval
on the question set, prints the tables and writes ``eval-<timestamp>.md`` /
``.json`` plus ``latest.md`` / ``.json`` under ``eval/reports/``, with the git
commit, the index's chunk and search settings and the settings of each system.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval.answer_eval import (
    OURS,
    AnswerReport,
    fallback_lines,
    format_answer_breakdown,
    format_answer_table,
    format_score,
    run_answer_eval,
)
from eval.baselines import BASELINES, ROOT, build_retrievers, check_systems, describe_systems
from eval.metrics import BUDGET_CHARS
from eval.questions import Question, load_questions, select_sets
from eval.retrieval_eval import RetrievalReport, Summary, evaluate
from ingest.errors import BeleidsvraagError
from ingest.store import read_manifest

log = logging.getLogger(__name__)

REPORTS_DIR = ROOT / "eval" / "reports"
FULL_SYSTEM = "ours-full"
TABLE_HEADER = "| system | recall@5 | MRR@10 | recall@4000c | ms/query |"


def format_table(reports: Sequence[RetrievalReport]) -> str:
    """A markdown table of the overall scores, one row per system."""
    lines = [TABLE_HEADER, "|---|---:|---:|---:|---:|"]
    for report in reports:
        s = report.overall
        scores = f"{s.recall_at_5:.3f} | {s.mrr_at_10:.3f} | {s.recall_4000c:.3f} | {s.ms_per_query:.1f}"
        lines.append(f"| {report.system} | {scores} |")
    return "\n".join(lines)


def format_breakdown(title: str, groups: dict[str, Summary]) -> str:
    """A markdown table of per-group scores under a ``###`` title."""
    lines = [f"### {title}", "", f"| {title} | n | recall@5 | MRR@10 | recall@4000c |", "|---|---:|---:|---:|---:|"]
    for name, s in groups.items():
        lines.append(f"| {name} | {s.n} | {s.recall_at_5:.3f} | {s.mrr_at_10:.3f} | {s.recall_4000c:.3f} |")
    return "\n".join(lines)


def format_split_table(reports: Sequence[RetrievalReport], answers: Sequence[AnswerReport] = ()) -> str:
    """Each system's figures per question set (dev, held-out)."""
    lines = [
        "| system | set | n | recall@5 | MRR@10 | recall@4000c | key-term recall | citation precision |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in reports:
        for split, s in r.by_split.items():
            lines.append(
                f"| {r.system} | {split} | {s.n} | {s.recall_at_5:.3f} | {s.mrr_at_10:.3f} | {s.recall_4000c:.3f} | | |"
            )
    for a in answers:
        for split, summary in a.by_split.items():
            lines.append(
                f"| {a.system} | {split} | {summary.n} | | | | {format_score(summary.key_term_recall)} "
                f"| {format_score(summary.citation_precision)} |"
            )
    return "\n".join(lines)


def margin_over_baselines(reports: Sequence[RetrievalReport]) -> dict[str, Any] | None:
    """recall@4000c of ours-full minus that of the best baseline; None when either is missing."""
    by_name = {r.system: r for r in reports}
    baselines = [r for r in reports if r.system in BASELINES]
    if FULL_SYSTEM not in by_name or not baselines:
        return None
    best = max(baselines, key=lambda r: r.overall.recall_4000c)
    ours = by_name[FULL_SYSTEM].overall.recall_4000c
    return {
        "metric": "recall@4000c",
        "ours": ours,
        "best_baseline": best.system,
        "baseline": best.overall.recall_4000c,
        "margin": ours - best.overall.recall_4000c,
    }


def git_commit(root: Path = ROOT) -> str:
    """Short commit hash (``+dirty`` with uncommitted changes), or ``unknown``."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{commit}+dirty" if status.strip() else commit or "unknown"


def index_settings(manifest: dict[str, Any]) -> dict[str, Any]:
    """The parts of an index manifest that shape retrieval, and what identifies the build."""
    keys = ("search", "chunk_settings", "pipeline", "created", "counts")
    return {key: manifest.get(key) for key in keys}


def render_markdown(
    reports: Sequence[RetrievalReport], meta: dict[str, Any], answers: Sequence[AnswerReport] = ()
) -> str:
    """The markdown report; ``meta`` holds created, commit, settings and index."""
    parts = [
        "# Eval: retrieval and answers",
        "",
        f"- created: {meta['created']}",
        f"- git commit: {meta['commit']}",
        f"- answerable questions: {reports[0].overall.n if reports else 0}; k = {meta['settings'].get('k')}; "
        f"evidence budget: {BUDGET_CHARS} characters",
        f"- index search: `{json.dumps(meta['index']['search'], ensure_ascii=False)}`",
        f"- index chunk_settings: `{json.dumps(meta['index']['chunk_settings'], ensure_ascii=False)}`",
        f"- index pipeline: `{meta['index']['pipeline']}`, built {meta['index']['created']}",
        "",
        "## Systems",
        "",
        format_table(reports),
        "",
    ]
    margin = meta.get("margin")
    if margin:
        parts += [
            f"Margin of {FULL_SYSTEM} over the best baseline ({margin['best_baseline']}) on recall@4000c: "
            f"{margin['margin']:+.3f} ({margin['ours']:.3f} vs {margin['baseline']:.3f}).",
            "",
        ]
    if len({split for r in reports for split in r.by_split}) > 1:
        parts += [
            "## By question set", "",
            "dev: the questions the work was tuned on; held-out, held-out-b, ...: sets written later, each before "
            "a round of work that did not tune to it (the newest is the blind one; older ones were later used "
            "for error analysis, see the README).",
            "", format_split_table(reports, answers), "",
        ]  # fmt: skip
    full = next((r for r in reports if r.system == FULL_SYSTEM), None)
    if full is not None:
        parts += [f"## Breakdowns for {FULL_SYSTEM}", ""]
        for title, groups in (("type", full.by_type), ("gemeente", full.by_gemeente), ("doc_type", full.by_doc_type)):
            parts += [format_breakdown(title, groups), ""]
    if answers:
        parts += ["## Answers", "", format_answer_table(answers), ""]
        if notes := fallback_lines(answers):
            parts += [*notes, ""]
        ours = next((r for r in answers if r.system == OURS), None)
        if ours is not None:
            parts += [f"## Answer breakdowns for {OURS}", ""]
            answer_groups = (("type", ours.by_type), ("gemeente", ours.by_gemeente), ("doc_type", ours.by_doc_type))
            for title, summaries in answer_groups:
                parts += [format_answer_breakdown(title, summaries), ""]
    parts += ["## Settings", "", "```json", json.dumps(meta["settings"], indent=2, ensure_ascii=False), "```", ""]
    return "\n".join(parts)


def _write_text(path: Path, text: str) -> None:
    """Write through a temporary file renamed into place."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_report(
    reports: Sequence[RetrievalReport], folder: Path, *, settings: dict[str, Any], manifest: dict[str, Any],
    answers: Sequence[AnswerReport] = (),
) -> tuple[Path, Path]:  # fmt: skip
    """Write ``eval-<timestamp>.md`` and ``.json`` under ``folder``, plus
    copies as ``latest.md`` / ``.json``; returns the timestamped paths."""
    now = datetime.now(UTC)
    meta = {
        "created": now.isoformat(timespec="seconds"),
        "commit": git_commit(),
        "settings": settings,
        "index": index_settings(manifest),
        "margin": margin_over_baselines(reports),
    }
    markdown = render_markdown(reports, meta, answers)
    payload = json.dumps(
        {**meta, "systems": [r.to_json() for r in reports], "answers": [a.to_json() for a in answers]},
        indent=2,
        ensure_ascii=False,
    )
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"eval-{now.strftime('%Y%m%d-%H%M%S')}"
    md_path, json_path = folder / f"{stem}.md", folder / f"{stem}.json"
    for path, text in ((md_path, markdown), (json_path, payload)):
        _write_text(path, text)
        _write_text(folder / f"latest{path.suffix}", text)
    return md_path, json_path


def run_retrieval_eval(
    index_folder: Path,
    out_folder: Path | None,
    systems: list[str] | None = None,
    *,
    questions: Sequence[Question] | None = None,
    k: int = 10,
    answers: bool = True,
    llm: Any = None,
    llm_settings: dict[str, Any] | None = None,
) -> tuple[list[RetrievalReport], list[AnswerReport]]:
    """Build the systems over ``index_folder``, evaluate each on the questions
    (default: the whole eval set), evaluate the answers unless ``answers`` is
    false (with ``llm`` also the generative ones; ``llm_settings`` describes it
    in the report), and write the report when ``out_folder`` is given."""
    names = check_systems(systems)
    questions = load_questions() if questions is None else questions
    manifest = read_manifest(index_folder)
    start = time.perf_counter()
    retrievers = build_retrievers(index_folder, names)
    build_seconds = time.perf_counter() - start
    reports = []
    for retriever in retrievers:
        log.info("evaluating %s", retriever.name)
        reports.append(evaluate(retriever, questions, k))
    answer_reports = run_answer_eval(index_folder, questions, llm) if answers else []
    if out_folder is not None:
        settings = {
            "k": k,
            "budget_chars": BUDGET_CHARS,
            "questions": len(questions),
            "answerable": sum(q.answerable for q in questions),
            "index_folder": str(index_folder),
            "build_seconds": round(build_seconds, 1),
            "systems": describe_systems(names),
        }
        if llm is not None and answers:
            settings["llm"] = llm_settings or {}
        write_report(reports, out_folder, settings=settings, manifest=manifest, answers=answer_reports)
    return reports, answer_reports


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m eval.report", description="Run the eval (retrieval and answers) and write the report."
    )
    parser.add_argument("--index", type=Path, default=ROOT / "data" / "index", help="index folder")
    parser.add_argument("--out", type=Path, default=REPORTS_DIR, help="report folder")
    parser.add_argument("--system", action="append", dest="systems", help="system to run (repeatable; default all)")
    parser.add_argument("--no-answers", action="store_true", help="skip the answer eval")
    parser.add_argument(
        "--set", action="append", dest="sets", default=[],
        help="only this question set: dev, held-out, held-out-b, ... (repeatable; default all)",
    )  # fmt: skip
    parser.add_argument(
        "--llm", choices=["none", "ollama", "openai"], default="none",
        help="also evaluate the answers this model server words (default: extractive only)",
    )  # fmt: skip
    parser.add_argument("--llm-model", help="model name on the server (env BELEIDSVRAAG_LLM_MODEL)")
    parser.add_argument("--llm-url", help="server address (env BELEIDSVRAAG_LLM_URL; default per provider)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        run(args)
    except BeleidsvraagError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        sys.exit(2)


def run(args: argparse.Namespace) -> None:
    """The eval the parsed arguments ask for, with its tables printed."""
    start = time.perf_counter()
    questions = select_sets(load_questions(), args.sets)
    llm, llm_settings = connect_llm(args.llm, args.llm_model, args.llm_url) if not args.no_answers else (None, None)
    reports, answers = run_retrieval_eval(
        args.index, args.out, args.systems, questions=questions, answers=not args.no_answers, llm=llm,
        llm_settings=llm_settings,
    )  # fmt: skip
    print(format_table(reports))
    if answers:
        print()
        print(format_answer_table(answers))
        for line in fallback_lines(answers):
            print(line)
    print(f"\n{time.perf_counter() - start:.1f} s; report in {args.out}")


def connect_llm(provider: str, model: str | None, url: str | None) -> tuple[Any, dict[str, Any] | None]:
    """The configured model and its settings for the report, or (None, None) for ``none``. One short request
    first: a server that does not answer stops the eval before it starts, instead of turning every answer
    into a fallback."""
    if provider == "none":
        return None, None
    from app.llm import chat_text, llm_settings, make_llm

    settings = llm_settings(provider, model, url)
    llm = make_llm(settings)
    chat_text(llm, "Antwoord met één woord: klaar?")  # raises LLMError (a BeleidsvraagError) when unreachable
    return llm, {"provider": settings.provider, "model": settings.model, "url": settings.url}


if __name__ == "__main__":
    main()
