"""How each stage grows from 10,000 to 100,000 survey answers (issue 17). Prints figures; asserts nothing.

Builds Google-Forms-style CSV exports (`Timestamp`, two closed questions, one open question) whose answers
are real third-party text read at bench time from ../shared/data (Banking77 queries, NLU++ hotel
utterances, NaPiRE free-text answers; never copied into the repository). Each answer joins one to three
texts drawn with a fixed seed, so answers are over 99.9% distinct, as in the issue. Then runs the real CLI,
`synth run DIR -o OUT --model static` (defaults otherwise), in a child process per size with a cold
embedding cache (the distilled static model is made once, before timing, and shared), and prints per size
the wall time, peak RSS (the child's own, from `wait4`), the stages' `timings_s` from run.json, and per
stage the growth exponent b of t ~ N^b between the smallest and largest size (1.0 is linear).

    PYTHONPATH=. .venv/bin/python bench/scale.py [--sizes 10000 30000 100000] [--model static] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
QUESTION = "What happened the last time you dealt with us, and what would have made it easier?"


def real_texts() -> list[str]:
    """Every usable text of the three sets, in a fixed order (empty when ../shared/data is absent)."""
    texts: list[str] = []
    for name in ("train.csv", "test.csv"):
        path = DATA / "banking77" / name
        if path.exists():
            with open(path, newline="", encoding="utf-8") as handle:
                texts += [row["text"] for row in csv.DictReader(handle)]
    for path in sorted((DATA / "nluplusplus-hotels" / "hotels").glob("fold*.json")):
        texts += [item["text"] for item in json.loads(path.read_text(encoding="utf-8"))]
    for path in sorted((DATA / "napire2018-efs-survey" / "freetext_raw").glob("*_long_*.csv")):
        with open(path, newline="", encoding="utf-8", errors="replace") as handle:
            texts += [row[1] for row in list(csv.reader(handle))[1:] if len(row) > 1]
    return [" ".join(t.split()) for t in texts if len(t.split()) >= 3]


FILE_ROWS = 50_000  # answers per export file: synth refuses a table over `max_rows` (100,000 lines, docs/limits.md)


def write_survey(path: Path, n: int, texts: list[str], seed: int = 0) -> None:
    """Google Forms exports with `n` respondents in all, each answering the open question, at most
    FILE_ROWS per file (`path`, then `path` with -2, -3 ... before the suffix)."""
    rng = random.Random(seed)
    bands = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
    channels = ["Mobile app", "Website", "Phone", "In person", "Email"]
    path.parent.mkdir(parents=True, exist_ok=True)
    for part, first in enumerate(range(0, n, FILE_ROWS), start=1):
        target = path if part == 1 else path.with_name(f"{path.stem}-{part}{path.suffix}")
        with open(target, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Timestamp", "Age band", "Which channel do you use most?", QUESTION])
            for i in range(first, min(n, first + FILE_ROWS)):
                answer = " ".join(rng.choice(texts) for _ in range(rng.choice((1, 2, 2, 3))))
                stamp = f"{1 + i % 12}/{1 + i % 28}/2026 {i % 24}:{i % 60:02d}:{(i * 7) % 60:02d}"
                writer.writerow([stamp, rng.choice(bands), rng.choice(channels), answer])


def run_child(inputs: Path, out: Path, model: str, cache: Path) -> tuple[int, float, float]:
    """(exit code, wall seconds, peak RSS MiB) of one `synth run` in its own process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "synth", "run", str(inputs), "-o", str(out), "--model", model,
           "--cache-dir", str(cache)]  # fmt: skip
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        if code:  # synth's own one-line message (it never prints participant text)
            errors.seek(0)
            print(errors.read().decode(errors="replace")[-1500:], file=sys.stderr)
    return code, wall, usage.ru_maxrss / 1024


def fresh_cache(work: Path, name: str, models: Path) -> Path:
    """An empty embedding cache that shares the already distilled models."""
    cache = work / "cache" / name
    shutil.rmtree(cache, ignore_errors=True)  # a --keep folder used again: still a cold run
    cache.mkdir(parents=True)
    (cache / "models").symlink_to(models, target_is_directory=True)
    return cache


def exponent(small: float, large: float, n_small: int, n_large: int) -> float:
    """b in t ~ N^b through two points."""
    if small <= 0 or large <= 0 or n_small == n_large:
        return float("nan")
    return math.log(large / small) / math.log(n_large / n_small)


def print_table(results: list[tuple[int, dict]]) -> None:
    stages = list(results[0][1]["timings"])
    print(f"{'answers':>8} {'units':>7} {'wall s':>7} {'RSS MiB':>8}  " + " ".join(f"{s:>10}" for s in stages))
    for n, r in results:
        cells = " ".join(f"{r['timings'].get(s, 0):>10.2f}" for s in stages)
        print(f"{n:>8} {r['units']:>7} {r['wall']:>7.1f} {r['rss']:>8.0f}  {cells}")
    (n0, first), (n1, last) = results[0], results[-1]
    print(f"exponent {n0}->{n1} (1.0 = linear):")
    for s in [*stages, "wall"]:
        a = first["timings"].get(s, 0) if s != "wall" else first["wall"]
        b = last["timings"].get(s, 0) if s != "wall" else last["wall"]
        print(f"  {s:<12} {exponent(a, b, n0, n1):5.2f}   ({a:.2f} s -> {b:.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--model", default="static")
    parser.add_argument("--keep", type=Path, help="write inputs and outputs here instead of a temp folder")
    args = parser.parse_args()
    texts = real_texts()
    if not texts:
        print(f"skipped: {DATA} (banking77, nluplusplus-hotels, napire2018-efs-survey) is not present")
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="synth-scale-"))
    models = work / "models"
    models.mkdir(parents=True, exist_ok=True)
    if not any(models.iterdir()):  # make the model once (the static one is distilled: ~30 s), untimed
        warm_in = work / "in-warmup" / "survey.csv"
        write_survey(warm_in, 50, texts)
        run_child(warm_in.parent, work / "out-warmup", args.model, fresh_cache(work, "warmup", models))
    print(f"{len(texts):,} source texts; model {args.model}; load average before {os.getloadavg()[0]:.2f}")
    results = []
    for n in sorted(args.sizes):
        survey = work / f"in-{n}" / "survey.csv"
        write_survey(survey, n, texts)
        out = work / f"out-{n}"
        shutil.rmtree(out, ignore_errors=True)
        code, wall, rss = run_child(survey.parent, out, args.model, fresh_cache(work, str(n), models))
        data = json.loads((out / "run.json").read_text()) if (out / "run.json").exists() else {}
        units = len(json.loads((out / "map.json").read_text())["units"]) if (out / "map.json").exists() else 0
        results.append((n, {"wall": wall, "rss": rss, "timings": data.get("timings_s", {}), "units": units}))
        print(f"  {n} answers: exit {code}, {wall:.1f} s, {rss:.0f} MiB, load average {os.getloadavg()[0]:.2f}",
              flush=True)  # fmt: skip
    print_table(results)
    print(f"load average after {os.getloadavg()[0]:.2f}; files in {work}")


if __name__ == "__main__":
    main()
