"""Per-stage results kept between runs, so a re-run only redoes the stages whose inputs changed.

Each cached stage (segment, tag, cluster, synthesize; embeddings have their own
cache, `synth.embed.cache`) gets a key made from everything it reads, chained:
a stage's key includes the key of the stage before it, so a changed source
invalidates segmentation and everything after it, a changed codebook
invalidates tagging and everything after it, and a review decision that only
changes the previous draft invalidates clustering onwards (and nothing, when
it changes neither the training examples nor the warm start). Every key also
holds `code_fingerprint()`: the bytes of synth's own source files and the
versions of the libraries and spaCy pipelines that shape results, so an upgrade
or an edited checkout recomputes everything.

Storage is one sqlite file (`<cache>/stages/stages.sqlite`, the standard
library's sqlite3, as the embedding cache uses). On disk a key is
HMAC-SHA256 under the cache folder's random salt, never a plain hash of
participant words. Values are pickles of redacted records only: the pipeline
blanks each unit's verbatim `text` and `clean_text` before storing and rebuilds
them from the freshly read source lines (`Unit.spans` locate them exactly);
a run with `--no-redact` stores nothing (its quotes are unredacted). Pickle is read only
from the user's own cache folder; anything unreadable (corrupt file, other
format, a class that changed) is logged without participant text and the stage
is recomputed: a cache never stops a run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import io
import json
import logging
import os
import pickle
import sqlite3
import sys
import zlib
from collections.abc import Mapping
from contextlib import closing
from functools import lru_cache
from pathlib import Path
from typing import Any

from synth import __version__
from synth.sqlitedb import connect, is_contention, remove

log = logging.getLogger(__name__)

FORMAT = b"synth-stage/1\n"  # a different header is not read (recomputed)
DB_NAME = "stages.sqlite"
SALT_NAME = "salt"
# libraries whose versions change what a stage computes
LIBRARIES = (
    "spacy",
    "en_core_web_sm",
    "en_core_web_md",
    "en_core_web_lg",
    "spacy-lookups-data",
    "scikit-learn",
    "numpy",
    "scipy",
    "sentence-transformers",
    "ftfy",
    "langdetect",
    "lingua-language-detector",
)
_SCHEMA = ("CREATE TABLE IF NOT EXISTS results (key BLOB PRIMARY KEY, stage TEXT NOT NULL, value BLOB NOT NULL) WITHOUT ROWID",)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 of synth's package files (code, resources, templates) and the versions in LIBRARIES (a few ms)."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(repr(installed_versions()).encode())
    return digest.hexdigest()


def installed_versions() -> list[str]:
    """ "name-version" of the installed LIBRARIES, from the `*.dist-info` folder names on sys.path:
    one directory listing per path entry, where `importlib.metadata.version` took 0.2 s for three."""
    wanted = {_normal(n) for n in LIBRARIES}
    found = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and _normal(name[: -len(".dist-info")].rpartition("-")[0]) in wanted:
                found.add(name[: -len(".dist-info")])
    return sorted(found)


def _normal(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def fingerprint(*parts: Any) -> str:
    """A stable sha256 of records, settings and arrays (sets sorted, so equal inputs give equal keys
    in every process; `pickle` and `repr` of a set depend on the process's hash seed)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(json.dumps(_canon(part), sort_keys=True, ensure_ascii=False, default=repr).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


def _canon(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"@": type(value).__name__, **{f.name: _canon(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, Mapping):
        return [[_canon(k), _canon(v)] for k, v in sorted(value.items(), key=lambda kv: repr(kv[0]))]
    if isinstance(value, (set, frozenset)):
        return sorted((_canon(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [_canon(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "tobytes") and hasattr(value, "dtype"):  # numpy arrays
        return f"{value.dtype}{getattr(value, 'shape', '')}:{hashlib.sha256(value.tobytes()).hexdigest()}"
    return repr(value)


def records_fingerprint(records: Any) -> str:
    """sha256 of a large record graph (the ingested sources) through `pickle`: 10x faster than
    `fingerprint`'s canonical JSON on the demo. Only for records without sets (pickle writes a
    set in hash-seed order); pickle's memo layout may differ for equal content, which costs a
    cache miss, never a wrong hit, because the bytes still spell out all of the content."""
    return hashlib.sha256(pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


def file_fingerprint(path: Path | None) -> str:
    """A file's bytes (codebook, training set, coded sample) as part of a key; "" for none."""
    if path is None or not Path(path).is_file():
        return "" if path is None else f"named:{path}"
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


CHUNK = 1 << 20  # bytes (de)compressed at a time


def _deflated(value: Any) -> bytes:
    """FORMAT + zlib(level 1) of the value's pickle, compressed while pickling: the pickle (at
    100,000 answers the 259 MB draft map) is never held whole beside the value."""
    compressor = zlib.compressobj(1)
    parts = [FORMAT]

    class Sink:
        def write(self, data: Any) -> int:
            parts.append(compressor.compress(data))
            return len(data)

    pickle.Pickler(Sink(), protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    parts.append(compressor.flush())
    return b"".join(parts)


class _Inflating(io.RawIOBase):
    """A read-only stream of the decompressed bytes, for `pickle.load`: the pickle is never held whole."""

    def __init__(self, data: memoryview) -> None:
        self._data, self._inflater, self._pending = data, zlib.decompressobj(), memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            if self._inflater.unconsumed_tail:
                self._pending = memoryview(self._inflater.decompress(self._inflater.unconsumed_tail, CHUNK))
            elif self._data:
                self._pending = memoryview(self._inflater.decompress(self._data[:CHUNK], CHUNK))
                self._data = self._data[CHUNK:]
            elif self._inflater.eof or not (rest := self._inflater.flush()):
                if not self._inflater.eof:
                    raise zlib.error("truncated stage cache entry")
                return 0
            else:
                self._pending = memoryview(rest)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


class StageCache:
    """Stage results by key in one sqlite file; `get` and `put` never raise."""

    def __init__(self, folder: Path, *, store: bool = True) -> None:
        self.folder = Path(folder)
        self.store = store  # False with --no-redact: unredacted quotes are never written to the cache
        self._salt: bytes | None = None
        self.hits: list[str] = []  # stage names answered from the cache, for run.json

    def key(self, stage: str, *parts: Any) -> str:
        """The HMAC key (hex) of a stage's inputs: also what the next stage chains on."""
        message = f"{stage}\0{code_fingerprint()}\0{fingerprint(*parts)}".encode()
        return hmac.new(self._read_salt(), message, hashlib.sha256).hexdigest()

    def get(self, stage: str, key: str) -> Any | None:
        """The stored value, or None when absent or unreadable (the stage then recomputes)."""
        path = self.folder / DB_NAME
        if not path.exists():
            return None
        try:
            with closing(self._connect()) as db:
                row = db.execute("SELECT value FROM results WHERE key = ?", (bytes.fromhex(key),)).fetchone()
            if row is None:
                return None
            blob = row[0]
            if not blob.startswith(FORMAT):
                raise ValueError("unknown format")
            value = pickle.load(io.BufferedReader(_Inflating(memoryview(blob)[len(FORMAT) :]), CHUNK))
        except Exception as exc:  # any damage: recompute, never crash (no value is logged)
            log.warning("the %s stage cache in %s is unreadable (%s); recomputing", stage, self.folder, type(exc).__name__)
            return None
        self.hits.append(stage)
        return value

    def put(self, stage: str, key: str, value: Any, *, retry: bool = True) -> None:
        """Store a value (redacted records only); a full disk or a locked file only costs the next run time."""
        if not self.store:
            return
        try:
            blob = _deflated(value)
            with closing(self._connect()) as db, db:
                db.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?)", (bytes.fromhex(key), stage, blob))
        except sqlite3.DatabaseError as exc:  # not a database any more: start the file afresh, once
            if is_contention(exc):  # another run holds the lock: this result is only stored next time
                log.warning("the stage cache in %s is busy (another run); the %s result is not stored", self.folder, stage)
                return
            log.warning("the stage cache in %s is damaged (%s); starting it afresh", self.folder, type(exc).__name__)
            if retry:
                remove(self.folder / DB_NAME)
                self.put(stage, key, value, retry=False)
        except Exception as exc:
            log.warning("could not store the %s stage result in %s (%s)", stage, self.folder, type(exc).__name__)

    def _connect(self) -> sqlite3.Connection:
        return connect(self.folder / DB_NAME, _SCHEMA)

    def _read_salt(self) -> bytes:
        if self._salt is None:
            from synth.embed.cache import read_or_make_salt

            self._salt = read_or_make_salt(self.folder / SALT_NAME)
        return self._salt
