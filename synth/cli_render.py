"""Terminal rendering for the CLI: progress bars and summaries (rich)."""

from __future__ import annotations

import sys
import time
from functools import partial
from typing import Any, Callable, TextIO

from synth.progress import ignore_progress


class ProgressReporter:
    """Progress for every phase of a command, in one of three modes.

    - ``rich``: live bars on a terminal (a bar with a count when the phase
      knows its total, a spinner with elapsed time when it does not);
    - ``plain``: one line per phase on stderr as it starts ("synth: tag"),
      for pipes, CI logs and `tee` (no control characters);
    - ``off``: nothing (``-q``).

    A phase started twice (the pipeline announces "embed", then the embedder
    reports its count) is one phase: the second start sets the total.
    """

    def __init__(self, enabled: bool | None = None, *, mode: str | None = None, stream: TextIO | None = None) -> None:
        self.mode = mode or ("rich" if enabled else "off")
        self.stream = stream or sys.stderr
        self._progress: Any = None  # rich.progress.Progress once started (imported only in rich mode)
        self._tasks: dict[str, Any] = {}
        self._started: dict[str, float] = {}

    @classmethod
    def for_terminal(cls, *, quiet: bool, as_json: bool = False, stream: TextIO | None = None) -> "ProgressReporter":
        """rich on a terminal, plain lines when piped, off with -q (and off when piped with --json,
        so `cmd --json 2>&1 | jq` reads JSON alone)."""
        stream = stream or sys.stderr
        if quiet or (as_json and not stream.isatty()):
            return cls(mode="off", stream=stream)
        return cls(mode="rich" if stream.isatty() else "plain", stream=stream)

    def __enter__(self) -> "ProgressReporter":
        if self.mode == "rich":
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description:<10}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                transient=True,
                console=Console(file=self.stream),
            )
            self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()

    def stage(self, name: str, total: int | None = None) -> Callable[[int], None]:
        if self.mode == "off":
            return ignore_progress
        if name in self._started:
            return self._again(name, total)
        self._started[name] = time.perf_counter()
        if self.mode == "plain":
            self.stream.write(f"synth: {name}" + (f" ({total})" if total else "") + "\n")
            self.stream.flush()
            return ignore_progress
        task = self._progress.add_task(name, total=total)
        self._tasks[name] = task
        return partial(self._advance, task)

    def _advance(self, task: Any, n: int = 1) -> None:
        self._progress.advance(task, n)

    def _again(self, name: str, total: int | None) -> Callable[[int], None]:
        if self._progress is None or name not in self._tasks:
            return ignore_progress
        task = self._tasks[name]
        self._progress.update(task, total=total)
        return partial(self._advance, task)

    def done(self, name: str) -> None:
        if self._progress is not None and name in self._tasks:
            self._progress.remove_task(self._tasks.pop(name))


