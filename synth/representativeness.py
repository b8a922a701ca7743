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
from synth.cluster_matrix import normalise_in_place
from synth.records import Clustering, Unit


def representativeness(units: Sequence[Unit], vectors: np.ndarray, clustering: Clustering) -> dict[str, float]:
    """Unit id -> cosine between the unit and its persona's centroid (0.0 outside any persona).

    Vectors are taken relative to their source (as in clustering), so a quote is
    typical of what the persona says differently, not of the meeting's topic.
    """
    residual = source_relative_units(units, vectors)
    label = np.array([clustering.assignments.get(u.participant_id, NO_PERSONA) for u in units], dtype=int)
    out = {u.id: 0.0 for u in units}
    for c in sorted(set(label.tolist()) - {NO_PERSONA}):
        members = np.where(label == c)[0]
        rows = residual[members]  # one copy per persona, normalised in place once its centroid is taken
        centroid = rows.mean(axis=0)
        norm = np.linalg.norm(centroid)
        if norm < 1e-12:
            continue
        normalise_in_place(rows)
        sims = rows @ (centroid / norm)
        for row, sim in zip(members, sims):
            out[units[row].id] = float(sim)
    return out


def source_relative_units(units: Sequence[Unit], vectors: np.ndarray) -> np.ndarray:
    """Unit vectors (as float64, a new array) minus their source's mean participant profile (sources
    with 2+ participants), centred on all units. Worked in one copy: a source's mean is taken
    before its own rows change, and no other source's rows are among them."""
    out = np.array(vectors, dtype=np.float64)
    if not len(units):
        return out
    groups: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for row, unit in enumerate(units):
        groups[unit.source_id][unit.participant_id].append(row)
    for people in groups.values():
        if len(people) < 2:
            continue
        means = np.empty((len(people), out.shape[1]))  # one array, not a list of one per participant
        for index, rows in enumerate(people.values()):
            means[index] = out[rows].mean(axis=0)
        mean = means.mean(axis=0)
        del means
        for rows in people.values():
            out[rows] -= mean
    out -= out.mean(axis=0)
    return out
