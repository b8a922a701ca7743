"""Which embedder a `--model` name means: a `catalogue` registry plus local sentence-transformers models.

Registered names (`all-MiniLM-L6-v2`, `static`, `fast`, `hashing`, `hashing-DIM`)
come first. Anything else must be a local sentence-transformers folder or a
model already in the Hugging Face cache on this machine. Nothing is ever
downloaded: an unknown name fails at once, offline, with one line saying what
is accepted (`check_model`), instead of retrying a hub for a minute and a half.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import catalogue

from synth.embed.models import (
    DEFAULT_MODEL,
    HASHING_MODEL,
    STATIC_MODEL,
    Embedder,
    HashingEmbedder,
    SentenceTransformerEmbedder,
    StaticEmbedder,
    default_model_path,
)
from synth.embed.onnx import FAST_MODEL, FastEmbedder
from synth.errors import ConfigError

embedders = catalogue.create("synth", "embedders", entry_points=False)
_HASHING_DIM = re.compile(rf"{HASHING_MODEL}-(\d+)")


@dataclass(frozen=True)
class ModelOptions:
    """What a factory may need besides the name: where distilled/exported models live."""

    models_dir: Path


@embedders.register(DEFAULT_MODEL)
def _default(options: ModelOptions) -> Embedder:
    return SentenceTransformerEmbedder(default_model_path(), model_id=DEFAULT_MODEL)


@embedders.register(STATIC_MODEL)
def _static(options: ModelOptions) -> Embedder:
    return StaticEmbedder(options.models_dir)


@embedders.register(FAST_MODEL)
def _fast(options: ModelOptions) -> Embedder:
    return FastEmbedder(options.models_dir)


@embedders.register(HASHING_MODEL)
def _hashing(options: ModelOptions) -> Embedder:
    return HashingEmbedder()


def registered_names() -> list[str]:
    return sorted(embedders.get_all())


def make_embedder(name: str = DEFAULT_MODEL, *, models_dir: Path | None = None) -> Embedder:
    """The one factory. `models_dir` defaults to the per-user folder (see `synth.config.default_cache_dir`)."""
    if models_dir is None:
        from synth.config import default_models_dir

        models_dir = default_models_dir()
    options = ModelOptions(models_dir=Path(models_dir))
    if name in embedders:
        return embedders.get(name)(options)
    match = _HASHING_DIM.fullmatch(name)
    if match:
        return HashingEmbedder(int(match.group(1)))
    return SentenceTransformerEmbedder(resolve_local_model(name), model_id=name)


def check_model(name: str) -> None:
    """Fail fast (no loading, no network) when `name` cannot mean a model on this machine."""
    if name in embedders or _HASHING_DIM.fullmatch(name):
        return
    resolve_local_model(name)


def resolve_local_model(name: str) -> str:
    """A local folder, or the snapshot of a hub name already in the Hugging Face cache."""
    if Path(name).is_dir():
        return str(Path(name))
    if Path(name).exists() or name.startswith((".", "/", "~")):
        raise ConfigError(f"--model path {name!r} is not a folder", hint="pass a sentence-transformers model folder")
    for repo in _hub_candidates(name):
        snapshot = _cached_snapshot(repo)
        if snapshot:
            return snapshot
    raise ConfigError(
        f"unknown --model {name!r} (it is not on this machine): not one of {', '.join(registered_names())}, not a folder, not in the local model cache",
        hint="synth never downloads models; pass a local sentence-transformers folder, or one of the names listed",
    )


def _hub_candidates(name: str) -> list[str]:
    if name.count("/") > 1 or not re.fullmatch(r"[\w.\-/]+", name):
        return []
    return [name] if "/" in name else [name, f"sentence-transformers/{name}"]


def _cached_snapshot(repo: str) -> str | None:
    """The local snapshot folder of `repo`, looked up without any network call."""
    try:
        from huggingface_hub import snapshot_download

        return snapshot_download(repo, local_files_only=True)
    except (ImportError, OSError, ValueError):  # not cached, invalid id, or no huggingface_hub: "not here"
        return None
