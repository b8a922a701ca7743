"""Both cores for per-turn and per-unit text work: forked worker processes, results in input order.

`ordered_map(work, state, chunks)` yields `work(state, chunk)` for each chunk, in the chunks' order.
With more than one chunk, enough of them and fork available (Linux), the chunks run in
`workers()` processes forked for the call: each inherits `state` (a spaCy pipeline, a redactor,
the sources) as it is in memory, so nothing but the chunks and the results is pickled. `work`
must be pure: then the output is the same, byte for byte, as one process gives, only sooner.

Why processes and not threads: the work is Python (regular expressions, spaCy's tokenizer and
matchers, VADER) holding the GIL. Why fork: a spawned worker would import synth and load the
pipeline again (2-3 s each). Workers are forked before any thread of the run starts (lingua's,
synth.language), and exit when the call ends, so their memory is given back at once.

While results come back the parent's cyclic garbage collector is paused: they are many small
objects, and each collection walks the run's whole heap. Unpickling the rule hits of 22,000
units took 0.55 s with it and 0.07 s without; the records made here hold no cycles.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

Chunk = TypeVar("Chunk")
Result = TypeVar("Result")

MIN_CHUNKS = 4  # below this forking costs more than it saves
_JOB: tuple[Callable[[Any, Any], Any], Any] | None = None  # (work, state), set in the parent just before forking


def workers() -> int:
    """Worker processes to use: the cores this process may run on, at most 2 (what the issue's machine has)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(2, cores))


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def ordered_map(
    work: Callable[[Any, Chunk], Result], state: Any, chunks: Sequence[Chunk], *, processes: int | None = None
) -> Iterator[Result]:
    """`work(state, chunk)` for each chunk, in order; in forked processes when that can help."""
    global _JOB
    processes = workers() if processes is None else processes
    if processes < 2 or len(chunks) < MIN_CHUNKS or not can_fork():
        for chunk in chunks:
            yield work(state, chunk)
        return
    _JOB = (work, state)
    try:
        pool = multiprocessing.get_context("fork").Pool(processes, initializer=gc.freeze)
    finally:
        _JOB = None  # the workers hold their own copy from here
    collecting = gc.isenabled()
    gc.disable()  # see the module docstring
    try:
        with pool:
            yield from pool.imap(_run, chunks)
    finally:
        if collecting:
            gc.enable()


def _run(chunk):
    assert _JOB is not None, "ordered_map's worker started without its job"
    work, state = _JOB
    return work(state, chunk)


def chunked(count: int, size: int) -> list[range]:
    """range(count) cut into consecutive ranges of `size` (the last shorter)."""
    return [range(start, min(count, start + size)) for start in range(0, count, size)]
