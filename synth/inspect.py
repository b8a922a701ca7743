"""`synth inspect`: what would be read, without embedding or tagging anything.

Returns the **contract** shape: a list of sources, each with `path, kind,
format, participants, units, speakers, columns: [{name, role}], problems`.
Files that could not be read appear too, with kind "unreadable". A participants roster's
entry also has `join` (`synth.participant_join.JoinReport.as_dict`, plus its printed `lines`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence


def inspect_inputs(paths: Sequence[Path]) -> list[dict]:
    """The pipeline through `segment` (nothing embedded, nothing written), described per source."""
    from synth.config import Settings
    from synth.pipeline import context

    settings = Settings(inputs=tuple(Path(p) for p in paths), output=Path("(inspect: nothing is written)"), redact=False)
    ctx = context(settings, until="segment")
    sources, problems, participants, units = ctx.sources, ctx.result.problems, ctx.participants, ctx.units
    report = [_describe(s, participants, units) for s in sources]
    join = ctx.result.join
    for entry in report:
        if entry["kind"] == "participants" and join is not None:
            # the roster's entry says whom it joined: rows that matched no one, participants without a row
            entry["join"] = join.as_dict() | {"lines": join.lines()}
    read = {s.path for s in sources}
    for problem in problems:
        if problem.path not in read:
            report.append(_unreadable(problem))
    return sorted(report, key=lambda s: s["path"])


def _describe(source, participants, units) -> dict:
    return {
        "path": source.path,
        "kind": source.kind,
        "format": source.format,
        "language": source.language,
        "participants": sum(1 for p in participants if source.id in p.source_ids),
        "units": sum(1 for u in units if u.source_id == source.id),
        "speakers": [{"name": s.name, "role": s.role, "reason": s.role_reason} for s in source.speakers]
        if source.kind == "transcript"
        else [],
        "columns": [
            {"name": c.name, "role": c.role, "question": c.question, "example": c.example, "reason": c.reason}
            for c in source.columns
        ],
        "dropped_rows": source.dropped_rows,
        "problems": [_problem(p) for p in source.problems],
    }


def _unreadable(problem) -> dict:
    return {
        "path": problem.path, "kind": "unreadable", "format": "unknown", "language": "und",
        "participants": 0, "units": 0, "speakers": [], "columns": [], "dropped_rows": 0,
        "problems": [_problem(problem)],
    }


def _problem(p) -> dict:
    data = {k: v for k, v in vars(p).items() if v not in (None, "")}
    data["message"] = p.describe()
    return data
