"""The matrix persona clustering sees, built in one array (issue 17: peak memory at 100,000 answers).

`cluster_features` says what the blocks mean (source-relative text profile, tag profile,
attributes) and builds the per-(participant, source) profiles; this module turns them into the
weighted participant x (embedding + words + tags + attributes) float64 matrix. The final matrix
is allocated once and every step (source mean removed, centred on everyone, centred and scaled
by source kind, rows normalised, block weight) is done in place on its columns. Built as a chain
of functions each returning a new array, then stacked and combined, the same matrix held about
six copies at once (at 100,000 participants one copy is about 300 MB).

The float64 operations are the chain's own, in the same order, so the matrix is the same bit for
bit (and with it the labels): means over rows are taken on views of the block (numpy sums rows
in order whether the block is a view or a copy), row norms a chunk of rows at a time (a row's
norm reads only that row), and fancy indexing (a copy) is kept only where the rows are not
consecutive. When every participant has one (participant, source) pair and the pairs are in
participant order (a survey), the pair profiles are written straight into the matrix.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from synth.cluster_features import (
    EMBEDDING_SCALE,
    WORD_EVIDENCE,
    Pairs,
    align_attributes,
    attribute_matrix,
    participant_kinds,
    participant_source_pairs,
    tag_profile,
    word_profile,
)
from synth.records import Participant, TagResult, Unit

CHUNK = 4096  # rows whose norms are taken at a time (any size gives the same values)
BLOCKS = ("text", "tags", "attributes")


@dataclass(frozen=True)
class FeatureMatrix:
    """The weighted matrix (rows in `participant_ids` order) and `align_attributes`' mapping."""

    participant_ids: tuple[str, ...]
    matrix: np.ndarray
    attribute_mapping: Mapping[str, str]


def feature_matrix(
    participants: Sequence[Participant],
    units: Sequence[Unit],
    vectors: np.ndarray,
    tag_result: TagResult,
    weights: Mapping[str, float],
    kinds: Mapping[str, str] | None = None,
) -> FeatureMatrix:
    """Every participant's weighted features; empty or zero-weight blocks drop out (one zero column
    when none is left). `kinds` maps source id -> source kind; participants are centred within their kind."""
    ids = tuple(p.id for p in participants)
    pairs = participant_source_pairs(units, ids)
    groups = participant_kinds(participants, kinds or {})
    aligned, mapping = align_attributes(participants)
    attributes = attribute_matrix(aligned)
    words = word_profile(pairs, units, ids) if pairs.keys else np.zeros((0, 0))
    tags = tag_profile(pairs, units, tag_result) if pairs.keys else np.zeros((0, 0))
    widths = {
        "text": vectors.shape[1] + words.shape[1] if pairs.keys else 0,
        "tags": tags.shape[1] if pairs.keys else 0,
        "attributes": attributes.shape[1],
    }
    chosen = [name for name in BLOCKS if widths[name] and float(weights.get(name, 0.0)) > 0]
    matrix = np.zeros((len(ids), sum(widths[name] for name in chosen)))
    keep: list[int] = []
    start = 0
    for name in chosen:
        block = matrix[:, start : start + widths[name]]
        if name == "text":
            _fill_text(block, pairs, ids, groups, vectors, words)
        elif name == "tags":
            _relative_into(block, pairs, ids, profile=tags)
            _by_kind(block, groups)
        else:
            block[:] = attributes
        if np.any(block):
            _scale_block(name, block, math.sqrt(float(weights[name])))
            keep.extend(range(start, start + widths[name]))
        start += widths[name]
    if not keep:
        return FeatureMatrix(ids, np.zeros((len(ids), 1)), mapping)
    return FeatureMatrix(ids, matrix if len(keep) == matrix.shape[1] else matrix[:, np.array(keep)], mapping)


def _fill_text(block: np.ndarray, pairs: Pairs, ids: Sequence[str], groups: Sequence[str], vectors: np.ndarray, words: np.ndarray) -> None:
    """The text block: the mean embedding part (length EMBEDDING_SCALE) beside the word part (length 1)."""
    width = vectors.shape[1]
    embedding = block[:, :width]
    rows = _pair_rows(pairs, ids)
    if rows is not None:  # straight into the matrix
        _mean_vectors_into(embedding, rows, pairs, vectors)
        normalise_in_place(embedding)
        _relative_into(embedding, pairs, ids, rows=rows)
    else:
        means = np.empty((len(pairs.keys), width))
        _mean_vectors_into(means, np.arange(len(pairs.keys)), pairs, vectors)
        normalise_in_place(means)
        _relative_into(embedding, pairs, ids, profile=means)
        del means
    _by_kind(embedding, groups)
    normalise_in_place(embedding)
    embedding *= EMBEDDING_SCALE
    if words.shape[1]:
        part = block[:, width:]
        used = words_used(pairs, ids, words)
        _relative_into(part, pairs, ids, profile=words)
        _by_kind(part, groups)
        normalise_in_place(part)
        thin = np.where(used < WORD_EVIDENCE)[0]
        shares = used[thin] / WORD_EVIDENCE
        _update_rows(part, thin, lambda rows, s: np.multiply(rows, shares[s, None], out=rows))


