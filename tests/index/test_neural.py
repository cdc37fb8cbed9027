"""The real sentence-transformers code paths, offline, with tiny models built here.

A WordPiece tokenizer is trained on a few Dutch sentences and wrapped around a
randomly initialised one-layer BERT (32 dimensions). From it come a
sentence-transformers bi-encoder and a cross-encoder, saved to local folders;
nothing is downloaded. The tests load them the way a user's configuration would:
by path, through ``index.dense``, ``index.rerank``, ``app.build`` and the CLI.
"""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from app.build import build_index
from app.cli import main
from index.dense import SentenceTransformerEmbedder, load_embedder
from index.rerank import CrossEncoderReranker, rerank
from index.search import Filters, Searcher
from index.settings import EmbedderSettings, SearchSettings
from ingest.chunking import ChunkSettings
from ingest.errors import ConfigurationError

DIM = 32
SENTENCES = [
    "De gemeente Hengelo zet in op ondermijning.",
    "Woninginbraken in Losser zijn gedaald.",
    "Haaksbergen kiest voor jeugd en veiligheid als prioriteit.",
    "Het integraal veiligheidsbeleid loopt van 2024 tot en met 2027.",
    "De burgemeester sluit panden bij drugshandel.",
    "Ondermijnende criminaliteit vraagt om samenwerking met politie en justitie.",
    "De wijkagent is het aanspreekpunt voor inwoners.",
    "Overlast van jongeren in het centrum neemt toe.",
    "De gemeenteraad stelt het veiligheidsplan vast.",
    "Cybercriminaliteit raakt ook ondernemers in Enschede.",
    "Huiselijk geweld blijft een belangrijk thema.",
    "De gezagsdriehoek bepaalt de gezamenlijke prioriteiten.",
    "Buurtpreventie helpt woninginbraken te voorkomen.",
    "Borne investeert in cameratoezicht bij het station.",
    "Verwarde personen krijgen snel passende zorg.",
    "De aanpak van ondermijning is integraal en wijkgericht.",
    "Drugsafval in het buitengebied wordt opgeruimd.",
    "Inwoners voelen zich veilig in hun eigen buurt.",
    "De veiligheidsmonitor meet de beleving van inwoners.",
    "Jeugdcriminaliteit daalt dankzij vroegsignalering.",
    "Het college informeert de raad over de voortgang.",
    "Hengelo en Borne werken samen in de regio Twente.",
    "Fietsendiefstal bij scholen is een hardnekkig probleem.",
    "De Bibob-toets voorkomt misbruik van vergunningen.",
    "Radicalisering wordt vroeg gesignaleerd door professionals.",
    "Het Regionaal Informatie en Expertise Centrum ondersteunt gemeenten.",
    "Losser en Dinkelland delen kennis over ondermijning.",
    "Evenementen vragen om goede afspraken over veiligheid.",
    "De boa's handhaven in de openbare ruimte.",
    "Verkeersveiligheid rond scholen krijgt extra aandacht.",
]


def _bert_config(**extra: Any) -> Any:
    from transformers import BertConfig

    return BertConfig(
        vocab_size=extra.pop("vocab_size"), hidden_size=DIM, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=128, **extra,
    )  # fmt: skip


