"""Persona clustering at survey scale: 15,000 respondents with closed answers only plus 3,000 with text.

    .venv/bin/python bench/persona_speed.py [--closed 15000] [--text 3000] [--resamples 20]

Builds a synthetic study (fictional answers drawn from four hidden groups, so the result can be
checked too), embeds the 3,000 texts with the hashing embedder (the embed stage is not what is
measured here) and times `cluster_participants` and `synthesize_personas` with synth's defaults.
Prints the wall and CPU time of each (wall time depends on the load others put on the machine), peak RSS, k chosen and ARI against the hidden groups. Asserts nothing.
Target (issue 11): clustering under 60 s on this 2-core machine.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synth.cluster import cluster_participants  # noqa: E402
from synth.config import DEFAULT_WEIGHTS  # noqa: E402
from synth.embed import HashingEmbedder  # noqa: E402
from synth.records import Participant, Span, TagResult, Unit  # noqa: E402
from synth.representativeness import representativeness  # noqa: E402
from synth.synthesize import synthesize_personas  # noqa: E402

GROUPS = (
    {"How often do you order?": "Weekly", "Household": "Family with children", "Device": "Phone app", "Age": "35-44"},
    {"How often do you order?": "Monthly", "Household": "Shared house or flat", "Device": "Phone app", "Age": "18-24"},
    {"How often do you order?": "Fortnightly", "Household": "Live alone", "Device": "Website", "Age": "65-74"},
    {"How often do you order?": "Weekly", "Household": "Couple, no children", "Device": "Website", "Age": "25-34"},
)
OPTIONS = {name: sorted({g[name] for g in GROUPS}) for name in GROUPS[0]}
TEXTS = (
    "slots are always full when the kids are home so I order late at night",
    "the delivery fee is too much for a student and the minimum basket is high",
    "I need bigger text on the website and someone to call when the password fails",
    "I want local seasonal produce without plastic and a filter for organic food",
)


def study(closed: int, text: int, seed: int):
    rng = np.random.default_rng(seed)
    participants, units, truth = [], [], []
    for n in range(closed + text):
        group = int(rng.integers(len(GROUPS)))
        answers = {k: (v if rng.random() > 0.15 else str(rng.choice(OPTIONS[k]))) for k, v in GROUPS[group].items()}
        source = "survey" if n < closed else "survey-text"
        participants.append(Participant(f"P{n:05d}", f"k{n}", (source,), answers))
        truth.append(group)
        if n >= closed:
            words = TEXTS[group].split()
            sentence = " ".join(w for w in words if rng.random() > 0.2)
            units.append(Unit(f"u{n}", f"P{n:05d}", source, sentence, sentence, sentence, (Span(n + 2, 0, len(sentence)),), f"row {n + 2}"))
    return participants, units, truth


def main() -> None:
    from sklearn.metrics import adjusted_rand_score

    parser = argparse.ArgumentParser()
    parser.add_argument("--closed", type=int, default=15000)
    parser.add_argument("--text", type=int, default=3000)
    parser.add_argument("--resamples", type=int, default=20)
    args = parser.parse_args()
    participants, units, truth = study(args.closed, args.text, 0)
    vectors = HashingEmbedder().encode([u.clean_text for u in units])
    kinds = {"survey": "survey", "survey-text": "survey"}
    start, cpu = time.perf_counter(), time.process_time()
    clustering = cluster_participants(participants, units, vectors, TagResult((), ()), k=None, seed=0,
                                      weights=dict(DEFAULT_WEIGHTS), resamples=args.resamples, kinds=kinds)
    cluster_s, cluster_cpu = time.perf_counter() - start, time.process_time() - cpu
    start = time.perf_counter()
    rep = representativeness(units, vectors, clustering)
    personas = synthesize_personas(participants, units, TagResult((), ()), clustering, stage_ids=(), labels={},
                                   representativeness=rep, previous={})
    synth_s = time.perf_counter() - start
    labels = [clustering.assignments[p.id] for p in participants]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"participants {len(participants)} ({args.closed} closed answers only, {args.text} with text), resamples {args.resamples}")
    print(f"load average (1 min) {__import__('os').getloadavg()[0]:.1f}")
    print(f"cluster_participants: {cluster_s:.1f} s wall, {cluster_cpu:.1f} s CPU, k={clustering.k}, ARI vs hidden groups {adjusted_rand_score(truth, labels):.3f}, "
          f"unassigned {len(clustering.unassigned)}")
    print(f"representativeness + synthesize_personas: {synth_s:.1f} s; peak RSS {peak:.0f} MB")
    for persona in personas:
        print(f"  {persona.id}: {persona.name} ({len(persona.participant_ids)})")


if __name__ == "__main__":
    main()
