"""Cluster participants (people, not sentences) into persona candidates.

Features come from `cluster_features` (source-relative text profile, tag profile, attributes). Participants are
grouped by spectral clustering on their k-nearest-neighbour graph: it follows the shape of the data instead of
assuming round clusters, which matters with hundreds of sparse word features and a few dozen people. The number of
personas is the one with the best silhouette (cosine) over 2..min(8, n/3), penalised when it leaves tiny clusters
(ties within SILHOUETTE_TOLERANCE: fewer personas), unless the user forces it. When the chosen split is not stable
(size-weighted stability below 0.6) the run says so and keeps one persona ("no stable split").
Above SAMPLE participants every all-pairs step works on a seeded fixed-size sample or against centroids, and above
CHOOSE_ON k is chosen on a seeded sample (then fitted on all), so the cost stays linear.

Clustering runs on one thread (`synth.threads.one_thread`).

Stability is measured the way Hennig's `clusterboot` does it: re-cluster random
80% subsamples and, for each persona, average the Jaccard overlap with its best
match. Below 0.6 a persona is flagged unstable. Participants closer to another
persona than to their own, or far from every persona and not clearly in their
own (silhouette < WELL_PLACED), are left out (-1) rather than forced in.
"""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from typing import Callable, Mapping, Sequence

import numpy as np

from synth.cluster_features import normalise_rows
from synth.cluster_matrix import distinct_rows, feature_matrix, normalise_in_place
from synth.records import Clustering, Participant, TagResult, Unit
from synth.source_dependence import NO_PERSONA, source_dependence
from synth.staff import STAFF_REASON, is_staff
from synth.threads import one_thread

MIN_TO_CLUSTER = 4  # fewer participants: one persona and a warning
MAX_K = 8
UNSTABLE_BELOW = 0.6  # clusterboot: a cluster recovered with Jaccard < 0.6 is not a real one
SUBSAMPLE = 0.8
TINY_PENALTY = 0.5  # silhouette penalty per share of clusters below the minimum size
AMBIGUOUS_SILHOUETTE = -0.1  # clearly nearer another persona than its own
LARGE = 1500  # more participants: k-means instead of spectral (which grows ~n^2: 5,000 survey respondents took minutes)
SILHOUETTE_TOLERANCE = 0.0  # a tie goes to fewer personas; 0.005 changes no AMI dev pick (docs/quality.md)
WELL_PLACED = 0.25  # silhouette of a clear member (Kaufman & Rousseeuw): never "far from every persona"
NULL_RATIO = 1.5  # a split must beat shuffled features' silhouette by this factor (AMI dev: 2.9x; random text: 1.0-1.1x)
SAMPLE = 2000  # above this many participants, silhouettes and stability resamples use a fixed-size sample
CHOOSE_ON = 10_000  # above this many participants, k is chosen on a seeded sample of this many, then fitted on all
SOURCE_DEPENDENCE_WARN = 0.3  # Cramér's V persona x source kind at or above this: personas follow the source
NO_SPLIT = "no stable split: one persona, or pass --personas K"

Advance = Callable[..., None]


