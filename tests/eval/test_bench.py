"""Smoke tests of the benchmarks (reduced workloads) and of the synthetic corpus."""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import pytest

from eval import bench, bench_scale
from eval.synthetic import Perturbation, perturb, rename, write_corpus
from ingest.gazetteer import load_gazetteer

SMALL_FILE = "001"  # the raadsvoorstel: 9 chunks


def value_of(report: str, measure: str) -> float:
    """The number in the value column of the first row whose measure starts with ``measure``."""
    for line in report.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells and cells[0].startswith(measure):
            return float(cells[1].split()[0].replace(",", ""))
    raise AssertionError(f"no row '{measure}' in the report")


def test_bench_reduced(demo_index: Path, corpus_files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "bench.md"
    argv = ["--index", str(demo_index), "--out", str(out), "--corpus", str(corpus_files[SMALL_FILE]),
            "--repeats", "1", "--pdfs", "2", "--pdf-pages", "2", "--questions", "3"]  # fmt: skip
    assert bench.main(argv) == 0
    report = out.read_text(encoding="utf-8")
    assert "- git commit:" in report and "- cores:" in report
    measures = [
        "ingest demo corpus, cold process", "ingest throughput (input)", "ingest process peak memory",
        "PDF ingest, whole process", "PDF ingest stage in-process", "bare pypdf", "warm search p95", "warm ask p95",
        "cold `beleidsvraag ask", "query process peak memory", "index size on disk",
    ]  # fmt: skip
    for measure in measures:
        assert value_of(report, measure) > 0, measure
    assert "| < 15 s |" in report and "| < 500 MB |" in report and "< 100 ms" in report


def test_process_memory_is_the_childs_own() -> None:
    ballast = bytearray(300 * 1024 * 1024)  # a big parent must not inflate the child's peak
    ballast[::4096] = b"\1" * len(ballast[::4096])
    run = bench.run_process([sys.executable, "-c", "pass"])
    assert 0 < run.max_rss_mb < 100
    assert run.seconds > 0
    del ballast


def test_a_failing_process_is_reported() -> None:
    with pytest.raises(bench.BenchError, match="exited with 3"):
        bench.run_process([sys.executable, "-c", "import sys; print('kapot'); sys.exit(3)"])


def test_bench_scale_tiny(corpus_files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "bench-scale.md"
    argv = ["--out", str(out), "--scales", "2", "--corpus", str(corpus_files[SMALL_FILE]), "--repeats", "1",
            "--questions", "3"]  # fmt: skip
    assert bench_scale.main(argv) == 0
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    (scale,) = data["scales"]
    assert scale["scale"] == 2 and scale["files"] == 2
    assert scale["chunks"] >= 15 and scale["duplicates"] < scale["chunks"] / 2
    assert scale["pipeline_kind"] == "flat"
    assert [d["kind"] for d in scale["dense"]] == ["flat", "hnsw"]
    assert all(0 <= d["recall_10"] <= 1 for d in scale["dense"])
    assert scale["search_p95_ms"] > 0 and scale["ingest_s"] > 0
    report = out.read_text(encoding="utf-8")
    assert "| warm search p95 (ms) |" in report and "**flat**" in report and "ann_threshold" in report


def test_bench_takes_the_100x_figure_from_the_scale_report(tmp_path: Path) -> None:
    path = tmp_path / "bench-scale.json"
    assert bench.scale_row(path).markdown().count("n/a") == 1
    path.write_text(json.dumps({"scales": [{"scale": 10, "search_p95_ms": 20}, {"scale": 100, "search_p95_ms": 120}]}))
    row = bench.scale_row(path)
    assert row.value == 120 and row.verdict() == "**missed**"


def test_rename_replaces_names_and_adjectives() -> None:
    gazetteer = load_gazetteer()
    text = "Het Losserse beleid: in Losser en Dinkelland werken we samen."
    renamed = rename(text, {"Losser": "Waalre", "Dinkelland": "Huizen"}, gazetteer)
    assert renamed == "Het Waalrese beleid: in Waalre en Huizen werken we samen."


def test_perturb_keeps_lines_and_page_starts() -> None:
    text = " 1. Inleiding \n \nDe gemeente besteedt in 2024 een bedrag van 125000 euro aan veiligheid en preventie. \n"
    out = perturb(text, random.Random(3), ["wijk", "buurt"], Perturbation(drop_word=0.0, replace_word=0.5))
    assert out.count("\n") == text.count("\n")
    assert out.startswith(" 1. Inleiding")  # a page-start signal (one leading space) survives
    assert re.search(r"\b20\d\d\b", out)


def test_write_corpus_replicas_name_other_gemeenten(corpus_files: dict[str, Path], tmp_path: Path) -> None:
    files = write_corpus([corpus_files[SMALL_FILE]], tmp_path, 3)
    texts = [f.read_text(encoding="utf-8") for f in files]
    assert texts[0] == corpus_files[SMALL_FILE].read_text(encoding="utf-8")
    gazetteer = load_gazetteer()
    named = [set(gazetteer.count(t)) for t in texts]
    assert "Losser" in named[0] and "Losser" not in named[1] and named[1] != named[2]
