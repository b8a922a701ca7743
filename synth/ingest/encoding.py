"""Decode bytes of any common encoding to text, the way researchers' files come."""

from __future__ import annotations

import codecs

from synth.errors import InputError

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Codepages researchers' exports actually come in. charset_normalizer also proposes
# rare ones (hp_roman8, mac_iceland ...) for short latin-1 files; those are not trusted.
COMMON = {
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1250",
    "iso8859_2",
    "cp1251",
    "koi8_r",
    "iso8859_7",
    "cp1253",
    "cp1254",
    "iso8859_9",
    "cp1257",
    "shift_jis",
    "cp932",
    "euc_jp",
    "gb2312",
    "gbk",
    "gb18030",
    "big5",
    "euc_kr",
    "cp949",
    "mac_roman",
}


def decode_bytes(data: bytes, rel: str) -> tuple[str, str]:
    """Return (text, encoding): a BOM, BOM-less UTF-16, UTF-8, UTF-8 mixed with
    Windows-1252 line by line (`decode_mixed`), a confidently detected codepage,
    then Windows-1252 (the usual survey-export default).

    Raises InputError when none of those gives plausible text.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    utf16 = bomless_utf16(data)  # before UTF-8: plain-ASCII UTF-16 is valid UTF-8 full of NULs
    if utf16:
        return data.decode(utf16, errors="replace"), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mixed = decode_mixed(data)
    if mixed is not None:
        return mixed, "utf-8+cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding in COMMON and best.coherence >= 0.2 and best.chaos < 0.2:
        return str(best), best.encoding
    if _valid(data, "cp1252"):
        return data.decode("cp1252"), "cp1252"
    text = data.decode("latin-1")  # never fails; kept only when it reads as text, not control codes
    if sum(1 for c in text if ord(c) < 32 and c not in "\t\r\n\f" or 0x7F <= ord(c) < 0xA0) <= len(text) / 200:
        return text, "latin-1"
    raise InputError(
        rel,
        "the text encoding could not be recognised (not UTF-8, UTF-16 or Windows-1252)",
        hint="open it in a text editor and save it as UTF-8, then run again",
    )


def decode_mixed(data: bytes) -> str | None:
    """A file pasted together from UTF-8 and Windows-1252 pieces, decoded line by line (each
    line as UTF-8 where it is valid UTF-8, else as cp1252), so that neither half turns into
    mojibake ("cafÃ©") or replacement marks. None unless some non-ASCII lines are UTF-8 and
    some are not, and every line decodes one way or the other."""
    lines = data.split(b"\n")
    utf8 = cp1252 = 0
    decoded = []
    for line in lines:
        try:
            decoded.append(line.decode("utf-8"))
            utf8 += not line.isascii()
        except UnicodeDecodeError:
            if not _valid(line, "cp1252"):
                return None
            decoded.append(line.decode("cp1252"))
            cp1252 += 1
    return "\n".join(decoded) if utf8 and cp1252 else None


def bomless_utf16(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when every other byte is NUL (plain-text UTF-16)."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    if odd_nuls > 0.6 and even_nuls < 0.1:
        return "utf-16-le"
    if even_nuls > 0.6 and odd_nuls < 0.1:
        return "utf-16-be"
    return None


def looks_binary(data: bytes) -> bool:
    """True when the head has NUL bytes and is not UTF-16, unless they are a stray one or two
    (at most 1% of the head) in otherwise plain text (under 5% control bytes): a binary file,
    not a text export with a damaged byte."""
    sample = data[:4096]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or bomless_utf16(data):
        return False
    if 0 not in sample:
        return False
    controls = sum(1 for byte in sample if byte < 9 or 13 < byte < 32)
    return sample.count(0) > max(1, len(sample) // 100) or controls > len(sample) // 20


def _valid(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


def split_lines(text: str) -> tuple[str, ...]:
    """Physical lines of decoded text; `\\r\\n`, `\\r` and `\\n` all end a line."""
    return tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