@one_thread
def cluster_participants(
    participants: Sequence[Participant],
    units: Sequence[Unit],
    vectors: np.ndarray,
    tag_result: TagResult,
    *,
    k: int | None,
    seed: int,
    weights: Mapping[str, float],
    resamples: int,
    progress: Advance | None = None,
    kinds: Mapping[str, str] | None = None,
    previous: Mapping[str, str] | None = None,
) -> Clustering:
    """Persona candidates for `participants`; never raises on small or degenerate input.

    `kinds` maps source id -> source kind (for removing the source effect and for
    Cramér's V). `previous` maps participant id -> the persona id they had in the
    last run (reviewer assignments included): when given, and `k` is None or the
    number of previous personas, the run warm-starts: those participants keep
    their persona and everyone else joins the nearest one (`warm_start`).
    """
    advance = progress or (lambda n=1: None)
    features = feature_matrix(participants, units, vectors, tag_result, weights, kinds)
    matrix, ids, mapping = features.matrix, features.participant_ids, features.attribute_mapping
    del features
    present, reasons, notes = _rows_to_cluster(participants, units, ids)
    if present != list(range(len(ids))):
        matrix = matrix[present]  # one copy, not one per step (nothing below writes into it)
    labels, chosen_k, how, more, warm = _first_partition(matrix, [ids[r] for r in present], previous or {}, k, seed)
    notes += more
    labels, stability, stab_note = _with_stability(matrix, labels, chosen_k, seed, resamples, advance)
    if not warm and k is None and chosen_k > 1 and _no_stable_split(labels, stability):
        labels, chosen_k, stability = np.zeros(len(present), dtype=int), 1, [1.0]
        notes = [n for n in notes if not n.startswith("weak persona structure")] + [NO_SPLIT]
    assignments = {pid: NO_PERSONA for pid in ids}
    for row, label in zip(present, labels):
        assignments[ids[row]] = int(label)
    misfits = _misfit_reasons(matrix, labels)
    reasons.update({ids[present[i]]: why for i, why in misfits.items()})
    if misfits:
        notes.append(
            f"{len(misfits)} participant(s) fit no persona well and are left unassigned; run.json "
            "'personas.unassigned' gives each one's reason (assign them in review)"
        )
    overall = _overall(labels, stability)
    notes += [stab_note] if stab_note else []
    notes += _unstable_notes(stability)
    dependence = source_dependence(participants, assignments, kinds or {})
    if dependence is not None and dependence >= SOURCE_DEPENDENCE_WARN:
        notes.append(
            f"personas follow the source kind (Cramér's V {dependence:.2f} >= {SOURCE_DEPENDENCE_WARN}): "
            "check that they describe people, not interviews vs survey answers"
        )
    return Clustering(
        assignments=assignments,
        k=chosen_k,
        stability=tuple(round(s, 4) for s in stability),
        overall_stability=round(overall, 4),
        method=_describe(weights, how, resamples, len(present)),
        warnings=tuple(notes),
        unassigned=dict(sorted(reasons.items())),
        source_dependence=None if dependence is None else round(dependence, 4),
        attribute_mapping=dict(mapping),
    )


def _rows_to_cluster(
    participants: Sequence[Participant], units: Sequence[Unit], ids: Sequence[str]
) -> tuple[list[int], dict[str, str], list[str]]:
    """The rows to cluster (participants with evidence, staff left out), why each other participant
    is in no persona, and the notes saying so."""
    present = _with_evidence(participants, units)
    placed = set(present)  # built once: a set per row made this step quadratic (26 s at 18,000 participants)
    reasons = {ids[row]: "no evidence: no text and no closed answers" for row in range(len(ids)) if row not in placed}
    notes = [f"{len(reasons)} participant(s) have no evidence or attributes and fit no persona"] if reasons else []
    staff = {row for row in present if is_staff(participants[row].attributes)}
    if staff:  # the service blueprint's backstage, not customers (synth.staff)
        reasons.update({ids[row]: STAFF_REASON for row in sorted(staff)})
        present = [row for row in present if row not in staff]
        notes.append(f"{len(staff)} staff participant(s) kept out of the personas: their words are the blueprint's backstage")
    return present, reasons, notes


def _first_partition(
    matrix: np.ndarray, ids: Sequence[str], previous: Mapping[str, str], k: int | None, seed: int
) -> tuple[np.ndarray, int, str, list[str], bool]:
    """Labels before resampling: kept from the previous run (`_warm_labels`), else chosen afresh.
    Also the k used, how it was chosen, warnings, and whether it was the warm start."""
    warm = _warm_labels(matrix, ids, previous, k)
    if warm is not None:
        joined = sum(1 for pid in ids if pid not in previous)
        how = f"kept from the previous run ({joined} new participant(s) joined the nearest persona)"
        return warm, int(warm.max()) + 1, how, [], True
    labels, chosen_k, how, more = _choose_partition(matrix, k, seed)
    return labels, chosen_k, how, more, False


