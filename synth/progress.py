"""How the library reports progress without printing: the CLI passes a reporter."""

from __future__ import annotations

from typing import Callable, Protocol


class Reporter(Protocol):
    def stage(self, name: str, total: int | None = None) -> Callable[[int], None]:
        """Start a named step; returns `advance(n)`."""

    def done(self, name: str) -> None:
        """The step finished."""


def ignore_progress(n: int = 1) -> None:
    """`advance(n)` of a step nobody watches."""


class SilentReporter:
    def stage(self, name: str, total: int | None = None) -> Callable[[int], None]:
        return ignore_progress

    def done(self, name: str) -> None:
        return None
