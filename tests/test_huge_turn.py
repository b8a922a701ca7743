"""Issue 13 item 4 end to end: a turn over the per-turn limit becomes several units, each quote verbatim.

Correctness only (timing lives in bench/huge_turn.py). The limit is lowered to 2,000 characters so a
12,000-character turn exercises the split in seconds; the code path is the one a 2.4 MB turn takes.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace

from synth.config import Settings
from synth.ingest import limits
from synth.pipeline import run
from tests.quotecheck import check_unit

WORDS = "the app was slow and I could not find the booking page so I gave up and called the hotel".split()


def _long_answer(chars: int) -> str:
    rng = random.Random(7)
    sentences = []
    while sum(len(s) + 1 for s in sentences) < chars:
        sentences.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + ".")
    return " ".join(sentences)


def test_a_turn_over_the_limit_is_split_into_verbatim_units(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "LIMITS", replace(limits.LIMITS, max_turn_chars=2_000))
    folder = tmp_path / "in"
    folder.mkdir()
    answer = _long_answer(12_000)
    (folder / "long.txt").write_text(f"Interviewer: How was booking?\nJane: {answer}\nInterviewer: Thanks.\n")
    out = tmp_path / "out"
    run(Settings(inputs=(folder,), output=out, model="hashing", cache_dir=tmp_path / "cache"))

    problems = json.loads((out / "run.json").read_text())["problems"]
    (split,) = [p for p in problems if "was split into" in p["reason"]]
    assert split["severity"] == "warning" and split["line"] == 2
    units = json.loads((out / "map.json").read_text())["units"]
    janes = [u for u in units if u["source"] == "long.txt" and u["location"].startswith("line 2")]
    assert len(janes) >= 6, "a 12,000-character turn over a 2,000 limit gives several units"
    assert all(len(u["text"]) <= 2_000 for u in janes)
    assert [f for f in (check_unit(u, folder) for u in janes) if f] == []
