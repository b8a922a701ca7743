import os
import sqlite3
import time

import numpy as np
import pytest

from synth.config import Settings
from synth.embed import (
    CachingEmbedder,
    EmbeddingCache,
    HashingEmbedder,
    check_model,
    make_embedder,
    registered_names,
)
from synth.embed.cache import CHUNK
from synth.errors import ConfigError


class RecordingEmbedder(HashingEmbedder):
    """Hashing vectors, remembering every call it was asked to make."""

    def __init__(self) -> None:
        super().__init__(32)
        self.calls: list[list[str]] = []

    def encode(self, texts):
        self.calls.append(list(texts))
        return super().encode(texts)


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
    assert again.misses == 1 and again.hits == 2
    assert np.array_equal(second[1], first[0]) and np.array_equal(second[0], first[1])


def test_cached_vectors_equal_fresh_ones_in_input_order(tmp_path):
    texts = ["b", "a longer text here", "b", "mid text", "a longer text here"]
    cached = CachingEmbedder(HashingEmbedder(), EmbeddingCache(tmp_path)).encode(texts)
    assert np.array_equal(cached, HashingEmbedder().encode(texts))


def test_cache_keys_by_model(tmp_path):
    cache = EmbeddingCache(tmp_path)
    CachingEmbedder(HashingEmbedder(64), cache).encode(["same text"])
    other = CachingEmbedder(HashingEmbedder(128), cache)
    assert other.encode(["same text"]).shape == (1, 128)
    assert other.misses == 1
    assert len(list(tmp_path.glob("*.sqlite"))) == 2


def test_missing_texts_go_out_once_longest_first_in_whole_batches(tmp_path):
    inner = RecordingEmbedder()
    texts = [f"answer {'x' * (i % 97)} {i}" for i in range(CHUNK + 300)]
    texts += texts[:50]  # repeats are embedded once
    progress: list[int] = []
    CachingEmbedder(inner, EmbeddingCache(tmp_path)).encode(texts, progress=progress.append)
    sent = [t for call in inner.calls for t in call]
    assert sorted(sent) == sorted(set(texts))
    assert [len(t) for t in sent] == sorted((len(t) for t in sent), reverse=True)
    assert [len(call) for call in inner.calls] == [CHUNK, 300]
    assert sum(progress) == len(texts)


def test_cache_appends_instead_of_rewriting(tmp_path):
    cache = EmbeddingCache(tmp_path)
    CachingEmbedder(HashingEmbedder(), cache).encode([f"text {i}" for i in range(100)])
    CachingEmbedder(HashingEmbedder(), cache).encode(["one more"])
    (store,) = tmp_path.glob("*.sqlite")
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT count(*) FROM vectors").fetchone()[0] == 101


def test_cache_keys_are_salted_not_plain_hashes_of_the_text(tmp_path):
    import hashlib

    text = "my name is Sophie Turner and my card was declined"
    CachingEmbedder(HashingEmbedder(), EmbeddingCache(tmp_path)).encode([text])
    (store,) = tmp_path.glob("*.sqlite")
    with sqlite3.connect(store) as db:
        (key,) = db.execute("SELECT key FROM vectors").fetchone()
    model_id = HashingEmbedder().model_id
    for plain in (text, f"{model_id}\0{text}"):
        assert key != hashlib.sha256(plain.encode()).digest()
    assert (tmp_path / "salt").stat().st_mode & 0o077 == 0
    assert text.encode() not in store.read_bytes()
    other_folder = EmbeddingCache(tmp_path / "elsewhere")
    assert other_folder.key(model_id, text) != EmbeddingCache(tmp_path).key(model_id, text)


def test_empty_call_on_a_filled_cache_needs_no_model(tmp_path):
    class Unloadable(HashingEmbedder):
        @property
        def dim(self):
            raise AssertionError("the model was loaded")

        @dim.setter
        def dim(self, value):
            pass

    CachingEmbedder(HashingEmbedder(256), EmbeddingCache(tmp_path)).encode(["seen"])
    embedder = Unloadable(256)
    assert CachingEmbedder(embedder, EmbeddingCache(tmp_path)).encode([]).shape == (0, 256)


def test_factory_accepts_registered_and_hashing_names():
    assert make_embedder("hashing").dim == 256
    assert make_embedder("hashing-32").dim == 32
    assert {"all-MiniLM-L6-v2", "static", "hashing"} <= set(registered_names())


def test_unknown_model_name_fails_fast_offline_with_one_line(tmp_path):
    start = time.perf_counter()
    with pytest.raises(ConfigError) as info:
        Settings(inputs=(tmp_path,), output=tmp_path / "out", model="no-such-model-anywhere")
    assert time.perf_counter() - start < 5
    message = str(info.value)
    assert "no-such-model-anywhere" in message and "\n" not in message
    assert "static" in message and "hashing" in message


def test_model_path_that_is_a_file_is_refused(tmp_path):
    stray = tmp_path / "model.bin"
    stray.write_bytes(b"")
    with pytest.raises(ConfigError, match="not a folder"):
        check_model(str(stray))


