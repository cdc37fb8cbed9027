"""The character n-gram leg: cosine similarity of sparse TF-IDF vectors.

A second lexical view that tolerates spelling variants, inflection and
compounds the analyzer did not split. It shares the n-gram vocabulary of the
built-in embedder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from index.dense import CharLsaEmbedder

NGRAM_FILE = "ngram_tfidf.npz"


class NgramIndex:
    def __init__(self, matrix: Any, encoder: CharLsaEmbedder) -> None:
        # Column-major only: a query touches few n-grams and selects their columns. Saved that way too, so
        # loading converts nothing (older indexes saved rows and are converted once on load).
        self._columns = matrix.tocsc()
        self._encoder = encoder

    def save(self, folder: Path) -> None:
        from scipy.sparse import save_npz

        save_npz(folder / NGRAM_FILE, self._columns)

    @classmethod
    def load(cls, folder: Path, encoder: CharLsaEmbedder) -> NgramIndex:
        from scipy.sparse import load_npz

        return cls(load_npz(folder / NGRAM_FILE), encoder)

    def scores(self, query: str) -> np.ndarray:
        """Cosine similarity of every passage with the query."""
        vector = self._encoder.tfidf([query]).tocsr()
        if not vector.nnz:
            return np.zeros(self._columns.shape[0], dtype=np.float32)
        selected = self._columns[:, vector.indices]
        return np.asarray(selected @ vector.data).ravel().astype(np.float32)
