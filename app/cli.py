"""The ``beleidsvraag`` command line: a thin layer over the library.

Library errors become one clean message and a non-zero exit code; nothing
prints a traceback (unless ``--debug``).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from pydantic import ValidationError

from app.settings import Settings
from ingest.errors import BeleidsvraagError

if TYPE_CHECKING:
    from index.search import Filters

F = TypeVar("F", bound=Callable[..., Any])
EXIT_FAILED_FILES = 1
EXIT_ERROR = 2


def _settings(**overrides: Any) -> Settings:
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        raise BeleidsvraagError(f"invalid settings: {exc.errors()[0]['msg']}") from exc


def friendly_errors(func: F) -> F:
    """Turn library errors into a one-line message and exit code 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BeleidsvraagError as exc:
            if logging.getLogger().isEnabledFor(logging.DEBUG):
                raise
            click.echo(f"Fout: {exc}", err=True)
            sys.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            click.echo("Afgebroken.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="BELEIDSVRAAG_INDEX",
    help="Index folder (default data/index; env BELEIDSVRAAG_INDEX).",
)


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log progress details.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def main(verbose: bool, debug: bool) -> None:
    """beleidsvraag: vragen en vergelijken over gemeentelijke beleidsstukken."""
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("bm25s", "faiss", "sentence_transformers", "httpx"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_option
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path), help="YAML or CSV with metadata per file.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--embedder",
    envvar="BELEIDSVRAAG_EMBEDDER_MODEL",
    help="'builtin' (default) or a sentence-transformers model name or local path.",
)
@click.option(
    "--if-stale",
    is_flag=True,
    help="Only when there is no usable index (none yet, or built by an older version or another embedder); "
    "an existing index is rebuilt from the files it holds.",
)
@friendly_errors
def ingest(
    paths: tuple[Path, ...],
    index_dir: Path | None,
    manifest: Path | None,
    quiet: bool,
    embedder: str | None,
    if_stale: bool,
) -> None:
    """Ingest PDF and text files (default: data/corpus) into the index."""
    from app.build import build_index, index_sources, stale_reason
    from app.report import print_ingest_summary, progress_bar
    from index.settings import EmbedderSettings

    settings = _settings(index=index_dir)
    embedder_settings = EmbedderSettings(model=embedder) if embedder else EmbedderSettings()
    targets = list(paths) or [settings.corpus]
    if if_stale:
        reason = stale_reason(settings.index, settings.chunk_settings())
        if not reason:
            click.echo(f"Index {settings.index} is bruikbaar; niets te doen.")
            return
        click.echo(f"Index {settings.index} wordt (opnieuw) opgebouwd: {reason}")
        if not paths and (settings.index / "manifest.json").exists():
            targets = index_sources(settings.index)  # the same documents, never the demo corpus instead
            if not targets:
                raise BeleidsvraagError(
                    f"the files of {settings.index} are no longer where they were ingested from; "
                    "run 'beleidsvraag ingest <files or folders>'"
                )
    with progress_bar(enabled=not quiet) as progress:
        result, _ = build_index(
            targets, settings.index, settings=settings.chunk_settings(), manifest_path=manifest, root=Path.cwd(),
            progress=progress, embedder=embedder_settings,
        )  # fmt: skip
    print_ingest_summary(result, settings.index)
    if result.failed:
        sys.exit(EXIT_FAILED_FILES)


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@friendly_errors
def docs(index_dir: Path | None, as_json: bool) -> None:
    """List the indexed documents and sub-documents with their metadata."""
    from app.report import print_documents
    from ingest.store import read_documents, read_manifest

    settings = _settings(index=index_dir)
    read_manifest(settings.index)
    documents = read_documents(settings.index)
    if as_json:
        click.echo(json.dumps([d.to_json() for d in documents], ensure_ascii=False, indent=2))
    else:
        print_documents(documents)


