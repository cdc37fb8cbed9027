"""Settings of the index stage: embedder choice and fusion weights."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SearchSettings(BaseSettings):
    """Fusion and candidate settings (env ``BELEIDSVRAAG_SEARCH_<NAME>``)."""

    model_config = SettingsConfigDict(env_prefix="BELEIDSVRAAG_SEARCH_", extra="ignore")

    lexical_weight: float = Field(1.0, ge=0, description="Weight of the BM25 leg in reciprocal-rank fusion.")
    ngram_weight: float = Field(0.7, ge=0, description="Weight of the character n-gram TF-IDF leg in fusion.")
    dense_weight: float = Field(0.7, ge=0, description="Weight of the vector leg in reciprocal-rank fusion.")
    rrf_k: float = Field(60.0, gt=0, description="Rank constant of reciprocal-rank fusion.")
    candidates: int = Field(100, ge=10, description="Passages each leg contributes to fusion.")
    reranker: str = Field("", description="Cross-encoder name or local path; empty: no reranking.")
    rerank_depth: int = Field(30, ge=1, description="Fused candidates the reranker reorders.")
    doc_type_boost: float = Field(
        0.1,
        ge=0,
        description="Fused scores of passages from a kind of document the question names "
        "('volgens de benchmark') are raised by this share.",
    )
    own_gemeente_boost: float = Field(
        0.1,
        ge=0,
        description="Fused scores of passages from a document of the gemeente the question names (its first "
        "gemeente) are raised by this share over documents that only concern it (a regional proposal).",
    )
    period_boost: float = Field(
        0.1,
        ge=0,
        description="Fused scores of passages from a document whose period overlaps the period of a document the "
        "question names ('Losser (IVP 2013-2016)') are raised by this share.",
    )
    min_dense_score: float = Field(0.05, description="Vector similarities at or below this are dropped.")
    ann_threshold: int = Field(
        20_000,
        ge=1,
        description="Passages (vectors) from which the vector index is approximate (HNSW) instead of exact; "
        "a filter allowing fewer passages than this is searched exactly. Measured in eval/reports/bench-scale.md.",
    )
    ann_m: int = Field(32, ge=4, le=128, description="HNSW: graph neighbours per vector (set when the index is built).")
    ann_ef_construction: int = Field(80, ge=8, description="HNSW: candidate list size while building the graph.")
    ann_ef_search: int = Field(
        64, ge=8, description="HNSW: candidate list size while searching (at least the number of passages asked)."
    )


class EmbedderSettings(BaseSettings):
    """Which embedder builds the vectors (env ``BELEIDSVRAAG_EMBEDDER_<NAME>``)."""

    model_config = SettingsConfigDict(env_prefix="BELEIDSVRAAG_EMBEDDER_", extra="ignore")

    model: str = Field(
        "builtin",
        description="'builtin' (character n-gram LSA fitted on the corpus, no download) or a "
        "sentence-transformers model name or local path.",
    )
    dim: int = Field(256, ge=8, le=1024, description="Dimensions of the built-in embedder.")
    query_prefix: str = Field("", description="Prefix for queries (e5 models get 'query: ' by default).")
    passage_prefix: str = Field("", description="Prefix for passages (e5 models get 'passage: ' by default).")
