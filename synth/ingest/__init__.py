"""Read every file under the input folders into `Source` records.

Each format family lives in its own module and exposes two functions:

- ``sniff(path: Path, head: str) -> str | None``: the format name this family
  reads the file as (from content first, extension second), or None;
- ``read(path: Path, rel: str, fmt: str) -> Source``: read it, raising
  `InputError` (with line/row and a hint) for what cannot be read. Problems
  that do not stop the file go in `Source.problems`.

Families are found in the `readers` registry (a plug-in package adds one through the `synth_readers`
entry points). `read_inputs` walks the folders in sorted order, asks each family in turn, and
turns every failure into a `Problem`: one bad file never stops a folder.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Sequence

import catalogue

from synth.errors import InputError
from synth.hashing import sha256_of
from synth.ingest import limits
from synth.records import Problem, Source

log = logging.getLogger(__name__)

SKIP_NAMES = {"survey.yaml", "survey.yml", "review.yaml", "codebook.yaml", "readme.md", "license", "license.md"}


MEDIA_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".mp3", ".mp4", ".wav", ".m4a", ".zip", ".rds"}
SKIP_SUFFIXES = {".yaml", ".yml"} | MEDIA_SUFFIXES
HEAD_BYTES = 65536
OUTPUT_MARKER = "run.json"  # a folder holding synth's run.json is a run folder, never input
OUTPUT_FILES = {"map.json", "map.draft.json", "evidence.csv", "journey_map.xlsx", "report.html", "run.json"}
OUTPUT_FOLDERS = {"personas"}
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
DOC_FILE = re.compile(
    r"^(?:readme|license|licence|copying|notice|changelog|changes|contributing|authors|citation|code_of_conduct)"
    r"(?:[._-][\w.-]*)?$",
    re.IGNORECASE,
)


def source_id(rel: str) -> str:
    """Stable id for a source: a readable slug of its path plus a short hash."""
    stem = re.sub(r"[^a-z0-9]+", "-", Path(rel).stem.lower()).strip("-")[:32] or "source"
    return f"{stem}-{hashlib.sha1(rel.encode()).hexdigest()[:6]}"


def printable_path(rel: str) -> str:
    """`rel` with control and bidi characters written as escapes (``\\x1b``), so a hostile
    file name cannot drive the terminal or reorder text in any output."""
    return CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), rel)


def list_files(paths: Sequence[Path], exclude: Sequence[Path] = ()) -> list[tuple[Path, str]]:
    """Every candidate file as (path, path relative to the common input root), sorted, deduplicated."""
    return walk_inputs(paths, exclude)[0]


def walk_inputs(paths: Sequence[Path], exclude: Sequence[Path] = ()) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """The files to read and the problems of the walk itself (links leaving the folders).

    Paths are relative to the common root of all `paths` (a file given counts
    as its folder), so ``wave1/interview.txt`` and ``wave2/interview.txt`` stay
    apart. Hidden files, files under `exclude` (the run's output folder) and
    synth run folders (holding ``run.json``) are not inputs. A link whose
    target lies outside the input folder it was found in is refused.
    """
    roots = [Path(p) for p in paths]
    base = _common_root(roots)
    walk = _Walk(base, {Path(e).resolve() for e in exclude})
    for root in roots:
        if root.is_file():
            walk.add(root.resolve(), printable_path(root.resolve().relative_to(base).as_posix()))
        else:
            walk.add_folder(root)
    for target, rel in walk.links:  # a link inside the folders never hides the file's own name
        walk.add(target, rel)
    files = sorted(walk.found.items(), key=lambda item: item[1])
    return files, sorted(walk.problems, key=lambda p: p.path)


def _common_root(roots: Sequence[Path]) -> Path:
    folders = [str(r.resolve() if r.is_dir() else r.resolve().parent) for r in roots]
    return Path(os.path.commonpath(folders)) if folders else Path.cwd()


class _Walk:
    """The state of one walk over the input folders (see `walk_inputs`)."""

    def __init__(self, base: Path, exclude: set[Path]) -> None:
        self.base, self.exclude = base, exclude
        self.skip: set[Path] = set()
        self.found: dict[Path, str] = {}
        self.links: list[tuple[Path, str]] = []
        self.problems: list[Problem] = []

    def add(self, resolved: Path, rel: str) -> None:
        self.found.setdefault(resolved, rel)

    def add_folder(self, root: Path) -> None:
        """Every file under `root`, not following links to folders, pruning what is no input.

        An input folder that is itself the output folder (``synth run s -o s``) or a
        run folder is still read, all but the files and folders synth writes there.
        """
        top = root.resolve()
        own = top in self.exclude or is_run_folder(top)
        self.skip = {e for e in self.exclude if e != top and e.is_relative_to(top)}  # the output folder inside
        for folder, dirs, files in os.walk(top):
            here = Path(folder)
            ours = own and here == top
            dirs[:] = sorted(d for d in dirs if not (ours and d in OUTPUT_FOLDERS) and self._descend(here / d, top))
            for name in sorted(files):
                if not name.startswith(".") and not (ours and name in OUTPUT_FILES):
                    self._add_entry(here / name, top)

    def _rel(self, path: Path) -> str:
        return printable_path(path.relative_to(self.base).as_posix())

    def _descend(self, folder: Path, top: Path) -> bool:
        if folder.name.startswith(".") or self._excluded(folder):
            return False
        if folder.is_symlink():
            target = folder.resolve()
            if not target.is_relative_to(top):
                reason = "is a link to a folder outside the input folder; not read"
                self.problems.append(Problem(self._rel(folder), reason, "copy the files into the input folder"))
            return False  # a link inside the folder only shows files the walk finds anyway
        if is_run_folder(folder):
            reason = "is a synth output folder (it holds run.json); not read as input"
            hint = "write outputs outside the input folder (-o), or move this folder out"
            self.problems.append(Problem(self._rel(folder), reason, hint, severity="warning"))
            return False
        return True

    def _add_entry(self, path: Path, top: Path) -> None:
        rel = self._rel(path)
        if not path.is_symlink():
            if path.is_file():
                self.add(path, rel)
            return
        target = path.resolve()
        if not target.exists():
            self.problems.append(Problem(rel, "is a link to a file that does not exist", "remove the link",
                                         severity="warning"))  # fmt: skip
        elif not target.is_relative_to(top):
            reason = "is a link to a file outside the input folder; not read"
            self.problems.append(Problem(rel, reason, "copy the file into the input folder if it belongs to the study"))
        elif target.is_file() and not self._excluded(target):
            self.links.append((target, rel))

    def _excluded(self, path: Path) -> bool:
        return any(path.is_relative_to(e) for e in self.skip)


def is_run_folder(folder: Path) -> bool:
    """True for a folder holding a run.json that synth wrote (it names `synth_version`)."""
    marker = folder / OUTPUT_MARKER
    try:
        if not marker.is_file() or marker.stat().st_size > 10 * 1024 * 1024:
            return False
        return "synth_version" in json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return False


def _skipped(rel: str) -> bool:
    name = Path(rel).name.lower()
    return name in SKIP_NAMES or Path(name).suffix in SKIP_SUFFIXES


def _media_problem(rel: str) -> Problem | None:
    """A notice for the images, audio, video and archives a study folder often holds."""
    suffix = Path(rel).suffix.lower()
    if suffix not in MEDIA_SUFFIXES:
        return None
    hint = "unzip it into the folder" if suffix == ".zip" else "transcribe it first, or move it out of the folder"
    return Problem(rel, f"not read: {suffix} files are not transcripts or surveys", hint, severity="warning")


#: Format families by name: a `catalogue` registry, so a plug-in package can add a reader through the
#: `synth_readers` entry-point group (a module or object with `sniff(path, head)` and `read(path, rel, fmt)`,
#: as above). The built-in families are asked first, in this order; plug-ins after them, by name.
readers = catalogue.create("synth", "readers", entry_points=True)
readers.register("surveys", func=lambda: importlib.import_module("synth.ingest.surveys"))
readers.register("transcripts", func=lambda: importlib.import_module("synth.ingest.transcripts"))
BUILT_IN = ("surveys", "transcripts")


def _families() -> list:
    """The families to ask, built-in first; a registered entry is a loader (called) or the family itself."""
    found = readers.get_all()
    names = [n for n in BUILT_IN if n in found] + sorted(n for n in found if n not in BUILT_IN)
    return [_family(found[n]) for n in names]


def _family(entry):
    return entry if hasattr(entry, "sniff") else entry()


def read_file(path: Path, rel: str, families: Sequence | None = None) -> Source:
    """Read one file with the first family that claims it (`families`: from `_families()`, looked up once per
    folder by `read_inputs`, since finding entry points costs milliseconds); raises InputError.

    The limits of `synth.ingest.limits` apply: size and zip directory are checked
    before reading, table shape after, and over-long turns are split.
    """
    limits.check_file_size(path, rel)
    limits.check_zip(path, rel)
    data = path.read_bytes()
    if not data.strip():
        raise InputError(rel, "the file is empty", hint="remove it or export it again")
    head = _decode_head(data[:HEAD_BYTES], rel, path.suffix.lower())
    for family in families if families is not None else _families():
        fmt = family.sniff(path, head)
        if fmt:
            source = family.read(path, rel, fmt)
            limits.check_table(source)
            source = limits.split_long_turns(source)
            return replace(source, id=source.id or source_id(rel), sha256=sha256_of(path))
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
        raise InputError(rel, "the file holds binary data, not text", hint="export it as text (UTF-8), or remove it from the folder")
    return decode_bytes(_whole_characters(data), rel)[0]


def _whole_characters(data: bytes) -> bytes:
    """Drop a UTF-8 character split by the HEAD_BYTES cut, so a UTF-8 head still decodes as UTF-8."""
    import codecs

    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return data
    return data[: len(text.encode("utf-8"))]


def read_inputs(paths: Sequence[Path], exclude: Sequence[Path] = ()) -> tuple[list[Source], list[Problem]]:
    """Read everything under `paths` but `exclude` (the output folder); the sources read and every problem."""
    sources: list[Source] = []
    files, problems = walk_inputs(paths, exclude)
    families = _families()
    for path, rel in files:
        if DOC_FILE.match(Path(rel).name):
            problems.append(Problem(rel, "a documentation file (README, LICENSE ...), not research material: skipped",
                                    hint="nothing to do; move it out of the input folder to silence this",
                                    severity="warning"))  # fmt: skip
            continue
        if _skipped(rel):
            notice = _media_problem(rel)
            problems.extend([notice] if notice else [])
            continue
        try:
            source = read_file(path, rel, families)
        except InputError as exc:
            problems.append(exc.to_problem())
            continue
        except Exception as exc:  # a reader bug must not stop the folder
            log.debug("reader failed on %s: %s", rel, type(exc).__name__)
            problems.append(Problem(rel, f"could not be read ({type(exc).__name__})", hint="please report this file's format"))
            continue
        sources.append(source)
        problems.extend(source.problems)
        problems.extend(_empty_problem(source))
        problems.extend(_mojibake_problem(source))
    return _unique_ids(sources), problems


def _mojibake_problem(source: Source) -> list[Problem]:
    """A warning for text that was already garbled when the file was saved ("cafÃ©" written into
    a UTF-8 file by an export that decoded UTF-8 as Windows-1252).

    ftfy's badness test finds such lines; its fix is not applied: quotes must stay verbatim in
    the file as the researcher sees it, so the repair belongs in a re-export, not in synth.
    Mixed encodings in the file's bytes are decoded line by line (ingest/encoding.py)."""
    from ftfy.badness import is_bad

    bad = [number for number, line in enumerate(source.lines, 1) if not line.isascii() and is_bad(line)]
    if not bad:
        return []
    where = f"line {bad[0]}" if len(bad) == 1 else f"{len(bad)} lines, first line {bad[0]}"
    reason = f'holds garbled characters (mojibake such as "Ã©" for "é", or \ufffd marks) ({where}): quotes keep them as written'
    hint = "re-export the file as UTF-8 from the tool that made it (or repair it with ftfy) and run again"
    return [Problem(source.path, reason, hint, severity="warning")]


def _empty_problem(source: Source) -> list[Problem]:
    """A warning for a file that was read but gives nothing to quote (a survey with every answer empty)."""
    if source.kind == "participants" or any(t.text.strip() for t in source.turns):
        return []
    if source.kind == "survey" and any(source.attributes.values()):
        reason = "read, but no open-text answer holds any text: its respondents count by their closed answers only"
        return [Problem(source.path, reason, "nothing to do if the survey had no open questions", severity="warning")]
    what = "open-text answer" if source.kind == "survey" else "turn"
    reason = f"read, but no {what} holds any text: nothing from this file can become evidence"
    return [Problem(source.path, reason, "check that the export includes the answers", severity="warning")]


def _unique_ids(sources: list[Source]) -> list[Source]:
    """Sources whose ids collide (two paths with the same slug and short hash) get a longer hash."""
    counts: dict[str, int] = {}
    for source in sources:
        counts[source.id] = counts.get(source.id, 0) + 1
    return [replace(s, id=f"{s.id}-{hashlib.sha1(s.path.encode()).hexdigest()[6:14]}") if counts[s.id] > 1 else s for s in sources]
