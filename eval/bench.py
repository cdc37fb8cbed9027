"""Performance benchmark on the demo corpus: ``python -m eval.bench``.

Measures, with medians over ``--repeats`` runs: cold ingest of the corpus (a
whole ``beleidsvraag ingest`` process), ingest of generated PDFs against bare
pypdf text extraction, warm search and ask latency over the eval questions,
a cold ``beleidsvraag ask`` process, peak memory of the processes and the
index size. Each figure is compared with the target of issue 5; the Markdown
report (with machine info and git commit) is printed and written to ``--out``.
Helpers for processes, latencies and reports are shared with
:mod:`eval.bench_scale`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from eval.questions import load_questions
from eval.report import git_commit
from ingest.errors import BeleidsvraagError

ROOT = Path(__file__).resolve().parents[1]
REPORTS_DIR = ROOT / "eval" / "reports"
SCALE_JSON = REPORTS_DIR / "bench-scale.json"
COLD_QUESTION = "Wat zijn de prioriteiten van Haaksbergen?"
MB = 1024 * 1024


class BenchError(BeleidsvraagError):
    """A benchmark step failed (a process exited with an error)."""


# --------------------------------------------------------------------------- measuring


@dataclass(frozen=True, slots=True)
class ProcessRun:
    """One finished child process: wall time (s) and its own peak resident memory (MB)."""

    seconds: float
    max_rss_mb: float


def cli_command() -> list[str]:
    """The ``beleidsvraag`` console script of this interpreter's environment."""
    script = Path(sys.executable).parent / "beleidsvraag"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from app.cli import main; main()"]


#: Forks and waits for the measured process from a small interpreter: a child
#: started directly by a big process inherits that process's peak RSS (Linux keeps
#: the pre-exec high-water mark), so this process cannot measure its own children.
_RUNNER = """
import json, os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump([time.perf_counter() - started, usage.ru_maxrss, os.waitstatus_to_exitcode(status)], out)
"""


def run_process(args: Sequence[str], *, cwd: Path = ROOT) -> ProcessRun:
    """Run a process to its end; its wall time and its own peak RSS
    (``ru_maxrss`` from ``wait4``, KiB on Linux)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        result, log = Path(tmp) / "result.json", Path(tmp) / "output.txt"
        with log.open("wb") as out:
            subprocess.run([sys.executable, "-S", "-c", _RUNNER, str(result), *args], cwd=cwd, env=env, stdout=out,
                           stderr=subprocess.STDOUT, check=False)  # fmt: skip
        try:
            seconds, max_rss_kib, code = json.loads(result.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BenchError(f"cannot run {args[0]}: {log.read_text(encoding='utf-8', errors='replace')}") from exc
        if code != 0:
            tail = log.read_text(encoding="utf-8", errors="replace")[-800:]
            raise BenchError(f"{' '.join(args[:3])}… exited with {code}: {tail}")
    return ProcessRun(seconds, max_rss_kib / 1024)


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else float("nan")


@dataclass(frozen=True, slots=True)
class Latency:
    """Per-call latency in milliseconds: the median over passes of each pass's p50 and p95."""

    p50: float
    p95: float
    calls: int


def measure_latency(call: Callable[[str], object], queries: Sequence[str], repeats: int) -> Latency:
    """Time ``call`` on every query, ``repeats`` passes after one warm-up call."""
    call(queries[0])
    p50s, p95s = [], []
    for _ in range(repeats):
        times = []
        for query in queries:
            started = time.perf_counter()
            call(query)
            times.append((time.perf_counter() - started) * 1000)
        p50s.append(percentile(times, 50))
        p95s.append(percentile(times, 95))
    return Latency(statistics.median(p50s), statistics.median(p95s), len(queries))


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / MB


def index_chunks(folder: Path) -> int:
    return int(json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["counts"]["chunks"])


def ingest_once(paths: Sequence[Path], folder: Path) -> ProcessRun:
    """A cold ``beleidsvraag ingest`` of ``paths`` into a new folder."""
    return run_process([*cli_command(), "ingest", *map(str, paths), "--index", str(folder), "--quiet"])


def eval_queries(limit: int | None = None) -> list[str]:
    questions = [q.question for q in load_questions()]
    return questions[:limit] if limit else questions


# --------------------------------------------------------------------------- reporting