def words_used(pairs: Pairs, ids: Sequence[str], words: np.ndarray) -> np.ndarray:
    """How many of the word profile's words each participant (in `ids` order) uses, over all their sources.

    The word part is a participant's relative word profile scaled to length 1; from one or two
    profile words (one-line answers on many topics) that direction is a few discrete patterns that
    outweigh the embedding and merge everyone into one persona (docs/quality.md, Banking77). A
    participant with fewer than WORD_EVIDENCE profile words keeps that share of the length, so
    interview turns keep their word part and one-line answers lean on the embedding."""
    position = {pid: i for i, pid in enumerate(ids)}
    used = np.zeros(len(ids))
    if not len(pairs.keys):
        return used
    rows = np.array([position[pid] for pid, _ in pairs.keys], dtype=np.intp)
    order = np.argsort(rows, kind="stable")  # a participant's pairs side by side
    starts = np.concatenate(([0], np.where(np.diff(rows[order]) != 0)[0] + 1))
    present = (words > 0)[order]
    used[rows[order][starts]] = np.logical_or.reduceat(present, starts, axis=0).sum(axis=1)
    return used


def _scale_block(name: str, block: np.ndarray, factor: float) -> None:
    """Blocks on a common scale, then weighted. Tag profiles are scaled as a whole, not per row: a
    participant whose tags barely differ from their room's keeps a small profile instead of
    having that noise blown up to full length."""
    if name != "tags":
        normalise_in_place(block)
    else:
        norms = row_norms(block)
        typical = float(np.sqrt(np.mean(norms**2)))
        if typical > 0:
            block /= typical
    block *= factor


def _pair_rows(pairs: Pairs, ids: Sequence[str]) -> np.ndarray | None:
    """Each pair's participant row, when no participant has two pairs (each spoke in one source,
    as in a survey) so a pair's profile can be written into the participant's row; else None."""
    position = {pid: i for i, pid in enumerate(ids)}
    rows = np.array([position[pid] for pid, _ in pairs.keys], dtype=np.intp)
    return rows if len(rows) and bool(np.all(np.diff(rows) > 0)) else None


def _mean_vectors_into(out: np.ndarray, rows: np.ndarray, pairs: Pairs, vectors: np.ndarray) -> None:
    for row, units in zip(rows.tolist(), pairs.rows):
        out[row] = np.asarray(vectors[list(units)], dtype=np.float64).mean(axis=0)


def _relative_into(
    out: np.ndarray, pairs: Pairs, ids: Sequence[str], *, profile: np.ndarray | None = None, rows: np.ndarray | None = None
) -> None:
    """Per-participant profile with each shared source's mean removed, then centred on everyone,
    written into `out` (zeros). The source mean is the mean over its participants (not its
    units), so one talkative speaker does not define what the room shared.

    `profile` holds the pair rows (it becomes the residual); or `out` already holds pair i's
    profile in row `rows[i]` (`_pair_rows`): it is weighted and divided by its own weight, as the
    sum over a participant's pairs does with one pair."""
    residual, at = (profile, np.arange(len(pairs.keys))) if profile is not None else (out, rows)
    assert residual is not None and at is not None
    by_source: dict[str, list[int]] = defaultdict(list)
    for index, (_, source) in enumerate(pairs.keys):
        by_source[source].append(index)
    for members in by_source.values():
        if len(members) >= 2:
            _subtract_mean(residual, at[members])
    weights = np.array([len(r) for r in pairs.rows], dtype=np.float64)
    total = np.zeros(len(ids))
    if profile is None:
        _update_rows(out, at, lambda part, s: np.add(np.multiply(part, weights[s, None], out=part), 0.0, out=part))  # 0.0 + w * r
        total[at] += weights
    else:
        position = {pid: i for i, pid in enumerate(ids)}
        for index, (pid, _) in enumerate(pairs.keys):
            out[position[pid]] += weights[index] * profile[index]
            total[position[pid]] += weights[index]
    present = np.where(total > 0)[0]
    divisors = total[present]
    _update_rows(out, present, lambda part, s: np.divide(part, divisors[s, None], out=part))
    if len(present) >= 2:
        _subtract_mean(out, present)


