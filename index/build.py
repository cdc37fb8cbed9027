"""Build the search index of an index folder from its chunks."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.analyzer import ANALYZER_VERSION
from index.dense import CharLsaEmbedder, Embedder, SentenceTransformerEmbedder, VectorIndex, write_embedder_state
from index.lexical import LexicalIndex
from index.ngram import NgramIndex
from index.search import index_text
from index.settings import EmbedderSettings
from index.themes import build_theme_index, load_taxonomy
from ingest.records import Chunk

log = logging.getLogger(__name__)


def make_embedder(settings: EmbedderSettings, builtin: CharLsaEmbedder) -> Embedder:
    """The configured embedder; ``builtin`` is the one fitted on the corpus."""
    if settings.model == "builtin":
        return builtin
    return SentenceTransformerEmbedder(
        settings.model, query_prefix=settings.query_prefix, passage_prefix=settings.passage_prefix
    )


def build_search_index(folder: Path, chunks: Sequence[Chunk], settings: EmbedderSettings) -> dict[str, Any]:
    """Write the lexical and vector indexes into ``folder``; returns the manifest section."""
    started = time.perf_counter()
    texts = [index_text(c) for c in chunks] or [""]
    lexical = LexicalIndex.build(texts)
    lexical.save(folder)
    builtin, tfidf = CharLsaEmbedder.fit_with_tfidf(texts, dim=settings.dim)  # TF-IDF rows computed once
    builtin.save(folder)  # its n-gram vocabulary also serves the n-gram leg
    NgramIndex(tfidf, builtin).save(folder)
    embedder = make_embedder(settings, builtin)
    embedded = builtin.embed_tfidf(tfidf) if embedder is builtin else embedder.embed_passages(texts)
    vectors = VectorIndex.build(embedded)
    vectors.save(folder)
    config = write_embedder_state(folder, embedder)
    themes = build_theme_index(chunks, load_taxonomy())
    themes.save(folder)
    log.info("search index built in %.1f s", time.perf_counter() - started)
    return {
        "chunks": len(chunks),
        "analyzer": ANALYZER_VERSION,
        "bm25": {"k1": 1.2, "b": 0.75},
        "embedder": config,
        "themes": {"taxonomy": themes.fingerprint, "priorities": len(themes.priorities)},
        "vectors": vectors.describe(),
    }