def escape(text: str) -> str:
    """User text made safe to print with rich markup on: "[email]" stays "[email]"."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def summary_dict(result) -> dict[str, Any]:
    """The run summary as JSON-ready data (`synth run --json`): counts, problems, files, timings."""
    return {
        "output": str(result.output),
        "sources": result.sources,
        "participants": result.participants,
        "units": result.units,
        "personas": result.personas,
        "embedded": {"new": result.embedded_new, "cached": result.embedded_cached},
        "problems": [{"severity": p.severity, "message": p.describe()} for p in result.problems],
        "warnings": list(result.warnings),
        "review_notes": list(result.review_notes),
        "files": [str(f) for f in result.files],
        "timings": dict(result.timings),
    }


def plain_help(command) -> Any:
    """`command` (a click command tree) with help that names values, not types.

    Typer prints ``<bool>`` after flags, ``<path>`` after options and
    ``{inputs}...`` in the usage line; a CLI's help conventionally shows
    flags bare, option values as NAME and arguments as INPUTS... .
    """
    for param in getattr(command, "params", []):  # typer ships its own click: match by shape, not class
        if hasattr(param, "is_flag"):
            param.metavar = "" if param.is_flag or param.count else _value_name(param)
        else:
            name = param.name.upper() + ("..." if param.nargs != 1 else "")
            param.metavar = name
            param.display_type_rich = lambda ctx=None: None  # the name says it; no "<list[Path]>" beside it
            param._usage_display_name = lambda name=name: name  # "INPUTS...", not "{inputs}..."
    _bare_help_flag(command)
    for sub in getattr(command, "commands", {}).values():
        plain_help(sub)
    return command


def _bare_help_flag(command) -> None:
    """--help is made per call by click; show it without a type too."""
    make = getattr(command, "get_help_option", None)
    if make is None:
        return

    def get_help_option(ctx):
        option = make(ctx)
        if option is not None:
            option.metavar = ""
        return option

    command.get_help_option = get_help_option


def _value_name(param) -> str:
    desc = getattr(param, "type_descriptor", None)
    if desc is not None and getattr(desc, "is_path", False):
        return "PATH"
    name = str(getattr(desc, "annotation", getattr(param, "type", ""))).lower()
    if "int" in name or "float" in name:
        return "N"
    return "PATH" if "path" in name else "TEXT"


def print_summary(console, result) -> None:
    """The short summary a run ends with."""
    errors = [p for p in result.problems if p.severity == "error"]
    warnings = [p for p in result.problems if p.severity != "error"]
    console.print(f"[bold]synth run[/] → {escape(str(result.output))}", markup=True)
    console.print(
        f"  {result.sources} sources read, {result.participants} participants, {result.units} evidence units, {result.personas} personas",
        markup=False,
    )
    if result.embedded_new:
        console.print(f"  embedded {result.embedded_new} new texts ({result.embedded_cached} from cache)", markup=False)
    else:
        console.print(f"  embedded nothing new: all {result.embedded_cached} texts came from the cache", markup=False)
    console.print(
        f"  problems: {len(errors)} error(s), {len(warnings)} warning(s)" + (" (details in run.json)" if result.problems else ""),
        markup=False,
    )
    for problem in errors[:10]:
        console.print(f"    - {problem.describe()}", markup=False)
    if len(errors) > 10:
        console.print(f"    ... and {len(errors) - 10} more in run.json", markup=False)
    for warning in result.warnings:
        console.print(f"  warning: {warning}", markup=False)
    if getattr(result, "join", None) is not None and result.join.summary_line():
        console.print(f"  {result.join.summary_line()} (run.json 'participants_join')", markup=False)
    for note in result.review_notes:
        console.print(f"  review: {note}", markup=False)
    console.print("  files: map.json, evidence.csv, personas/, journey_map.xlsx, report.html, review.yaml, run.json", markup=False)
    console.print(f"  open {result.output / 'report.html'} to review the personas", markup=False)


def print_inspect(console, report: list[dict]) -> None:
    """Per file: format, participants, units, speakers, columns, problems."""
    from rich.table import Table

    for source in report:
        console.print(
            f"[bold]{escape(str(source['path']))}[/]  {escape(str(source['kind']))} · {source['format']} · "
            f"{source['participants']} participants · {source['units']} units",
            markup=True,
        )
        if source.get("sheet") and len(source.get("sheets", [])) > 1:
            others = ", ".join(s for s in source["sheets"] if s != source["sheet"])
            console.print(
                f"  sheet: {source['sheet']} (the responses; also in the workbook: {others}; name another with `sheet:` in survey.yaml)",
                markup=False,
            )
        if source["speakers"]:
            roles = ", ".join(f"{s['name']} ({s['role']})" for s in source["speakers"][:12])
            more = f" … +{len(source['speakers']) - 12}" if len(source["speakers"]) > 12 else ""
            console.print(f"  speakers: {roles}{more}", markup=False)
        if source["columns"]:
            table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
            for name in ("column", "role", "example or options"):
                table.add_column(name, overflow="fold")
            for column in source["columns"]:
                # rich reads "[email]" in a cell as markup and prints nothing: escape what the user wrote
                shown = column.get("reason", "") if column["role"] == "multi_choice" else column.get("example") or ""
                table.add_row(escape(column["name"][:60]), escape(column["role"]), escape(shown[:160]))
            console.print(table)
        for problem in source["problems"]:
            console.print(f"  [yellow]problem:[/] {escape(problem['message'])}", markup=True)
        for line in (source.get("join") or {}).get("lines", []):
            console.print(f"  {line}", markup=False)
