"""The on-disk embedding cache: one sqlite file per model, appended to, keyed by a salted hash.

sqlite (in the standard library) is the store because it appends rows in place,
survives a crash mid-run with every committed chunk kept, and lets two runs
share a cache folder under its own locking; the previous `.npy` shard was
rewritten whole on every miss.

Keys are HMAC-SHA256 of (model id, text) under a random salt made once per
cache folder (`salt`, mode 0600). Without the salt a key is a plain hash of a
participant's words, so anyone holding a guess could confirm it from the cache.

Embedding work is done here at the floor: look every text up first, then send
the missing ones, de-duplicated and sorted longest first, to the embedder in
chunks of whole batches. sentence-transformers sorts each call's texts by
length the same way, so the chunks pad exactly as one call over all the texts
would, while still giving progress and storing each chunk as it is done.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path

import numpy as np

from synth.embed.models import Embedder
from synth.sqlitedb import connect

log = logging.getLogger(__name__)

CHUNK = 64 * 32  # texts per encode call: whole batches of 64, large enough to cost nothing extra
SALT_FILE = "salt"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


class EmbeddingCache:
    """Vectors on disk, one sqlite file per model id in `folder`.

    `encode(embedder, texts, progress)` returns vectors for every text and
    embeds only the texts it has not seen; `misses` counts what the last call
    had to embed (distinct texts).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.misses = 0
        self._salt: bytes | None = None

    def key(self, model_id: str, text: str) -> bytes:
        return hmac.new(self._read_salt(), f"{model_id}\0{text}".encode(), hashlib.sha256).digest()

    def encode(self, embedder: Embedder, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        if not texts:
            self.misses = 0
            return np.zeros((0, self.stored_dim(embedder.model_id) or embedder.dim), dtype=np.float32)
        keys = {text: self.key(embedder.model_id, text) for text in dict.fromkeys(texts)}
        with closing(self._connect(embedder.model_id)) as db:
            found = _lookup(db, list(keys.values()))
            db.commit()  # end the read before minutes of encoding: other runs write meanwhile (synth.sqlitedb)
            missing = sorted((t for t, k in keys.items() if k not in found), key=lambda t: (-len(t), t))
            self.misses = len(missing)
            counts = Counter(texts)
            _advance(progress, len(texts) - sum(counts[t] for t in missing))
            for start in range(0, len(missing), CHUNK):
                chunk = missing[start : start + CHUNK]
                vectors = embedder.encode(chunk)
                _store(db, [keys[t] for t in chunk], vectors)
                found.update((keys[t], v) for t, v in zip(chunk, vectors))
                _advance(progress, sum(counts[t] for t in chunk))
        return np.stack([found[keys[t]] for t in texts]).astype(np.float32, copy=False)

    def stored_dim(self, model_id: str) -> int | None:
        """The vector size recorded for `model_id`, so an empty call need not load the model."""
        path = self._path(model_id)
        if not path.exists():
            return None
        with closing(self._connect(model_id)) as db:
            row = db.execute("SELECT value FROM meta WHERE name = 'dim'").fetchone()
        return int(row[0]) if row else None

    def _path(self, model_id: str) -> Path:
        slug = hashlib.sha256(model_id.encode()).hexdigest()[:16]
        return self.folder / f"{slug}.sqlite"

    def _connect(self, model_id: str) -> sqlite3.Connection:
        db = connect(self._path(model_id), _SCHEMA)
        db.execute("INSERT OR IGNORE INTO meta VALUES ('model_id', ?)", (model_id,))
        db.commit()
        return db

    def _read_salt(self) -> bytes:
        if self._salt is None:
            self._salt = read_or_make_salt(self.folder / SALT_FILE)
        return self._salt


def read_or_make_salt(path: Path) -> bytes:
    """32 random bytes made once (exclusive create, so two runs cannot make two salts)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        salt = path.read_bytes()
        if len(salt) == 32:
            return salt
        log.warning("embedding cache salt %s is damaged; the cache in that folder starts afresh", path)
        path.unlink()
        return read_or_make_salt(path)
    with os.fdopen(fd, "wb") as handle:
        handle.write(os.urandom(32))
    return path.read_bytes()


def _lookup(db: sqlite3.Connection, keys: list[bytes]) -> dict[bytes, np.ndarray]:
    """Stored vectors for `keys`, joined through a temporary table (one query, any number of keys)."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (key BLOB PRIMARY KEY) WITHOUT ROWID")
    db.execute("DELETE FROM wanted")
    db.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", ((k,) for k in keys))
    rows = db.execute("SELECT v.key, v.vector FROM wanted w JOIN vectors v ON v.key = w.key").fetchall()
    return {key: np.frombuffer(blob, dtype=np.float32) for key, blob in rows}


def _store(db: sqlite3.Connection, keys: list[bytes], vectors: np.ndarray) -> None:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    with db:
        db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", zip(keys, (v.tobytes() for v in vectors)))
        db.execute("INSERT OR REPLACE INTO meta VALUES ('dim', ?)", (str(vectors.shape[1]),))


def _advance(progress: Callable[[int], None] | None, n: int) -> None:
    if progress and n:
        progress(n)


class CachingEmbedder:
    """An Embedder that reads and fills an `EmbeddingCache`; counts hits and misses.

    Everything the run embeds (units, codebook examples, questions) goes through
    it, so a second run over the same inputs embeds nothing and loads no model.
    """

    def __init__(self, embedder: Embedder, cache: EmbeddingCache) -> None:
        self.inner = embedder
        self.cache = cache
        self.model_id = embedder.model_id
        self.hits = 0
        self.misses = 0

    @property
    def dim(self) -> int:
        return self.cache.stored_dim(self.model_id) or self.inner.dim

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        vectors = self.cache.encode(self.inner, texts, progress)
        self.misses += self.cache.misses
        self.hits += len(set(texts)) - self.cache.misses
        return vectors
