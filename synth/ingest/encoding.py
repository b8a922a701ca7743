"""Decode bytes of any common encoding to text, the way researchers' files come."""

from __future__ import annotations

import codecs

from synth.errors import InputError

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(data: bytes, rel: str) -> tuple[str, str]:
    """Return (text, encoding). UTF-8 first, then a BOM, then a detected codepage.

    Raises InputError when no encoding gives plausible text.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(rel, "the text encoding could not be recognised", hint="save the file as UTF-8 and run again")
    encoding = best.encoding
    if encoding in {"ascii", "cp1252", "iso8859_1", "latin_1", "cp1250", "iso8859_15"}:
        encoding = "cp1252" if _valid(data, "cp1252") else "latin-1"
    text = data.decode(encoding, errors="replace")
    if text.count("\ufffd") > max(3, len(text) // 100):
        raise InputError(rel, "the text encoding could not be recognised", hint="save the file as UTF-8 and run again")
    return text, encoding


def _valid(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


def split_lines(text: str) -> tuple[str, ...]:
    """Physical lines of decoded text; `\\r\\n`, `\\r` and `\\n` all end a line."""
    return tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
