"""Is synth's embed stage at the floor? Bare `SentenceTransformer.encode` vs synth's cached embed, interleaved.

    PYTHONPATH=. .venv/bin/python bench/embed_floor.py [--n 2000] [--rounds 2] [--model all-MiniLM-L6-v2]

The same N Banking77 texts (../shared/data/banking77/test.csv, first N rows) are embedded, per round:
1. bare: one `model.encode(texts, batch_size=64)` call on an already loaded model (the floor);
2. synth cold: `CachingEmbedder(make_embedder(model), EmbeddingCache(empty folder)).encode(texts)`, the
   code the embed stage runs: salted keys, sqlite look-up, length-sorted chunks, vectors stored back;
3. synth warm: the same call again on the now-filled cache (what a re-run pays);
4. with `--old`: the previous code's way, one encode call per 64 texts in sha256 key order.
It prints each time, the ratio to the bare floor (median over rounds), the load average, and whether cold and
bare vectors agree. Asserts nothing; figures are noisy on a shared machine, so rounds are interleaved.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synth.embed import CachingEmbedder, EmbeddingCache, make_embedder

DATA = ROOT.parent / "shared" / "data" / "banking77" / "test.csv"


def read_texts(n: int) -> list[str]:
    with open(DATA, newline="", encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)][:n]


def timed(fn) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def old_way(model, texts: list[str]) -> np.ndarray:
    ordered = sorted(set(texts), key=lambda t: hashlib.sha256(t.encode()).hexdigest())
    return np.vstack([model.encode(ordered[i : i + 64], batch_size=64) for i in range(0, len(ordered), 64)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    parser.add_argument("--old", action="store_true", help="also time the previous per-64 chunking")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} not present")
        return
    texts = read_texts(args.n)
    embedder = make_embedder(args.model)
    model = embedder._load()
    model.encode(texts[:64], batch_size=64)  # warm-up, outside every timing
    times: dict[str, list[float]] = {"bare encode": [], "synth embed, cold cache": [], "synth embed, warm cache": []}
    if args.old:
        times["old per-64 chunks"] = []
    agree = True
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            seconds, bare = timed(lambda: model.encode(texts, batch_size=64, show_progress_bar=False))
            times["bare encode"].append(seconds)
            cached = CachingEmbedder(embedder, EmbeddingCache(Path(tmp)))
            seconds, cold = timed(lambda: cached.encode(texts))
            times["synth embed, cold cache"].append(seconds)
            seconds, _ = timed(lambda: CachingEmbedder(embedder, EmbeddingCache(Path(tmp))).encode(texts))
            times["synth embed, warm cache"].append(seconds)
            if args.old:
                times["old per-64 chunks"].append(timed(lambda: old_way(model, texts))[0])
            agree &= bool(np.allclose(cold, bare / np.linalg.norm(bare, axis=1, keepdims=True), atol=1e-5))
    floor = statistics.median(times["bare encode"])
    print(f"{len(texts)} Banking77 texts, model {args.model}, {args.rounds} interleaved rounds, "
          f"load average before/after {LOAD_BEFORE} / {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:<26} median {median:7.2f} s  ({', '.join(f'{v:.2f}' for v in values)})  {median / floor:5.2f}x bare")
    print(f"  cold-cache vectors equal bare encode (normalised, atol 1e-5): {agree}")


LOAD_BEFORE = f"{os.getloadavg()[0]:.1f}"

if __name__ == "__main__":
    main()
