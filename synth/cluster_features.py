"""Participant features for persona clustering: what the blocks mean and their raw profiles
(`synth.cluster_matrix` builds the weighted matrix from them, in place).

A participant is described by three blocks, each L2-normalised per row and scaled
by the square root of its weight, so a weight is the block's share of the squared
distance between two participants:

- ``text``: what they talk about. Two parts: the mean sentence embedding of their
  units, and a TF-IDF profile of the content words they use (spaCy's English stop
  words and contractions are left out: how often someone says "the", "we" or
  "don't" is their way of speaking, not what they talk about). Both are taken *relative to
  the source*: when several participants share a source (a focus group, a
  meeting), the source's mean profile is removed first, so people are compared on
  what they say differently from the others in the room, not on the topic the
  whole session was about.
- ``tags``: which stages, kinds and touchpoints their units were tagged with (share
  of their units), relative to the source in the same way.
- ``attributes``: closed survey answers and `participants.csv` columns: one-hot
  values (multi-choice cells are "; "-joined), numeric columns standardised.
  Names, contact details and columns whose every value is unique (ids, timestamps)
  are never features. Each one-hot column is centred on the participants who were
  asked it; those not asked get 0, so "this source did not ask the question" is
  never a difference between two people.

The source effect is removed block by block: after the per-source mean, each
source kind ("survey", "transcript") is centred on its own mean and scaled to the
same typical length, so the register of a source (long interview turns vs one-line
survey answers) does not decide who is alike. The same attribute from two sources
(roster ``age_band``, survey "What is your age?") is mapped to one name when their
answer sets overlap and nobody holds both (`align_attributes`).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from synth.privacy.columns import is_private_key
from synth.records import Participant, TagResult, Unit
from synth.stopwords import STOP_WORDS

EMBEDDING_SCALE = 0.3  # length of the embedding part inside the text block (the word profile has 1.0)
WORD_EVIDENCE = 10  # profile words a participant uses for a full-length word part; fewer shrink it
MIN_WORD_SHARE = 0.05  # a word is a feature when at least this share of participants (and 2) use it
MULTI_SEPARATOR = "; "
NORM_ROWS = 4096  # rows normalised at a time (any number gives the same values)
_WORD = re.compile(r"[a-z][a-z']+")


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (a new array); all-zero rows stay zero.

    Made NORM_ROWS rows at a time, with the same values (a row's norm reads only that row):
    `np.linalg.norm` over a whole 100,000-row matrix held two more copies of it."""
    out: np.ndarray | None = None
    for start in range(0, max(len(matrix), 1), NORM_ROWS):
        part = matrix[start : start + NORM_ROWS]
        norms = np.linalg.norm(part, axis=1, keepdims=True)
        scaled = part / np.where(norms > 1e-12, norms, 1.0)
        if len(matrix) <= NORM_ROWS:
            return scaled
        if out is None:
            out = np.empty(matrix.shape, dtype=scaled.dtype)
        out[start : start + NORM_ROWS] = scaled
    assert out is not None
    return out


def participant_kinds(participants: Sequence[Participant], kinds: Mapping[str, str]) -> list[str]:
    """Each participant's source kind (their first source's; "unknown" when not given)."""
    return [kinds.get(p.source_ids[0], "unknown") if p.source_ids else "unknown" for p in participants]


@dataclass(frozen=True)
class Pairs:
    """Units grouped by (participant, source): the level at which a source's shared content is removed."""

    keys: tuple[tuple[str, str], ...]
    rows: tuple[tuple[int, ...], ...]  # unit row indices per key


def participant_source_pairs(units: Sequence[Unit], ids: Sequence[str]) -> Pairs:
    known = set(ids)
    grouped: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row, unit in enumerate(units):
        if unit.participant_id in known:
            grouped[(unit.participant_id, unit.source_id)].append(row)
    keys = tuple(sorted(grouped))
    return Pairs(keys, tuple(tuple(grouped[k]) for k in keys))


