"""Command line: parses options, calls the library, renders results.

Heavy libraries are imported inside commands so `synth --help` stays fast. The review
commands are `synth.cli_review`. Only the command line turns exceptions into exit codes
(`main` here, `guard` and `fail` in `synth.cli_output`); tracebacks never show local
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

from synth.cli_output import EXIT_INPUT, EXIT_INTERNAL, EXIT_USAGE, console, fail, guard, os_message, plain
from synth.cli_review import review_app
from synth.defaults import DEFAULT_MODEL

app = typer.Typer(
    help="Turn interview transcripts and survey exports into persona drafts and journey-map data, offline.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)
codebook_app = typer.Typer(help="Write the default codebook for editing, or check one.", no_args_is_help=True)
app.add_typer(review_app, name="review")
app.add_typer(codebook_app, name="codebook")

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

    _no_collection_at_exit()
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
            fail(*os_message(exc), EXIT_INPUT)
        except typer.Exit as done:
            sys.exit(done.exit_code)
    except SynthError as exc:
        code = EXIT_USAGE if isinstance(exc, ConfigError) else EXIT_INPUT
        try:
            fail(str(exc), exc.hint, code)
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


def _no_collection_at_exit() -> None:
    """Skip the garbage collector's passes while the interpreter shuts down (`gc.freeze` from an atexit hook).

    With spaCy loaded, those passes over every live object took 0.14-0.16 s after the last line of output,
    a sixth of `synth inspect` on one transcript (strace: no system call in that gap; `gc.freeze` at exit
    brings the shutdown from 0.159 s to 0.015 s). Objects are still freed by reference counting and atexit
    handlers (logging, temporary files) still run; only cycles are left for the operating system to reclaim."""
    global _EXIT_HOOKED
    if not _EXIT_HOOKED:
        import atexit
        import gc

        atexit.register(gc.freeze)
        _EXIT_HOOKED = True


_EXIT_HOOKED = False

# ---------------------------------------------------------------- run


@app.command("run")
def run_cli(
    inputs: List[Path] = typer.Argument(..., help="Folders or files of transcripts and survey exports."),
    output: Path = typer.Option(Path("outputs/run"), "-o", "--output", help="Run folder to write."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", help="Codebook YAML (default: the packaged one)."),
    model: str = typer.Option(
        DEFAULT_MODEL,
        "--model",
        help=f"{DEFAULT_MODEL} (default); 'static' (fast, distilled once into the cache folder); 'hashing' (no model); or a local sentence-transformers folder.",
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

    settings = guard(
        Settings,
        inputs=tuple(inputs),
        output=output,
        codebook=codebook,
        model=model,
        personas=guard(parse_personas, personas),
        seed=seed,
        redact=not no_redact,
        strict=strict,
        train=train,
        cache_dir=cache_dir,
        coded=coded,
    )
    from synth.cli_render import ProgressReporter, print_summary

    with ProgressReporter.for_terminal(quiet=OUTPUT["quiet"], as_json=as_json) as reporter:
        result = guard(run, settings, reporter)
    if as_json:
        from synth.cli_render import summary_dict

        typer.echo(json.dumps(summary_dict(result), indent=2, ensure_ascii=False))
    elif not OUTPUT["quiet"]:
        print_summary(console(), result)


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
            fail(f"input {str(path)!r} does not exist", "check the path and try again", EXIT_USAGE)
    from synth.ingest import is_run_folder
    from synth.inspect import inspect_run, run_lines

    if inputs and all(is_run_folder(p) and (p / "map.json").is_file() for p in inputs):  # a run: its personas
        runs = [guard(inspect_run, p) for p in inputs]
        typer.echo(json.dumps(runs, indent=2, ensure_ascii=False) if as_json else "\n".join(sum(map(run_lines, runs), [])))
        return
    from synth.cli_render import ProgressReporter

    with ProgressReporter.for_terminal(quiet=OUTPUT["quiet"], as_json=as_json) as reporter:
        reporter.stage("inspect", len(inputs))
        report = guard(inspect_inputs, inputs)
        reporter.done("inspect")
    if as_json:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    from synth.cli_render import print_inspect

    print_inspect(console(), report)


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

    reviewed, notes = guard(reviewed_map, run_dir)
    if persona and persona not in reviewed.persona_ids:
        fail(f"no persona {persona!r} in {run_dir}", "see `synth review RUN_DIR list` for persona ids", EXIT_USAGE)
    out = output or run_dir / _default_export_name(to)
    files = guard(_export_into, run_dir, out, lambda path: export(reviewed, to, path, persona=persona, approved_only=approved_only))
    for note in notes:
        console(stderr=True).print(f"review: {plain(note)}", markup=False)
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
        console(stderr=True).print(f"note: {plain(note)}", markup=False)
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
        fail(f"{path} already exists", "to overwrite it, use --force", EXIT_USAGE)
    text = guard(domain_codebook_text, domain) if domain else default_codebook_text()
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
        fail(f"{path} does not exist", "write one with `synth codebook init`", EXIT_USAGE)
    errors = check_codebook(path)
    if errors:
        for error in errors:
            console(stderr=True).print(str(error), markup=False)
        fail(f"{path}: {len(errors)} error(s)", code=EXIT_USAGE)
    typer.echo(f"{path}: ok")


# ---------------------------------------------------------------- eval


@app.command("eval")
def eval_cli(
    labelled: Path = typer.Argument(..., help="CSV with text and any of stage, kinds, touchpoints, sentiment, question."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", help="Codebook YAML (default: the packaged one)."),
    model: str = typer.Option(DEFAULT_MODEL, "--model", help="Embedding model name or path."),
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
        fail(f"{labelled} does not exist", code=EXIT_USAGE)
    from synth.cli_render import ProgressReporter

    if train is not None and not train.is_file():
        fail(f"{train} does not exist", code=EXIT_USAGE)
    with ProgressReporter.for_terminal(quiet=OUTPUT["quiet"], as_json=as_json) as reporter:
        reporter.stage("load")
        book = guard(load_codebook, codebook)
        training = guard(lambda p: list(read_labelled(p)), train) if train is not None else []
        embedder = make_embedder(model)
        reporter.done("load")
        reporter.stage("eval")
        report = guard(evaluate_labelled, labelled, book, embedder, seed=seed, training=training, folds=folds)
        reporter.done("eval")
    typer.echo(json.dumps(report.to_dict(), indent=2) if as_json else report.render_text())


if __name__ == "__main__":  # pragma: no cover
    main()
