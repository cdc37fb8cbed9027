"""The built-in embedder: character n-grams, TF-IDF rows and the LSA components."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import random as sparse_random

import index.dense as dense
from index.dense import CharLsaEmbedder, char_ngrams, top_components

TEXTS = [
    "De gemeente Losser pakt woninginbraak aan met buurtpreventie.",
    "Ondermijning en georganiseerde criminaliteit staan in Dinkelland voorop.",
    "Het Veiligheidshuis Twente werkt aan de persoonsgerichte aanpak van veelplegers.",
    "Woninginbraken in Hengelo zijn gedaald; de buurtpreventie werkt.",
    "Jeugdoverlast en drugsgebruik onder jongeren in Haaksbergen.",
    "De aanpak van ondermijning vraagt bestuurlijke weerbaarheid van de gemeente.",
]


def test_char_ngrams_cut_each_word_padded_and_folded() -> None:
    assert char_ngrams("Één") == [" ee", "een", "en ", " een", "een ", " een "]
    assert char_ngrams("- – ...") == []  # words without letters or digits give none
    assert char_ngrams("Wijk, wijk") == char_ngrams("wijk") * 2  # punctuation dropped, the same word twice


def _reference_components(matrix: np.ndarray, k: int) -> np.ndarray:
    _, _, vt = np.linalg.svd(matrix, full_matrices=False)
    return vt[:k]


@pytest.mark.parametrize("gram_rows", [3000, 0])  # the Gram-matrix path and the ARPACK path
def test_top_components_are_the_leading_right_singular_vectors(monkeypatch: pytest.MonkeyPatch, gram_rows: int) -> None:
    monkeypatch.setattr(dense, "GRAM_ROWS", gram_rows)
    matrix = sparse_random(40, 300, density=0.1, format="csr", random_state=1, dtype=np.float32)
    got = top_components(matrix, 6)
    want = _reference_components(matrix.toarray().astype(np.float64), 6)
    assert got.shape == (6, 300)
    np.testing.assert_allclose(np.abs(np.sum(got * want, axis=1)), 1.0, atol=1e-6)  # same vectors, up to sign


def test_fitted_tfidf_rows_equal_the_rows_of_new_texts_and_are_unit_length() -> None:
    embedder, rows = CharLsaEmbedder.fit_with_tfidf(TEXTS, dim=4)
    assert abs(embedder.tfidf(TEXTS) - rows).max() == 0
    np.testing.assert_allclose(np.sqrt(rows.multiply(rows).sum(axis=1)).A1, 1.0, rtol=1e-5)


def test_passages_sharing_words_with_a_query_score_higher() -> None:
    embedder = CharLsaEmbedder.fit(TEXTS, dim=4)
    vectors = embedder.embed_passages(TEXTS)
    scores = vectors @ embedder.embed_query("woninginbraak en buurtpreventie")
    assert set(np.argsort(-scores)[:2]) == {0, 3}
