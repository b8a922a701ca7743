"""`synth inspect`: what would be read, without embedding or tagging anything.

Returns the **contract** shape: a list of sources, each with `path, kind,
format, participants, units, speakers, columns: [{name, role}], problems`.
Files that could not be read appear too, with kind "unreadable". A participants roster's
entry also has `join` (`synth.participant_join.JoinReport.as_dict`, plus its printed `lines`); without a
roster, the first survey's entry has it when respondents were joined across survey files by their id.
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
    holder = next((e for e in report if e["kind"] == "participants"), None)
    if holder is None and join is not None and join.joined:  # no roster: the first survey says who was joined by id
        holder = next((e for e in sorted(report, key=lambda e: e["path"]) if e["kind"] == "survey"), None)
    if holder is not None and join is not None:
        # the roster's entry says whom it joined: rows that matched no one, participants without a row
        holder["join"] = join.as_dict() | {"lines": join.lines()}
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
            {"name": c.name, "role": c.role, "question": c.question, "example": c.example, "reason": c.reason} for c in source.columns
        ],
        "dropped_rows": source.dropped_rows,
        "sheet": source.sheet,
        "sheets": list(source.sheets),
        "problems": [_problem(p) for p in source.problems],
    }


def _unreadable(problem) -> dict:
    return {
        "path": problem.path,
        "kind": "unreadable",
        "format": "unknown",
        "language": "und",
        "participants": 0,
        "units": 0,
        "speakers": [],
        "columns": [],
        "dropped_rows": 0,
        "sheet": None,
        "sheets": [],
        "problems": [_problem(problem)],
    }


def _problem(p) -> dict:
    data = {k: v for k, v in vars(p).items() if v not in (None, "")}
    data["message"] = p.describe()
    return data


def inspect_run(folder: Path) -> dict:
    """A run folder's personas and who is in none, from its map.json and run.json (nothing is re-run):
    `personas` [{id, name, participants}], `unassigned` [{participant, reason}], `source_association`,
    and `participants_join` as run.json has it."""
    import json

    from synth.workspace import RUN_NAME

    doc = json.loads((folder / "map.json").read_text(encoding="utf-8"))
    run = json.loads((folder / RUN_NAME).read_text(encoding="utf-8")) if (folder / RUN_NAME).is_file() else {}
    return {
        "run": str(folder),
        "personas": [
            {"id": p["id"], "name": p["name"], "participants": len(p.get("participant_ids", []))} for p in doc.get("personas", [])
        ],
        "unassigned": [
            {"participant": p["id"], "reason": p.get("unassigned_reason") or "in no persona"}
            for p in doc.get("participants", [])
            if not p.get("persona_id")
        ],
        "source_association": doc.get("run", {}).get("clustering", {}).get("source_association"),
        "participants_join": run.get("participants_join", {}),
    }


def run_lines(info: dict) -> list[str]:
    """`inspect_run` as the lines `synth inspect RUN` prints."""
    lines = [f"{info['run']}: a run folder with {len(info['personas'])} persona(s)"]
    lines += [f"  {p['id']}: {p['name']} ({p['participants']} participants)" for p in info["personas"]]
    lines += [f"  {len(info['unassigned'])} participant(s) in no persona"]
    lines += [f"    {u['participant']}: {u['reason']}" for u in info["unassigned"][:20]]
    if info["source_association"] is not None:
        lines.append(f"  Cramér's V persona x source kind: {info['source_association']:.2f}")
    join = info["participants_join"]
    if join.get("roster_rows"):
        lines.append(
            f"  roster: {join['matched_participants']} participant(s) matched, "
            f"{len(join['joined_across_sources'])} joined across sources, "
            f"{len(join['unmatched_roster_rows'])} row(s) matched no one"
        )
    return lines
