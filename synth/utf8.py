"""Large output text (map.json, report.html) as UTF-8 bytes, made without holding it twice.

`json.dumps(obj, ensure_ascii=False, indent=2)` runs the pure-Python encoder (the
C one has no indent) and joins every token at the end; Jinja's `render` does the
same with its template's pieces. At 100,000 answers those lists of small strings
cost more memory than the text itself (map.json at 20,000 answers: 360 MiB of
tokens on top of a 104 MiB result, by tracemalloc), and the joined `str` takes 2
bytes a character as soon as one character is outside Latin-1 (curly quotes,
arrows), twice its UTF-8 size, before `.encode()` copies it once more.
`join_utf8` encodes the same pieces a batch at a time into one bytes buffer, so
the result is byte-for-byte `"".join(pieces).encode("utf-8")` (`tests/test_utf8.py`)
and the peak is that buffer plus one batch.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

BATCH = 8192  # pieces joined and encoded at a time (not tuned: any size gives the same bytes)


def join_utf8(pieces: Iterable[str]) -> bytes:
    """`"".join(pieces).encode("utf-8")`, without the joined string or the list of pieces."""
    out = io.BytesIO()
    batch: list[str] = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) >= BATCH:
            out.write("".join(batch).encode("utf-8"))
            batch.clear()
    out.write("".join(batch).encode("utf-8"))
    return out.getvalue()


def json_bytes(obj: Any) -> bytes:
    """`(json.dumps(obj, ensure_ascii=False, indent=2) + "\\n").encode("utf-8")`: map.json's bytes."""
    return join_utf8(chain(json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(obj), ("\n",)))


def with_header_pieces(header: str, pieces: Iterable[str], insert: Any) -> Iterator[str]:
    """`pieces` with `insert(header, text)` applied to their start: the pieces are gathered until
    a line break (or their end) first, so `insert` sees the whole first line, as on the full text."""
    stream = iter(pieces)
    start: list[str] = []
    for piece in stream:
        start.append(piece)
        if "\n" in piece:
            break
    yield insert(header, "".join(start))
    yield from stream
