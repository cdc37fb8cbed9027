"""Human-readable output of the CLI: progress bars and summary tables (rich)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.answer import Answer
from app.compare import STATUS_LABELS, Cell, Comparison, excerpt, silent
from index.search import SearchResult
from index.themes import Taxonomy
from ingest.pipeline import IngestResult
from ingest.pipeline import Progress as Progress_
from ingest.records import Document

console = Console()


@contextmanager
def progress_bar(*, enabled: bool = True) -> Iterator[Progress_ | None]:
    """A progress callback ``(label, done, total)`` drawing a bar on stderr."""
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("Inlezen", total=None)

        def report(label: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=f"Inlezen {Path(label).name}"[:60])

        yield report


def print_ingest_summary(result: IngestResult, index: Path) -> None:
    files = Table(title=f"Ingelezen naar {index}", show_lines=False)
    for column in ("bestand", "status", "documenten", "passages", "reden"):
        files.add_column(column)
    for o in result.outcomes:
        files.add_row(Path(o.path).name, o.status, str(len(o.documents)), str(len(o.chunks)), o.reason)
    console.print(files)
    for o in result.failed + result.skipped:
        label = "mislukt" if o.status == "failed" else "overgeslagen"
        console.print(f"{label}: {o.path}: {o.reason}", soft_wrap=True, highlight=False)
    documents = result.documents
    totals = Table(show_header=True)
    for column in ("documenten", "subdocumenten", "passages", "overgeslagen", "mislukt", "seconden"):
        totals.add_column(column, justify="right")
    totals.add_row(
        str(sum(1 for d in documents if d.parent_doc_id is None)),
        str(sum(1 for d in documents if d.parent_doc_id is not None)),
        str(len(result.chunks)),
        str(len(result.skipped)),
        str(len(result.failed)),
        f"{result.seconds:.1f}",
    )
    console.print(totals)


def print_documents(documents: Sequence[Document]) -> None:
    table = Table(title="Documenten in de index")
    for column in ("doc_id", "titel", "type", "periode", "gemeenten", "pagina's", "passages"):
        table.add_column(column)
    for doc in documents:
        indent = "  └ " if doc.parent_doc_id else ""
        pages = f"{doc.page_start}-{doc.page_end}" if doc.page_start else "-"
        table.add_row(
            doc.doc_id, indent + doc.meta.title, doc.meta.doc_type, doc.meta.period or "-",
            ", ".join(doc.meta.municipalities), pages, str(doc.chunk_count),
        )  # fmt: skip
    console.print(table)


def print_search_result(result: SearchResult) -> None:
    info = result.info
    if info.unknown_gemeenten:
        console.print(f"[yellow]Niet in de index: {', '.join(info.unknown_gemeenten)}[/yellow]")
    if info.gemeenten:
        console.print(
            f"Gemeenten in de vraag: {', '.join(info.gemeenten)}" + (" (vergelijking)" if info.comparison else "")
        )
    if not result.hits:
        console.print("Geen passages gevonden.")
    for hit in result.hits:
        c = hit.chunk
        pages = (
            f", p. {c.page_start}" + (f"-{c.page_end}" if c.page_end != c.page_start else "") if c.page_start else ""
        )
        console.print(
            f"[bold]{hit.rank}.[/bold] {', '.join(c.municipalities)} — {c.title} ({c.period or 'periode onbekend'})"
        )
        console.print(f"   [dim]{c.section or '-'}{pages} · score {hit.score:.4f}[/dim]")
        console.print("   " + c.text[:400].replace("\n", " ") + ("…" if len(c.text) > 400 else ""), highlight=False)


def print_question(question: str) -> None:
    console.print(f"[bold]Vraag:[/bold] {question}", highlight=False)


def print_answer(answer: Answer, *, text_shown: bool = False) -> None:
    """The answer, its period note, notes and citations; ``text_shown`` when the text already streamed."""
    if not text_shown:
        print_question(answer.question)
        console.print(answer.answer, highlight=False)
    for note in answer.notes:
        if not note.startswith("Mogelijk relevant"):
            console.print(f"[yellow]{note}[/yellow]", highlight=False)
    if answer.period_note:
        console.print(f"[dim]{answer.period_note}[/dim]", highlight=False)
    for citation in answer.citations:
        console.print(f"  [{citation.n}] {citation.label()}", highlight=False)
    if answer.abstained and answer.hits:
        console.print("[bold]Mogelijk relevant:[/bold]")
        for hit in answer.hits[:3]:
            c = hit.chunk
            console.print(
                f"  - {', '.join(c.municipalities)} · {c.title}: {c.text[:160].replace(chr(10), ' ')}…", highlight=False
            )


def print_comparison(comparison: Comparison, taxonomy: Taxonomy) -> None:
    """The matrix (several topics) or the side-by-side passages (one topic), then the sources."""
    if len(comparison.topics) == 1:
        _print_side_by_side(comparison, taxonomy)
    else:
        table = Table(title="Thema's per gemeente (prioriteit / besproken / niet genoemd)", show_lines=False)
        table.add_column("thema")
        for gemeente in comparison.gemeenten:
            table.add_column(gemeente)
        for topic in comparison.topics:
            label = f"[bold]{topic.label}[/bold]" if topic.kind == "veld" else f"  {topic.label}"
            table.add_row(label, *(_cell_text(comparison, comparison.cell(g, topic.id)) for g in comparison.gemeenten))
        console.print(table)
    console.print("[bold]Bronnen[/bold]")
    for citation in comparison.citations:
        console.print(f"  [{citation.n}] {citation.label()}", highlight=False)


def _cell_text(comparison: Comparison, cell: Cell) -> str:
    if cell.status == "absent":
        return "[dim]—[/dim]"
    markers = "".join(f"[{n}]" for n in comparison.markers(cell))
    period = cell.period_text()
    style = "bold green" if cell.status == "priority" else "yellow"
    return f"[{style}]{STATUS_LABELS[cell.status]}[/{style}]{period} {escape(markers)}"


def _print_side_by_side(comparison: Comparison, taxonomy: Taxonomy) -> None:
    topic = comparison.topics[0]
    console.print(f"[bold]{topic.label}[/bold] per gemeente", highlight=False)
    table = Table(show_lines=True)
    for gemeente in comparison.gemeenten:
        table.add_column(gemeente, ratio=1)
    columns = []
    for gemeente in comparison.gemeenten:
        cell = comparison.cell(gemeente, topic.id)
        if cell.status == "absent":
            columns.append(silent(gemeente, topic))
            continue
        period = cell.period_text()
        lines = [f"[bold]{STATUS_LABELS[cell.status]}[/bold]{period}"]
        for hit, n in zip(cell.evidence, comparison.markers(cell), strict=True):
            lines.append(
                escape(
                    f"{excerpt(hit.chunk.text, topic, taxonomy, anchor=cell.anchors.get(hit.chunk.chunk_id, ''))} [{n}]"
                )
            )
        columns.append("\n\n".join(lines))
    table.add_row(*columns)
    console.print(table)
