"""Terminal rendering for the CLI: progress bars and summaries (rich)."""

from __future__ import annotations

from typing import Callable


class ProgressReporter:
    """Rich progress bars on a terminal; silent when `enabled` is False (piped)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._progress = None
        self._tasks: dict[str, int] = {}

    def __enter__(self) -> "ProgressReporter":
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True
            )
            self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()

    def stage(self, name: str, total: int | None = None) -> Callable[[int], None]:
        if self._progress is None:
            return lambda n=1: None
        task = self._progress.add_task(name, total=total)
        self._tasks[name] = task
        return lambda n=1: self._progress.advance(task, n)

    def done(self, name: str) -> None:
        if self._progress is not None and name in self._tasks:
            self._progress.remove_task(self._tasks.pop(name))


def print_summary(console, result) -> None:
    """The short summary a run ends with."""
    errors = [p for p in result.problems if p.severity == "error"]
    warnings = [p for p in result.problems if p.severity != "error"]
    console.print(f"[bold]synth run[/] → {result.output}", markup=True)
    console.print(
        f"  {result.sources} sources read, {result.participants} participants, {result.units} evidence units, "
        f"{result.personas} personas",
        markup=False,
    )
    if result.embedded_new:
        console.print(f"  embedded {result.embedded_new} new texts ({result.embedded_cached} from cache)", markup=False)
    else:
        console.print(f"  embedded nothing new: all {result.embedded_cached} texts came from the cache", markup=False)
    console.print(f"  problems: {len(errors)} error(s), {len(warnings)} warning(s)" + (" (details in run.json)" if result.problems else ""), markup=False)
    for problem in errors[:10]:
        console.print(f"    - {problem.describe()}", markup=False)
    if len(errors) > 10:
        console.print(f"    ... and {len(errors) - 10} more in run.json", markup=False)
    for warning in result.warnings:
        console.print(f"  warning: {warning}", markup=False)
    for note in result.review_notes:
        console.print(f"  review: {note}", markup=False)
    console.print("  files: map.json, evidence.csv, personas/, journey_map.xlsx, report.html, review.yaml, run.json", markup=False)
    console.print(f"  open {result.output / 'report.html'} to review the personas", markup=False)


def print_inspect(console, report: list[dict]) -> None:
    """Per file: format, participants, units, speakers, columns, problems."""
    from rich.table import Table

    for source in report:
        console.print(
            f"[bold]{source['path']}[/]  {source['kind']} · {source['format']} · "
            f"{source['participants']} participants · {source['units']} units",
            markup=True,
        )
        if source["speakers"]:
            roles = ", ".join(f"{s['name']} ({s['role']})" for s in source["speakers"][:12])
            more = f" … +{len(source['speakers']) - 12}" if len(source["speakers"]) > 12 else ""
            console.print(f"  speakers: {roles}{more}", markup=False)
        if source["columns"]:
            table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
            for name in ("column", "role", "example"):
                table.add_column(name, overflow="fold")
            for column in source["columns"]:
                table.add_row(column["name"][:60], column["role"], (column.get("example") or "")[:50])
            console.print(table)
        for problem in source["problems"]:
            console.print(f"  [yellow]problem:[/] {problem['message']}", markup=True)
