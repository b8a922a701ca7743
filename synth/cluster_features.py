"""Participant feature matrices for persona clustering.

A participant is described by three blocks, each L2-normalised per row and scaled
by the square root of its weight, so a weight is the block's share of the squared
distance between two participants:

- ``text``: what they talk about. Two parts: the mean sentence embedding of their
  units, and a TF-IDF profile of the words they use. Both are taken *relative to
  the source*: when several participants share a source (a focus group, a
  meeting), the source's mean profile is removed first, so people are compared on
  what they say differently from the others in the room, not on the topic the
  whole session was about.
- ``tags``: which stages, kinds and touchpoints their units were tagged with (share
  of their units), relative to the source in the same way.
- ``attributes``: closed survey answers and `participants.csv` columns: one-hot
  values (multi-choice cells are "; "-joined), numeric columns standardised.
  Names, contact details and columns whose every value is unique (ids, timestamps)
  are never features.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from synth.records import Participant, TagResult, Unit
from synth.privacy.columns import is_private_key

EMBEDDING_SCALE = 0.3  # length of the embedding part inside the text block (the word profile has 1.0)
MIN_WORD_SHARE = 0.05  # a word is a feature when at least this share of participants (and 2) use it
MULTI_SEPARATOR = "; "
_WORD = re.compile(r"[a-z][a-z']+")


@dataclass(frozen=True)
class FeatureBlocks:
    """Per-participant feature blocks, rows in `participant_ids` order (blocks may have 0 columns)."""

    participant_ids: tuple[str, ...]
    text: np.ndarray
    tags: np.ndarray
    attributes: np.ndarray

    def combined(self, weights: Mapping[str, float]) -> np.ndarray:
        """The weighted matrix the clusterer sees; empty or zero-weight blocks drop out."""
        parts = []
        for name in ("text", "tags", "attributes"):
            block = getattr(self, name)
            weight = float(weights.get(name, 0.0))
            if block.shape[1] and weight > 0 and np.any(block):
                parts.append(_scaled(name, block) * math.sqrt(weight))
        if not parts:
            return np.zeros((len(self.participant_ids), 1))
        return np.hstack(parts)


def _scaled(name: str, block: np.ndarray) -> np.ndarray:
    """Blocks on a common scale. Tag profiles are scaled as a whole, not per row: a
    participant whose tags barely differ from their room's keeps a small profile
    instead of having that noise blown up to full length."""
    if name != "tags":
        return normalise_rows(block)
    norms = np.linalg.norm(block, axis=1)
    typical = float(np.sqrt(np.mean(norms**2)))
    return block / typical if typical > 0 else block


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length; all-zero rows stay zero."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 1e-12, norms, 1.0)


def build_features(
    participants: Sequence[Participant], units: Sequence[Unit], vectors: np.ndarray, tag_result: TagResult
) -> FeatureBlocks:
    """All three blocks for the participants that have units or attributes."""
    ids = tuple(p.id for p in participants)
    pairs = _participant_source_pairs(units, ids)
    text = np.hstack([
        normalise_rows(_relative_profile(pairs, normalise_rows(_mean_vectors(pairs, vectors)), ids)) * EMBEDDING_SCALE,
        normalise_rows(_relative_profile(pairs, _word_profile(pairs, units, ids), ids)),
    ]) if pairs.keys else np.zeros((len(ids), 0))
    tags = _relative_profile(pairs, _tag_profile(pairs, units, tag_result), ids) if pairs.keys else np.zeros((len(ids), 0))
    return FeatureBlocks(ids, text, tags, attribute_matrix(participants))


@dataclass(frozen=True)
class _Pairs:
    """Units grouped by (participant, source): the level at which a source's shared content is removed."""

    keys: tuple[tuple[str, str], ...]
    rows: tuple[tuple[int, ...], ...]  # unit row indices per key


def _participant_source_pairs(units: Sequence[Unit], ids: Sequence[str]) -> _Pairs:
    known = set(ids)
    grouped: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row, unit in enumerate(units):
        if unit.participant_id in known:
            grouped[(unit.participant_id, unit.source_id)].append(row)
    keys = tuple(sorted(grouped))
    return _Pairs(keys, tuple(tuple(grouped[k]) for k in keys))


def _mean_vectors(pairs: _Pairs, vectors: np.ndarray) -> np.ndarray:
    return np.stack([np.asarray(vectors[list(rows)], dtype=np.float64).mean(axis=0) for rows in pairs.rows])


