"""Read every file under the input folders into `Source` records.

Each format family lives in its own module and exposes two functions:

- ``sniff(path: Path, head: str) -> str | None``: the format name this family
  reads the file as (from content first, extension second), or None;
- ``read(path: Path, rel: str, fmt: str) -> Source``: read it, raising
  `InputError` (with line/row and a hint) for what cannot be read. Problems
  that do not stop the file go in `Source.problems`.

`read_inputs` walks the folders in sorted order, asks each family in turn, and
turns every failure into a `Problem`: one bad file never stops a folder.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from synth.errors import InputError
from synth.records import Problem, Source

log = logging.getLogger(__name__)

SKIP_NAMES = {"survey.yaml", "survey.yml", "review.yaml", "codebook.yaml", "readme.md", "license", "license.md"}
SKIP_SUFFIXES = {".yaml", ".yml", ".png", ".jpg", ".jpeg", ".gif", ".mp3", ".mp4", ".wav", ".m4a", ".zip", ".rds"}
HEAD_BYTES = 65536
DOC_FILE = re.compile(
    r"^(?:readme|license|licence|copying|notice|changelog|changes|contributing|authors|citation|code_of_conduct)"
    r"(?:[._-][\w.-]*)?$",
    re.IGNORECASE,
)


def source_id(rel: str) -> str:
    """Stable id for a source: a readable slug of its path plus a short hash."""
    stem = re.sub(r"[^a-z0-9]+", "-", Path(rel).stem.lower()).strip("-")[:32] or "source"
    return f"{stem}-{hashlib.sha1(rel.encode()).hexdigest()[:6]}"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def list_files(paths: Sequence[Path]) -> list[tuple[Path, str]]:
    """Every candidate file as (path, path relative to its input), sorted, deduplicated."""
    found: dict[Path, str] = {}
    for root in paths:
        root = Path(root)
        if root.is_file():
            found.setdefault(root.resolve(), root.name)
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            rel = path.relative_to(root).as_posix()
            if any(part.startswith(".") for part in Path(rel).parts):
                continue
            found.setdefault(path.resolve(), rel)
    return sorted(((p, rel) for p, rel in found.items()), key=lambda item: item[1])


def _skipped(rel: str) -> bool:
    name = Path(rel).name.lower()
    return name in SKIP_NAMES or Path(name).suffix in SKIP_SUFFIXES


def _families():
    from synth.ingest import surveys, transcripts

    return (surveys, transcripts)


def read_file(path: Path, rel: str) -> Source:
    """Read one file with the first family that claims it; raises InputError."""
    data = path.read_bytes()
    if not data.strip():
        raise InputError(rel, "the file is empty", hint="remove it or export it again")
    head = _decode_head(data[:HEAD_BYTES], rel, path.suffix.lower())
    for family in _families():
        fmt = family.sniff(path, head)
        if fmt:
            source = family.read(path, rel, fmt)
            return replace(source, id=source.id or source_id(rel), sha256=sha256_file(path))
    raise InputError(
        rel,
        f"not a recognised transcript or survey format (extension {path.suffix or 'none'!r})",
        hint="supported: .txt .md .vtt .srt .sbv .docx .pdf .json .csv .tsv .xlsx",
    )


def _decode_head(data: bytes, rel: str, suffix: str) -> str:
    """Text of the file's head for sniffing; binary formats get an empty head."""
    if suffix in {".docx", ".xlsx", ".xlsm", ".pdf"}:
        return ""
    from synth.ingest.encoding import decode_bytes, looks_binary

    if looks_binary(data):
        raise InputError(
            rel, "the file holds binary data, not text", hint="export it as text (UTF-8), or remove it from the folder"
        )
    return decode_bytes(_whole_characters(data), rel)[0]


def _whole_characters(data: bytes) -> bytes:
    """Drop a UTF-8 character split by the HEAD_BYTES cut, so a UTF-8 head still decodes as UTF-8."""
    import codecs

    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return data
    return data[: len(text.encode("utf-8"))]


def read_inputs(paths: Sequence[Path]) -> tuple[list[Source], list[Problem]]:
    """Read everything under `paths`; returns the sources read and every problem."""
    sources: list[Source] = []
    problems: list[Problem] = []
    for path, rel in list_files(paths):
        if DOC_FILE.match(Path(rel).name):
            problems.append(Problem(rel, "a documentation file (README, LICENSE ...), not research material: skipped",
                                    hint="nothing to do; move it out of the input folder to silence this",
                                    severity="warning"))  # fmt: skip
            continue
        if _skipped(rel):
            continue
        try:
            source = read_file(path, rel)
        except InputError as exc:
            problems.append(exc.to_problem())
            continue
        except Exception as exc:  # a reader bug must not stop the folder
            log.debug("reader failed on %s: %s", rel, type(exc).__name__)
            problems.append(
                Problem(rel, f"could not be read ({type(exc).__name__})", hint="please report this file's format")
            )
            continue
        sources.append(source)
        problems.extend(source.problems)
    return sources, problems
