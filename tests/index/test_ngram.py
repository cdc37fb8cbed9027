"""The character n-gram leg: cosine scores, saved column-major, older row-major files still load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.sparse import load_npz, save_npz

from index.dense import CharLsaEmbedder
from index.ngram import NGRAM_FILE, NgramIndex

TEXTS = [
    "De aanpak van woninginbraken in de wijk.",
    "Jeugdoverlast rond het winkelcentrum neemt af.",
    "Ondermijning en drugscriminaliteit vragen een integrale aanpak.",
    "Het budget voor cameratoezicht in de binnenstad.",
]


def test_scores_are_cosines_and_survive_save_and_load(tmp_path: Path) -> None:
    encoder, rows = CharLsaEmbedder.fit_with_tfidf(TEXTS, dim=2)
    index = NgramIndex(rows, encoder)
    scores = index.scores("woninginbraak aanpakken")
    expected = (rows @ encoder.tfidf(["woninginbraak aanpakken"]).T).toarray().ravel()
    assert np.allclose(scores, expected, atol=1e-6) and scores.max() > 0
    index.save(tmp_path)
    assert load_npz(tmp_path / NGRAM_FILE).format == "csc"  # loading converts nothing
    assert np.allclose(NgramIndex.load(tmp_path, encoder).scores("woninginbraak aanpakken"), scores)
    assert not NgramIndex.load(tmp_path, encoder).scores("").any()


def test_an_older_row_major_file_still_loads(tmp_path: Path) -> None:
    encoder, rows = CharLsaEmbedder.fit_with_tfidf(TEXTS, dim=2)
    save_npz(tmp_path / NGRAM_FILE, rows.tocsr())
    loaded = NgramIndex.load(tmp_path, encoder).scores("een integrale aanpak")
    assert np.allclose(loaded, NgramIndex(rows, encoder).scores("een integrale aanpak")) and loaded.max() > 0