def _word_profile(pairs: _Pairs, units: Sequence[Unit], ids: Sequence[str]) -> np.ndarray:
    """Sublinear TF-IDF over words that enough participants use (rare words are noise, not personas)."""
    counts = [defaultdict(int) for _ in pairs.keys]
    users: dict[str, set[str]] = defaultdict(set)
    for index, rows in enumerate(pairs.rows):
        for row in rows:
            for word in _WORD.findall(units[row].clean_text.lower()):
                counts[index][word] += 1
                users[word].add(pairs.keys[index][0])
    floor = max(2, math.ceil(MIN_WORD_SHARE * len(ids)))
    vocabulary = sorted(w for w, who in users.items() if len(who) >= floor)
    column = {w: i for i, w in enumerate(vocabulary)}
    idf = np.array([math.log((1 + len(ids)) / (1 + len(users[w]))) + 1 for w in vocabulary])
    matrix = np.zeros((len(pairs.keys), len(vocabulary)))
    for index, bag in enumerate(counts):
        for word, count in bag.items():
            if word in column:
                matrix[index, column[word]] = math.log1p(count)
    return normalise_rows(matrix * idf) if vocabulary else matrix


def _tag_profile(pairs: _Pairs, units: Sequence[Unit], tag_result: TagResult) -> np.ndarray:
    """Share of a participant's units per stage, kind and touchpoint."""
    taggings = {t.unit_id: t for t in tag_result.taggings}
    codes = sorted({code for t in tag_result.taggings for code in _codes(t)})
    column = {c: i for i, c in enumerate(codes)}
    matrix = np.zeros((len(pairs.keys), len(codes)))
    for index, rows in enumerate(pairs.rows):
        for row in rows:
            tagging = taggings.get(units[row].id)
            for code in _codes(tagging) if tagging else ():
                matrix[index, column[code]] += 1.0 / len(rows)
    return matrix


def _codes(tagging) -> list[str]:
    codes = [f"stage:{tagging.stage.id}"] if tagging.stage else []
    codes += [f"kind:{k.id}" for k in tagging.kinds]
    return codes + [f"touchpoint:{t.id}" for t in tagging.touchpoints]


def _relative_profile(pairs: _Pairs, rows: np.ndarray, ids: Sequence[str]) -> np.ndarray:
    """Per-participant profile with each shared source's mean removed, then centred on everyone.

    The source mean is the mean over its participants (not its units), so one
    talkative speaker does not define what the room shared.
    """
    by_source: dict[str, list[int]] = defaultdict(list)
    for index, (_, source) in enumerate(pairs.keys):
        by_source[source].append(index)
    residual = rows.copy()
    for members in by_source.values():
        if len(members) >= 2:
            residual[members] -= rows[members].mean(axis=0)
    weights = np.array([len(r) for r in pairs.rows], dtype=np.float64)
    out = np.zeros((len(ids), rows.shape[1]))
    total = np.zeros(len(ids))
    position = {pid: i for i, pid in enumerate(ids)}
    for index, (pid, _) in enumerate(pairs.keys):
        out[position[pid]] += weights[index] * residual[index]
        total[position[pid]] += weights[index]
    present = total > 0
    out[present] /= total[present, None]
    if present.sum() >= 2:
        out[present] -= out[present].mean(axis=0)
    return out


# ---------------------------------------------------------------- attributes

def attribute_matrix(participants: Sequence[Participant]) -> np.ndarray:
    """One-hot closed answers and standardised numbers; private and id-like columns skipped."""
    columns = []
    for name in usable_attributes(participants):
        values = [p.attributes.get(name, "").strip() for p in participants]
        numbers = _as_numbers(values)
        columns.extend([_standardise(numbers)] if numbers is not None else _one_hot(values))
    return np.column_stack(columns) if columns else np.zeros((len(participants), 0))


def usable_attributes(participants: Sequence[Participant]) -> list[str]:
    """Attribute names that can describe a group: not private, answered by 2+, not unique per person."""
    names = sorted({name for p in participants for name in p.attributes})
    usable = []
    for name in names:
        if is_private_key(name):
            continue
        answered = [p.attributes[name].strip() for p in participants if p.attributes.get(name, "").strip()]
        if len(answered) >= 2 and (len(set(answered)) < len(answered) or _as_numbers(answered) is not None):
            usable.append(name)
    return usable


def split_values(cell: str) -> list[str]:
    """The answers in a cell: multi-choice cells are "; "-joined."""
    return [v.strip() for v in cell.split(MULTI_SEPARATOR.strip()) if v.strip()]


def _as_numbers(values: Sequence[str]) -> np.ndarray | None:
    """The column as floats (missing -> nan) when every answer is a number, else None."""
    out = []
    for value in values:
        if not value:
            out.append(math.nan)
            continue
        try:
            out.append(float(value.replace(",", "")))
        except ValueError:
            return None
    array = np.array(out)
    return array if np.isfinite(array).sum() >= 2 and len(set(array[np.isfinite(array)])) > 2 else None


def _standardise(numbers: np.ndarray) -> np.ndarray:
    finite = np.isfinite(numbers)
    spread = numbers[finite].std() or 1.0
    return np.where(finite, (numbers - numbers[finite].mean()) / spread, 0.0)


def _one_hot(values: Sequence[str]) -> list[np.ndarray]:
    per_row = [set(split_values(v)) for v in values]
    seen = sorted({v for row in per_row for v in row})
    return [np.array([1.0 if value in row else 0.0 for row in per_row]) for value in seen
            if sum(value in row for row in per_row) >= 2]
