"""Command line: parses options, calls the library, renders results.

Heavy libraries are imported inside commands so `synth --help` stays fast.
Only this module turns exceptions into exit codes; tracebacks never show local
variables (they hold participants' words).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(
    help="Turn interview transcripts and survey exports into persona drafts and journey-map data, offline.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)
review_app = typer.Typer(help="Record the reviewer's decisions in RUN_DIR/review.yaml and refresh the outputs.", no_args_is_help=True)
codebook_app = typer.Typer(help="Write the default codebook for editing, or check one.", no_args_is_help=True)
app.add_typer(review_app, name="review")
app.add_typer(codebook_app, name="codebook")

EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL = 1, 2, 3
OUTPUT = {"quiet": False}  # set by the global -q; read by commands that print progress or a summary


def _version(value: bool) -> None:
    if value:
        from synth import __version__

        typer.echo(f"synth {__version__}")
        raise typer.Exit(0)


@app.callback()
def global_options(
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_version, help="Show synth's version and exit."),
    verbose: int = typer.Option(0, "-v", "--verbose", count=True, help="Log more on stderr: -v steps, -vv debug detail."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="Print no progress and no summary; errors only."),
) -> None:
    """Turn interview transcripts and survey exports into persona drafts and journey-map data, offline."""
    import logging

    OUTPUT["quiet"] = quiet
    level = logging.ERROR if quiet else {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")  # no-op when a host (pytest) set handlers
    logging.getLogger().setLevel(level)


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _fail(message: str, hint: str = "", code: int = EXIT_INPUT) -> None:
    from rich.markup import escape

    err = _console(stderr=True)
    err.print(f"[bold red]Error:[/] {escape(_plain(message))}", markup=True)
    if hint:
        err.print(f"Hint: {hint}", markup=False)
    raise typer.Exit(code)


GLOBAL_FLAG = re.compile(r"^(-q|--quiet|-v+|--verbose)$")


def hoist_global_flags(args: list[str]) -> list[str]:
    """`synth run DIR -q` means what `synth -q run DIR` means, as in git, cargo and pip.

    click only reads a group's options before the sub-command, so -q/-v written anywhere before a
    `--` separator are moved to the front. No sub-command has a -q or -v of its own, and no option
    takes a value that looks like one, so nothing else changes meaning."""
    end = args.index("--") if "--" in args else len(args)
    flags = [a for a in args[:end] if GLOBAL_FLAG.match(a)]
    rest = [a for a in args[:end] if not GLOBAL_FLAG.match(a)]
    return [*flags, *rest, *args[end:]]


def main() -> None:
    """Console entry point: the one place exceptions become exit codes."""
    from synth.errors import ConfigError, SynthError

    try:
        from synth.cli_render import plain_help

        command = plain_help(typer.main.get_command(app))
        code = command(
            args=hoist_global_flags(sys.argv[1:]), standalone_mode=False
        )  # without standalone mode, click returns typer.Exit codes
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except OSError as exc:  # disk full, read-only folder: the path and what to do, not "internal error"
        try:
            _fail(*_os_message(exc), EXIT_INPUT)
        except typer.Exit as done:
            sys.exit(done.exit_code)
    except SynthError as exc:
        code = EXIT_USAGE if isinstance(exc, ConfigError) else EXIT_INPUT
        try:
            _fail(str(exc), exc.hint, code)
        except typer.Exit as done:
            sys.exit(done.exit_code)
    except Exception as exc:  # click usage errors and the unexpected
        # typer ships its own copy of click, so its usage errors are matched by shape, not class
        code = getattr(exc, "exit_code", None)
        if hasattr(exc, "show") and isinstance(code, int):
            exc.show()
            sys.exit(code)
        if type(exc).__name__ == "Abort":
            sys.exit(130)
        if os.environ.get("SYNTH_DEBUG"):
            import traceback

            traceback.print_exception(type(exc), exc, exc.__traceback__, chain=False)
        print(
            f"Error: internal error ({type(exc).__name__}). Set SYNTH_DEBUG=1 for a traceback (it holds no participant text).",
            file=sys.stderr,
        )
        sys.exit(EXIT_INTERNAL)


def _guard(func, *args, **kwargs):
    """Call library code; turn SynthError and disk errors into a one-line message (for CliRunner too)."""
    from synth.errors import ConfigError, SynthError

    try:
        return func(*args, **kwargs)
    except SynthError as exc:
        _fail(str(exc), exc.hint, EXIT_USAGE if isinstance(exc, ConfigError) else EXIT_INPUT)
    except OSError as exc:
        _fail(*_os_message(exc), EXIT_INPUT)


def _os_message(exc: OSError) -> tuple[str, str]:
    """A disk problem (read-only folder, full disk, missing permission) with its path and what to do."""
    where = exc.filename or "a file"
    reason = exc.strerror or type(exc).__name__
    return f"cannot read or write {_plain(str(where))}: {reason}", "free some space or pick a folder you can write, then run again"


# ---------------------------------------------------------------- run


@app.command("run")
def run_cli(
    inputs: List[Path] = typer.Argument(..., help="Folders or files of transcripts and survey exports."),
    output: Path = typer.Option(Path("outputs/run"), "-o", "--output", help="Run folder to write."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", help="Codebook YAML (default: the packaged one)."),
    model: str = typer.Option(
        "all-MiniLM-L6-v2",
        "--model",
        help="all-MiniLM-L6-v2 (default); 'static' (fast, distilled once into the cache folder); 'hashing' (no model); or a local sentence-transformers folder.",
    ),
    personas: str = typer.Option("auto", "--personas", help="'auto' or a number of personas."),
    seed: int = typer.Option(0, "--seed", help="Seed for every random step."),
    no_redact: bool = typer.Option(False, "--no-redact", help="Keep names, emails and phone numbers in outputs."),
    train: Optional[Path] = typer.Option(None, "--train", help="Labelled CSV (text, stage, kinds, ...) to train the tagger."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first bad input file."),
    cache_dir: Optional[Path] = typer.Option(
        None, "--cache-dir", help="Folder for cached embeddings and models (default: $SYNTH_CACHE_DIR, else the per-user cache folder)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
    coded: Optional[Path] = typer.Option(
        None, "--coded", help="Coded sample CSV (synth eval's columns, optional unit_id): agreement per code in the report and run.json."
    ),
) -> None:
    """Read INPUT folders and write persona drafts and journey-map data."""
    from synth.config import Settings, parse_personas
    from synth.pipeline import run

    settings = _guard(
        Settings,
        inputs=tuple(inputs),
        output=output,
        codebook=codebook,
        model=model,
        personas=_guard(parse_personas, personas),
        seed=seed,
        redact=not no_redact,
        strict=strict,
        train=train,
        cache_dir=cache_dir,
        coded=coded,
    )
    from synth.cli_render import ProgressReporter, print_summary

    with ProgressReporter.for_terminal(quiet=OUTPUT["quiet"], as_json=as_json) as reporter:
        result = _guard(run, settings, reporter)
    if as_json:
        from synth.cli_render import summary_dict

        typer.echo(json.dumps(summary_dict(result), indent=2, ensure_ascii=False))
    elif not OUTPUT["quiet"]:
        print_summary(_console(), result)


# ---------------------------------------------------------------- inspect


@app.command("inspect")
def inspect_cli(
    inputs: List[Path] = typer.Argument(..., help="Folders or files to look at."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (a list of sources)."),
) -> None:
    """Show what would be read: formats, speakers and roles, survey columns, problems."""
    from synth.inspect import inspect_inputs

    for path in inputs:
        if not path.exists():
            _fail(f"input {str(path)!r} does not exist", "check the path and try again", EXIT_USAGE)
    from synth.ingest import is_run_folder
    from synth.inspect import inspect_run, run_lines

    if inputs and all(is_run_folder(p) and (p / "map.json").is_file() for p in inputs):  # a run: its personas
        runs = [_guard(inspect_run, p) for p in inputs]
        typer.echo(json.dumps(runs, indent=2, ensure_ascii=False) if as_json else "\n".join(sum(map(run_lines, runs), [])))
        return
    from synth.cli_render import ProgressReporter

    with ProgressReporter.for_terminal(quiet=OUTPUT["quiet"], as_json=as_json) as reporter:
        reporter.stage("inspect", len(inputs))
        report = _guard(inspect_inputs, inputs)
        reporter.done("inspect")
    if as_json:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    from synth.cli_render import print_inspect

    print_inspect(_console(), report)


# ---------------------------------------------------------------- export


@app.command("export")
def export_cli(
    run_dir: Path = typer.Argument(..., help="A run folder written by `synth run`."),
    to: str = typer.Option(
        ...,
        "--to",
        "--template",
        help="xlsx, csv (whiteboard stickies), md, html, evidence-csv, highlights (Dovetail-style CSV), qdpx or qdc (REFI-QDA for NVivo, ATLAS.ti, MAXQDA, QualCoder), persona-pdf (one page per persona), or the path of your own template.",
    ),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="File to write (default: in RUN_DIR)."),
    persona: Optional[str] = typer.Option(None, "--persona", help="Only this persona id."),
    approved_only: bool = typer.Option(False, "--approved-only", help="Only personas approved in review.yaml."),
) -> None:
    """Render the reviewed run into a journey-map template."""
    from synth.export import export
    from synth.reviewed import reviewed_map

    reviewed, notes = _guard(reviewed_map, run_dir)
    if persona and persona not in reviewed.persona_ids:
        _fail(f"no persona {persona!r} in {run_dir}", "see `synth review RUN_DIR list` for persona ids", EXIT_USAGE)
    out = output or run_dir / _default_export_name(to)
    files = _guard(_export_into, run_dir, out, lambda path: export(reviewed, to, path, persona=persona, approved_only=approved_only))
    for note in notes:
        _console(stderr=True).print(f"review: {_plain(note)}", markup=False)
    for file in files:
        typer.echo(f"wrote {file}")


def _export_into(run_dir: Path, out: Path, write) -> list[Path]:
    """Write an export; inside the run folder under its lock, recorded as synth's (not a hand edit)."""
    from synth.workspace import Workspace

    try:
        rel = out.resolve().relative_to(run_dir.resolve()).as_posix()
    except ValueError:
        return write(out)
    ws = Workspace(run_dir)
    with ws.lock():
        files = ws.write_generated({rel: write})
    for note in ws.notes:
        _console(stderr=True).print(f"note: {_plain(note)}", markup=False)
    return files