def _tokenizer() -> Any:
    from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors, trainers
    from tokenizers.models import WordPiece
    from transformers import BertTokenizerFast

    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok = Tokenizer(WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.train_from_iterator(SENTENCES, trainer=trainers.WordPieceTrainer(vocab_size=300, special_tokens=special))
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
    )
    tok.decoder = decoders.WordPiece()
    return BertTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]",
        mask_token="[MASK]", model_max_length=128,
    )  # fmt: skip


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Folders with a tiny bi-encoder (``st``) and cross-encoder (``ce``)."""
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import BertForSequenceClassification, BertModel

    try:
        from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers.models import Pooling, Transformer

    root = tmp_path_factory.mktemp("models")
    tokenizer = _tokenizer()
    assert tokenizer.unk_token_id is not None and len(tokenizer) > 50

    torch.manual_seed(0)
    bert = root / "bert"
    BertModel(_bert_config(vocab_size=len(tokenizer))).save_pretrained(bert)
    tokenizer.save_pretrained(bert)
    transformer = Transformer(str(bert))
    st = root / "st"
    SentenceTransformer(modules=[transformer, Pooling(DIM, "mean")], device="cpu").save(str(st))

    torch.manual_seed(0)
    # wider random weights than BERT's 0.02, so the scores of different passages clearly differ
    cross = BertForSequenceClassification(_bert_config(vocab_size=len(tokenizer), num_labels=1, initializer_range=0.2))
    ce = root / "ce"
    cross.save_pretrained(ce)
    tokenizer.save_pretrained(ce)
    return {"st": st, "ce": ce}


@pytest.fixture(scope="module")
def st_path(models_dir: dict[str, Path]) -> Path:
    return models_dir["st"]


@pytest.fixture(scope="module")
def ce_path(models_dir: dict[str, Path]) -> Path:
    return models_dir["ce"]


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory, corpus_files: dict[str, Path]) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for key in ("001", "003"):
        shutil.copy(corpus_files[key], folder / corpus_files[key].name)
    return folder


@pytest.fixture(scope="module")
def st_index(tmp_path_factory: pytest.TempPathFactory, small_corpus: Path, st_path: Path) -> Path:
    """The small corpus indexed with the tiny sentence-transformers model."""
    folder = tmp_path_factory.mktemp("st-index") / "index"
    build_index(
        [small_corpus],
        folder,
        settings=ChunkSettings(),
        root=small_corpus,
        embedder=EmbedderSettings(model=str(st_path)),
    )
    return folder


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Records every socket connection attempt (and refuses it)."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError(f"network access blocked in tests: {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


# --------------------------------------------------------------------------- embedder


def test_embedder_loads_a_local_model(st_path: Path) -> None:
    embedder = SentenceTransformerEmbedder(str(st_path))
    assert embedder.name == f"st:{st_path}"
    assert embedder.dim == DIM
    assert (embedder.query_prefix, embedder.passage_prefix) == ("", "")
    texts = SENTENCES[:5]
    vectors = embedder.embed_passages(texts)
    assert vectors.dtype == np.float32 and vectors.shape == (5, DIM)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors, embedder.embed_passages(texts))
    assert not np.allclose(vectors[0], vectors[1])  # the model does look at the text
    query = embedder.embed_query(texts[0])
    assert query.dtype == np.float32 and query.shape == (DIM,)
    np.testing.assert_allclose(query, vectors[0], atol=1e-5)  # no prefixes: the same text, the same vector


def test_e5_folder_gets_prefixes(st_path: Path, tmp_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    e5 = tmp_path / "tiny-e5-small"
    shutil.copytree(st_path, e5)
    embedder = SentenceTransformerEmbedder(str(e5))
    assert (embedder.query_prefix, embedder.passage_prefix) == ("query: ", "passage: ")
    text = SENTENCES[0]
    plain = SentenceTransformer(str(e5), device="cpu")
    expected_query = plain.encode([f"query: {text}"], normalize_embeddings=True)[0]
    expected_passage = plain.encode([f"passage: {text}"], normalize_embeddings=True)[0]
    np.testing.assert_allclose(embedder.embed_query(text), expected_query, atol=1e-5)
    np.testing.assert_allclose(embedder.embed_passages([text])[0], expected_passage, atol=1e-5)
    assert not np.allclose(expected_query, expected_passage, atol=1e-4)
    explicit = SentenceTransformerEmbedder(str(e5), query_prefix="vraag: ")
    assert (explicit.query_prefix, explicit.passage_prefix) == ("vraag: ", "")


def test_load_embedder_reloads_by_path(st_path: Path) -> None:
    config = {"name": f"st:{st_path}", "dim": DIM, "query_prefix": "q: ", "passage_prefix": "p: "}
    embedder = load_embedder(st_path, config)
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert (embedder.name, embedder.dim) == (config["name"], DIM)
    assert (embedder.query_prefix, embedder.passage_prefix) == ("q: ", "p: ")


def test_missing_model_is_a_configuration_error(tmp_path: Path, connects: list[object]) -> None:
    missing = tmp_path / "geen-model"
    with pytest.raises(ConfigurationError) as info:
        SentenceTransformerEmbedder(str(missing))
    message = str(info.value)
    assert f"cannot load embedding model '{missing}' offline" in message
    assert "local folder" in message
    assert "\n" not in message and "Traceback" not in message
    with pytest.raises(ConfigurationError, match="cannot load reranker"):
        CrossEncoderReranker(str(missing))
    assert connects == []  # no download was attempted


def test_cli_missing_embedder_gives_a_message(small_corpus: Path, tmp_path: Path) -> None:
    missing = tmp_path / "geen-model"
    result = CliRunner().invoke(
        main, ["ingest", str(small_corpus), "--index", str(tmp_path / "index"), "--quiet", "--embedder", str(missing)]
    )
    assert result.exit_code == 2, result.output
    assert "cannot load embedding model" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "index" / "manifest.json").exists()


# --------------------------------------------------------------------------- index and search


def test_index_records_the_embedder(st_index: Path, st_path: Path) -> None:
    manifest = json.loads((st_index / "manifest.json").read_text(encoding="utf-8"))
    config = manifest["search"]["embedder"]
    assert config["name"] == f"st:{st_path}" and config["dim"] == DIM
    searcher = Searcher(st_index)
    assert isinstance(searcher.embedder, SentenceTransformerEmbedder)
    assert searcher.embedder.name == f"st:{st_path}"
    assert searcher.vectors.dim == DIM
    assert len(searcher.gemeenten) >= 2  # so the gemeente filter below has something to exclude


def test_search_with_a_local_embedder_filters_by_gemeente(st_index: Path) -> None:
    searcher = Searcher(st_index)
    assert "Haaksbergen" in searcher.gemeenten
    assert any("Haaksbergen" not in c.municipalities for c in searcher.chunks)
    result = searcher.search("Welke prioriteiten heeft Haaksbergen?", top_k=5)
    assert result.info.gemeenten == ("Haaksbergen",)
    assert result.hits
    assert [h.rank for h in result.hits] == list(range(1, len(result.hits) + 1))
    assert all("Haaksbergen" in h.chunk.municipalities for h in result.hits)
    other = next(g for g in searcher.gemeenten if g != "Haaksbergen")
    filtered = searcher.search("prioriteiten veiligheid", top_k=5, filters=Filters(gemeenten=(other,)))
    assert filtered.hits and all(other in h.chunk.municipalities for h in filtered.hits)


def test_search_with_a_cross_encoder(st_index: Path, ce_path: Path) -> None:
    from sentence_transformers import CrossEncoder

    searcher = Searcher(st_index, SearchSettings(reranker=str(ce_path)))
    assert searcher.reranker is not None
    assert searcher.reranker.name == f"cross-encoder:{ce_path}"
    query = "ondermijning"
    result = searcher.search(query, top_k=5)
    assert result.hits
    assert [h.rank for h in result.hits] == list(range(1, len(result.hits) + 1))
    # the top passages carry the cross-encoder's own scores, best first
    expected = CrossEncoder(str(ce_path), device="cpu").predict([(query, h.chunk.text) for h in result.hits])
    np.testing.assert_allclose([h.score for h in result.hits], expected, rtol=1e-4, atol=1e-5)
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)


def test_rerank_orders_by_the_cross_encoder(ce_path: Path) -> None:
    from sentence_transformers import CrossEncoder

    query = "Hoe pakt de gemeente ondermijning aan?"
    model = CrossEncoder(str(ce_path), device="cpu")
    scored = [float(s) for s in model.predict([(query, t) for t in SENTENCES])]
    # passages whose scores differ, so the order is well defined (the random model may tie a few)
    distinct = list({round(s, 4): i for i, s in enumerate(scored)}.values())[:8]
    assert len(distinct) == 8
    texts = [SENTENCES[i] for i in distinct]
    reranker = CrossEncoderReranker(str(ce_path))
    assert reranker.name.startswith("cross-encoder:")
    direct = [scored[i] for i in distinct]
    np.testing.assert_allclose(reranker.scores(query, texts), direct, rtol=1e-4, atol=1e-6)
    assert reranker.scores(query, []) == []

    depth = 5
    head = sorted(range(depth), key=lambda i: direct[i])  # worst first: reranking must change the order
    ranked = [(i, 1.0 - 0.1 * r) for r, i in enumerate(head)] + [(6, 0.2), (5, 0.1), (7, 0.05)]
    reordered = rerank(reranker, query, ranked, texts, depth)
    assert [i for i, _ in reordered[:depth]] == sorted(range(depth), key=lambda i: -direct[i])
    np.testing.assert_allclose([s for _, s in reordered[:depth]], sorted(direct[:depth], reverse=True), rtol=1e-4)
    assert reordered[depth:] == [(6, 0.2), (5, 0.1), (7, 0.05)]  # beyond the depth nothing moves


# --------------------------------------------------------------------------- CLI


def test_cli_ingest_and_search_with_local_models(
    small_corpus: Path, st_path: Path, ce_path: Path, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    runner = CliRunner()
    ingested = runner.invoke(
        main, ["ingest", str(small_corpus), "--index", str(index), "--quiet", "--embedder", str(st_path)]
    )
    assert ingested.exit_code == 0, ingested.output
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["search"]["embedder"]["name"] == f"st:{st_path}"

    found = runner.invoke(main, ["search", "ondermijning", "--index", str(index), "--json", "--reranker", str(ce_path)])
    assert found.exit_code == 0, found.output
    payload = json.loads(found.stdout)  # stderr may hold model-loading progress bars
    assert payload["query"] == "ondermijning"
    assert payload["hits"]
    assert [h["rank"] for h in payload["hits"]] == list(range(1, len(payload["hits"]) + 1))
    assert all(h["text"] for h in payload["hits"])
