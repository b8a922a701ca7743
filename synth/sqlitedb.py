"""Opening the caches' sqlite files so that several synth runs can share one cache folder.

Both caches (embeddings, stage results) live in the per-user cache folder by default, so two
runs at once (two terminals, a notebook beside a CLI run, parallel CI jobs) use the same files.
Measured with the old settings (rollback journal, a read transaction left open through the whole
embedding of a study): a second run writing to the same file failed with "database is locked"
after the 60 s wait, and the stage cache took that error for damage and deleted its file.

So every connection here:
- uses write-ahead logging (`journal_mode=WAL`): readers never block the writer and the writer
  never blocks readers; writers queue for the lock;
- waits up to `LOCK_TIMEOUT_S` for the write lock (sqlite's own busy handler);
- is used by callers in short transactions: read, commit, work, then write in one transaction.
WAL needs a local file system; where it cannot be set sqlite keeps its rollback journal and the
same code still works, only with less concurrency.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

LOCK_TIMEOUT_S = 120.0


def connect(path: Path, schema: Iterable[str] = ()) -> sqlite3.Connection:
    """A connection to `path` (made if absent) in WAL mode with the busy timeout, `schema` applied."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=LOCK_TIMEOUT_S)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        for statement in schema:
            db.execute(statement)
        db.commit()
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def remove(path: Path) -> None:
    """Delete a database with its write-ahead log and shared-memory index: a log left beside a new
    file of the same name would be replayed into it."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def is_contention(exc: BaseException) -> bool:
    """True for a lock held too long by another run (retry later), False for a damaged file."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    message = str(exc).lower()
    return "locked" in message or "busy" in message
