"""Stable persona ids: which cluster keeps which previous persona's id.

Split from `synth.synthesize` (which imports scikit-learn and scipy through its
evidence helpers, 1.4 s) so the pipeline can work out a re-run's persona ids,
and so whether its cached draft still holds, without those imports. A cluster
takes the id of the previous persona it overlaps most (Jaccard over participant
keys, Hungarian matching); new clusters get the next free number, larger
clusters first.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from synth.records import Clustering, Participant

MIN_ID_OVERLAP = 0.3  # Jaccard needed to keep a previous persona's id


def cluster_groups(participants: Sequence[Participant], clustering: Clustering) -> list[list[Participant]]:
    """Members of each cluster index (empty lists kept so indices line up with stability)."""
    groups: list[list[Participant]] = [[] for _ in range(max(clustering.k, 0))]
    for p in participants:
        index = clustering.assignments.get(p.id, -1)
        if 0 <= index < len(groups):
            groups[index].append(p)
    return groups


def match_ids(groups: Sequence[Sequence[Participant]], previous: Mapping[str, set[str]]) -> list[str]:
    """Persona ids for the non-empty groups (largest first): previous ids by best overlap, else new numbers."""
    ordered = sorted([g for g in groups if g], key=lambda g: (-len(g), min(p.id for p in g)))
    old_ids = sorted(previous)
    ids: list[str | None] = [None] * len(ordered)
    if ordered and old_ids:
        overlap = [[jaccard(g, previous[o]) for o in old_ids] for g in ordered]
        for r, c in _exact(overlap) or _hungarian(overlap):
            if overlap[r][c] >= MIN_ID_OVERLAP:
                ids[r] = old_ids[c]
    used = set(old_ids) | {i for i in ids if i}
    number = 1
    for index in range(len(ids)):
        while ids[index] is None:
            candidate = f"persona-{number}"
            number += 1
            if candidate not in used:
                ids[index] = candidate
                used.add(candidate)
    return [str(i) for i in ids]


def _exact(overlap: list[list[float]]) -> list[tuple[int, int]] | None:
    """The pairs when every group equals exactly one previous persona, each a different one (a re-run
    with unchanged personas): then that is the only assignment of the highest total, the one the
    Hungarian method returns, and scipy need not be imported."""
    pairs = []
    for r, row in enumerate(overlap):
        ones = [c for c, value in enumerate(row) if value == 1.0]
        if len(ones) != 1:
            return None
        pairs.append((r, ones[0]))
    return pairs if len({c for _, c in pairs}) == len(pairs) else None


def _hungarian(overlap: list[list[float]]) -> list[tuple[int, int]]:
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(-np.array(overlap))
    return [(int(r), int(c)) for r, c in zip(rows, cols)]


def jaccard(group: Sequence[Participant], members: set[str]) -> float:
    mine = {p.key for p in group}
    hits = sum(1 for p in group if p.key in members or p.id in members)
    union = len(mine) + len(members) - hits
    return hits / union if union else 0.0