def test_cache_and_models_live_in_a_per_user_folder_not_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SYNTH_CACHE_DIR", raising=False)
    settings = Settings(inputs=(tmp_path,), output=tmp_path / "out", model="hashing")
    assert not settings.embedding_cache.is_relative_to(tmp_path)
    assert not settings.model_folder.is_relative_to(tmp_path)
    monkeypatch.setenv("SYNTH_CACHE_DIR", str(tmp_path / "moved"))
    assert settings.embedding_cache == tmp_path / "moved" / "embeddings"
    assert settings.model_folder == tmp_path / "moved" / "models"
    given = Settings(inputs=(tmp_path,), output=tmp_path / "out", model="hashing", cache_dir=tmp_path / "mine")
    assert given.embedding_cache == tmp_path / "mine" / "embeddings"


def test_building_embedders_leaves_the_environment_alone():
    before = dict(os.environ)
    make_embedder("all-MiniLM-L6-v2")
    make_embedder("hashing").encode(["text"])
    assert dict(os.environ) == before


def _hub_settings() -> dict:
    return {k: v for k, v in os.environ.items() if k.startswith(("HF_", "TRANSFORMERS_"))}


@pytest.mark.slow
def test_default_model_loads_offline_without_touching_hub_settings(monkeypatch):
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_PROGRESS_BARS"):
        monkeypatch.delenv(name, raising=False)
    before = _hub_settings()
    embedder = make_embedder()
    v = embedder.encode(["The delivery never arrived on time.", "My groceries came really late.", "I adore sunny beaches."])
    assert v.shape == (3, 384)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2
    assert _hub_settings() == before


@pytest.mark.slow
def test_one_sorted_call_gives_the_vectors_of_small_batches():
    embedder = make_embedder()
    texts = [f"the {'very ' * (i % 9)}late delivery number {i}" for i in range(130)]
    whole = embedder.encode(texts)
    pieces = np.vstack([embedder.encode(texts[i : i + 10]) for i in range(0, len(texts), 10)])
    assert np.allclose(whole, pieces, atol=1e-5)


@pytest.mark.slow
def test_static_model_is_distilled_once_and_reused(tmp_path):
    embedder = make_embedder("static", models_dir=tmp_path)
    v = embedder.encode(["The delivery never arrived on time.", "My groceries came really late.", "I adore sunny beaches."])
    assert (tmp_path / "static-all-MiniLM-L6-v2" / "model.safetensors").exists()
    assert v[0] @ v[1] > v[0] @ v[2]
    again = make_embedder("static", models_dir=tmp_path).encode(["The delivery never arrived on time."])
    assert np.allclose(again[0], v[0])


@pytest.mark.slow
def test_fast_model_is_exported_once_and_agrees_with_minilm(tmp_path):
    texts = ["The delivery never arrived on time.", "My groceries came really late.", "I adore sunny beaches."]
    fast = make_embedder("fast", models_dir=tmp_path)
    v = fast.encode(texts)
    assert (tmp_path / "fast-all-MiniLM-L6-v2-int8" / "model.onnx").exists()
    assert v.shape == (3, 384) and v[0] @ v[1] > v[0] @ v[2] + 0.2
    assert np.all((v * make_embedder().encode(texts)).sum(axis=1) > 0.9)
    again = make_embedder("fast", models_dir=tmp_path).encode(texts[:1])
    assert np.array_equal(again[0], v[0])
    from synth.embed.onnx import FastEmbedder

    for workers in (1, 3):  # texts shared among threads give the very same vectors
        assert np.array_equal(FastEmbedder(tmp_path, workers=workers).encode(texts * 3)[:3], v)


def test_a_fully_cached_call_never_asks_the_model(tmp_path):
    texts = ["the app logged me out", "refund took a week", "the app logged me out"]
    first = CachingEmbedder(HashingEmbedder(), EmbeddingCache(tmp_path)).encode(texts)
    inner = RecordingEmbedder()
    inner.model_id = HashingEmbedder().model_id
    again = CachingEmbedder(inner, EmbeddingCache(tmp_path))
    assert np.array_equal(again.encode(texts), first)
    assert inner.calls == [] and again.misses == 0 and again.hits == 2


class SecondRunMeanwhile(HashingEmbedder):
    """While this run is encoding, another run stores its own vectors in the same cache folder."""

    def __init__(self, folder) -> None:
        super().__init__(32)
        self.folder = folder

    def encode(self, texts):
        CachingEmbedder(HashingEmbedder(32), EmbeddingCache(self.folder)).encode(["what the other run embeds"])
        return super().encode(texts)


def test_two_runs_sharing_a_cache_folder_both_store_their_vectors(tmp_path, monkeypatch):
    """One run's long encode must not hold the cache locked: the other run's write used to fail after
    the lock wait ("database is locked"), and then this run's own write failed too."""
    monkeypatch.setattr("synth.sqlitedb.LOCK_TIMEOUT_S", 2.0)
    CachingEmbedder(HashingEmbedder(32), EmbeddingCache(tmp_path)).encode(["an answer seen before"])
    run = CachingEmbedder(SecondRunMeanwhile(tmp_path), EmbeddingCache(tmp_path))
    run.encode(["an answer seen before", "a new answer"])
    later = CachingEmbedder(RecordingEmbedder(), EmbeddingCache(tmp_path))
    later.encode(["a new answer", "what the other run embeds", "an answer seen before"])
    assert later.misses == 0  # both runs' vectors were kept