def _by_kind(block: np.ndarray, groups: Sequence[str]) -> None:
    """Each source kind centred on its own mean and scaled to the same typical row length, in place.

    Only rows with a profile (non-zero) take part; a kind with one such row is left as is.
    """
    present = np.any(block != 0, axis=1)
    labels = np.array(groups, dtype=object)
    lengths = []
    for kind in sorted(set(groups)):
        rows = np.where((labels == kind) & present)[0]
        if len(rows) >= 2:
            _subtract_mean(block, rows)
            squares = np.concatenate([np.sum(part**2, axis=1) for part in _parts(block, rows)])
            lengths.append((rows, float(np.sqrt(np.mean(squares)))))
    typical = float(np.mean([rms for _, rms in lengths])) if lengths else 0.0
    for rows, rms in lengths:
        if rms > 1e-12:
            _scale_rows(block, rows, typical / rms)


# ---------------------------------------------------------------- rows a chunk at a time


def _span(rows: np.ndarray) -> slice | None:
    """Ascending `rows` as a slice when they are consecutive (a view instead of a copy), else None."""
    if not len(rows):
        return None
    first, last = int(rows[0]), int(rows[-1])
    return slice(first, last + 1) if last - first + 1 == len(rows) else None


def _parts(block: np.ndarray, rows: np.ndarray) -> Iterator[np.ndarray]:
    """`block[rows]` CHUNK rows at a time: views where the rows are consecutive, else copies."""
    span = _span(rows)
    for start in range(0, len(rows), CHUNK):
        if span is not None:
            yield block[span.start + start : span.start + min(start + CHUNK, len(rows))]
        else:
            yield block[rows[start : start + CHUNK]]


def _update_rows(block: np.ndarray, rows: np.ndarray, change: Callable[[np.ndarray, slice], object]) -> None:
    """`change(part, s)` on `block[rows]` a chunk at a time (`s`: the chunk's place in `rows`), in place
    on a view or on a copy written back: `block[rows] op= x` without a copy of every row."""
    contiguous = _span(rows) is not None
    for start, part in zip(range(0, len(rows), CHUNK), _parts(block, rows)):
        change(part, slice(start, start + CHUNK))
        if not contiguous:
            block[rows[start : start + CHUNK]] = part


def _scale_rows(block: np.ndarray, rows: np.ndarray, factor: float) -> None:
    """`block[rows] *= factor` without a copy of every row."""
    _update_rows(block, rows, lambda part, _: np.multiply(part, factor, out=part))


def _subtract_mean(block: np.ndarray, rows: np.ndarray) -> None:
    """`block[rows] -= block[rows].mean(axis=0)` without copying every row. The mean adds the rows
    in order, as numpy's sum over axis 0 does: each chunk is summed onto the running total."""
    span = _span(rows)
    if span is not None:
        mean = block[span].mean(axis=0)
    else:
        total: np.ndarray | None = None
        for part in _parts(block, rows):
            total = np.add.reduce(part if total is None else np.concatenate((total[None, :], part)), axis=0)
        assert total is not None
        mean = total / len(rows)
    _update_rows(block, rows, lambda part, _: np.subtract(part, mean, out=part))


def row_norms(block: np.ndarray) -> np.ndarray:
    """`np.linalg.norm(block, axis=1)`, a chunk of rows at a time."""
    out = np.empty(len(block))
    for start in range(0, len(block), CHUNK):
        out[start : start + CHUNK] = np.linalg.norm(block[start : start + CHUNK], axis=1)
    return out


def normalise_in_place(block: np.ndarray) -> None:
    """`cluster_features.normalise_rows` in place: rows scaled to unit length, all-zero rows stay zero."""
    for start in range(0, len(block), CHUNK):
        part = block[start : start + CHUNK]
        norms = np.linalg.norm(part, axis=1, keepdims=True)
        part /= np.where(norms > 1e-12, norms, 1.0)


def distinct_rows(matrix: np.ndarray, cap: int) -> int:
    """How many rows differ once rounded to 9 decimals, counted up to `cap` (all that choosing k reads).

    `len(np.unique(np.round(matrix, 9), axis=0))` held two copies of the matrix beside it; this
    rounds a chunk of rows at a time and stops at `cap`. Adding 0.0 turns -0.0 into 0.0, which
    `np.unique` counts as equal."""
    seen: set[bytes] = set()
    for start in range(0, len(matrix), 1024):
        rounded = np.round(matrix[start : start + 1024], 9) + 0.0
        for row in rounded:
            seen.add(row.tobytes())
            if len(seen) >= cap:
                return cap
    return len(seen)
