"""Where a run's memory peak is reached (issue 17): per-stage wall, CPU, RSS after and peak RSS, and the
main thread's stack at the highest RSS seen. Prints figures; asserts nothing.

Runs the real CLI (`synth run INPUTS -o OUT --model M --cache-dir C`) in this process with each stage of
`synth.pipeline.STAGES` wrapped: before a stage the kernel's peak-RSS mark is reset (`/proc/self/clear_refs`,
Linux), after it `VmHWM` is that stage's peak. A thread samples `VmRSS` every 50 ms and keeps the main
thread's stack at the highest value, which names the line where the peak is reached. Inputs at scale come
from `bench/scale.py --keep DIR` (its `DIR/in-N` folders).

    PYTHONPATH=. .venv/bin/python bench/stage_memory.py INPUTS OUT CACHE [--model static]
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import traceback


def status(field: str) -> float:
    """A /proc/self/status figure in MiB (0 where there is none)."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


class Sampler(threading.Thread):
    """The highest RSS seen, the stage it was in and the main thread's stack at that moment."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.main = threading.get_ident()
        self.stage, self.peak, self.peak_stage, self.stack = "start", 0.0, "", [""]

    def run(self) -> None:
        while True:
            rss = status("VmRSS")
            if rss > self.peak:
                frame = sys._current_frames().get(self.main)
                self.peak, self.peak_stage = rss, self.stage
                self.stack = traceback.format_stack(frame, limit=12) if frame else [""]
            time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs")
    parser.add_argument("out")
    parser.add_argument("cache")
    parser.add_argument("--model", default="static")
    args = parser.parse_args()
    import synth.pipeline as pipeline
    from synth.cli import main as cli

    sampler, rows = Sampler(), []

    def measured(name, stage):
        def run(ctx) -> None:
            with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
                handle.write("5")  # reset VmHWM to the current RSS
            sampler.stage, wall, cpu = name, time.perf_counter(), time.process_time()
            stage(ctx)
            rows.append((name, time.perf_counter() - wall, time.process_time() - cpu, status("VmRSS"), status("VmHWM")))

        return run

    pipeline.STAGES = tuple((name, measured(name, stage)) for name, stage in pipeline.STAGES)
    sampler.start()
    print(f"load average before {os.getloadavg()[0]:.2f}", flush=True)
    sys.argv = ["synth", "run", args.inputs, "-o", args.out, "--model", args.model, "--cache-dir", args.cache]
    started = time.perf_counter()
    try:
        cli()
    except SystemExit as stop:
        if stop.code:
            print(f"synth exited with {stop.code}", file=sys.stderr)
    print(f"{'stage':<11} {'wall s':>8} {'cpu s':>8} {'RSS after':>10} {'peak MiB':>9}")
    for name, wall, cpu, rss, peak in rows:
        print(f"{name:<11} {wall:8.2f} {cpu:8.2f} {rss:10.0f} {peak:9.0f}")
    print(f"wall {time.perf_counter() - started:.1f} s; highest RSS sampled {sampler.peak:.0f} MiB in "
          f"{sampler.peak_stage}; load average after {os.getloadavg()[0]:.2f}; the stack there:")  # fmt: skip
    print("".join(sampler.stack))


if __name__ == "__main__":
    main()
