"""How every command reports: exit codes, the terminal console, one-line errors with a hint.

`guard` calls library code and turns `SynthError` and disk errors into that one-line message
and an exit code (in `CliRunner` too); `synth.cli.main` does the same for whatever escapes a command.
"""

from __future__ import annotations

import typer

EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL = 1, 2, 3


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def fail(message: str, hint: str = "", code: int = EXIT_INPUT) -> None:
    from rich.markup import escape

    err = console(stderr=True)
    err.print(f"[bold red]Error:[/] {escape(plain(message))}", markup=True)
    if hint:
        err.print(f"Hint: {hint}", markup=False)
    raise typer.Exit(code)


def guard(func, *args, **kwargs):
    """Call library code; turn SynthError and disk errors into a one-line message (for CliRunner too)."""
    from synth.errors import ConfigError, SynthError

    try:
        return func(*args, **kwargs)
    except SynthError as exc:
        fail(str(exc), exc.hint, EXIT_USAGE if isinstance(exc, ConfigError) else EXIT_INPUT)
    except OSError as exc:
        fail(*os_message(exc), EXIT_INPUT)


def os_message(exc: OSError) -> tuple[str, str]:
    """A disk problem (read-only folder, full disk, missing permission) with its path and what to do."""
    where = exc.filename or "a file"
    reason = exc.strerror or type(exc).__name__
    return f"cannot read or write {plain(str(where))}: {reason}", "free some space or pick a folder you can write, then run again"


def plain(text: str) -> str:
    """Text for the terminal with control characters (escape codes in file names) made visible."""
    return "".join(ch if ch.isprintable() or ch in "\n\t" else f"\\x{ord(ch):02x}" for ch in str(text))
