"""Source paths in outputs: a file name that holds a name is shown with the alias instead.

"Sophie Turner interview 2026-03-10.txt" is shown as "P01 interview 2026-03-10.txt"
in map.json, evidence.csv, the reports and run.json, and the source gets an id
made from the shown path. The real path stays in memory only, where the readers
needed it. Sources whose path holds no name keep their path and id, so ordinary
runs are unchanged.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Protocol, Sequence

from synth.records import Participant, Problem, Source, Unit


class PathRedactor(Protocol):
    def redact_path(self, path: str) -> str: ...


def shown_source_id(shown: str, real: str) -> str:
    """A readable slug of the shown path and a short hash of the real one (so two files
    shown alike still differ)."""
    stem = re.sub(r"[^a-z0-9]+", "-", PurePosixPath(shown).stem.lower()).strip("-")[:32] or "source"
    return f"{stem}-{hashlib.sha1(real.encode()).hexdigest()[:6]}"


def shown_paths(sources: Sequence[Source], redactor: PathRedactor) -> dict[str, str]:
    """Real path -> shown path for every source whose path holds a name; shown paths stay unique."""
    taken = {s.path for s in sources}
    renamed: dict[str, str] = {}
    for source in sources:
        shown = redactor.redact_path(source.path)
        if shown == source.path:
            continue
        candidate, n = shown, 1
        while candidate in taken:
            n += 1
            path = PurePosixPath(shown)
            candidate = str(path.with_name(f"{path.stem} ({n}){path.suffix}"))
        taken.add(candidate)
        renamed[source.path] = candidate
    return renamed


def alias_sources(
    sources: Sequence[Source],
    participants: Sequence[Participant],
    units: Sequence[Unit],
    problems: Sequence[Problem],
    redactor: PathRedactor,
) -> tuple[list[Source], list[Participant], list[Unit], list[Problem]]:
    """The records with every named source path (and the ids made from it) shown by alias."""
    renamed = shown_paths(sources, redactor)
    if not renamed:
        return list(sources), list(participants), list(units), list(problems)
    ids = {s.id: shown_source_id(renamed[s.path], s.path) for s in sources if s.path in renamed}
    new_sources = [_shown_source(s, renamed, ids, redactor) if s.id in ids else s for s in sources]
    new_participants = [replace(p, source_ids=tuple(ids.get(i, i) for i in p.source_ids)) for p in participants]
    new_units = [replace(u, source_id=ids[u.source_id]) if u.source_id in ids else u for u in units]
    new_problems = [_shown_problem(p, renamed, redactor) for p in problems]
    return new_sources, new_participants, new_units, new_problems


def _shown_problem(problem: Problem, renamed: dict[str, str], redactor: PathRedactor) -> Problem:
    return replace(problem, path=renamed.get(problem.path) or redactor.redact_path(problem.path))


def _shown_source(source: Source, renamed: dict[str, str], ids: dict[str, str], redactor: PathRedactor) -> Source:
    problems = tuple(_shown_problem(p, renamed, redactor) for p in source.problems)
    return replace(source, path=renamed[source.path], id=ids[source.id], problems=problems)
