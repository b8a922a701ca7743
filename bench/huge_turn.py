"""Time one hostile input: a single speaker turn of 2.4 MB of prose on ONE line (issue 13 item 4).

Builds ``huge.txt`` ("P1: ..." then 2.4 MB of English sentences from sample_inputs, shuffled with a
fixed seed, so the input is the same on every machine), runs ``synth run DIR -o OUT --model hashing``
(defaults except the model, so the figure measures synth's own stages, not an embedding model) in a
child process, and prints its wall time, peak RSS, exit code, stage timings and the split warnings from
run.json. Why a child process: peak RSS must be the run's own, imports included.

    PYTHONPATH=. .venv/bin/python bench/huge_turn.py [--chars 2400000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEAKER = re.compile(r"^\s*[\w .'-]{1,40}:\s*", re.M)


def build(folder: Path, chars: int, seed: int = 0) -> Path:
    """Write `folder/huge.txt`: one line, one turn, `chars` characters of shuffled sample sentences."""
    texts = [p.read_text(errors="replace") for p in sorted((ROOT / "sample_inputs").glob("*.txt"))]
    prose = re.sub(r"\s+", " ", SPEAKER.sub(" ", "\n".join(texts)))
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", prose) if len(s.strip()) > 20]
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < chars:
        parts.append(rng.choice(sentences))
        size += len(parts[-1]) + 1
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "huge.txt"
    path.write_text("P1: " + " ".join(parts)[:chars] + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=2_400_000)
    parser.add_argument("--keep", type=Path, help="write input and output here instead of a temp folder")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="synth-huge-"))
    source = build(work / "in", args.chars)
    out = work / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "synth", "run", str(source.parent), "-o", str(out),
                           "--model", "hashing", "--cache-dir", str(work / "cache")],
                          env=env, capture_output=True, text=True)  # fmt: skip
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"input: {source.stat().st_size:,} bytes, 1 line; load average {os.getloadavg()[0]:.2f}")
    print(f"synth run --model hashing: exit {done.returncode}, wall {wall:.1f} s, peak RSS {peak:,.0f} MiB")
    run_json = out / "run.json"
    if run_json.exists():
        data = json.loads(run_json.read_text())
        print("stages (s):", data.get("timings_s"))
        splits = [p["reason"] for p in data.get("problems", []) if "was split into" in p["reason"]]
        print("split warnings:", splits or "NONE")
    else:
        print(done.stderr[-2000:])


if __name__ == "__main__":
    main()
