"""How typical each evidence unit is of its persona: the score persona quotes are ranked by.

A unit's representativeness is the cosine between its vector and its persona's centroid
(0.0 outside any persona). Vectors are taken relative to their source, as clustering
takes participants' (`synth.cluster_features`), so a quote is typical of what the persona
says differently, not of the meeting's topic. Moved out of `synth.cluster` (which holds
the clustering itself) unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Sequence

import numpy as np

from synth.cluster import NO_PERSONA
from synth.cluster_features import normalise_rows
from synth.records import Clustering, Unit


def representativeness(units: Sequence[Unit], vectors: np.ndarray, clustering: Clustering) -> dict[str, float]:
    """Unit id -> cosine between the unit and its persona's centroid (0.0 outside any persona).

    Vectors are taken relative to their source (as in clustering), so a quote is
    typical of what the persona says differently, not of the meeting's topic.
    """
    residual = source_relative_units(units, np.asarray(vectors, dtype=np.float64))
    label = np.array([clustering.assignments.get(u.participant_id, NO_PERSONA) for u in units], dtype=int)
    out = {u.id: 0.0 for u in units}
    for c in sorted(set(label.tolist()) - {NO_PERSONA}):
        members = np.where(label == c)[0]
        centroid = residual[members].mean(axis=0)
        norm = np.linalg.norm(centroid)
        if norm < 1e-12:
            continue
        sims = normalise_rows(residual[members]) @ (centroid / norm)
        for row, sim in zip(members, sims):
            out[units[row].id] = float(sim)
    return out


def source_relative_units(units: Sequence[Unit], vectors: np.ndarray) -> np.ndarray:
    """Unit vectors minus their source's mean participant profile (sources with 2+ participants)."""
    if not len(units):
        return vectors
    groups: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for row, unit in enumerate(units):
        groups[unit.source_id][unit.participant_id].append(row)
    out = vectors.copy()
    for people in groups.values():
        if len(people) < 2:
            continue
        mean = np.mean([vectors[rows].mean(axis=0) for rows in people.values()], axis=0)
        for rows in people.values():
            out[rows] -= mean
    return out - out.mean(axis=0)
