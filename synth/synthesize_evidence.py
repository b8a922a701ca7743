"""Evidence counting shared by persona drafts and journey-map cells.

Every statement is a `Finding` that lists the units behind it; everything here is
counted from tags, themes, attributes and the participants' own words, never
invented. Helpers take a group of units (a persona's, a stage cell's) and return
findings sorted by evidence, ties broken by label so output is deterministic.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

from synth.cluster_features import split_values, usable_attributes
from synth.records import AttributeLift, Finding, Participant, Tagging, TagResult, Theme, Unit

QUOTE_MIN_WORDS = 5  # shorter quotes ("Yeah, right.") are used only when nothing longer exists
MIN_LIFT = 1.2
MIN_SHARE = 0.25
NUMERIC_BINS = 3
_PLACEHOLDER = re.compile(r"\[\w+\]|\{\w+\}|\bP\d{2,4}\b")
_WORD = re.compile(r"[a-z][a-z'-]{2,}")
_ANY_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Evidence:
    """Tags and themes indexed for lookups."""

    taggings: Mapping[str, Tagging]
    themes: tuple[Theme, ...]

    @classmethod
    def from_result(cls, tag_result: TagResult) -> "Evidence":
        return cls({t.unit_id: t for t in tag_result.taggings}, tuple(tag_result.themes))

    def stage_of(self, unit: Unit) -> str | None:
        tagging = self.taggings.get(unit.id)
        return tagging.stage.id if tagging and tagging.stage else None

    def sentiment(self, unit: Unit) -> float:
        tagging = self.taggings.get(unit.id)
        return float(tagging.sentiment) if tagging else 0.0


def make_finding(label: str, units: Sequence[Unit], ref: str | None) -> Finding:
    return Finding(
        label=label, count=len(units), participants=len({u.participant_id for u in units}), unit_ids=tuple(u.id for u in units), ref=ref
    )


def _sorted(findings: Iterable[Finding], limit: int | None) -> tuple[Finding, ...]:
    ordered = sorted(findings, key=lambda f: (-f.participants, -f.count, f.label, f.ref or ""))
    return tuple(ordered[:limit] if limit else ordered)


def theme_findings(units: Sequence[Unit], evidence: Evidence, kind: str, limit: int | None = 5) -> tuple[Finding, ...]:
    """Themes of `kind` ("pain_point", "motivation", "action") among `units`, with counts."""
    by_id = {u.id: u for u in units}
    found = []
    for theme in evidence.themes:
        if theme.kind != kind:
            continue
        members = [by_id[uid] for uid in theme.unit_ids if uid in by_id]
        if members:
            found.append(make_finding(theme.label, members, theme.id))
    return _sorted(found, limit)


def touchpoint_findings(units: Sequence[Unit], evidence: Evidence, labels: Mapping[str, str], limit: int | None = 5) -> tuple[Finding, ...]:
    """Touchpoints named in `units`, with counts."""
    grouped: dict[str, list[Unit]] = defaultdict(list)
    for unit in units:
        tagging = evidence.taggings.get(unit.id)
        for label in tagging.touchpoints if tagging else ():
            grouped[label.id].append(unit)
    return _sorted((make_finding(labels.get(tp, tp), found, tp) for tp, found in grouped.items()), limit)


def pick_quotes(units: Sequence[Unit], score: Mapping[str, float], limit: int = 5) -> tuple[str, ...]:
    """Up to `limit` unit ids, one per participant and none repeating another's words (survey
    answers often do), best score first; substantive quotes before short ones.

    The same choice as walking every unit sorted by (not substantive, -score, id), but units are
    checked for substance in score order only until `limit` substantive quotes are chosen: at
    100,000 answers a persona has tens of thousands of units and needs five.
    """
    by_score = sorted(units, key=lambda u: (-score.get(u.id, 0.0), u.id))
    chosen: list[str] = []
    seen: set[str] = set()
    said: set[str] = set()
    short: list[Unit] = []
    for unit in by_score:
        if not is_substantive(unit.quote):
            short.append(unit)
        elif _take(unit, chosen, seen, said) and len(chosen) == limit:
            return tuple(chosen)
    for unit in short:
        if _take(unit, chosen, seen, said) and len(chosen) == limit:
            break
    return tuple(chosen)


def _take(unit: Unit, chosen: list[str], seen: set[str], said: set[str]) -> bool:
    """Choose the unit unless its participant is already quoted or its words already are."""
    words = " ".join(_ANY_WORD.findall(unit.quote.lower()))
    if unit.participant_id in seen or words in said:
        return False
    chosen.append(unit.id)
    seen.add(unit.participant_id)
    said.add(words)
    return True


PLEASANTRIES = frozenset(
    "thanks thank cheers welcome pleasure nice great lovely cool okay ok alright right sure yeah yes yep no nope hi "
    "hello bye goodbye morning afternoon evening sorry excuse mean guess know think really quite totally absolutely "
    "definitely exactly course fine good wonderful brilliant perfect awesome fantastic interesting question".split()
)
MIN_CONTENT_WORDS = 3


def is_substantive(quote: str) -> bool:
    """A statement worth showing as a persona's quote: 5+ words, 3+ of them content words
    (not stop words, fillers, pleasantries or speech-recognition tags), and not a question
    back to the interviewer ("Can you hear me?", "Thanks so much, that was great")."""
    from synth.stopwords import STOP_WORDS
    from synth.tag.themes import FILLERS

    text = _PLACEHOLDER.sub(" ", re.sub(r"\{\w+\}|\[\w+\]|<[^>]+>", " ", quote))
    words = [w.lower() for w in _ANY_WORD.findall(text)]
    content = [w for w in words if w not in STOP_WORDS and w not in FILLERS and w not in PLEASANTRIES and not w.isdigit()]
    asks = quote.rstrip().endswith("?") and len(words) < 15
    return len(words) >= QUOTE_MIN_WORDS and len(content) >= MIN_CONTENT_WORDS and not asks


def theme_headline(units: Sequence[Unit], vectors: np.ndarray) -> str | None:
    """The unit id that best speaks for a theme: closest to its centroid (cosine) among its
    substantive participant statements, the same filter persona quotes use, so a theme never
    leads with "Yeah, thanks" or an interviewer's line. With none substantive, the closest
    participant unit; ties go to the first unit (deterministic)."""
    if not len(units):
        return None
    normed = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    centroid = normed.mean(axis=0)
    closeness = normed @ (centroid / max(float(np.linalg.norm(centroid)), 1e-12))
    speakers = [i for i, u in enumerate(units) if u.speaker_role == "participant"] or list(range(len(units)))
    pool = [i for i in speakers if is_substantive(units[i].quote)] or speakers
    best = max(pool, key=lambda i: (round(float(closeness[i]), 6), -i))
    return units[best].id


def stage_sentiment(units: Sequence[Unit], evidence: Evidence, stage_ids: Sequence[str]) -> dict[str, tuple[float, int]]:
    """Stage id -> (mean sentiment, units) for stages of `stage_ids` that units speak to."""
    values: dict[str, list[float]] = defaultdict(list)
    for unit in units:
        stage = evidence.stage_of(unit)
        if stage is not None and stage in stage_ids:
            values[stage].append(evidence.sentiment(unit))
    return {s: (float(np.mean(values[s])), len(values[s])) for s in stage_ids if values.get(s)}


def emotional_extremes(means: Mapping[str, tuple[float, int]], stage_ids: Sequence[str]) -> tuple[str | None, str | None]:
    """The most positive stage (if above 0) and the most negative (if below 0); codebook order breaks ties."""
    order = [s for s in stage_ids if s in means]
    if not order:
        return None, None
    high = max(order, key=lambda s: (means[s][0], -order.index(s)))
    low = min(order, key=lambda s: (means[s][0], order.index(s)))
    return (high if means[high][0] > 0 else None), (low if means[low][0] < 0 else None)


# ---------------------------------------------------------------- attributes


def attribute_values(participants: Sequence[Participant]) -> dict[str, dict[str, set[str]]]:
    """Attribute name -> participant id -> the values they hold (numbers binned into ranges)."""
    out: dict[str, dict[str, set[str]]] = {}
    for name in usable_attributes(participants):
        cells = {p.id: p.attributes.get(name, "").strip() for p in participants}
        bins = _numeric_bins([c for c in cells.values() if c])
        out[name] = {pid: ({bins(cell)} if bins else set(split_values(cell))) for pid, cell in cells.items() if cell}
    return out


def _numeric_bins(cells: Sequence[str]):
    """A function cell -> "lo-hi" range label when every answer is a number with many values, else None."""
    try:
        numbers = sorted(float(c.replace(",", "")) for c in cells)
    except ValueError:
        return None
    if len(set(numbers)) <= 6:
        return None
    edges = [numbers[min(len(numbers) - 1, math.ceil(len(numbers) * q / NUMERIC_BINS))] for q in range(1, NUMERIC_BINS)]

    def label(cell: str) -> str:
        value = float(cell.replace(",", ""))
        index = sum(value >= e for e in edges)
        lo = numbers[0] if index == 0 else edges[index - 1]
        hi = numbers[-1] if index == len(edges) else edges[index]
        return f"{lo:g}-{hi:g}"

    return label


def attribute_lifts(member_ids: Sequence[str], values: Mapping[str, Mapping[str, set[str]]], limit: int = 5) -> tuple[AttributeLift, ...]:
    """Values much more common in the group than overall ("62% aged 18-24 vs 31% overall").

    Shares are among those who answered that question, in the group and overall.
    """
    members = set(member_ids)
    found = []
    for name, answers in values.items():
        answered = [pid for pid in answers if pid in members]
        if len(answered) < 2:
            continue
        for value in sorted({v for held in answers.values() for v in held}):
            share = sum(value in answers[p] for p in answered) / len(answered)
            overall = sum(value in held for held in answers.values()) / len(answers)
            lift = share / overall if overall else 0.0
            if share >= MIN_SHARE and lift >= MIN_LIFT and sum(value in answers[p] for p in answered) >= 2:
                found.append(AttributeLift(name, value, share, overall, lift))
    found.sort(key=lambda a: (-(a.share - a.overall), -a.lift, a.name, a.value))
    return tuple(found[:limit])


# ---------------------------------------------------------------- names


def distinctive_words(
    member_units: Sequence[Unit], all_units: Sequence[Unit], limit: int = 3, users: Mapping[str, set[str]] | None = None
) -> list[str]:
    """Words far more of the group's participants use than of everyone (from the redacted quotes);
    `users` is `word_users(all_units)` when the caller already has it (one pass for every persona)."""
    members = {u.participant_id for u in member_units}
    everyone = {u.participant_id for u in all_units}
    if not members or len(members) == len(everyone):
        return []
    users = word_users(all_units) if users is None else users
    floor = max(2, math.ceil(0.3 * len(members)))
    scored = []
    for word, who in users.items():
        inside = len(who & members)
        if inside >= floor:
            scored.append((inside / len(members) - len(who) / len(everyone), word))
    scored = [(s, w) for s, w in scored if s > 0]
    return [w for _, w in sorted(scored, key=lambda x: (-x[0], x[1]))[:limit]]


def word_users(units: Sequence[Unit]) -> dict[str, set[str]]:
    """word -> the participants whose quotes use it (placeholders and stop words left out)."""
    from synth.stopwords import STOP_WORDS

    users: dict[str, set[str]] = defaultdict(set)
    for unit in units:
        for word in _WORD.findall(_PLACEHOLDER.sub(" ", unit.quote).lower()):
            if word not in STOP_WORDS and word.strip("'-") == word:
                users[word].add(unit.participant_id)
    return users
