"""Scale benchmark: ``python -m eval.bench_scale``.

For each scale (default 10× and 100× the demo corpus) a synthetic corpus is
written (:mod:`eval.synthetic`: the demo files plus renamed, perturbed replicas
as ``.txt``) and ingested by a whole ``beleidsvraag ingest`` process. Reported
per scale: generation and ingest time, ingest peak memory, chunks (and the share
marked as duplicates), index size, index load time, warm search and ask latency
over the eval questions, a cold ``ask`` process, and for the dense leg the exact
(flat) index against the approximate one (HNSW): recall@10 and @100 of the
approximate index against the exact one, with and without a broad filter,
latency per query and build time, and which kind the pipeline chose.
Writes Markdown to ``--out`` and the figures as JSON next to it.
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eval.bench import (
    COLD_QUESTION,
    MB,
    REPORTS_DIR,
    ROOT,
    cli_command,
    corpus_files,
    eval_queries,
    folder_mb,
    ingest_once,
    machine_info,
    markdown_meta,
    measure_latency,
    run_process,
)
from eval.synthetic import write_corpus
from index.dense import FLAT, HNSW, VectorIndex
from index.settings import SearchSettings
from ingest.errors import BeleidsvraagError

DEFAULT_SCALES = (10, 100)
K_SHOWN, K_CANDIDATES = 10, SearchSettings().candidates


@dataclass(frozen=True, slots=True)
class DenseCheck:
    """One kind of vector index measured on a scale's vectors (recall against flat)."""

    kind: str
    build_s: float
    ms_per_query: float
    recall_10: float
    recall_candidates: float
    filtered_recall_10: float
    filtered_ms_per_query: float


@dataclass(slots=True)
class ScaleResult:
    scale: int
    files: int
    input_mb: float
    generate_s: float
    ingest_s: float
    ingest_rss_mb: float
    chunks: int
    duplicates: int
    index_mb: float
    load_s: float
    search_p50_ms: float
    search_p95_ms: float
    ask_p50_ms: float
    ask_p95_ms: float
    cold_ask_s: float
    cold_ask_rss_mb: float
    pipeline_kind: str
    filter_share: float
    dense: list[DenseCheck]


# --------------------------------------------------------------------------- dense leg


def recall(approx: Sequence[tuple[int, float]], exact: Sequence[tuple[int, float]]) -> float:
    return len({i for i, _ in approx} & {i for i, _ in exact}) / max(1, len(exact))


def check_index(
    kind: str, build_s: float, index: VectorIndex, flat: VectorIndex, queries: np.ndarray, allowed: np.ndarray
) -> DenseCheck:
    """Recall against ``flat`` and median latency of ``index``, plain and filtered to ``allowed``."""
    r10, rc, rf, plain_ms, filtered_ms = [], [], [], [], []
    index.search(queries[0], K_CANDIDATES)  # warm-up
    for q in queries:
        started = time.perf_counter()
        hits = index.search(q, K_CANDIDATES)
        plain_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        filtered = index.search(q, K_CANDIDATES, allowed)
        filtered_ms.append((time.perf_counter() - started) * 1000)
        exact = flat.search(q, K_CANDIDATES)
        r10.append(recall(hits[:K_SHOWN], exact[:K_SHOWN]))
        rc.append(recall(hits, exact))
        rf.append(recall(filtered[:K_SHOWN], flat.search(q, K_SHOWN, allowed)))
    mean, median = statistics.fmean, statistics.median
    return DenseCheck(kind, build_s, median(plain_ms), mean(r10), mean(rc), mean(rf), median(filtered_ms))


def check_dense(vectors: VectorIndex, queries: np.ndarray, allowed: np.ndarray) -> list[DenseCheck]:
    """Flat and HNSW built from the index's vectors (measuring the pipeline's own HNSW when it built one)."""
    data = vectors.vectors()
    started = time.perf_counter()
    flat = VectorIndex.build(data, settings=SearchSettings(ann_threshold=len(data) + 1))
    flat_build = time.perf_counter() - started
    started = time.perf_counter()
    hnsw = VectorIndex.build(data, settings=SearchSettings(ann_threshold=1))
    hnsw_build = time.perf_counter() - started
    if vectors.kind == HNSW:
        hnsw = vectors  # the build time above is of the same settings
    return [
        check_index(FLAT, flat_build, flat, flat, queries, allowed),
        check_index(HNSW, hnsw_build, hnsw, flat, queries, allowed),
    ]


def broad_filter(doc_types: Sequence[str]) -> tuple[np.ndarray, float]:
    """Positions of the most common document type (a filter that keeps most passages), and its share."""
    common = Counter(doc_types).most_common(1)[0][0]
    allowed = np.flatnonzero(np.array([t == common for t in doc_types]))
    return allowed, allowed.size / max(1, len(doc_types))


# --------------------------------------------------------------------------- one scale


