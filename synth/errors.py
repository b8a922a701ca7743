"""The project's exceptions. Only the CLI turns them into exit codes.

Messages never quote participant words: they name the file, the line or row,
the column, what was expected and what to do.
"""

from __future__ import annotations


class SynthError(Exception):
    """Base for every error synth raises on purpose."""

    hint: str = ""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint or self.hint

    def describe(self) -> str:
        text = str(self)
        return f"{text}\nHint: {self.hint}" if self.hint else text


class InputError(SynthError):
    """An input file could not be read as what it claims to be."""

    def __init__(
        self, path: str, reason: str, *, hint: str = "", line: int | None = None, row: int | None = None, column: str | None = None
    ) -> None:
        self.path, self.reason = str(path), reason
        self.line, self.row, self.column = line, row, column
        where = self.path
        if line is not None:
            where += f", line {line}"
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {reason}", hint=hint)

    def to_problem(self, severity: str = "error"):
        from synth.records import Problem

        return Problem(
            path=self.path, reason=self.reason, hint=self.hint, line=self.line, row=self.row, column=self.column, severity=severity
        )


class ConfigError(SynthError):
    """A setting, codebook, survey.yaml or template is invalid."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None, hint: str = "") -> None:
        self.path, self.line, self.message = path, line, message
        where = ""
        if path:
            where = f"{path}, line {line}: " if line else f"{path}: "
        super().__init__(where + message, hint=hint)


class ReviewError(ConfigError):
    """review.yaml is unreadable or a review command names something unknown."""


class ModelError(SynthError):
    """The embedding model could not be loaded."""


class WorkspaceError(SynthError):
    """A run folder cannot be used: not a run, locked by another command, or a file in it is corrupt."""