def _no_stable_split(labels: np.ndarray, stability: Sequence[float]) -> bool:
    """True when most participants sit in personas that resampling does not recover."""
    return _overall(labels, stability) < UNSTABLE_BELOW


def _misfit_reasons(matrix: np.ndarray, labels: np.ndarray) -> dict[int, str]:
    """Row -> why that clustered participant was left out (between personas, or far from all)."""
    left = np.where(labels == NO_PERSONA)[0]
    k = int(labels.max()) + 1
    if not len(left) or k < 1:
        return {}
    centroids = normalise_rows(np.stack([matrix[labels == c].mean(axis=0) for c in range(k)]))
    sims = normalise_rows(matrix[left]) @ centroids.T
    out = {}
    for row, sim in zip(left.tolist(), sims):
        order = np.argsort(-sim)
        near = f"nearest: candidate {order[0] + 1} (cosine {sim[order[0]]:.2f})"
        if k > 1:
            near += f", then candidate {order[1] + 1} ({sim[order[1]]:.2f})"
        out[row] = f"fits no persona well ({near}); assign them in review if they belong to one"
    return out


def _warm_labels(matrix: np.ndarray, ids: Sequence[str], previous: Mapping[str, str], k: int | None) -> np.ndarray | None:
    """Labels from the previous run's memberships, or None to cluster afresh: when there is
    no previous run, `k` asks for another number of personas, or the participants are the
    same as last time (then a fresh run gives the same result and a changed review or
    codebook can still reshape the personas)."""
    personas = sorted({previous[pid] for pid in ids if previous.get(pid)})
    if len(personas) < 2 or (k is not None and k != len(personas)):
        return None
    here = set(ids)
    if here <= set(previous) and all(pid in here for pid, persona in previous.items() if persona):
        return None
    return warm_start(matrix, ids, previous)


def warm_start(matrix: np.ndarray, ids: Sequence[str], previous: Mapping[str, str]) -> np.ndarray:
    """Labels that keep every decision of the last run.

    `previous` maps participant id -> persona id, or "" for someone who fitted no
    persona last time. Those participants keep their persona (or stay out); the
    others join the persona whose centroid is nearest (cosine), unless they are far
    from all of them by the same rule `mark_misfits` uses. Labels are renumbered by
    size (0 = largest). The review's `assign P012 persona-3` is an entry of `previous`.
    """
    personas = sorted({v for v in previous.values() if v})
    index = {name: i for i, name in enumerate(personas)}
    raw = np.array([index.get(previous.get(pid) or "", NO_PERSONA) for pid in ids], dtype=int)
    kept = np.array([pid in previous for pid in ids])
    rows = normalise_rows(matrix)
    members = [raw == c for c in range(len(personas))]
    present = [c for c in range(len(personas)) if np.any(members[c])]
    centroids = normalise_rows(np.stack([rows[members[c]].mean(axis=0) for c in present]))
    new = ~kept
    if np.any(new) and present:
        sims = rows[new] @ centroids.T
        nearest = np.array(present)[np.argmax(sims, axis=1)]
        member_sims = (rows[raw >= 0] @ centroids.T).max(axis=1)
        q1, q3 = np.percentile(member_sims, [25, 75]) if len(member_sims) else (0.0, 0.0)
        raw[new] = np.where(sims.max(axis=1) < q1 - 1.5 * (q3 - q1), NO_PERSONA, nearest)
    return canonical_labels(raw)


def _with_evidence(participants: Sequence[Participant], units: Sequence[Unit]) -> list[int]:
    """Rows of participants with at least one unit or one attribute answer: the others cannot be placed."""
    speaking = {u.participant_id for u in units}
    return [row for row, p in enumerate(participants) if p.id in speaking or any(str(v).strip() for v in p.attributes.values())]


