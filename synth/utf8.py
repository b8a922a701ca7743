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
and the peak is that buffer plus one batch; `utf8_batches` gives the batches to a
file instead (`synth.atomic.write_chunks`), so the page is never held at all.

`json_bytes` hands the document to orjson (C, indent 2) when orjson writes it exactly as
`json.dumps` would: every float prints the same in both when it is 0 or its size is in
[1e-4, 1e16) (Python's `repr` switches to exponents outside it, orjson at other points;
checked on 300,000 random floats); keys are strings, integers fit 64 bits, strings hold no
lone surrogate (which no path can write as UTF-8). Anything else goes through the stdlib encoder. Measured on map.json at
20,000 answers (50 MB): stdlib 6.5 s, orjson 0.24 s plus 0.25 s for the check, same bytes.
"""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any

import orjson

BATCH = 8192  # pieces joined and encoded at a time (not tuned: any size gives the same bytes)


def join_utf8(pieces: Iterable[str]) -> bytes:
    """`"".join(pieces).encode("utf-8")`, without the joined string or the list of pieces."""
    return join_bytes(utf8_batches(pieces))


def utf8_batches(pieces: Iterable[str]) -> Iterator[bytes]:
    """`pieces` joined and encoded BATCH at a time: what `synth.atomic.write_chunks` writes to a file."""
    batch: list[str] = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) >= BATCH:
            yield "".join(batch).encode("utf-8")
            batch.clear()
    yield "".join(batch).encode("utf-8")


def json_bytes(obj: Any, *, newline: bool = True) -> bytes:
    """`(json.dumps(obj, ensure_ascii=False, indent=2) + "\\n").encode("utf-8")`: map.json's bytes
    (without the final line break when `newline` is False: one entry of a larger document)."""
    if _orjson_writes_it_alike(obj):
        try:
            return orjson.dumps(obj, option=orjson.OPT_INDENT_2 | (orjson.OPT_APPEND_NEWLINE if newline else 0))
        except TypeError:  # a lone surrogate: the stdlib path then raises as it always did
            pass
    return join_utf8(chain(json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(obj), ("\n",) if newline else ()))


def nested_json(obj: Any, depth: int) -> bytes:
    """`obj`'s `json_bytes` as it appears `depth` levels deep in an indented document: every line
    after the first moved right by 2 * `depth` spaces (JSON text holds no raw line break inside a
    string, so each one is a line of the layout)."""
    return json_bytes(obj, newline=False).replace(b"\n", b"\n" + b"  " * depth)


def join_bytes(chunks: Iterable[bytes]) -> bytes:
    """`b"".join(chunks)` into one growing buffer, without the list of chunks beside the result."""
    out = io.BytesIO()
    for chunk in chunks:
        out.write(chunk)
    return out.getvalue()


def _orjson_writes_it_alike(obj: Any) -> bool:
    """True when orjson's bytes for `obj` are `json.dumps`'s (see the module docstring)."""
    stack = [obj]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is dict:
            if not all(type(key) is str for key in value):
                return False
            stack.extend(value.values())
        elif kind is list or kind is tuple:
            stack.extend(value)
        elif kind is float:
            if not (value == 0.0 or 1e-4 <= abs(value) < 1e16):
                return False
        elif kind is int:
            if not -(2**63) <= value < 2**64:
                return False
        elif not (kind is str or kind is bool or value is None):
            return False
    return True


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


@dataclass(frozen=True)
class Deflated:
    """Bytes held zlib-compressed (level 1): a large text written out several times (the draft map:
    map.draft.json, map.json, the stage cache, the fingerprint of what the exports render from).
    At 100,000 answers the draft's 250 MB of JSON are ~45 MB deflated; each reader inflates it a
    chunk at a time, about 0.3 s a pass."""

    blob: bytes

    @classmethod
    def of(cls, chunks: Iterable[bytes]) -> "Deflated":
        return cls(join_bytes(_deflate(chunks)))

    def chunks(self, size: int = 1 << 20) -> Iterator[bytes]:
        """The bytes, inflated from `size` bytes of the blob at a time."""
        inflater, view = zlib.decompressobj(), memoryview(self.blob)
        for start in range(0, len(view), size):
            yield inflater.decompress(view[start : start + size])
        yield inflater.flush()

    def inflated(self) -> bytes:
        return join_bytes(self.chunks())


def _deflate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    compressor = zlib.compressobj(1)
    for chunk in chunks:
        yield compressor.compress(chunk)
    yield compressor.flush()
