"""The lexical leg: bm25s over the Dutch analyzer's terms.

bm25s is given our own terms (so its English defaults never apply) and the
analyzer's vocabulary is saved beside it, so a reloaded index analyses
queries exactly as it analysed passages.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import numpy as np

from index.acronyms import learn_acronyms
from index.analyzer import ANALYZER_VERSION, DutchAnalyzer, corpus_vocabulary, load_lexicon

LEXICAL_DIR = "lexical"
ANALYZER_FILE = "analyzer.json"


def _bm25s() -> ModuleType:
    """bm25s, imported when first needed; it sets its own logger to DEBUG on import, which would print
    its progress messages through the CLI's log handler, so that logger is put back to warnings."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


class LexicalIndex:
    """BM25 scores for weighted query terms, over all passages at once."""

    def __init__(
        self, retriever: object, analyzer: DutchAnalyzer, size: int, acronyms: dict[str, tuple[str, ...]]
    ) -> None:
        self._retriever = retriever
        self.analyzer = analyzer
        self.size = size
        self.acronyms = acronyms  # the ones the corpus defines, learned at build time

    @classmethod
    def build(cls, texts: Sequence[str], *, k1: float = 1.2, b: float = 0.75) -> LexicalIndex:
        bm25s = _bm25s()
        learned = learn_acronyms(texts)
        analyzer = DutchAnalyzer(corpus_vocabulary(texts), load_lexicon().with_acronyms(learned))
        corpus_terms = [analyzer.terms(t) or ["\u2205"] for t in texts]
        retriever = bm25s.BM25(k1=k1, b=b)
        retriever.index(corpus_terms, show_progress=False)
        return cls(retriever, analyzer, len(texts), learned)

    def save(self, folder: Path) -> None:
        self._retriever.save(str(folder / LEXICAL_DIR), show_progress=False)  # type: ignore[attr-defined]
        state = {
            "version": ANALYZER_VERSION,
            "vocabulary": self.analyzer.vocabulary,
            "size": self.size,
            "acronyms": self.acronyms,
        }
        (folder / ANALYZER_FILE).write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        bm25s = _bm25s()
        state = json.loads((folder / ANALYZER_FILE).read_text(encoding="utf-8"))
        retriever = bm25s.BM25.load(str(folder / LEXICAL_DIR))
        acronyms = {k: tuple(v) for k, v in (state.get("acronyms") or {}).items()}
        analyzer = DutchAnalyzer(state["vocabulary"], load_lexicon().with_acronyms(acronyms))
        return cls(retriever, analyzer, int(state["size"]), acronyms)

    def idf(self, term: str) -> float:
        """Inverse document frequency of an analyzed term (0 for terms not in the index)."""
        token = self._retriever.vocab_dict.get(term)  # type: ignore[attr-defined]
        if token is None:
            return 0.0
        indptr = self._retriever.scores["indptr"]  # type: ignore[attr-defined]
        df = int(indptr[token + 1] - indptr[token])
        return float(np.log(1 + (self.size - df + 0.5) / (df + 0.5)))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for the query (expansions weighted lower)."""
        total = np.zeros(self.size, dtype=np.float32)
        vocab = self._retriever.vocab_dict  # type: ignore[attr-defined]
        for term, weight in self.analyzer.query_terms(query).items():
            if term in vocab:
                total += weight * self._retriever.get_scores([vocab[term]])  # type: ignore[attr-defined]
        return total