def _choose_partition(matrix: np.ndarray, k: int | None, seed: int) -> tuple[np.ndarray, int, str, list[str]]:
    """Labels (0 = largest persona, -1 = fits none), the k used, how k was chosen, and warnings."""
    n = len(matrix)
    distinct = distinct_rows(matrix, max(MAX_K, k or 0) + 1)
    if n < MIN_TO_CLUSTER or distinct < 2 or k == 1:
        return np.zeros(n, dtype=int), 1 if n else 0, "one group", _single_notes(n, distinct, k)
    if k is not None:
        usable = min(k, distinct, n - 1)
        note = [f"--personas {k} asked for more personas than there are distinct participants; using {usable}"] if usable < k else []
        labels = partition(matrix, usable, seed)
        return mark_misfits(matrix, labels), int(labels.max()) + 1, "forced", note
    top = min(MAX_K, n // 3, distinct)
    if top < 2:
        return np.zeros(n, dtype=int), 1, "one group", [f"only {n} participants with evidence: one persona (need 6 or more to split)"]
    chosen_on = matrix[_sample_rows(n, CHOOSE_ON, seed)] if n > CHOOSE_ON else matrix
    labels, score = _best_k(chosen_on, top, seed)
    k_best = int(labels.max()) + 1
    if score < NULL_RATIO * _null_silhouette(chosen_on, k_best, seed):
        return np.zeros(n, dtype=int), 1, "one group", [NO_SPLIT + f" (silhouette {score:.2f} is no better than on shuffled features)"]
    note = [f"weak persona structure (silhouette {score:.2f}); treat the split with care"] if score < 0.05 else []
    sampled = chosen_on is not matrix
    labels = partition(matrix, k_best, seed) if sampled else labels
    how = f"silhouette over k=2..{top}" + (f" on {CHOOSE_ON:,} participants drawn at random" if sampled else "")
    return mark_misfits(matrix, labels), int(labels.max()) + 1, how, note


def _sample_rows(n: int, size: int, seed: int) -> np.ndarray:
    """`size` of `n` row numbers drawn with `seed`, in order. Choosing k (7 k-means fits and a null split)
    on all of 100,000 participants was most of the cluster stage (48.5 s at 100,000 answers, load 2.5)."""
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


def _single_notes(n: int, distinct: int, k: int | None) -> list[str]:
    if n == 0:
        return ["no participants with evidence: no personas"]
    if n < MIN_TO_CLUSTER:
        return [f"only {n} participant(s): one persona for everyone; personas need more people to be meaningful"]
    if distinct < 2:
        return ["all participants look identical in their features: one persona for everyone"]
    return []


def partition(matrix: np.ndarray, k: int, seed: int, *, kmeans: bool | None = None) -> np.ndarray:
    """Spectral clustering on the kNN graph (k-means on the unit-length rows for large
    studies), labels renumbered by size (0 = largest)."""
    from sklearn.cluster import SpectralClustering

    n = len(matrix)
    if k <= 1 or n <= k:
        return np.zeros(n, dtype=int) if k <= 1 else np.arange(n)
    if kmeans if kmeans is not None else n > LARGE:
        return _kmeans(normalise_rows(matrix), k, seed)
    neighbours = int(min(n - 1, max(2, round(math.sqrt(n)))))
    model = SpectralClustering(n_clusters=k, affinity="nearest_neighbors", n_neighbors=neighbours, random_state=seed, n_init=10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "graph is not fully connected" on tiny inputs: the result is still usable
        raw = model.fit_predict(matrix)
    return canonical_labels(raw)


def _kmeans(unit_rows: np.ndarray, k: int, seed: int) -> np.ndarray:
    """k-means labels of rows already scaled to unit length (`unit_rows` is centred in place and back)."""
    from sklearn.cluster import KMeans

    return canonical_labels(KMeans(n_clusters=k, n_init=4, random_state=seed, copy_x=False).fit_predict(unit_rows))


def canonical_labels(raw: np.ndarray) -> np.ndarray:
    """Relabel so 0 is the largest cluster, ties broken by first member: output never depends on solver numbering."""
    found = [c for c in sorted(set(raw.tolist())) if c >= 0]
    order = sorted(found, key=lambda c: (-int(np.sum(raw == c)), int(np.argmax(raw == c))))
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping.get(int(c), NO_PERSONA) for c in raw], dtype=int)


