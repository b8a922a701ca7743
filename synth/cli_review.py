"""`synth review RUN_DIR ...`: record the reviewer's decisions in review.yaml and refresh the outputs.

Each command checks its ids against the run's draft, then changes review.yaml and re-renders
under the run folder's lock (`synth.reviewed.refresh`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from synth.cli_output import EXIT_USAGE, fail, guard, plain

review_app = typer.Typer(help="Record the reviewer's decisions in RUN_DIR/review.yaml and refresh the outputs.", no_args_is_help=True)


def _review_edit(run_dir: Path, change, message: str) -> None:
    """Change review.yaml and re-render, all under the run folder's lock (parallel edits queue)."""
    from synth.reviewed import refresh

    _, notes = guard(refresh, run_dir, change)
    typer.echo(message)
    for note in notes:
        typer.echo(f"note: {plain(note)}")


def _draft(run_dir: Path):
    from synth.workspace import Workspace

    return guard(Workspace(run_dir).read_draft)


def _known_persona(run_dir: Path, persona: str) -> None:
    """A persona of the draft (re-synthesis keeps draft ids, so no reviewed map is needed)."""
    if persona not in _draft(run_dir).persona_ids:
        fail(f"no persona {persona!r} in {run_dir}", "see `synth review RUN_DIR list`", EXIT_USAGE)


@review_app.callback()
def review_callback(ctx: typer.Context, run_dir: Path = typer.Argument(..., help="The run's output folder (holds review.yaml).")) -> None:
    """Record the reviewer's decisions in RUN_DIR/review.yaml and refresh the outputs."""
    ctx.obj = run_dir


def _run_dir(ctx: typer.Context) -> Path:
    from synth.workspace import Workspace

    run_dir = Path(ctx.obj)
    if not Workspace(run_dir).is_run():
        fail(f"{run_dir} holds no synth run", "give the folder `synth run -o` wrote", EXIT_USAGE)
    return run_dir


