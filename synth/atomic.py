"""Atomic file writes: a reader never sees half a file, a crash never leaves one.

A file whose bytes would not change is left as it is (not rewritten, its
modification time kept): re-runs and review decisions rewrite only the outputs
that changed, so file watchers, sync tools and `make` see only real changes.
"""

from __future__ import annotations

import filecmp
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO


def same_bytes(path: Path, data: bytes) -> bool:
    """True when `path` already holds exactly `data` (size first, so a changed file costs one stat)."""
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def write_bytes(path: Path, data: bytes) -> bool:
    """Write `data` atomically; False (and nothing written) when the file already holds it."""
    path = Path(path)
    if same_bytes(path, data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def write_chunks(path: Path, chunks: Iterable[bytes]) -> bool:
    """Write the concatenated `chunks` atomically, a chunk at a time (a large export is never held
    whole); False (and the file left as it was) when it already held those bytes."""
    return write_stream(path, lambda handle: handle.writelines(chunks))


def write_stream(path: Path, fill: Callable[[BinaryIO], Any]) -> bool:
    """`fill` writes the file into an open (seekable) temporary file, then it replaces `path`
    atomically; False (and `path` left as it was) when it already held those bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w+b") as handle:
            fill(handle)
        if path.is_file() and filecmp.cmp(tmp, path, shallow=False):
            Path(tmp).unlink()
            return False
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def write_text(path: Path, text: str) -> bool:
    return write_bytes(path, text.encode("utf-8"))
