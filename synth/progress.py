"""How the library reports progress without printing: the CLI passes a reporter."""

from __future__ import annotations

from typing import Callable, Protocol


class Reporter(Protocol):
    def stage(self, name: str, total: int | None = None) -> Callable[[int], None]:
        """Start a named step; returns `advance(n)`."""

    def done(self, name: str) -> None:
        """The step finished."""


class SilentReporter:
    def stage(self, name: str, total: int | None = None) -> Callable[[int], None]:
        return lambda n=1: None

    def done(self, name: str) -> None:
        return None
