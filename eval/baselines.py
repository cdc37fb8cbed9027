"""Retrieval systems compared by the eval: off-the-shelf baselines and our search.

Every system has the same small interface (:class:`Retriever`): a name and
``retrieve(question, k)`` returning passage texts, best first. The eval runner
measures the time per query; the systems only retrieve.

- ``bm25-whitespace``: rank-bm25 ``BM25Okapi`` over whitespace tokens (lower-cased) of our chunks.
- ``llamaindex-bm25-default``: llama-index ``SentenceSplitter(1024 tokens, 200 overlap)`` over the raw
  text of the indexed files, ``BM25Retriever.from_defaults`` as shipped (English stemmer and stop words).
- ``llamaindex-bm25-dutch``: the same nodes with a Dutch Snowball stemmer and Dutch stop words.
- ``ours-lexical`` / ``ours-dense`` / ``ours-fused``: our :class:`~index.search.Searcher` with only the
  BM25 leg, only the vector leg, or the default fusion.
- ``ours-full``: the product's ranking (``beleidsvraag search``): the fused passages reordered by how well
  they answer (:func:`app.ranking.answer_search`).

llama-index is imported only when one of its systems is asked for; nothing here
constructs an LLM or an embedding model (the BM25 retriever needs neither).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from rank_bm25 import BM25Okapi

from index.search import Searcher
from index.settings import SearchSettings
from ingest.errors import BeleidsvraagError, ConfigurationError
from ingest.loaders import read_file
from ingest.store import read_chunks, read_manifest

if TYPE_CHECKING:
    from llama_index.core.schema import BaseNode

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]

LLAMA_CHUNK_SIZE = 1024  # tokens (tiktoken), llama-index's own unit
LLAMA_CHUNK_OVERLAP = 200  # tokens

#: Weight overrides of :class:`SearchSettings` for each variant of our search.
OURS: dict[str, dict[str, float]] = {
    "ours-lexical": {"ngram_weight": 0.0, "dense_weight": 0.0},
    "ours-dense": {"lexical_weight": 0.0, "ngram_weight": 0.0},
    "ours-fused": {},
    "ours-full": {},  # and the answer-aware reordering
}
LLAMA: dict[str, dict[str, str | None]] = {
    "llamaindex-bm25-default": {"stemmer": None, "language": None},  # the retriever's own defaults
    "llamaindex-bm25-dutch": {"stemmer": "dutch", "language": "dutch"},
}
BASELINES = ("bm25-whitespace", *LLAMA)
SYSTEMS = (*BASELINES, *OURS)


class Retriever(Protocol):
    """A retrieval system under evaluation."""

    name: str

    def retrieve(self, question: str, k: int) -> list[str]:
        """The texts of the ``k`` best passages for ``question``, best first."""
        ...


def whitespace_tokens(text: str) -> list[str]:
    return text.lower().split()


class WhitespaceBm25:
    """rank-bm25 ``BM25Okapi`` over lower-cased whitespace tokens of fixed passages."""

    def __init__(self, texts: Sequence[str], name: str = "bm25-whitespace") -> None:
        if not texts:
            raise ValueError("WhitespaceBm25 needs at least one passage")
        self.name = name
        self.texts = list(texts)
        self.bm25 = BM25Okapi([whitespace_tokens(t) for t in self.texts])

    def retrieve(self, question: str, k: int) -> list[str]:
        scores = np.asarray(self.bm25.get_scores(whitespace_tokens(question)))
        order = np.argsort(-scores, kind="stable")[:k]
        return [self.texts[int(i)] for i in order]


class SearcherRetriever:
    """Our hybrid search, as configured by the given :class:`Searcher`."""

    def __init__(self, searcher: Searcher, name: str) -> None:
        self.name = name
        self.searcher = searcher

    def retrieve(self, question: str, k: int) -> list[str]:
        return [hit.chunk.text for hit in self.searcher.search(question, top_k=k).hits]


class AnswerRankedRetriever(SearcherRetriever):
    """Our search as the product ranks it: fused, then reordered by how well each passage answers."""

    def retrieve(self, question: str, k: int) -> list[str]:
        from app.ranking import answer_search

        return [hit.chunk.text for hit in answer_search(self.searcher, question, top_k=k).hits]


class LlamaIndexBm25:
    """llama-index ``BM25Retriever`` built in memory over ``nodes`` (never persisted:
    a reloaded retriever forgets its stemmer)."""

    def __init__(self, nodes: Sequence[BaseNode], name: str, *, stemmer: str | None, language: str | None) -> None:
        import Stemmer
        from llama_index.retrievers.bm25 import BM25Retriever

        options: dict[str, Any] = {}
        if stemmer is not None:
            options["stemmer"] = Stemmer.Stemmer(stemmer)
        if language is not None:
            options["language"] = language
        self.name = name
        self.size = len(nodes)
        self.retriever = BM25Retriever.from_defaults(nodes=list(nodes), similarity_top_k=min(10, self.size), **options)

    def retrieve(self, question: str, k: int) -> list[str]:
        # bm25s raises when k exceeds the corpus, so clamp it
        self.retriever.similarity_top_k = min(k, self.size)
        try:
            results = self.retriever.retrieve(question)
        except ValueError as exc:  # bm25s: no query token in the vocabulary
            log.warning("%s found nothing for %r (%s)", self.name, question, exc)
            return []
        return [str(result.node.get_content()) for result in results]


def ours_settings(name: str) -> SearchSettings:
    """Search settings of one variant of ours: the configured ones with its weight overrides."""
    return SearchSettings().model_copy(update=OURS[name])


def indexed_files(index_folder: Path, root: Path = ROOT) -> list[Path]:
    """The files an index holds (status ``ingested`` or ``unchanged`` in its manifest: a re-ingest
    keeps unchanged files).

    Manifest paths are relative to the working directory of the ingest; they
    are looked up under ``root`` first, then as given.
    """
    files = []
    for name, entry in read_manifest(index_folder).get("files", {}).items():
        if entry.get("status") not in ("ingested", "unchanged"):
            continue
        path = Path(name) if Path(name).is_absolute() else root / name
        files.append(path if path.exists() else Path(name))
    return files


def build_llamaindex_nodes(files: Sequence[Path]) -> list[BaseNode]:
    """llama-index nodes over the raw (uncleaned) text of ``files``, split with
    ``SentenceSplitter(chunk_size=1024, chunk_overlap=200)`` as a user would."""
    from llama_index.core import Document
    from llama_index.core.node_parser import SentenceSplitter

    documents = []
    for path in files:
        try:
            text = read_file(path).text
        except (BeleidsvraagError, OSError) as exc:
            log.warning("llama-index baseline skips %s: %s", path, exc)
            continue
        # the file name stays out of the indexed text (BM25Retriever indexes MetadataMode.EMBED content)
        documents.append(
            Document(
                text=text,
                metadata={"file_name": path.name},
                excluded_embed_metadata_keys=["file_name"],
                excluded_llm_metadata_keys=["file_name"],
            )
        )
    splitter = SentenceSplitter(chunk_size=LLAMA_CHUNK_SIZE, chunk_overlap=LLAMA_CHUNK_OVERLAP)
    return list(splitter.get_nodes_from_documents(documents))


def check_systems(systems: Sequence[str] | None) -> list[str]:
    """The requested system names in a fixed order; unknown names raise ``ConfigurationError``."""
    wanted = list(SYSTEMS) if systems is None else list(systems)
    unknown = [s for s in wanted if s not in SYSTEMS]
    if unknown:
        raise ConfigurationError(f"unknown retrieval system(s) {unknown}; known: {', '.join(SYSTEMS)}")
    return [s for s in SYSTEMS if s in wanted]


def build_retrievers(index_folder: Path, systems: Sequence[str] | None = None, *, root: Path = ROOT) -> list[Retriever]:
    """Build the requested systems over one index folder (default: all of :data:`SYSTEMS`).

    The llama-index nodes are split once and shared by both llama-index systems.
    """
    names = check_systems(systems)
    retrievers: list[Retriever] = []
    nodes: list[BaseNode] | None = None
    for name in names:
        if name == "bm25-whitespace":
            retrievers.append(WhitespaceBm25([c.text for c in read_chunks(index_folder)], name))
        elif name in LLAMA:
            if nodes is None:
                nodes = build_llamaindex_nodes(indexed_files(index_folder, root))
                log.info("llama-index: %d nodes", len(nodes))
            retrievers.append(LlamaIndexBm25(nodes, name, **LLAMA[name]))
        elif name == "ours-full":
            retrievers.append(AnswerRankedRetriever(Searcher(index_folder, ours_settings(name)), name))
        else:
            retrievers.append(SearcherRetriever(Searcher(index_folder, ours_settings(name)), name))
    return retrievers


def describe_systems(systems: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The settings of each system, for the report."""
    described: dict[str, dict[str, Any]] = {}
    for name in check_systems(systems):
        if name == "bm25-whitespace":
            described[name] = {"library": "rank-bm25 BM25Okapi", "tokens": "lower-cased whitespace", "passages": "ours"}
        elif name in LLAMA:
            described[name] = {
                "splitter": f"SentenceSplitter(chunk_size={LLAMA_CHUNK_SIZE}, chunk_overlap={LLAMA_CHUNK_OVERLAP})",
                "text": "raw file text (not cleaned)",
                "stemmer": LLAMA[name]["stemmer"] or "default (english)",
                "stopwords": LLAMA[name]["language"] or "default (en)",
            }
        else:
            described[name] = ours_settings(name).model_dump()
            if name == "ours-full":
                from app.ranking import RERANK_DEPTH

                described[name]["answer_rerank_depth"] = RERANK_DEPTH
    return described
