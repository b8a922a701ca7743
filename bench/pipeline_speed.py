"""Speed and memory figures for a whole run. Prints a table; asserts nothing.

    .venv/bin/python bench/pipeline_speed.py [--large N]

1. `synth --help` start-up time.
2. The demo study (sample_inputs/) with the default MiniLM model: cold cache, then warm (re-run).
3. A large survey: N open answers (Banking77 queries from ../shared/data, if present) as a CSV export,
   with the static model2vec model, the int8 ONNX `fast` model and MiniLM (cold embedding cache each).
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synth.config import Settings, default_models_dir  # noqa: E402
from synth.pipeline import run  # noqa: E402


def timed_run(inputs: Path, out: Path, model: str, cache: Path) -> tuple[float, object]:
    start = time.perf_counter()
    result = run(Settings(inputs=(inputs,), output=out, model=model, cache_dir=cache, models_dir=default_models_dir()))
    return time.perf_counter() - start, result


def write_large_survey(path: Path, n: int) -> bool:
    source = ROOT.parent / "shared" / "data" / "banking77" / "train.csv"
    if not source.exists():
        return False
    with open(source, newline="", encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    rng = random.Random(0)
    bands = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Timestamp", "Age band", "What went wrong the last time you used the card?"])
        for i in range(n):
            writer.writerow([f"1/{1 + i % 28}/2026 10:{i % 60:02d}:00", rng.choice(bands), texts[i % len(texts)]])
    return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--large", type=int, default=5000, help="answers in the large-survey run")
    args = parser.parse_args()
    rows = []
    synth = Path(sys.executable).parent / "synth"
    start = time.perf_counter()
    subprocess.run([str(synth), "--help"], capture_output=True, check=True)
    rows.append(("synth --help", f"{time.perf_counter() - start:.2f} s", ""))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cold, result = timed_run(ROOT / "sample_inputs", tmp / "demo", "all-MiniLM-L6-v2", tmp / "cache")
        rows.append(("demo, MiniLM, cold cache", f"{cold:.1f} s", f"{result.units} units, {result.embedded_new} embedded"))
        warm, result = timed_run(ROOT / "sample_inputs", tmp / "demo", "all-MiniLM-L6-v2", tmp / "cache")
        rows.append(("demo, MiniLM, warm cache", f"{warm:.1f} s", f"{result.embedded_new} embedded"))
        survey = tmp / "large" / "survey.csv"
        survey.parent.mkdir()
        if write_large_survey(survey, args.large):
            for model in ("static", "fast", "all-MiniLM-L6-v2"):
                seconds, result = timed_run(survey.parent, tmp / f"large-{model}", model, tmp / "cache")
                rate = result.units / seconds if seconds else 0
                rows.append((f"{args.large} answers, {model}", f"{seconds:.1f} s", f"{result.units} units, {rate:.0f} units/s"))
        else:
            rows.append(("large survey", "skipped", "../shared/data/banking77 not present"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak memory (this process)", f"{peak:.0f} MiB", ""))
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>9}  {note}")


if __name__ == "__main__":
    main()