def _best_k(matrix: np.ndarray, top: int, seed: int) -> tuple[np.ndarray, float]:
    """The partition with the best size-penalised cosine silhouette; ties go to fewer personas."""
    smallest = max(2, math.ceil(0.05 * len(matrix)))
    tried = []
    for k in range(2, top + 1):
        labels = partition(matrix, k, seed)
        if len(set(labels.tolist())) < 2:
            continue
        raw = _silhouette(matrix, labels, silhouette_rows(len(matrix), seed))
        sizes = np.bincount(labels)
        tried.append((raw - TINY_PENALTY * float(np.mean(sizes < smallest)), raw, labels))
    if not tried:
        return np.zeros(len(matrix), dtype=int), 0.0
    best = max(score for score, _, _ in tried)
    _, raw, labels = next(t for t in tried if t[0] >= best - SILHOUETTE_TOLERANCE)  # fewest personas that is as good
    return labels, raw


def silhouette_rows(n: int, seed: int) -> np.ndarray | None:
    """The rows a silhouette is measured on above SAMPLE participants (None: all), so its cost stays
    linear: the sample scikit-learn's `silhouette_score(sample_size=SAMPLE, random_state=seed)`
    draws, drawn here so `_null_silhouette` can keep them aside before normalising in place."""
    return np.random.RandomState(seed).permutation(n)[:SAMPLE] if n > SAMPLE else None


def _silhouette(matrix: np.ndarray, labels: np.ndarray, rows: np.ndarray | None) -> float:
    """The cosine silhouette of `labels`, on `rows` only (`silhouette_rows`; None: all)."""
    from sklearn.metrics import silhouette_score

    return float(silhouette_score(matrix if rows is None else matrix[rows], labels if rows is None else labels[rows], metric="cosine"))


def _null_silhouette(matrix: np.ndarray, k: int, seed: int) -> float:
    """The silhouette the same method reaches on the features with each column shuffled on
    its own (same marginals, no joint structure): the score of a split that is not there. Above SAMPLE
    rows the silhouette's rows are kept aside and k-means normalises the shuffled matrix in place."""
    rng = np.random.default_rng(seed)
    shuffled = np.empty_like(matrix)  # filled column by column: no list of columns beside it
    for j in range(matrix.shape[1]):
        shuffled[:, j] = rng.permutation(matrix[:, j])
    rows = silhouette_rows(len(shuffled), seed)
    if rows is None:
        sample, labels = shuffled, partition(shuffled, k, seed)
    else:
        sample = shuffled[rows]
        normalise_in_place(shuffled)
        labels = _kmeans(shuffled, k, seed)
    return _silhouette(sample, labels if rows is None else labels[rows], None) if len(set(labels.tolist())) > 1 else 0.0


