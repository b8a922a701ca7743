"""synth against its floor and a peer on the same labelled texts, interleaved. Prints a table; asserts nothing.

    PYTHONPATH=. .venv/bin/python bench/vs_peers.py [--n 10000] [--rounds 2] [--model all-MiniLM-L6-v2]
        [--bertopic-python /path/to/venv/bin/python]

The first N Banking77 queries (../shared/data/banking77/train.csv, 77 intents) become one survey CSV, one
respondent per query. Each round runs, each as its own process (imports and model load included):
1. bare: `SentenceTransformer(...).encode(texts, batch_size=64)` (the embedding floor);
2. `synth run` with defaults apart from `--model` and a fresh `--cache-dir` (cold);
3. embed + BERTopic (`BERTopic().fit_transform(texts, embeddings)`), only when `--bertopic-python` names an
   interpreter with bertopic installed (a throwaway venv: BERTopic is never a synth dependency).
Quality: ARI against the intent labels of synth's personas (per respondent) and of synth's themes (per unit,
units without a theme as one group), and of BERTopic's topics (outliers as one group).
Times are wall seconds per process, medians over rounds, and ratios to the bare encode.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "banking77" / "train.csv"
QUESTION = "What went wrong the last time you used the card?"

BARE = """
import sys, csv
from sentence_transformers import SentenceTransformer
from synth.embed.registry import make_embedder
texts = [r["text"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))]
model = SentenceTransformer(make_embedder(sys.argv[2]).resolved_path, device="cpu", local_files_only=True)
model.encode(texts, batch_size=64, show_progress_bar=False)
"""

PEER = """
import sys, csv, json
from sentence_transformers import SentenceTransformer
from bertopic import BERTopic
texts = [r["text"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))]
model = SentenceTransformer(sys.argv[2], device="cpu", local_files_only=True)
embeddings = model.encode(texts, batch_size=64, show_progress_bar=False)
topics, _ = BERTopic(embedding_model=model).fit_transform(texts, embeddings)
json.dump([int(t) for t in topics], open(sys.argv[3], "w"))
"""


def write_inputs(folder: Path, n: int) -> tuple[Path, list[str]]:
    with open(DATA, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:n]
    folder.mkdir(parents=True)
    survey = folder / "survey" / "survey.csv"
    survey.parent.mkdir()
    with open(survey, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Timestamp", QUESTION])
        for i, row in enumerate(rows):
            writer.writerow([f"1/{1 + i % 28}/2026 10:{i % 60:02d}:00", row["text"]])
    plain = folder / "texts.csv"
    with open(plain, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text"])
        writer.writerows([r["text"]] for r in rows)
    return survey.parent, [r["category"] for r in rows]


def timed(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, capture_output=True)
    return time.perf_counter() - start


def synth_labels(out: Path, n: int) -> tuple[list[str], list[str]]:
    """Persona and theme per survey row, read back from map.json (row N of the CSV = data row N - 2)."""
    doc = json.loads((out / "map.json").read_text(encoding="utf-8"))
    persona_of = {p["id"]: str(p.get("persona_id")) for p in doc["participants"]}
    personas, themes = ["none"] * n, ["none"] * n
    for unit in doc["units"]:
        row = int(re.match(r"row (\d+)", unit["location"]).group(1)) - 2
        personas[row] = persona_of[unit["participant_id"]]
        themes[row] = (unit.get("themes") or ["none"])[0]
    return personas, themes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    parser.add_argument("--bertopic-python", help="python of a venv with bertopic installed")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} not present")
        return
    from sklearn.metrics import adjusted_rand_score

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    synth = str(Path(sys.executable).parent / "synth")
    times: dict[str, list[float]] = {"bare encode (process)": [], "synth run, cold cache": []}
    if args.bertopic_python:
        times["embed + BERTopic"] = []
    quality: dict[str, float] = {}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        inputs, labels = write_inputs(tmp / "data", args.n)
        texts_csv = tmp / "data" / "texts.csv"
        model_path = subprocess.run([sys.executable, "-c", "import sys; from synth.embed import make_embedder; "
                                     "print(make_embedder(sys.argv[1]).resolved_path)", args.model],
                                    env=env, capture_output=True, text=True, check=True).stdout.strip()
        for r in range(args.rounds):
            times["bare encode (process)"].append(timed([sys.executable, "-c", BARE, str(texts_csv), args.model], env))
            out = tmp / f"run{r}"
            times["synth run, cold cache"].append(timed(
                [synth, "run", str(inputs), "-o", str(out), "--model", args.model, "--cache-dir", str(tmp / f"cache{r}")], env))
            personas, themes = synth_labels(out, len(labels))
            quality["synth personas"] = adjusted_rand_score(labels, personas)
            quality["synth themes"] = adjusted_rand_score(labels, themes)
            if args.bertopic_python:
                topics_file = tmp / f"topics{r}.json"
                times["embed + BERTopic"].append(timed(
                    [args.bertopic_python, "-c", PEER, str(texts_csv), model_path, str(topics_file)], env))
                quality["BERTopic topics"] = adjusted_rand_score(labels, json.loads(topics_file.read_text()))
    floor = statistics.median(times["bare encode (process)"])
    print(f"{args.n} Banking77 texts (77 intents), model {args.model}, {args.rounds} interleaved rounds, "
          f"{os.cpu_count()} CPUs, load average {load_before:.1f} before / {os.getloadavg()[0]:.1f} after")
    print("| run | wall (median) | rounds | x bare encode |\n|---|---|---|---|")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.1f} s | {', '.join(f'{v:.1f}' for v in values)} | {median / floor:.2f}x |")
    if "embed + BERTopic" in times:
        ratio = statistics.median(times["embed + BERTopic"]) / statistics.median(times["synth run, cold cache"])
        print(f"synth end to end is {ratio:.2f}x as fast as embed + BERTopic")
    print("| grouping | ARI vs intent |\n|---|---|")
    for name, value in quality.items():
        print(f"| {name} | {value:.3f} |")


if __name__ == "__main__":
    main()
