"""How strongly persona membership follows the source kind: Cramér's V of persona x source kind.

`synth.cluster` reports it per run (`Clustering.source_dependence`, run.json's `source_kind_cramers_v`) and warns
at or above `synth.cluster.SOURCE_DEPENDENCE_WARN`: personas should group people, not sources.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from synth.records import Participant

NO_PERSONA = -1  # a participant who fits no persona (synth.cluster re-exports it)


def source_dependence(participants: Sequence[Participant], assignments: Mapping[str, int], kinds: Mapping[str, str]) -> float | None:
    """Cramér's V between persona and source kind over the assigned participants (None when
    there is only one persona or one kind: nothing to depend on)."""
    pairs = [
        (assignments.get(p.id, NO_PERSONA), kinds.get(p.source_ids[0], "unknown") if p.source_ids else "unknown") for p in participants
    ]
    pairs = [(a, b) for a, b in pairs if a != NO_PERSONA]
    return cramers_v([a for a, _ in pairs], [b for _, b in pairs])


def cramers_v(first: Sequence, second: Sequence) -> float | None:
    """Cramér's V of two label sequences (scipy's chi-square contingency), None when either has one value."""
    from scipy.stats.contingency import association

    rows, cols = sorted(set(first), key=str), sorted(set(second), key=str)
    if len(rows) < 2 or len(cols) < 2:
        return None
    table = np.zeros((len(rows), len(cols)), dtype=int)
    r_index, c_index = {v: i for i, v in enumerate(rows)}, {v: i for i, v in enumerate(cols)}
    for a, b in zip(first, second):
        table[r_index[a], c_index[b]] += 1
    return float(association(table, method="cramer"))