def mark_misfits(matrix: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """-1 for participants nearer another persona's members than their own, or far from every centroid."""
    from sklearn.metrics import silhouette_samples

    k = int(labels.max()) + 1
    if k < 2 or len(matrix) <= k:
        return labels
    centroids = normalise_rows(np.stack([matrix[labels == c].mean(axis=0) for c in range(k)]))
    similarity = normalise_rows(matrix) @ centroids.T
    nearest = similarity.max(axis=1)
    if len(matrix) > SAMPLE:  # simplified silhouette against centroids: linear in participants
        own = similarity[np.arange(len(matrix)), labels]
        other = np.where(np.arange(k)[None, :] == labels[:, None], -np.inf, similarity).max(axis=1)
        a, b = 1 - own, 1 - other
        silhouettes = (b - a) / np.maximum(np.maximum(a, b), 1e-12)
    else:
        silhouettes = silhouette_samples(matrix, labels, metric="cosine")
    q1, q3 = np.percentile(nearest, [25, 75])
    misfit = (silhouettes < AMBIGUOUS_SILHOUETTE) | ((nearest < q1 - 1.5 * (q3 - q1)) & (silhouettes < WELL_PLACED))
    out = labels.copy()
    for c in range(k):
        members = labels == c
        if np.all(misfit[members]):
            continue  # never empty a persona entirely
        out[members & misfit] = NO_PERSONA
    return out


# ---------------------------------------------------------------- stability


def _with_stability(
    matrix: np.ndarray, labels: np.ndarray, k: int, seed: int, resamples: int, advance: Advance
) -> tuple[np.ndarray, list[float], str]:
    """Per-persona stability (mean best-match Jaccard over subsamples) and a note when not measured."""
    if k <= 1:
        advance(resamples)
        return labels, [1.0] * k, ""
    if resamples <= 0:
        return labels, [1.0] * k, "stability was not measured (resamples = 0)"
    return labels, subsample_stability(matrix, labels, k, seed, resamples, advance), ""


def subsample_stability(matrix: np.ndarray, labels: np.ndarray, k: int, seed: int, resamples: int, advance: Advance) -> list[float]:
    """Hennig's clusterboot with subsampling: each persona's mean Jaccard with its best match."""
    rng = np.random.default_rng(seed)
    n = len(matrix)
    size = max(k + 1, int(round(SUBSAMPLE * min(n, SAMPLE / SUBSAMPLE))))  # at most SAMPLE rows per resample
    scores: dict[int, list[float]] = defaultdict(list)
    for r in range(resamples):
        rows = np.sort(rng.choice(n, size=min(size, n), replace=False))
        again = partition(matrix[rows], k, seed + r + 1, kmeans=n > LARGE)  # the method the whole study used
        for c in range(k):
            original = set(rows[labels[rows] == c].tolist())
            if original:
                scores[c].append(max(_jaccard(original, set(rows[again == d].tolist())) for d in range(k)))
        advance(1)
    return [float(np.mean(scores[c])) if scores[c] else 0.0 for c in range(k)]


def _jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _overall(labels: np.ndarray, stability: Sequence[float]) -> float:
    """Size-weighted mean stability over the personas."""
    sizes = np.array([np.sum(labels == c) for c in range(len(stability))], dtype=float)
    return float(np.dot(sizes, stability) / sizes.sum()) if sizes.sum() else 0.0


def _unstable_notes(stability: Sequence[float]) -> list[str]:
    return [
        f"persona candidate {c + 1} is unstable (stability {s:.2f} < {UNSTABLE_BELOW}): it may not survive more data"
        for c, s in enumerate(stability)
        if s < UNSTABLE_BELOW
    ]


def _describe(weights: Mapping[str, float], how: str, resamples: int, n: int = 0) -> str:
    shown = ", ".join(f"{name} x{float(weights.get(name, 0.0)):g}" for name in ("text", "tags", "attributes"))
    if how == "one group":
        return f"one group (too few or identical participants); features: {shown}"
    algorithm = "k-means on unit-length feature rows" if n > LARGE else "spectral clustering on the participants' kNN graph"
    return (
        f"{algorithm}; features: source-relative text "
        f"(sentence embedding + word TF-IDF), tag profile, attributes ({shown}); k {how}; "
        f"stability: {resamples} subsamples of {int(SUBSAMPLE * 100)}%, best-match Jaccard"
    )
