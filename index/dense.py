"""The dense leg: an embedder behind a protocol, vectors in faiss.

The default embedder is built in and needs no downloaded weights: LSA over
character 3-5-gram TF-IDF, fitted on the indexed corpus. A sentence-transformers
model (name or local path, with e5-style prefixes) is an option; torch is
imported only when it is configured. The embedder's identity and dimension go
into the index manifest; loading with another embedder is an error.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.analyzer import fold, normalize_numbers
from index.settings import SearchSettings
from ingest.errors import ConfigurationError

VECTORS_FILE = "vectors.faiss"
VECTORS_META_FILE = "vectors.json"
EMBEDDER_FILE = "embedder.json"
LSA_FILE = "lsa.npz"
BUILTIN = "builtin-char-lsa"


class Embedder(Protocol):
    """Turns passages and queries into L2-normalised float32 vectors."""

    name: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


# --------------------------------------------------------------------------- built-in


def char_ngrams(text: str, low: int = 3, high: int = 5) -> list[str]:
    """Character n-grams within words padded by spaces (folded, numbers normalised)."""
    grams: list[str] = []
    for word in normalize_numbers(fold(text)).split():
        grams += _word_grams(word, low, high)
    return grams


@lru_cache(maxsize=1 << 18)
def _word_grams(word: str, low: int, high: int) -> tuple[str, ...]:
    """The n-grams of one word (words repeat: each is cut once)."""
    padded = f" {''.join(c for c in word if c.isalnum())} "
    if len(padded) <= 2:
        return ()
    return tuple(padded[i : i + n] for n in range(low, high + 1) for i in range(max(1, len(padded) - n + 1)))


def _l2(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms == 0, 1, norms)).astype(np.float32)


class CharLsaEmbedder:
    """LSA (truncated SVD) of sublinear TF-IDF over character n-grams."""

    name = BUILTIN

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, components: np.ndarray) -> None:
        self.vocabulary = vocabulary
        self.idf = idf.astype(np.float32)
        self.components = components.astype(np.float32)  # dim × features
        self._projection = np.ascontiguousarray(self.components.T)  # features × dim, made once
        self.dim = int(components.shape[0])

    @classmethod
    def fit(cls, texts: Sequence[str], *, dim: int = 256, max_features: int = 60_000) -> CharLsaEmbedder:
        return cls.fit_with_tfidf(texts, dim=dim, max_features=max_features)[0]

    @classmethod
    def fit_with_tfidf(
        cls, texts: Sequence[str], *, dim: int = 256, max_features: int = 60_000
    ) -> tuple[CharLsaEmbedder, Any]:
        """The fitted embedder and the TF-IDF rows of ``texts`` it was fitted on (equal to ``tfidf(texts)``),
        so an index build need not compute them again."""
        counts = [Counter(char_ngrams(text)) for text in texts]
        doc_freq: Counter[str] = Counter()
        for grams in counts:
            doc_freq.update(grams.keys())
        kept = sorted((g for g, n in doc_freq.items() if n >= 2), key=lambda g: -doc_freq[g])[:max_features]
        vocabulary = {g: i for i, g in enumerate(sorted(kept))}
        n = len(texts)
        idf = np.array([math.log((1 + n) / (1 + doc_freq[g])) + 1 for g in sorted(kept)], dtype=np.float32)
        matrix = _tfidf_of_counts(counts, vocabulary, idf)
        k = max(1, min(dim, min(matrix.shape) - 1))
        return cls(vocabulary, idf, top_components(matrix, k)), matrix

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_tfidf(self.tfidf(texts))

    def embed_tfidf(self, matrix: Any) -> np.ndarray:
        """Vectors of TF-IDF rows made by :meth:`tfidf`."""
        return _l2(np.asarray(matrix @ self._projection))

    def tfidf(self, texts: Sequence[str]) -> Any:
        """Sparse L2-normalised TF-IDF rows (the n-gram leg uses them directly)."""
        return _tfidf(texts, self.vocabulary, self.idf)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_passages([text])[0]

    def save(self, folder: Path) -> None:
        grams = np.array(sorted(self.vocabulary, key=self.vocabulary.__getitem__))
        np.savez(folder / LSA_FILE, grams=grams, idf=self.idf, components=self.components)

    @classmethod
    def load(cls, folder: Path) -> CharLsaEmbedder:
        data = np.load(folder / LSA_FILE, allow_pickle=False)
        vocabulary = {str(g): i for i, g in enumerate(data["grams"])}
        return cls(vocabulary, data["idf"], data["components"])


def _tfidf(texts: Sequence[str], vocabulary: dict[str, int], idf: np.ndarray) -> Any:
    return _tfidf_of_counts([Counter(char_ngrams(text)) for text in texts], vocabulary, idf)


def _tfidf_of_counts(counts: Sequence[Counter[str]], vocabulary: dict[str, int], idf: np.ndarray) -> Any:
    """Sparse rows of sublinear TF-IDF, each L2-normalised, from each text's n-gram counts."""
    from scipy.sparse import csr_matrix

    indptr = [0]
    cols: list[np.ndarray] = [np.empty(0, dtype=np.int64)]
    vals: list[np.ndarray] = [np.empty(0, dtype=np.float32)]
    for grams in counts:
        known = [(j, c) for g, c in grams.items() if (j := vocabulary.get(g)) is not None]
        columns = np.fromiter((j for j, _ in known), dtype=np.int64, count=len(known))
        weights = 1.0 + np.log(np.fromiter((c for _, c in known), dtype=np.float32, count=len(known)))
        weights *= idf[columns]
        norm = float(np.sqrt(weights @ weights)) or 1.0
        cols.append(columns)
        vals.append(weights / norm)
        indptr.append(indptr[-1] + len(known))
    shape = (len(counts), len(vocabulary))
    matrix = csr_matrix((np.concatenate(vals), np.concatenate(cols), indptr), shape=shape, dtype=np.float32)
    matrix.sort_indices()
    return matrix


