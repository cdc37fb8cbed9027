"""The vector index: exact below the ANN threshold, HNSW from there on, filters, save/load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.dense import FLAT, HNSW, VECTORS_META_FILE, VectorIndex
from index.settings import SearchSettings

SMALL = SearchSettings(ann_threshold=500)


def unit_vectors(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def recall(approx: list[tuple[int, float]], exact: list[tuple[int, float]]) -> float:
    return len({i for i, _ in approx} & {i for i, _ in exact}) / len(exact)


@pytest.fixture(scope="module")
def data() -> np.ndarray:
    return unit_vectors(3000)


@pytest.fixture(scope="module")
def queries() -> np.ndarray:
    return unit_vectors(50, seed=1)


def test_exact_below_the_threshold_approximate_from_it(data: np.ndarray) -> None:
    assert VectorIndex.build(data[:499], settings=SMALL).kind == FLAT
    index = VectorIndex.build(data[:500], settings=SMALL)
    assert index.kind == HNSW
    assert index.describe() == {"kind": HNSW, "count": 500, "dim": 32, "m": 32, "ef_construction": 80, "ef_search": 64}


def test_default_threshold_keeps_the_demo_exact(data: np.ndarray) -> None:
    assert SearchSettings().ann_threshold == 20_000
    assert VectorIndex.build(data).kind == FLAT


def test_threshold_from_the_environment(monkeypatch: pytest.MonkeyPatch, data: np.ndarray) -> None:
    monkeypatch.setenv("BELEIDSVRAAG_SEARCH_ANN_THRESHOLD", "1000")
    assert VectorIndex.build(data).kind == HNSW


def test_hnsw_recall_at_10_against_exact(data: np.ndarray, queries: np.ndarray) -> None:
    index = VectorIndex.build(data, settings=SMALL)
    scores = [recall(index.search(q, 10), index.search_exact(q, 10)) for q in queries]
    assert float(np.mean(scores)) >= 0.9


@pytest.mark.parametrize("step", [2, 50])  # a broad filter (graph search) and a selective one (exact)
def test_filters_are_respected(data: np.ndarray, queries: np.ndarray, step: int) -> None:
    index = VectorIndex.build(data, settings=SearchSettings(ann_threshold=500))
    allowed = np.arange(0, len(data), step)
    for q in queries[:10]:
        hits = index.search(q, 20, allowed)
        assert len(hits) == 20
        assert {i for i, _ in hits} <= set(allowed.tolist())
        assert recall(hits, index.search_exact(q, 20, allowed)) >= 0.8


def test_a_starved_graph_search_falls_back_to_exact(data: np.ndarray) -> None:
    index = VectorIndex.build(data, settings=SMALL)
    index.exact_below = 1  # force the graph search even for a tiny allowed set
    allowed = np.array([3, 700, 2999])
    assert sorted(i for i, _ in index.search(data[0], 10, allowed)) == [3, 700, 2999]


def test_save_load_round_trip(tmp_path: Path, data: np.ndarray, queries: np.ndarray) -> None:
    index = VectorIndex.build(data, settings=SMALL)
    index.save(tmp_path)
    loaded = VectorIndex.load(tmp_path, settings=SearchSettings(ann_threshold=500, ann_ef_search=128))
    assert (loaded.kind, loaded.count, loaded.dim, loaded.ef_search) == (HNSW, 3000, 32, 128)
    assert loaded.params == {"m": 32, "ef_construction": 80}
    assert [i for i, _ in loaded.search(queries[0], 10)] == [i for i, _ in index.search(queries[0], 10)]


def test_flat_index_without_metadata_still_loads(tmp_path: Path, data: np.ndarray) -> None:
    VectorIndex.build(data[:100]).save(tmp_path)
    (tmp_path / VECTORS_META_FILE).unlink()  # an index written before the ANN switch
    loaded = VectorIndex.load(tmp_path)
    assert loaded.kind == FLAT
    assert loaded.search(data[5], 1)[0][0] == 5


def test_metadata_that_contradicts_the_vectors_is_an_error(tmp_path: Path, data: np.ndarray) -> None:
    VectorIndex.build(data[:100]).save(tmp_path)
    (tmp_path / VECTORS_META_FILE).write_text('{"kind": "hnsw"}', encoding="utf-8")
    with pytest.raises(ValueError, match="hnsw"):
        VectorIndex.load(tmp_path)
