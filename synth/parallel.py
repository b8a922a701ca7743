"""Both cores for per-turn and per-unit text work: forked worker processes, results in input order.

`ordered_map(work, state, chunks)` yields `work(state, chunk)` for each chunk, in the chunks' order.
With more than one chunk, enough of them and fork available (Linux), the chunks run in
`workers()` processes forked for the call: each inherits `state` (a spaCy pipeline, a redactor,
the sources) as it is in memory, so nothing but the chunks and the results is pickled. `work`
must be pure: then the output is the same, byte for byte, as one process gives, only sooner.

Why processes and not threads: the work is Python (regular expressions, spaCy's tokenizer and
matchers, VADER) holding the GIL. Why fork: a spawned worker would import synth and load the
pipeline again (2-3 s each). Workers are forked while the run has no thread of its own
running (segmentation starts lingua's thread, synth.language, after forking and joins it before
tagging), and exit when the call ends, so their memory is given back at once.

While results come back the parent's cyclic garbage collector is paused: they are many small
objects, and each collection walks the run's whole heap. Unpickling the rule hits of 22,000
units took 0.55 s with it and 0.07 s without; the records made here hold no cycles.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

Chunk = TypeVar("Chunk")
Result = TypeVar("Result")

MIN_CHUNKS = 4  # below this forking costs more than it saves
_JOB: tuple[Callable[[Any, Any], Any], Any] | None = None  # (work, state), set in the parent just before forking


def workers() -> int:
    """Worker processes to use: 2 when this process may run on two cores or more and one of them
    is idle now (`spare_core`), else 1 (the work stays in this process)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return 2 if cores >= 2 and spare_core() else 1


def spare_core(interval: float = 0.05) -> bool:
    """Whether at least about one core sat idle over the last `interval` seconds (/proc/stat).

    Forked workers only pay when a core is free. When other programs keep the cores busy, the
    kernel shares CPU time between sessions (autogroup), not processes, so two workers get no
    more time than one process and the parent waits on them: tagging 20,000 answers took 28.1 s
    with two workers at load 3.0 and 15.3 s in one process at load 1.9 (19.4 s before this work,
    docs/performance.md). Where /proc/stat cannot be read, a core is taken to be free.
    """
    try:
        first = _cpu_times()
        time.sleep(interval)
        second = _cpu_times()
    except (OSError, ValueError, IndexError):
        return True
    busy, idle = (b - a for a, b in zip(first, second))
    total = busy + idle
    return total > 0 and idle / total * (os.cpu_count() or 1) >= IDLE_CORE


IDLE_CORE = 0.6  # this share of one core idle counts as a free core


def _cpu_times() -> tuple[int, int]:
    """(busy, idle) jiffies of all cores since boot."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields[:8]) - idle, idle


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def ordered_map(
    work: Callable[[Any, Chunk], Result], state: Any, chunks: Sequence[Chunk], *, processes: int | None = None
) -> Iterator[Result]:
    """`work(state, chunk)` for each chunk, in order; in forked processes when that can help."""
    global _JOB
    if len(chunks) >= MIN_CHUNKS and processes is None:
        processes = workers()
    if processes is None or processes < 2 or len(chunks) < MIN_CHUNKS or not can_fork():
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