@main.command()
@click.argument("query")
@index_option
@click.option("--top-k", default=10, show_default=True, type=click.IntRange(1, 200), help="Number of passages.")
@click.option("--gemeente", "gemeenten", multiple=True, help="Only passages about this gemeente (repeatable).")
@click.option("--type", "doc_types", multiple=True, help="Only this document type (repeatable).")
@click.option("--years", help="Only documents whose period overlaps, e.g. 2024-2027 or 2025.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per query).")
@click.option("--reranker", envvar="BELEIDSVRAAG_SEARCH_RERANKER", help="Cross-encoder name or local path.")
@friendly_errors
def search(
    query: str, index_dir: Path | None, top_k: int, gemeenten: tuple[str, ...], doc_types: tuple[str, ...],
    years: str | None, as_json: bool, reranker: str | None,
) -> None:  # fmt: skip
    """Search passages. QUERY '-' reads one query per line from stdin (JSON lines out)."""
    from app.ranking import answer_search
    from app.report import print_search_result
    from index.search import open_searcher
    from index.settings import SearchSettings

    settings = _settings(index=index_dir)
    searcher = open_searcher(settings.index, SearchSettings(reranker=reranker) if reranker else None)
    filters = _filters(searcher.gemeenten, gemeenten, doc_types, years)
    queries = [q.strip() for q in sys.stdin if q.strip()] if query == "-" else [query]
    for text in queries:
        result = answer_search(searcher, text, top_k=top_k, filters=filters)
        if as_json or query == "-":
            click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            print_search_result(result)


def _filters(known: list[str], gemeenten: tuple[str, ...], doc_types: tuple[str, ...], years: str | None) -> Filters:
    """Check the CLI's filter options against the index and turn them into :class:`Filters`."""
    from index.search import Filters
    from ingest.gazetteer import load_gazetteer
    from ingest.metadata import DOC_TYPES

    names = []
    for name in gemeenten:
        official = load_gazetteer().canonical(name) or name
        if official not in known:
            raise BeleidsvraagError(f"gemeente '{name}' staat niet in de index (wel: {', '.join(known)})")
        names.append(official)
    for doc_type in doc_types:
        if doc_type not in DOC_TYPES:
            raise BeleidsvraagError(f"unknown document type '{doc_type}' (one of {', '.join(DOC_TYPES)})")
    span = None
    if years:
        parts = [int(p) for p in years.replace("t/m", "-").split("-") if p.strip().isdigit()]
        if not parts:
            raise BeleidsvraagError(f"--years takes a year or a range such as 2024-2027, not '{years}'")
        span = (parts[0], parts[-1])
    return Filters(tuple(names), tuple(doc_types), span)


llm_options = [
    click.option(
        "--llm", type=click.Choice(["none", "ollama", "openai"]), envvar="BELEIDSVRAAG_LLM_PROVIDER", default="none",
        show_default=True, help="Answering mode: extractive (none) or worded by a local model server.",
    ),
    click.option("--llm-model", envvar="BELEIDSVRAAG_LLM_MODEL", help="Model name on the server."),
    click.option("--llm-url", envvar="BELEIDSVRAAG_LLM_URL", help="Server address (default per provider)."),
]  # fmt: skip


def with_llm_options(func: F) -> F:
    for option in reversed(llm_options):
        func = option(func)
    return func


def _llm(provider: str, model: str | None, url: str | None) -> Any:
    """The configured language model, or None for extractive answers."""
    if provider == "none":
        return None
    from app.llm import llm_settings, make_llm

    return make_llm(llm_settings(provider, model, url))


