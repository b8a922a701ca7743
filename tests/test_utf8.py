"""Streamed output bytes are exactly what the joined text gave before (issue 17)."""

import json

from synth.export.outputs import HTML_HEADER, with_header
from synth.utf8 import BATCH, join_utf8, json_bytes, with_header_pieces


def _expected(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def test_streamed_map_text_is_byte_identical_to_json_dumps():
    units = [
        {
            "id": f"u{i}",
            "quote": f'I’d pay → {i} “quoted” \\ "x"\n\ttab \u0007 café 🚀',
            "score": i / 7,
            "kinds": [] if i % 3 else [{"id": "pain", "score": 0.5}],
            "extra": {} if i % 2 else None,
            "ok": i % 2 == 0,
        }
        for i in range(BATCH)  # many batches of tokens
    ]
    doc = {"schema": "synth-map/1", "units": units, "empty": [], "nested": {"a": [1, 2.5, -0.0, 1e16, float("inf")]}}
    assert json_bytes(doc) == _expected(doc)


def test_small_and_empty_documents_match_too():
    for doc in ({}, [], {"a": {}}, "text", 3):
        assert json_bytes(doc) == _expected(doc)


def test_documents_orjson_writes_give_the_same_bytes_as_json_dumps():
    """The fast path (orjson) and the fallback (stdlib) for floats at and beyond where their forms differ,
    strings with every kind of escape, big integers and non-string keys."""
    text = 'I’d “x” \\ "y"\n\t\b\f\r \u0000 \u0007 \u001f \u007f \u2028 \ufeff café 🚀'
    floats = [0.0, -0.0, 1e-4, -1e-4, 0.00011, 9.999e15, 1e16, 1e-5, 5e-324, 1e300, 1 / 3, 123.0, float("nan")]
    for value in [*floats, 2**63 - 1, -(2**63), 2**64, text, True, None]:
        doc = {"schema": "synth-map/1", "units": [{"id": "u1", "value": value, "kinds": [], "extra": {}}]}
        assert json_bytes(doc) == _expected(doc), value
    assert json_bytes({1: "a"}) == _expected({1: "a"})
    assert json_bytes({"t": (1, 2.5)}) == _expected({"t": (1, 2.5)})


def test_a_header_goes_where_with_header_puts_it_however_the_text_is_cut():
    texts = ["<!DOCTYPE html>\n<html>é</html>\n", "<!doctype html>", "<p>no doctype</p>\n", "", "\n<!doctype x>\n"]
    for text in texts:
        for size in (1, 2, 5, 1000):
            pieces = [text[i : i + size] for i in range(0, len(text), size)]
            got = join_utf8(with_header_pieces(HTML_HEADER, pieces, with_header))
            assert got == with_header(HTML_HEADER, text).encode("utf-8"), (text, size)


def test_deflated_text_gives_back_its_bytes_in_chunks_of_any_size():
    """Issue 17: the draft's text is held deflated and written out a chunk at a time."""
    from synth.utf8 import Deflated

    data = ("é, “quoted”, \u2192 " * 50_000).encode()
    held = Deflated.of(data[i : i + 7_000] for i in range(0, len(data), 7_000))
    assert len(held.blob) < len(data) // 10
    assert held.inflated() == data and b"".join(held.chunks(size=999)) == data
    assert Deflated.of([]).inflated() == b""