#: Up to this many rows the components come from the rows' Gram matrix (exact, and about 15× faster
#: than ARPACK's ``svds`` on the demo corpus); above it from ``svds``, whose cost grows less steeply.
GRAM_ROWS = 3000


def top_components(matrix: Any, k: int) -> np.ndarray:
    """The first ``k`` right singular vectors of a sparse matrix (k × features), largest first."""
    rows = matrix.astype(np.float64)
    if rows.shape[0] > GRAM_ROWS:
        from scipy.sparse.linalg import svds

        _, _, vt = svds(rows, k=k, random_state=0)
        return np.asarray(vt[::-1]).copy()
    from scipy.linalg import eigh

    n = rows.shape[0]
    _, vectors = eigh((rows @ rows.T).toarray(), subset_by_index=[n - k, n - 1], driver="evr")  # ascending
    components = np.asarray(rows.T @ vectors[:, ::-1])  # features × k; each column's length is its singular value
    lengths = np.linalg.norm(components, axis=0)
    return (components / np.where(lengths == 0, 1, lengths)).T.copy()


# --------------------------------------------------------------------------- sentence-transformers


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or local path (loaded offline)."""

    def __init__(self, model: str, *, query_prefix: str = "", passage_prefix: str = "", device: str = "cpu") -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - a dependency of the project
            raise ConfigurationError(
                "sentence-transformers is not installed: pip install sentence-transformers"
            ) from exc
        if _is_e5(model) and not (query_prefix or passage_prefix):
            query_prefix, passage_prefix = "query: ", "passage: "
        self._model = load_local_model(SentenceTransformer, model, "embedding model", device=device)
        self.name = f"st:{model}"
        dimension = (
            getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension() or 0)
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode([self.passage_prefix + t for t in texts], normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        vector = self._model.encode([self.query_prefix + text], normalize_embeddings=True)
        return np.asarray(vector, dtype=np.float32)[0]


def load_local_model(factory: Any, model: str, what: str, **kwargs: Any) -> Any:
    """Load a sentence-transformers model offline; a clear error when it is not on disk."""
    try:
        return factory(model, **kwargs)
    except Exception as exc:  # the library raises many types for a missing model
        raise ConfigurationError(
            f"cannot load {what} '{model}' offline ({type(exc).__name__}). "
            "Give a local folder with the model, or a name already in the Hugging Face cache."
        ) from exc


def _is_e5(model: str) -> bool:
    return "e5" in Path(model).name.lower()


def embedder_config(embedder: Embedder) -> dict[str, Any]:
    config: dict[str, Any] = {"name": embedder.name, "dim": embedder.dim}
    if isinstance(embedder, SentenceTransformerEmbedder):
        config.update(query_prefix=embedder.query_prefix, passage_prefix=embedder.passage_prefix)
    return config


def load_embedder(folder: Path, config: dict[str, Any]) -> Embedder:
    """The embedder an index was built with (the built-in one is stored in it)."""
    name = str(config["name"])
    if name == BUILTIN:
        return CharLsaEmbedder.load(folder)
    if name.startswith("st:"):
        return SentenceTransformerEmbedder(
            name[3:], query_prefix=config.get("query_prefix", ""), passage_prefix=config.get("passage_prefix", "")
        )
    raise ConfigurationError(f"unknown embedder '{name}' in the index manifest")


# --------------------------------------------------------------------------- faiss


FLAT = "flat"
HNSW = "hnsw"


class VectorIndex:
    """Inner-product faiss index over normalised vectors; filters by id selector.

    Below ``SearchSettings.ann_threshold`` vectors the index is exact
    (``IndexFlatIP``); from there on it is approximate (``IndexHNSWFlat``). The
    kind and its parameters are saved next to the vectors (``vectors.json``).
    """

    def __init__(
        self, index: Any, *, kind: str = FLAT, params: dict[str, Any] | None = None,
        settings: SearchSettings | None = None,
    ) -> None:  # fmt: skip
        s = settings or SearchSettings()
        self._index = index
        self.kind = kind
        self.params = dict(params or {})  # how the graph was built (HNSW only)
        self.ef_search = s.ann_ef_search
        self.exact_below = s.ann_threshold

    @classmethod
    def build(cls, vectors: np.ndarray, *, settings: SearchSettings | None = None) -> VectorIndex:
        """An exact index below the ANN threshold, an HNSW graph from there on."""
        faiss = _faiss()
        s = settings or SearchSettings()
        data = np.ascontiguousarray(vectors, dtype=np.float32)
        if data.shape[0] < s.ann_threshold:
            index = faiss.IndexFlatIP(int(data.shape[1]))
            index.add(data)
            return cls(index, kind=FLAT, settings=s)
        index = faiss.IndexHNSWFlat(int(data.shape[1]), s.ann_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = s.ann_ef_construction
        index.add(data)
        return cls(index, kind=HNSW, params={"m": s.ann_m, "ef_construction": s.ann_ef_construction}, settings=s)

    def save(self, folder: Path) -> None:
        faiss = _faiss()
        faiss.write_index(self._index, str(folder / VECTORS_FILE))
        meta = {"kind": self.kind, "count": self.count, "dim": self.dim, **self.params}
        (folder / VECTORS_META_FILE).write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, *, settings: SearchSettings | None = None) -> VectorIndex:
        """Read the index; its kind comes from ``vectors.json`` (an index without
        one is flat). ``efSearch`` comes from the settings (env) at load time."""
        faiss = _faiss()
        meta_path = folder / VECTORS_META_FILE
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {"kind": FLAT}
        index = faiss.read_index(str(folder / VECTORS_FILE))
        kind = str(meta.get("kind"))
        if kind not in (FLAT, HNSW) or (kind == HNSW) != isinstance(index, faiss.IndexHNSW):
            raise ValueError(f"{VECTORS_META_FILE} says '{kind}' but {VECTORS_FILE} holds {type(index).__name__}")
        params = {k: v for k, v in meta.items() if k in ("m", "ef_construction")}
        return cls(index, kind=kind, params=params, settings=settings)

    @property
    def dim(self) -> int:
        return int(self._index.d)

    @property
    def count(self) -> int:
        return int(self._index.ntotal)

    def vectors(self) -> np.ndarray:
        """All stored vectors (a copy), in position order."""
        return np.asarray(self._index.reconstruct_n(0, self.count), dtype=np.float32)

    def describe(self) -> dict[str, Any]:
        """Kind, size and parameters, for manifests and reports."""
        search = {"ef_search": self.ef_search} if self.kind == HNSW else {}
        return {"kind": self.kind, "count": self.count, "dim": self.dim, **self.params, **search}

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top ``k`` (position, similarity); ``allowed`` restricts to those positions
        inside faiss (so a filter never starves the result list).

        On an HNSW index a selective filter (fewer allowed positions than the ANN
        threshold) is searched exactly over the allowed vectors, and a graph search
        that finds fewer than ``k`` allowed passages falls back to that too.
        """
        k = min(k, self.count if allowed is None else int(allowed.size))
        if k <= 0:
            return []
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        if self.kind == FLAT:
            return self._search_faiss(q, k, allowed)
        if allowed is not None and allowed.size < self.exact_below:
            return self.search_exact(q, k, allowed)
        hits = self._search_faiss(q, k, allowed)
        return hits if len(hits) >= k or allowed is None else self.search_exact(q, k, allowed)

    def _search_faiss(self, q: np.ndarray, k: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        faiss = _faiss()
        selector = None if allowed is None else faiss.IDSelectorBatch(allowed.astype(np.int64))
        if self.kind == HNSW:
            fraction = 1.0 if allowed is None else allowed.size / max(1, self.count)
            ef = max(self.ef_search, k, math.ceil(k / fraction))
            params: Any = faiss.SearchParametersHNSW(efSearch=ef, sel=selector)
        else:
            params = None if selector is None else faiss.SearchParameters(sel=selector)
        scores, ids = self._index.search(q, k, params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def search_exact(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Exact top ``k`` by inner product over all (or the ``allowed``) vectors."""
        ids = np.arange(self.count, dtype=np.int64) if allowed is None else allowed.astype(np.int64)
        if ids.size == 0 or k <= 0:
            return []
        scores = self._index.reconstruct_batch(ids) @ query.reshape(-1).astype(np.float32)
        top = np.argsort(-scores, kind="stable")[:k]
        return [(int(ids[j]), float(scores[j])) for j in top]


def _faiss() -> Any:
    """The faiss module, imported on first use (its stubs lack the search parameter classes)."""
    import faiss

    return faiss


def write_embedder_state(folder: Path, embedder: Embedder) -> dict[str, Any]:
    config = embedder_config(embedder)
    (folder / EMBEDDER_FILE).write_text(json.dumps(config), encoding="utf-8")
    return config