def _default_export_name(to: str) -> str:
    names = {
        "xlsx": "journey_map.xlsx",
        "csv": "whiteboard.csv",
        "md": "journey_map.md",
        "html": "journey_map.html",
        "evidence-csv": "evidence_export.csv",
        "highlights": "highlights.csv",
        "qdpx": "synth.qdpx",
        "qdc": "synth.qdc",
        "persona-pdf": "personas.pdf",
    }
    if to in names:
        return names[to]
    name = Path(to).name
    return name[:-3] if name.endswith(".j2") else f"filled_{name}"


# ---------------------------------------------------------------- codebook


@codebook_app.command("init")
def codebook_init_cli(
    path: Path = typer.Argument(Path("codebook.yaml"), help="Where to write the default codebook."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    domain: Optional[str] = typer.Option(None, "--domain", help="Start from a domain codebook (see `synth codebook list`)."),
) -> None:
    """Write the default codebook (or a domain codebook) for editing."""
    from synth.atomic import write_text
    from synth.tag.codebook import default_codebook_text, domain_codebook_text

    if path.exists() and not force:
        _fail(f"{path} already exists", "to overwrite it, use --force", EXIT_USAGE)
    text = _guard(domain_codebook_text, domain) if domain else default_codebook_text()
    write_text(path, text)
    typer.echo(f"wrote {path}; edit it, check it with `synth codebook check {path}`, use it with --codebook {path}")


@codebook_app.command("list")
def codebook_list_cli() -> None:
    """List the packaged domain codebooks (`synth codebook init --domain NAME` writes one)."""
    from synth.tag.codebook import list_domains

    typer.echo("default: any service (generic channels and stages; used when --codebook is not given)")
    for name, title in list_domains():
        typer.echo(f"{name}: {title}")


@codebook_app.command("check")
def codebook_check_cli(path: Path = typer.Argument(..., help="Codebook YAML to validate.")) -> None:
    """Validate a codebook and list every error with its line."""
    from synth.tag.codebook import check_codebook

    if not path.is_file():
        _fail(f"{path} does not exist", "write one with `synth codebook init`", EXIT_USAGE)
    errors = check_codebook(path)
    if errors:
        for error in errors:
            _console(stderr=True).print(str(error), markup=False)
        _fail(f"{path}: {len(errors)} error(s)", code=EXIT_USAGE)
    typer.echo(f"{path}: ok")


# ---------------------------------------------------------------- eval


@app.command("eval")
def eval_cli(
    labelled: Path = typer.Argument(..., help="CSV with text and any of stage, kinds, touchpoints, sentiment, question."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", help="Codebook YAML (default: the packaged one)."),
    model: str = typer.Option("all-MiniLM-L6-v2", "--model", help="Embedding model name or path."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    seed: int = typer.Option(0, "--seed"),
    train: Optional[Path] = typer.Option(None, "--train", help="Labelled CSV to train the tagger on first."),
    folds: Optional[int] = typer.Option(None, "--folds", help="Cross-validate over the file itself with K folds."),
) -> None:
    """Score tagging against human labels: precision, recall, F1 per label, macro-F1."""
    from synth.embed import make_embedder
    from synth.tag import read_labelled
    from synth.tag.codebook import load_codebook
    from synth.tag.evaluate import evaluate_labelled

    if not labelled.is_file():
        _fail(f"{labelled} does not exist", code=EXIT_USAGE)
    from synth.cli_render import ProgressReporter

    if train is not None and not train.is_file():
        _fail(f"{train} does not exist", code=EXIT_USAGE)
    with ProgressReporter.for_terminal(quiet=OUTPUT["quiet"], as_json=as_json) as reporter:
        reporter.stage("load")
        book = _guard(load_codebook, codebook)
        training = _guard(lambda p: list(read_labelled(p)), train) if train is not None else []
        embedder = make_embedder(model)
        reporter.done("load")
        reporter.stage("eval")
        report = _guard(evaluate_labelled, labelled, book, embedder, seed=seed, training=training, folds=folds)
        reporter.done("eval")
    typer.echo(json.dumps(report.to_dict(), indent=2) if as_json else report.render_text())


# ---------------------------------------------------------------- review


def _review_edit(run_dir: Path, change, message: str) -> None:
    """Change review.yaml and re-render, all under the run folder's lock (parallel edits queue)."""
    from synth.reviewed import refresh

    _, notes = _guard(refresh, run_dir, change)
    typer.echo(message)
    for note in notes:
        typer.echo(f"note: {_plain(note)}")


def _draft(run_dir: Path):
    from synth.workspace import Workspace

    return _guard(Workspace(run_dir).read_draft)


def _known_persona(run_dir: Path, persona: str) -> None:
    """A persona of the draft (re-synthesis keeps draft ids, so no reviewed map is needed)."""
    if persona not in _draft(run_dir).persona_ids:
        _fail(f"no persona {persona!r} in {run_dir}", "see `synth review RUN_DIR list`", EXIT_USAGE)


def _plain(text: str) -> str:
    """Text for the terminal with control characters (escape codes in file names) made visible."""
    return "".join(ch if ch.isprintable() or ch in "\n\t" else f"\\x{ord(ch):02x}" for ch in str(text))


@review_app.callback()
def review_callback(ctx: typer.Context, run_dir: Path = typer.Argument(..., help="The run's output folder (holds review.yaml).")) -> None:
    """Record the reviewer's decisions in RUN_DIR/review.yaml and refresh the outputs."""
    ctx.obj = run_dir


def _run_dir(ctx: typer.Context) -> Path:
    from synth.workspace import Workspace

    run_dir = Path(ctx.obj)
    if not Workspace(run_dir).is_run():
        _fail(f"{run_dir} holds no synth run", "give the folder `synth run -o` wrote", EXIT_USAGE)
    return run_dir


@review_app.command("list")
def review_list_cli(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON: personas and notes.")) -> None:
    """List personas with status, size and name."""
    run_dir = _run_dir(ctx)
    from synth.reviewed import reviewed_map

    reviewed, notes = _guard(reviewed_map, run_dir)
    if as_json:
        keys = ("id", "status", "size", "name", "share", "confidence", "stability")
        personas = [{k: getattr(p, k) for k in keys} for p in reviewed.personas]
        themes = [{"id": t.id, "label": t.label, "units": len(t.unit_ids)} for t in reviewed.themes]
        typer.echo(json.dumps({"personas": personas, "themes": themes, "notes": list(notes)}, indent=2, ensure_ascii=False))
        return
    for p in reviewed.personas:
        typer.echo(f"{p.id:<12} {p.status:<9} {p.size:>4} participants  {p.name}")
    for t in reviewed.themes:
        typer.echo(f"{t.id}  {len(t.unit_ids):>4} units  {_plain(t.label)}")
    for note in notes:
        typer.echo(f"note: {_plain(note)}")


@review_app.command("show")
def review_show_cli(ctx: typer.Context, persona: str = typer.Argument(...)) -> None:
    """Show one persona draft (its markdown)."""
    run_dir = _run_dir(ctx)
    _known_persona(run_dir, persona)
    path = run_dir / "personas" / f"{persona}.md"
    if not path.exists():
        _fail(f"persona {persona!r} has no draft in this run (merged or gone)", code=EXIT_USAGE)
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
        _fail("a persona cannot be merged into itself", code=EXIT_USAGE)
    _refuse_merge_cycle(run_dir, persona, into)  # first: it needs review.yaml only, so a cycle is refused at once
    _known_persona(run_dir, into)
    _set_persona(run_dir, persona, merge_into=into)


def _refuse_merge_cycle(run_dir: Path, persona: str, into: str) -> None:
    """Refuse a merge that would close a loop, naming it (checked again under the lock)."""
    from synth.review import merge_cycle
    from synth.workspace import Workspace

    review = _guard(Workspace(run_dir).read_review)
    merges = {pid: d.merge_into for pid, d in review.personas.items()} | {persona: into}
    cycle = merge_cycle(merges)
    if cycle:
        _fail(
            f"merging {persona} into {into} would make a cycle: {' -> '.join(cycle)}",
            f"clear one of them first, e.g. `synth review {run_dir} merge` with another target, or edit review.yaml",
            EXIT_USAGE,
        )


def _unit_persona(run_dir: Path, unit: str) -> str:
    owner = {u.id: u.persona_id for u in _draft(run_dir).units}
    if unit not in owner:
        _fail(f"no unit {unit!r} in {run_dir}", "unit ids are in evidence.csv (unit_id column)", EXIT_USAGE)
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
        _fail(
            f"no theme {theme!r} in {run_dir}",
            (f"did you mean {', '.join(close)}? " if close else "") + "see `synth review RUN_DIR list` for theme ids",
            EXIT_USAGE,
        )
    if not label.strip():
        _fail("give a non-empty label", code=EXIT_USAGE)
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
            _fail(
                f"no theme {name!r} in {run_dir}",
                (f"did you mean {', '.join(close)}? " if close else "") + "see `synth review RUN_DIR list` for theme ids",
                EXIT_USAGE,
            )
    if theme == into or themes[theme].kind != themes[into].kind:
        _fail("merge-theme needs two different themes of the same kind", code=EXIT_USAGE)
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
        _fail(f"no participant {participant!r} in {run_dir}", "participant ids are in evidence.csv (participant_id column)", EXIT_USAGE)
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
        _fail("give --stage and/or --kind", code=EXIT_USAGE)
    draft = _draft(run_dir)
    stages = {s.id for s in draft.stages} | {"none"}
    kinds = {k.id for k in draft.kinds} | {"none"}
    if stage is not None and stage not in stages:
        _fail(f"--stage must be one of {sorted(stages)}. Got {stage!r} instead.", code=EXIT_USAGE)
    for k in kind or []:
        if k not in kinds:
            _fail(f"--kind must be one of {sorted(kinds)}. Got {k!r} instead.", code=EXIT_USAGE)

    def change(doc):
        entry = unit_entry(doc, unit)
        if stage is not None:
            entry["stage"] = stage
        if kind:
            entry["kinds"] = [k for k in kind if k != "none"]

    _review_edit(run_dir, change, f"{unit}: relabelled")


if __name__ == "__main__":  # pragma: no cover
    main()