def bench_scale(scale: int, sources: Sequence[Path], work: Path, *, repeats: int, questions: int | None) -> ScaleResult:
    """Write, ingest and measure one synthetic corpus of ``scale`` × the sources."""
    from app.assistant import Assistant
    from app.ranking import answer_search
    from index.search import open_searcher

    started = time.perf_counter()
    files = write_corpus(sources, work / f"corpus-{scale}", scale)
    generate_s = time.perf_counter() - started
    folder = work / f"index-{scale}"
    ingest = ingest_once([work / f"corpus-{scale}"], folder)
    started = time.perf_counter()
    searcher = open_searcher(folder)
    load_s = time.perf_counter() - started
    queries = eval_queries(questions)
    search = measure_latency(lambda q: answer_search(searcher, q, top_k=10), queries, repeats)
    ask = measure_latency(Assistant(searcher).ask, queries, repeats)
    embedded = np.stack([searcher.embedder.embed_query(q) for q in queries])
    allowed, share = broad_filter([c.doc_type for c in searcher.chunks])
    dense = check_dense(searcher.vectors, embedded, allowed)
    cold = run_process([*cli_command(), "ask", COLD_QUESTION, "--index", str(folder)])
    result = ScaleResult(
        scale=scale, files=len(files), input_mb=sum(f.stat().st_size for f in files) / MB, generate_s=generate_s,
        ingest_s=ingest.seconds, ingest_rss_mb=ingest.max_rss_mb, chunks=len(searcher.chunks),
        duplicates=sum(1 for c in searcher.chunks if c.duplicate_of), index_mb=folder_mb(folder), load_s=load_s,
        search_p50_ms=search.p50, search_p95_ms=search.p95, ask_p50_ms=ask.p50, ask_p95_ms=ask.p95,
        cold_ask_s=cold.seconds, cold_ask_rss_mb=cold.max_rss_mb, pipeline_kind=searcher.vectors.kind,
        filter_share=share, dense=dense,
    )  # fmt: skip
    return result


# --------------------------------------------------------------------------- report


def _row(measure: str, values: Sequence[str], target: str = "") -> str:
    return f"| {measure} | {' | '.join(values)} | {target} |"


def _target(values: Sequence[float], limit: float, label: str, scales: Sequence[int], at: int) -> str:
    if at not in scales:
        return label
    value = values[list(scales).index(at)]
    return f"{label} at {at}×: {'met' if value < limit else '**missed**'}"


def scale_table(results: Sequence[ScaleResult]) -> str:
    scales = [r.scale for r in results]
    head = ["| measure | " + " | ".join(f"{s}×" for s in scales) + " | target (issue 5) |",
            "|---|" + "---:|" * len(scales) + "---|"]  # fmt: skip

    def fmt(attr: str, spec: str) -> list[str]:
        return [format(getattr(r, attr), spec) for r in results]

    p95 = [r.search_p95_ms for r in results]
    rows = [
        _row("files / input", [f"{r.files} / {r.input_mb:.1f} MB" for r in results]),
        _row("corpus generation (s)", fmt("generate_s", ".1f")),
        _row("ingest, whole process (s)", fmt("ingest_s", ".1f")),
        _row("ingest throughput (chunks/s)", [f"{r.chunks / r.ingest_s:.0f}" for r in results]),
        _row("ingest peak memory (MB)", fmt("ingest_rss_mb", ",.0f")),
        _row("chunks", fmt("chunks", ",d")),
        _row("chunks marked duplicate", [f"{r.duplicates:,d} ({r.duplicates / r.chunks:.1%})" for r in results]),
        _row("index size on disk (MB)", fmt("index_mb", ",.0f")),
        _row("index load in-process (s)", fmt("load_s", ".2f")),
        _row("warm search p50 (ms)", fmt("search_p50_ms", ".1f")),
        _row("warm search p95 (ms)", fmt("search_p95_ms", ".1f"), _target(p95, 100, "< 100 ms", scales, 100)),
        _row("warm ask p50 (ms)", fmt("ask_p50_ms", ".1f")),
        _row("warm ask p95 (ms)", fmt("ask_p95_ms", ".1f")),
        _row("cold `ask` process (s, one run)", fmt("cold_ask_s", ".2f")),
        _row("query process peak memory (MB)", fmt("cold_ask_rss_mb", ",.0f")),
        _row("vector index the pipeline built", [f"**{r.pipeline_kind}**" for r in results]),
    ]
    return "\n".join(head + rows)