def machine_info() -> dict[str, str]:
    """Cores, CPU, memory, Python, key library versions and the git commit."""
    import faiss

    cpu = next(
        (line.split(":", 1)[1].strip() for line in _read_lines("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor() or "unknown",
    )
    mem = next((line.split()[1] for line in _read_lines("/proc/meminfo") if line.startswith("MemTotal")), "0")
    return {
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "git commit": git_commit(ROOT),
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": f"{int(mem) / MB:.1f} GiB",
        "python": platform.python_version(),
        "platform": platform.platform(),
        "numpy / faiss": f"{np.__version__} / {faiss.__version__}",
        "load average at start (1/5/15 min)": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _read_lines(path: str) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


@dataclass(frozen=True, slots=True)
class Row:
    """A measured figure; a value under ``limit`` meets the target."""

    measure: str
    value: float
    unit: str
    target: str = ""
    limit: float | None = None

    def verdict(self) -> str:
        if self.limit is None or np.isnan(self.value):
            return ""
        return "met" if self.value < self.limit else "**missed**"

    def markdown(self) -> str:
        value = "n/a" if np.isnan(self.value) else f"{format_number(self.value)} {self.unit}".strip()
        return f"| {self.measure} | {value} | {self.target} | {self.verdict()} |"


def format_number(value: float) -> str:
    """Three significant digits, but whole numbers from 1,000 (with thousands separators)."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def markdown_table(rows: Sequence[Row]) -> str:
    lines = ["| measure | value | target (issue 5) | verdict |", "|---|---:|---|---|"]
    return "\n".join(lines + [r.markdown() for r in rows])


def markdown_meta(meta: dict[str, str]) -> str:
    return "\n".join(f"- {key}: {value}" for key, value in meta.items())


# --------------------------------------------------------------------------- generated PDFs

_LATIN1 = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "€": "EUR", "•": "-", "…": "..."})


def make_pdfs(folder: Path, lines: Sequence[str], *, count: int, pages: int) -> list[Path]:
    """``count`` PDFs of ``pages`` pages of Dutch text (lines of the demo corpus,
    each PDF from another offset), with a running header and page numbers."""
    try:
        from fpdf import FPDF
    except ImportError as exc:  # a dev dependency
        raise BenchError("the PDF benchmark needs fpdf2: pip install -e '.[dev]'") from exc
    folder.mkdir(parents=True, exist_ok=True)
    text = [line.strip().translate(_LATIN1).encode("latin-1", "replace").decode("latin-1") for line in lines]
    text = [line[:110] for line in text if line]
    paths = []
    for n in range(count):
        pdf = FPDF()
        pdf.set_auto_page_break(False)
        for page in range(pages):
            pdf.add_page()
            pdf.set_font("Helvetica", size=9)
            pdf.cell(0, 8, f"Integraal Veiligheidsplan {n + 1} 2025-2028", align="C")
            pdf.ln(10)
            pdf.set_font("Helvetica", size=10)
            start = (n * pages + page) * 40 % max(1, len(text) - 40)
            for line in text[start : start + 40]:
                pdf.cell(0, 6, line)
                pdf.ln(6)
            pdf.set_y(-15)
            pdf.cell(0, 8, f"- {page + 1} -", align="C")
        path = folder / f"plan_{n:03d}.pdf"
        pdf.output(str(path))
        paths.append(path)
    return paths


def pypdf_seconds(paths: Sequence[Path]) -> float:
    """Bare pypdf: open each file and extract every page's text."""
    from pypdf import PdfReader

    started = time.perf_counter()
    for path in paths:
        for page in PdfReader(path).pages:
            page.extract_text()
    return time.perf_counter() - started


def ingest_stage_seconds(paths: Sequence[Path]) -> float:
    """Our ingest stage in this process (read, clean, structure, chunk; no search index)."""
    from ingest.pipeline import ingest_files

    started = time.perf_counter()
    result = ingest_files(paths)
    if result.failed:
        raise BenchError(f"ingest failed for {result.failed[0].path}: {result.failed[0].reason}")
    return time.perf_counter() - started


# --------------------------------------------------------------------------- the benchmark


@dataclass(slots=True)
class BenchConfig:
    index: Path
    out: Path
    corpus: list[Path] = field(default_factory=lambda: [ROOT / "data" / "corpus"])
    repeats: int = 3
    pdfs: int = 20
    pdf_pages: int = 8
    questions: int | None = None  # the first N eval questions; None: all


def corpus_files(paths: Sequence[Path]) -> list[Path]:
    return sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file())


def bench_ingest(config: BenchConfig, work: Path) -> list[Row]:
    files = corpus_files(config.corpus)
    size = sum(f.stat().st_size for f in files) / MB
    runs = [ingest_once(config.corpus, work / f"ingest-{i}") for i in range(config.repeats)]
    seconds = statistics.median(r.seconds for r in runs)
    chunks = index_chunks(work / "ingest-0")
    return [
        Row(f"ingest demo corpus, cold process ({len(files)} files, {size:.2f} MB)", seconds, "s", "< 15 s", 15),
        Row("ingest throughput (input)", size / seconds, "MB/s"),
        Row(f"ingest throughput ({chunks} chunks)", chunks / seconds, "chunks/s"),
        Row("ingest process peak memory (max RSS)", max(r.max_rss_mb for r in runs), "MB"),
    ]


def bench_pdfs(config: BenchConfig, work: Path) -> list[Row]:
    lines = [line for f in corpus_files(config.corpus) for line in f.read_text(encoding="utf-8").splitlines()]
    paths = make_pdfs(work / "pdfs", lines, count=config.pdfs, pages=config.pdf_pages)
    pages = config.pdfs * config.pdf_pages
    ingest_stage_seconds(paths[:1])  # warm-up: imports, spaCy
    ours = statistics.median(ingest_stage_seconds(paths) for _ in range(config.repeats))
    bare = statistics.median(pypdf_seconds(paths) for _ in range(config.repeats))
    process = statistics.median(
        ingest_once([work / "pdfs"], work / f"pdf-index-{i}").seconds for i in range(config.repeats)
    )
    label = f"{config.pdfs} generated PDFs, {pages} pages"
    return [
        Row(f"PDF ingest, whole process ({label})", pages / process, "pages/s"),
        Row("PDF ingest stage in-process (read, clean, structure, chunk)", pages / ours, "pages/s"),
        Row("bare pypdf `extract_text` on the same PDFs", pages / bare, "pages/s"),
        Row("ingest stage time / bare pypdf time", ours / bare, "×"),
    ]


def bench_queries(config: BenchConfig) -> list[Row]:
    from app.assistant import Assistant
    from app.ranking import answer_search
    from index.search import open_searcher

    started = time.perf_counter()
    searcher = open_searcher(config.index)
    load = time.perf_counter() - started
    queries = eval_queries(config.questions)
    search = measure_latency(lambda q: answer_search(searcher, q, top_k=10), queries, config.repeats)
    assistant = Assistant(searcher)
    ask = measure_latency(assistant.ask, queries, config.repeats)
    n = len(queries)
    return [
        Row("index load in-process (warm file cache)", load * 1000, "ms"),
        Row(f"warm search p50 ({n} eval questions, top 10, answer-ranked)", search.p50, "ms"),
        Row(f"warm search p95 ({n} eval questions, top 10, answer-ranked)", search.p95, "ms", "< 50 ms", 50),
        Row(f"warm ask p50 ({n} eval questions)", ask.p50, "ms"),
        Row(f"warm ask p95 ({n} eval questions)", ask.p95, "ms", "< 150 ms", 150),
    ]


def bench_cold_ask(config: BenchConfig) -> list[Row]:
    args = [*cli_command(), "ask", COLD_QUESTION, "--index", str(config.index)]
    runs = [run_process(args) for _ in range(config.repeats)]
    return [
        Row(f'cold `beleidsvraag ask "{COLD_QUESTION}"` process', statistics.median(r.seconds for r in runs), "s",
            "< 3 s", 3),
        Row("query process peak memory (max RSS of that process)", max(r.max_rss_mb for r in runs), "MB",
            "< 500 MB", 500),
        Row("index size on disk", folder_mb(config.index), "MB"),
    ]  # fmt: skip


def scale_row(path: Path = SCALE_JSON) -> Row:
    """Warm search p95 at 100× the demo, from the last ``make bench-scale`` (n/a without one)."""
    value = float("nan")
    if path.exists():
        scales = json.loads(path.read_text(encoding="utf-8")).get("scales", [])
        value = next((float(s["search_p95_ms"]) for s in scales if s.get("scale") == 100), value)
    return Row("warm search p95 at 100× the demo (from bench-scale.json)", value, "ms", "< 100 ms", 100)


def run_bench(config: BenchConfig) -> tuple[dict[str, str], list[Row]]:
    """All measurements; the machine info and the rows of the report."""
    meta = machine_info()
    meta.update(index=str(config.index), repeats=f"{config.repeats} (figures are medians over runs)")
    with tempfile.TemporaryDirectory(prefix="beleidsvraag-bench-") as tmp:
        work = Path(tmp)
        rows = bench_ingest(config, work) + bench_pdfs(config, work)
    rows += bench_queries(config) + bench_cold_ask(config) + [scale_row()]
    return meta, rows


def render(meta: dict[str, str], rows: Sequence[Row]) -> str:
    notes = (
        "Cold means a new process and a new index folder; the operating system's file cache is warm. "
        "Warm latencies are in-process with the index loaded and one call made; p50/p95 are over the eval "
        "questions, the median of the passes is reported. Peak memory is each child process's own max RSS "
        "(`wait4`), the largest over the runs."
    )
    return "\n".join(["# Performance benchmark (demo corpus)", "", markdown_meta(meta), "", markdown_table(rows),
                      "", notes, ""])  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=ROOT / "data" / "index", help="Index folder to query.")
    parser.add_argument("--out", type=Path, default=REPORTS_DIR / "bench.md", help="Markdown report to write.")
    parser.add_argument("--corpus", type=Path, nargs="+", default=[ROOT / "data" / "corpus"], help="Files to ingest.")
    parser.add_argument("--repeats", type=int, default=3, help="Runs per measurement (medians are reported).")
    parser.add_argument("--pdfs", type=int, default=20, help="Generated PDFs.")
    parser.add_argument("--pdf-pages", type=int, default=8, help="Pages per generated PDF.")
    parser.add_argument("--questions", type=int, default=None, help="Use only the first N eval questions.")
    args = parser.parse_args(argv)
    config = BenchConfig(args.index, args.out, args.corpus, args.repeats, args.pdfs, args.pdf_pages, args.questions)
    try:
        meta, rows = run_bench(config)
    except BeleidsvraagError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    report = render(meta, rows)
    config.out.parent.mkdir(parents=True, exist_ok=True)
    config.out.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
