"""Builders for transcript test inputs that are binary (docx, pdf), and the verbatim check."""

from __future__ import annotations

from pathlib import Path

from synth.records import Source

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "transcripts"


def assert_verbatim(source: Source) -> None:
    """The hard invariant: every turn is its spans' pieces joined by one space, pieces stripped and non-empty."""
    assert source.turns, f"{source.path}: no turns"
    for turn in source.turns:
        pieces = [source.lines[s.line - 1][s.start : s.end] for s in turn.spans]
        assert pieces, f"{source.path}: a turn with no spans"
        for piece in pieces:
            assert piece and piece == piece.strip(), f"{source.path}: piece {piece!r} is empty or padded"
        assert " ".join(pieces) == turn.text, f"{source.path}: text does not match its spans"
    names = {s.name for s in source.speakers}
    assert {t.speaker for t in source.turns} == names


def make_docx(path: Path, paragraphs: list[list[tuple[str, bool]]], table: list[list[str]] | None = None) -> Path:
    """A .docx whose paragraphs are lists of (run text, bold) pairs, plus an optional table."""
    import docx

    document = docx.Document()
    for runs in paragraphs:
        paragraph = document.add_paragraph()
        for text, bold in runs:
            paragraph.add_run(text).bold = bold
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    document.save(str(path))
    return path


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A minimal valid PDF (Helvetica, ASCII text) with one text line per entry, written by hand."""
    fonts = 3 + 2 * len(pages)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [{}] /Count {} >>".format(
            " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages))), len(pages)
        ),
    ]
    for index, page in enumerate(pages):
        stream = _text_stream(page)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * index} 0 R "
            f"/Resources << /Font << /F1 {fonts} 0 R >> >> >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    path.write_bytes(_assemble(objects))
    return path


def _text_stream(lines: list[str]) -> str:
    if not lines:
        return ""
    ops = ["BT", "/F1 11 Tf", "72 740 Td"]
    for number, line in enumerate(lines):
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(("0 -16 Td " if number else "") + f"({escaped}) Tj")
    ops.append("ET")
    return "\n".join(ops)


def _assemble(objects: list[str]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