def word_profile(pairs: Pairs, units: Sequence[Unit], ids: Sequence[str]) -> np.ndarray:
    """Sublinear TF-IDF over words that enough participants use (rare words are noise, not personas)."""
    counts: list[defaultdict[str, int]] = [defaultdict(int) for _ in pairs.keys]
    users: dict[str, set[str]] = defaultdict(set)
    for index, rows in enumerate(pairs.rows):
        for row in rows:
            for word in content_words(units[row].clean_text):
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


def content_words(text: str) -> list[str]:
    """The words of `text` that say what it is about: lower case, no stop word, no contraction.

    Chosen on the AMI dev meetings (ES2004, ES2011, IS1003; tags weight 0, K=4): ARI against
    role 0.579 with every word, 0.889 with content words only.
    """
    return [w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS and "'" not in w]


def tag_profile(pairs: Pairs, units: Sequence[Unit], tag_result: TagResult) -> np.ndarray:
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


# ---------------------------------------------------------------- attributes


def attribute_matrix(participants: Sequence[Participant]) -> np.ndarray:
    """One-hot closed answers (centred on those who answered) and standardised numbers;
    private and id-like columns skipped."""
    columns = []
    for name in usable_attributes(participants):
        values = [p.attributes.get(name, "").strip() for p in participants]
        numbers = _as_numbers(values)
        columns.extend([_standardise(numbers)] if numbers is not None else _one_hot(values))
    return np.column_stack(columns) if columns else np.zeros((len(participants), 0))


def align_attributes(participants: Sequence[Participant]) -> tuple[list[Participant], dict[str, str]]:
    """Participants with the same attribute from different sources under one name, and the
    mapping used (name -> the name it was merged into).

    Two attributes are the same when nobody holds both (they come from different
    sources) and at least half of the smaller one's answers, and 2 or more, are also
    answers of the other, ignoring case; answers that are only numbers or yes/no
    never count as a match (every scale shares them). The shorter name is kept.
    """
    holders: dict[str, set[str]] = defaultdict(set)
    answers: dict[str, set[str]] = defaultdict(set)
    for p in participants:
        for name, cell in p.attributes.items():
            if str(cell).strip() and not is_private_key(name):
                holders[name].add(p.id)
                answers[name].update(v.casefold() for v in split_values(str(cell)) if _meaningful(v))
    names = sorted(holders, key=lambda n: (len(n), n))
    mapping: dict[str, str] = {}
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if b in mapping or a in mapping or holders[a] & holders[b]:
                continue
            shared = answers[a] & answers[b]
            if len(shared) >= 2 and len(shared) >= 0.5 * min(len(answers[a]), len(answers[b])):
                mapping[b] = a
                holders[a] |= holders[b]
    if not mapping:
        return list(participants), {}
    from dataclasses import replace

    aligned = [replace(p, attributes={mapping.get(k, k): v for k, v in p.attributes.items()}) for p in participants]
    return aligned, mapping


_NOT_MEANINGFUL = re.compile(
    r"^(?:[-+]?[\d.,]+|yes|no|true|false|y|n|checked|unchecked|selected|not selected|none|other|n/a)$", re.IGNORECASE
)


def _meaningful(value: str) -> bool:
    """An answer that can tell two questions apart (not a bare number, yes/no or "other")."""
    return bool(value.strip()) and not _NOT_MEANINGFUL.match(value.strip())


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
    """One column per value held by 2+; centred on the participants who answered, 0 for the rest."""
    per_row = [set(split_values(v)) for v in values]
    answered = np.array([bool(row) for row in per_row])
    counts: dict[str, int] = defaultdict(int)
    for row in per_row:
        for value in row:
            counts[value] += 1
    out = []
    for value in sorted(v for v, c in counts.items() if c >= 2):
        column = np.array([1.0 if value in row else 0.0 for row in per_row])
        column[answered] -= column[answered].mean()
        out.append(column)
    return out