@main.command()
@click.argument("question")
@index_option
@click.option("--gemeente", "gemeenten", multiple=True, help="Only this gemeente (repeatable).")
@with_llm_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per question).")
@friendly_errors
def ask(
    question: str, index_dir: Path | None, gemeenten: tuple[str, ...], llm: str, llm_model: str | None,
    llm_url: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Answer a Dutch question with cited passages. QUESTION '-' reads one per line from stdin."""
    from app.assistant import Assistant
    from index.search import open_searcher

    settings = _settings(index=index_dir)
    model = _llm(llm, llm_model, llm_url)
    searcher = open_searcher(settings.index)
    names = _filters(searcher.gemeenten, gemeenten, (), None).gemeenten
    assistant = Assistant(searcher)
    batch = question == "-"
    questions = [q.strip() for q in sys.stdin if q.strip()] if batch else [question]
    for text in questions:
        _answer_one(assistant, text, names, model, as_json or batch)


def _answer_one(assistant: Any, text: str, names: tuple[str, ...], model: Any, as_json: bool) -> Any:
    """Answer and print one question; with a model, stream its words as they come."""
    from app.report import print_answer, print_question

    streamed: list[str] = []

    def on_token(delta: str) -> None:
        if not streamed:
            print_question(text)
        streamed.append(delta)
        click.echo(delta, nl=False)

    answer = assistant.answer(text, gemeenten=names, llm=model, on_token=None if as_json else on_token)
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
        return answer
    if streamed:
        click.echo()
        if answer.mode == "extractive-fallback":  # what streamed was not the answer; the note says why
            print_answer(answer)
        else:
            print_answer(answer, text_shown=True)
    else:
        print_answer(answer)
    return answer


@main.command()
@index_option
@with_llm_options
@friendly_errors
def chat(index_dir: Path | None, llm: str, llm_model: str | None, llm_url: str | None) -> None:
    """A conversation: follow-up questions ("En in Losser?") are made standalone before they are answered.

    Reads one question per line from stdin; an empty line or end of input stops."""
    from app.assistant import Assistant
    from app.conversation import rewrite_followup
    from index.search import open_searcher

    settings = _settings(index=index_dir)
    model = _llm(llm, llm_model, llm_url)
    searcher = open_searcher(settings.index)
    assistant = Assistant(searcher)
    history: list[tuple[str, str]] = []
    interactive = sys.stdin.isatty()
    while True:
        if interactive:
            click.echo("Vraag> ", nl=False)
        line = sys.stdin.readline()
        if not line.strip():
            break
        standalone = rewrite_followup(line.strip(), history, llm=model, gemeenten=searcher.gemeenten)
        if standalone != line.strip():
            click.echo(f"(opgevat als: {standalone})")
        answer = _answer_one(assistant, standalone, (), model, False)
        history.append((standalone, answer.answer))


@main.command()
@index_option
@click.option("--theme", "themes", multiple=True, help="Theme or field (id, label or term; repeatable). Default: all.")
@click.option("--gemeente", "gemeenten", multiple=True, help="Gemeente to compare (repeatable). Default: all.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
    help="Output format.",
)  # fmt: skip
@friendly_errors
def compare(index_dir: Path | None, themes: tuple[str, ...], gemeenten: tuple[str, ...], fmt: str) -> None:
    """Compare gemeenten by theme: priority / discussed / absent, every cell cited.

    With one --theme the best passages per gemeente are shown side by side."""
    import csv

    from app.compare import Comparer
    from app.report import print_comparison
    from ingest.gazetteer import load_gazetteer
    from ingest.store import read_manifest

    settings = _settings(index=index_dir)
    read_manifest(settings.index)  # a clear error when there is no index
    comparer = Comparer.from_folder(settings.index)
    names = [load_gazetteer().canonical(g) or g for g in gemeenten]
    comparison = comparer.compare(themes, names)
    if fmt == "json":
        click.echo(json.dumps(comparison.to_json(), ensure_ascii=False, indent=1))
    elif fmt == "csv":
        rows = comparison.rows()
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["gemeente"])
        writer.writeheader()
        writer.writerows(rows)
    else:
        print_comparison(comparison, comparer.taxonomy)


@main.command(name="eval")
@index_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Report folder (default eval/reports).")
@click.option("--system", "systems", multiple=True, help="Retrieval system to run (repeatable; default all).")
@click.option("--no-answers", is_flag=True, help="Skip the answer eval.")
@click.option(
    "--set", "sets", multiple=True, help="Only this question set: dev, held-out, held-out-b, ... (repeatable)."
)
@click.option(
    "--llm", type=click.Choice(["none", "ollama", "openai"]), default="none", show_default=True,
    help="Also evaluate the answers this model server words (the environment's BELEIDSVRAAG_LLM_* fill the rest).",
)  # fmt: skip
@click.option("--llm-model", help="Model name on the server.")
@click.option("--llm-url", help="Server address (default per provider).")
@friendly_errors
def eval_command(
    index_dir: Path | None, out: Path | None, systems: tuple[str, ...], no_answers: bool, sets: tuple[str, ...],
    llm: str, llm_model: str | None, llm_url: str | None,
) -> None:  # fmt: skip
    """Run the eval: retrieval systems and baselines, then answers; writes the report."""
    from eval.report import main as eval_main

    settings = _settings(index=index_dir)
    argv = ["--index", str(settings.index)] + (["--out", str(out)] if out else [])
    argv += [arg for s in systems for arg in ("--system", s)] + (["--no-answers"] if no_answers else [])
    argv += [arg for s in sets for arg in ("--set", s)] + ["--llm", llm]
    for flag, value in (("--llm-model", llm_model), ("--llm-url", llm_url)):
        argv += [flag, value] if value else []
    eval_main(argv)
