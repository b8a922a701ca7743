import numpy as np
import pytest

from synth.embed import CachingEmbedder, EmbeddingCache, HashingEmbedder, make_embedder


def test_hashing_embedder_is_deterministic_and_normalised():
    a = HashingEmbedder().encode(["the delivery slot was full", "checkout kept crashing"])
    b = HashingEmbedder().encode(["the delivery slot was full", "checkout kept crashing"])
    assert np.array_equal(a, b)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0)


def test_hashing_embedder_puts_shared_words_closer():
    v = HashingEmbedder().encode(["delivery slot full", "no delivery slot left", "I love the loyalty points"])
    assert v[0] @ v[1] > v[0] @ v[2]


def test_cache_embeds_only_new_text(tmp_path):
    cache = EmbeddingCache(tmp_path)
    embedder = CachingEmbedder(HashingEmbedder(), cache)
    first = embedder.encode(["one thing", "another thing"])
    assert embedder.misses == 2
    again = CachingEmbedder(HashingEmbedder(), EmbeddingCache(tmp_path))  # a new process: reads the disk
    second = again.encode(["another thing", "one thing", "a third thing"])
    assert again.misses == 1
    assert np.array_equal(second[1], first[0]) and np.array_equal(second[0], first[1])


def test_cache_keys_by_model(tmp_path):
    cache = EmbeddingCache(tmp_path)
    CachingEmbedder(HashingEmbedder(64), cache).encode(["same text"])
    other = CachingEmbedder(HashingEmbedder(128), cache)
    assert other.encode(["same text"]).shape == (1, 128)
    assert other.misses == 1


def test_factory_accepts_hashing_names():
    assert make_embedder("hashing").dim == 256
    assert make_embedder("hashing-32").dim == 32


@pytest.mark.slow
def test_default_model_loads_offline_and_understands_meaning(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = make_embedder()
    v = embedder.encode(["The delivery never arrived on time.", "My groceries came really late.", "I adore sunny beaches."])
    assert v.shape == (3, 384)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


@pytest.mark.slow
def test_static_model_is_distilled_once_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = make_embedder("static", models_dir=tmp_path)
    v = embedder.encode(["The delivery never arrived on time.", "My groceries came really late.", "I adore sunny beaches."])
    assert (tmp_path / "static-all-MiniLM-L6-v2" / "model.safetensors").exists()
    assert v[0] @ v[1] > v[0] @ v[2]
    again = make_embedder("static", models_dir=tmp_path).encode(["The delivery never arrived on time."])
    assert np.allclose(again[0], v[0])
