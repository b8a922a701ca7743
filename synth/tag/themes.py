"""Themes: similar units inside one (stage, kind), with short readable labels.

Units tagged with a kind are grouped by their stage and that kind, then clustered
by average-linkage on cosine distance. The number of themes comes from the data:
the cut of the tree with the best silhouette (or, for small groups, a fixed
distance cut). Labels are the terms that set a theme apart from all the others
(class-based TF-IDF over lemmas and lemma bigrams, or noun chunks when a trained
spaCy pipeline is installed). Ids are stable: `theme-<stage>-<kind>-<n>`, numbered
by size, then by first unit.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Sequence

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.metrics import silhouette_score

from synth.records import Tagging, Theme, Unit

SMALL_GROUP = 4  # below this, cut the tree at a fixed distance instead of by silhouette
SMALL_CUT = 0.5  # cosine distance
MIN_SILHOUETTE = 0.05
MAX_THEMES = 12


def build_themes(units: Sequence[Unit], vectors: np.ndarray, taggings: Sequence[Tagging], nlp, *, seed: int = 0):
    """All themes, and for each unit id the ids of the themes it belongs to."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, tagging in enumerate(taggings):
        stage = tagging.stage.id if tagging.stage else None
        for kind in tagging.kinds:
            groups.setdefault((stage or "", kind.id), []).append(i)
    terms = _unit_terms([u.clean_text or u.text for u in units], nlp)
    clusters = []
    for (stage, kind), members in sorted(groups.items()):
        for n, cluster in enumerate(_ordered(cluster_members(vectors[members]), members), start=1):
            clusters.append((f"theme-{stage or 'none'}-{kind}-{n}", stage or None, kind, cluster))
    labels = label_clusters([[terms[i] for i in c] for *_, c in clusters])
    themes, per_unit = [], {}
    for (theme_id, stage, kind, cluster), label in zip(clusters, labels):
        themes.append(Theme(theme_id, stage, kind, label, tuple(units[i].id for i in cluster)))
        for i in cluster:
            per_unit.setdefault(units[i].id, []).append(theme_id)
    return themes, {k: tuple(v) for k, v in per_unit.items()}


def cluster_members(vectors: np.ndarray) -> np.ndarray:
    """Cluster labels (1..k) for a group's vectors; k chosen from the data."""
    n = len(vectors)
    if n == 1:
        return np.ones(1, dtype=int)
    tree = linkage(vectors.astype(np.float64), method="average", metric="cosine")
    if n < SMALL_GROUP:
        return fcluster(tree, SMALL_CUT, criterion="distance")
    best, best_labels = MIN_SILHOUETTE, np.ones(n, dtype=int)
    for k in range(2, min(MAX_THEMES, n - 1) + 1):
        labels = fcluster(tree, k, criterion="maxclust")
        if len(set(labels)) < 2:
            continue
        quality = silhouette_score(vectors, labels, metric="cosine")
        if quality > best + 1e-9:
            best, best_labels = quality, labels
    return best_labels


def _ordered(labels: np.ndarray, members: list[int]) -> list[list[int]]:
    """Clusters as lists of unit indices, biggest first, ties by first unit."""
    clusters: dict[int, list[int]] = {}
    for label, index in zip(labels, members):
        clusters.setdefault(int(label), []).append(index)
    return sorted(clusters.values(), key=lambda c: (-len(c), c[0]))


def _unit_terms(texts: Sequence[str], nlp) -> list[Counter]:
    """Candidate label terms per unit: noun chunks (trained pipeline) or content lemmas and bigrams."""
    out = []
    for doc in nlp.pipe([t.lower() for t in texts], batch_size=256):
        content = [t.lemma_.lower() for t in doc if t.is_alpha and not t.is_stop and len(t) > 2]
        terms = Counter(set(content))
        if doc.has_annotation("DEP"):
            terms.update({_chunk(c) for c in doc.noun_chunks if _chunk(c)})
        else:
            words = [(t.lemma_.lower(), t.is_alpha and not t.is_stop and len(t) > 2) for t in doc]
            terms.update({f"{a} {b}" for (a, ok_a), (b, ok_b) in zip(words, words[1:]) if ok_a and ok_b})
        out.append(terms)
    return out


def _chunk(span) -> str:
    words = [t.lemma_.lower() for t in span if t.is_alpha and not t.is_stop]
    return " ".join(words) if len(words) >= 2 else ""


def label_clusters(clusters: list[list[Counter]]) -> list[str]:
    """A short label per cluster from class-based TF-IDF: what its units share and the others don't."""
    per_class = [sum(members, Counter()) for members in clusters]
    totals = Counter()
    for counts in per_class:
        totals.update(counts)
    average = sum(sum(c.values()) for c in per_class) / max(1, len(per_class))
    return [_label(counts, totals, average, len(members)) for counts, members in zip(per_class, clusters)]


def _label(counts: Counter, totals: Counter, average: float, size: int) -> str:
    if not counts:
        return "other"
    length = sum(counts.values())
    scored = [
        ((counts[t] / length) * math.log(1 + average / totals[t]) * (1.5 if " " in t else 1.0), t)
        for t in counts
        if counts[t] >= min(2, size)
    ]
    ranked = [t for _, t in sorted(scored, key=lambda p: (-p[0], p[1]))] or sorted(counts, key=lambda t: (-counts[t], t))
    chosen = [ranked[0]]
    for term in ranked[1:]:
        if len(" ".join(chosen).split()) + len(term.split()) > 4:
            break
        if not any(w in c.split() for c in chosen for w in term.split()):
            chosen.append(term)
        if len(chosen) == 2:
            break
    return ", ".join(chosen)