def dense_table(results: Sequence[ScaleResult]) -> str:
    lines = [
        f"| scale | vectors | index | built by pipeline | build (s) | ms/query (k={K_CANDIDATES}) | recall@10 | "
        f"recall@{K_CANDIDATES} | filter keeps | filtered recall@10 | filtered ms/query |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for d in r.dense:
            chosen = "yes" if d.kind == r.pipeline_kind else ""
            lines.append(
                f"| {r.scale}× | {r.chunks:,d} | {d.kind} | {chosen} | {d.build_s:.2f} | {d.ms_per_query:.2f} | "
                f"{d.recall_10:.3f} | {d.recall_candidates:.3f} | {r.filter_share:.0%} | {d.filtered_recall_10:.3f} | "
                f"{d.filtered_ms_per_query:.2f} |"
            )
    return "\n".join(lines)


def threshold_note(results: Sequence[ScaleResult]) -> str:
    """Why the default threshold: the flat leg's measured cost per vector against the search budget."""
    threshold = SearchSettings().ann_threshold
    largest = max(results, key=lambda r: r.chunks)
    flat = next(d for d in largest.dense if d.kind == FLAT)
    hnsw = next(d for d in largest.dense if d.kind == HNSW)
    smallest = min(results, key=lambda r: r.chunks)
    small_flat = next(d for d in smallest.dense if d.kind == FLAT)
    span = largest.chunks - smallest.chunks  # the slope between scales leaves out the fixed cost per call
    slope = (flat.ms_per_query - small_flat.ms_per_query) / span if span else flat.ms_per_query / largest.chunks
    per_10k = max(0.0, slope) * 10_000
    return (
        f"Default `ann_threshold` = {threshold:,d} vectors (env `BELEIDSVRAAG_SEARCH_ANN_THRESHOLD`). The exact leg "
        f"costs about {per_10k:.2f} ms more per 10,000 vectors per query here ({flat.ms_per_query:.2f} ms at "
        f"{largest.chunks:,d}), so below the threshold it stays under ~{per_10k * threshold / 10_000:.1f} ms more per "
        f"stratum (a comparison searches one stratum per gemeente) at exact recall, and a small index gains nothing "
        f"from a graph that costs build time ({hnsw.build_s:.1f} s at {largest.chunks:,d}) and memory. Above it the "
        f"exact cost keeps growing linearly while HNSW stays near {hnsw.ms_per_query:.2f} ms at recall@10 "
        f"{hnsw.recall_10:.3f}. Exact here: {_scales_of(results, FLAT)}; approximate: {_scales_of(results, HNSW)}. "
        "Filters that allow fewer passages than the threshold are searched exactly over the allowed vectors."
    )


def _scales_of(results: Sequence[ScaleResult], kind: str) -> str:
    return ", ".join(f"{r.scale}× ({r.chunks:,d} chunks)" for r in results if r.pipeline_kind == kind) or "none"


def render(meta: dict[str, str], results: Sequence[ScaleResult]) -> str:
    parts = [
        "# Scale benchmark (synthetic corpora)", "", markdown_meta(meta), "",
        "Each corpus holds the demo files plus renamed replicas (other real gemeenten) with perturbed text "
        "(amounts changed, years shifted, sentences of some paragraphs shuffled, words dropped or replaced by other "
        "corpus words), written as `.txt` and ingested by a whole `beleidsvraag ingest` process with default settings. "
        "Latencies are over the eval questions (the demo's gemeenten are in every corpus).", "",
        "## Per scale", "", scale_table(results), "",
        "## Dense leg: exact (flat) against approximate (HNSW)", "",
        "Both indexes over the scale's vectors and the eval questions' query vectors; recall against the flat index. "
        "Filtered: only the most common document type, a filter broad enough for the graph search (narrower "
        "filters, such as one gemeente, are searched exactly over the allowed vectors).", "",
        dense_table(results), "", threshold_note(results), "",
    ]  # fmt: skip
    return "\n".join(parts)


def to_json(meta: dict[str, str], results: Sequence[ScaleResult]) -> dict[str, Any]:
    return {"meta": meta, "scales": [asdict(r) for r in results]}


# --------------------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_scale", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPORTS_DIR / "bench-scale.md", help="Markdown report to write.")
    parser.add_argument("--scales", default=",".join(map(str, DEFAULT_SCALES)), help="Comma-separated multiples.")
    parser.add_argument("--corpus", type=Path, nargs="+", default=[ROOT / "data" / "corpus"], help="Source files.")
    parser.add_argument("--repeats", type=int, default=3, help="Passes over the questions (medians are reported).")
    parser.add_argument("--questions", type=int, default=None, help="Use only the first N eval questions.")
    parser.add_argument("--workdir", type=Path, default=None, help="Keep corpora and indexes here (default: temp).")
    args = parser.parse_args(argv)
    scales = sorted({int(s) for s in args.scales.split(",") if s.strip()})
    sources = [f for f in corpus_files(args.corpus) if f.suffix.lower() in (".txt", ".md")]
    meta = machine_info()
    meta.update(scales=", ".join(f"{s}×" for s in scales), sources=f"{len(sources)} files", repeats=str(args.repeats))
    work = args.workdir or Path(tempfile.mkdtemp(prefix="beleidsvraag-scale-"))
    results = []
    try:
        for scale in scales:
            started = time.perf_counter()
            results.append(bench_scale(scale, sources, work, repeats=args.repeats, questions=args.questions))
            gc.collect()  # the scale's loaded index
            print(f"{scale}×: done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    except BeleidsvraagError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    report = render(meta, results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(to_json(meta, results), indent=2), encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