@review_app.command("list")
def review_list_cli(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON: personas and notes.")) -> None:
    """List personas with status, size and name."""
    run_dir = _run_dir(ctx)
    from synth.reviewed import reviewed_map

    reviewed, notes = guard(reviewed_map, run_dir)
    if as_json:
        keys = ("id", "status", "size", "name", "share", "confidence", "stability")
        personas = [{k: getattr(p, k) for k in keys} for p in reviewed.personas]
        themes = [{"id": t.id, "label": t.label, "units": len(t.unit_ids)} for t in reviewed.themes]
        typer.echo(json.dumps({"personas": personas, "themes": themes, "notes": list(notes)}, indent=2, ensure_ascii=False))
        return
    for p in reviewed.personas:
        typer.echo(f"{p.id:<12} {p.status:<9} {p.size:>4} participants  {p.name}")
    for t in reviewed.themes:
        typer.echo(f"{t.id}  {len(t.unit_ids):>4} units  {plain(t.label)}")
    for note in notes:
        typer.echo(f"note: {plain(note)}")


@review_app.command("show")
def review_show_cli(ctx: typer.Context, persona: str = typer.Argument(...)) -> None:
    """Show one persona draft (its markdown)."""
    run_dir = _run_dir(ctx)
    _known_persona(run_dir, persona)
    path = run_dir / "personas" / f"{persona}.md"
    if not path.exists():
        fail(f"persona {persona!r} has no draft in this run (merged or gone)", code=EXIT_USAGE)
    typer.echo(path.read_text(encoding="utf-8"))


def _set_persona(run_dir: Path, persona: str, **values) -> None:
    from synth.review import persona_entry

    _known_persona(run_dir, persona)

    def change(doc):
        entry = persona_entry(doc, persona)
        for key, value in values.items():
            entry[key] = value

    _review_edit(run_dir, change, f"{persona}: " + ", ".join(f"{k} = {v}" for k, v in values.items()))


@review_app.command("approve")
def review_approve_cli(ctx: typer.Context, persona: str = typer.Argument(...)) -> None:
    """Approve a persona draft."""
    run_dir = _run_dir(ctx)
    _set_persona(run_dir, persona, status="approved")


@review_app.command("reject")
def review_reject_cli(ctx: typer.Context, persona: str = typer.Argument(...)) -> None:
    """Reject a persona draft."""
    run_dir = _run_dir(ctx)
    _set_persona(run_dir, persona, status="rejected")


@review_app.command("rename")
def review_rename_cli(ctx: typer.Context, persona: str = typer.Argument(...), name: str = typer.Argument(...)) -> None:
    """Give a persona your own name."""
    run_dir = _run_dir(ctx)
    _set_persona(run_dir, persona, name=name)


@review_app.command("merge")
def review_merge_cli(ctx: typer.Context, persona: str = typer.Argument(...), into: str = typer.Argument(..., metavar="INTO")) -> None:
    """Fold PERSONA into INTO."""
    run_dir = _run_dir(ctx)
    if persona == into:
        fail("a persona cannot be merged into itself", code=EXIT_USAGE)
    _refuse_merge_cycle(run_dir, persona, into)  # first: it needs review.yaml only, so a cycle is refused at once
    _known_persona(run_dir, into)
    _set_persona(run_dir, persona, merge_into=into)


def _refuse_merge_cycle(run_dir: Path, persona: str, into: str) -> None:
    """Refuse a merge that would close a loop, naming it (checked again under the lock)."""
    from synth.review import merge_cycle
    from synth.workspace import Workspace

    review = guard(Workspace(run_dir).read_review)
    merges = {pid: d.merge_into for pid, d in review.personas.items()} | {persona: into}
    cycle = merge_cycle(merges)
    if cycle:
        fail(
            f"merging {persona} into {into} would make a cycle: {' -> '.join(cycle)}",
            f"clear one of them first, e.g. `synth review {run_dir} merge` with another target, or edit review.yaml",
            EXIT_USAGE,
        )


def _unit_persona(run_dir: Path, unit: str) -> str:
    owner = {u.id: u.persona_id for u in _draft(run_dir).units}
    if unit not in owner:
        fail(f"no unit {unit!r} in {run_dir}", "unit ids are in evidence.csv (unit_id column)", EXIT_USAGE)
    return owner[unit] or "unassigned"


def _add_to_list(run_dir: Path, unit: str, key: str) -> None:
    from synth.review import persona_entry

    persona = _unit_persona(run_dir, unit)

    def change(doc):
        entry = persona_entry(doc, persona)
        values = entry.get(key) or []
        if unit not in values:
            values.append(unit)
        entry[key] = values

    _review_edit(run_dir, change, f"{unit}: {key} (persona {persona})")


@review_app.command("rename-theme")
def review_rename_theme_cli(
    ctx: typer.Context,
    theme: str = typer.Argument(..., help="Theme id, as in `synth review RUN_DIR list`."),
    label: str = typer.Argument(..., help="Your label for it."),
) -> None:
    """Give a theme your own label (kept across re-runs: it follows the theme's units)."""
    run_dir = _run_dir(ctx)
    from synth.review_themes import close_ids, set_theme

    themes = {t.id: t.unit_ids for t in _draft(run_dir).themes}
    if theme not in themes:
        close = close_ids(theme, themes)
        fail(
            f"no theme {theme!r} in {run_dir}",
            (f"did you mean {', '.join(close)}? " if close else "") + "see `synth review RUN_DIR list` for theme ids",
            EXIT_USAGE,
        )
    if not label.strip():
        fail("give a non-empty label", code=EXIT_USAGE)
    _review_edit(run_dir, lambda doc: set_theme(doc, theme, themes[theme], label=label.strip()), f"{theme}: label = {label.strip()}")


@review_app.command("merge-theme")
def review_merge_theme_cli(ctx: typer.Context, theme: str = typer.Argument(...), into: str = typer.Argument(..., metavar="INTO")) -> None:
    """Fold THEME into INTO (themes of one kind): INTO keeps its label and gains THEME's quotes."""
    run_dir = _run_dir(ctx)
    from synth.review_themes import close_ids, set_theme

    themes = {t.id: t for t in _draft(run_dir).themes}
    for name in (theme, into):
        if name not in themes:
            close = close_ids(name, themes)
            fail(
                f"no theme {name!r} in {run_dir}",
                (f"did you mean {', '.join(close)}? " if close else "") + "see `synth review RUN_DIR list` for theme ids",
                EXIT_USAGE,
            )
    if theme == into or themes[theme].kind != themes[into].kind:
        fail("merge-theme needs two different themes of the same kind", code=EXIT_USAGE)
    _review_edit(run_dir, lambda doc: set_theme(doc, theme, themes[theme].unit_ids, merge_into=into), f"{theme}: merged into {into}")


@review_app.command("pin")
def review_pin_cli(ctx: typer.Context, unit: str = typer.Argument(...)) -> None:
    """Show this quote first among its persona's quotes."""
    run_dir = _run_dir(ctx)
    _add_to_list(run_dir, unit, "pinned")


@review_app.command("assign")
def review_assign_cli(
    ctx: typer.Context,
    participant: str = typer.Argument(..., help="Participant id (P012), as in evidence.csv."),
    persona: str = typer.Argument(..., help="The persona to place them in."),
) -> None:
    """Place a participant in a persona yourself (also the unassigned ones)."""
    run_dir = _run_dir(ctx)
    from synth.review import set_participant

    _known_persona(run_dir, persona)
    keys = {p.id: p.key for p in _draft(run_dir).participants}
    if participant not in keys:
        fail(f"no participant {participant!r} in {run_dir}", "participant ids are in evidence.csv (participant_id column)", EXIT_USAGE)
    _review_edit(
        run_dir, lambda doc: set_participant(doc, participant, persona, keys[participant]), f"{participant}: assigned to {persona}"
    )


@review_app.command("exclude")
def review_exclude_cli(ctx: typer.Context, unit: str = typer.Argument(...)) -> None:
    """Never show or export this quote."""
    run_dir = _run_dir(ctx)
    _add_to_list(run_dir, unit, "excluded")


@review_app.command("relabel")
def review_relabel_cli(
    ctx: typer.Context,
    unit: str = typer.Argument(...),
    stage: Optional[str] = typer.Option(None, "--stage", help="New stage id ('none' for no stage)."),
    kind: Optional[List[str]] = typer.Option(None, "--kind", help="New kind id; repeat for several ('none' for no kind)."),
) -> None:
    """Correct a unit's stage or kinds (also trains the tagger on the next run)."""
    run_dir = _run_dir(ctx)
    from synth.review import unit_entry

    _unit_persona(run_dir, unit)
    if stage is None and not kind:
        fail("give --stage and/or --kind", code=EXIT_USAGE)
    draft = _draft(run_dir)
    stages = {s.id for s in draft.stages} | {"none"}
    kinds = {k.id for k in draft.kinds} | {"none"}
    if stage is not None and stage not in stages:
        fail(f"--stage must be one of {sorted(stages)}. Got {stage!r} instead.", code=EXIT_USAGE)
    for k in kind or []:
        if k not in kinds:
            fail(f"--kind must be one of {sorted(kinds)}. Got {k!r} instead.", code=EXIT_USAGE)

    def change(doc):
        entry = unit_entry(doc, unit)
        if stage is not None:
            entry["stage"] = stage
        if kind:
            entry["kinds"] = [k for k in kind if k != "none"]

    _review_edit(run_dir, change, f"{unit}: relabelled")
