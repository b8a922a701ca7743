"""Persona drafts and journey maps from clusters, tags and themes.

`synthesize_personas` turns each cluster into a draft a researcher can judge
quickly: what distinguishes it (attribute lifts, touchpoints, themes), how sure
we are (stability, size, evidence), and quotes from different people.
`build_maps` lays the same evidence out as journey maps, one per persona and one
for everyone ("all"): stages across, lanes down.

Persona ids are stable across re-runs: a cluster takes the id of the previous
persona it overlaps most (`synth.persona_ids`).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from functools import cached_property
from typing import Mapping, Sequence

import numpy as np

from synth.cluster import UNSTABLE_BELOW
from synth.document import ALL_MAP
from synth.opportunities import channel_paths, stage_opportunities
from synth.persona_ids import MIN_ID_OVERLAP, cluster_groups, match_ids  # noqa: F401 - re-exported
from synth.records import Clustering, JourneyMap, Participant, Persona, StageCell, TagResult, Unit
from synth.staff import is_staff
from synth.stopwords import STOP_WORDS
from synth.synthesize_evidence import (
    Evidence,
    attribute_lifts,
    attribute_values,
    distinctive_words,
    emotional_extremes,
    pick_quotes,
    stage_sentiment,
    theme_findings,
    touchpoint_findings,
    word_users,
)
from synth.tag.themes import FILLERS

ALL_NAME = "All participants"
SMALL_BELOW = 3  # participants
NAME_CHARS = 60
NAME_WORDS = 2  # distinctive words in a name when no theme stands out
NAME_WORD_POOL = 12  # distinctive words looked at before fillers are dropped
NAME_WORDS_FOR_NUMBERS = 3  # an attribute name this short may lead a numeric value
NAME_ATTRIBUTES = 2  # distinguishing attribute values in a name ("Weekly, Family with children")
MIN_NAME_SUPPORT = 0.1  # a touchpoint names a persona only when this share of its participants mention it
QUESTION_CODE = re.compile(r"^(?:q|qid|v|var|item|col|question)[\s_.-]?\d+[a-z]?(?:[_.]\d+)*\b", re.IGNORECASE)
BINARY_YES = re.compile(r"^(?:1|1\.0|yes|y|true|checked|selected|quoted|ticked)$", re.IGNORECASE)
BINARY_NO = re.compile(r"^(?:0|0\.0|no|n|false|unchecked|not selected|not quoted|not checked)$", re.IGNORECASE)


def synthesize_personas(
    participants: Sequence[Participant],
    units: Sequence[Unit],
    tag_result: TagResult,
    clustering: Clustering,
    *,
    stage_ids: Sequence[str],
    labels: Mapping[str, str],
    representativeness: Mapping[str, float],
    previous: Mapping[str, set[str]],
) -> list[Persona]:
    """One draft per non-empty cluster, largest first, ids matched to `previous`.

    `previous` maps a persona id of the last run to its participants' keys (ids are
    accepted too), so a re-run keeps ids for clusters that stayed similar.
    """
    groups = cluster_groups(participants, clustering)
    ids = match_ids(groups, previous)
    evidence = Evidence.from_result(tag_result)
    values = attribute_values(participants)
    context = _Context(participants, units, evidence, labels, stage_ids, values, representativeness)
    return [
        _draft(pid, group, clustering.stability[index] if index < len(clustering.stability) else 0.0, context, clustering.k)
        for pid, (index, group) in zip(ids, _indexed(groups))
    ]


class _Context:
    """What every persona draft reads: the whole sample, indexed once."""

    def __init__(self, participants, units, evidence, labels, stage_ids, values, rep) -> None:
        self.total = len(participants)
        self.units = list(units)
        self.units_of: dict[str, list[Unit]] = defaultdict(list)
        for unit in units:
            self.units_of[unit.participant_id].append(unit)
        self.evidence = evidence
        self.labels = labels
        self.stage_ids = tuple(stage_ids)
        self.values = values
        self.rep = rep
        self.touchpoint_users = _users(touchpoint_findings(self.units, evidence, labels, limit=None))
        self.theme_users = _users(
            theme_findings(self.units, evidence, "pain_point", None) + theme_findings(self.units, evidence, "motivation", None)
        )

    @cached_property
    def word_users(self) -> dict[str, set[str]]:
        """Who uses each word, over the whole sample: read once, by the first name that needs words."""
        return word_users(self.units)


def _users(findings) -> dict[str, tuple[str, int]]:
    """ref -> (label, participants) over the whole sample, for lifts in names."""
    return {f.ref: (f.label, f.participants) for f in findings if f.ref}


def _indexed(groups: list[list[Participant]]) -> list[tuple[int, list[Participant]]]:
    """Non-empty clusters, largest first (ties: first member id)."""
    present = [(i, g) for i, g in enumerate(groups) if g]
    return sorted(present, key=lambda item: (-len(item[1]), min(p.id for p in item[1])))


def _draft(pid: str, group: list[Participant], stability: float, ctx: _Context, k: int) -> Persona:
    member_ids = tuple(sorted(p.id for p in group))
    member_units = [u for m in member_ids for u in ctx.units_of.get(m, [])]
    lifts = attribute_lifts(member_ids, ctx.values)
    motivations = theme_findings(member_units, ctx.evidence, "motivation")
    pains = theme_findings(member_units, ctx.evidence, "pain_point")
    touchpoints = touchpoint_findings(member_units, ctx.evidence, ctx.labels)
    high, low = emotional_extremes(stage_sentiment(member_units, ctx.evidence, ctx.stage_ids), ctx.stage_ids)
    quotes = pick_quotes(member_units, ctx.rep)
    confidence = _confidence(stability, len(member_ids), len(member_units))
    return Persona(
        id=pid,
        name=_name(pid, member_ids, member_units, lifts, touchpoints, motivations + pains, ctx),
        participant_ids=member_ids,
        share=len(member_ids) / ctx.total if ctx.total else 0.0,
        stability=float(stability),
        confidence=confidence,
        attributes=lifts,
        motivations=motivations,
        pain_points=pains,
        touchpoints=touchpoints,
        emotional_high=high,
        emotional_low=low,
        quotes=quotes,
        flags=_flags(stability, len(member_ids), len(quotes), k),
        summary=summary_text(
            len(member_ids), ctx.total, lifts, pains, motivations, _supported(touchpoints, len(member_ids)), _quote_text(quotes, ctx)
        ),
    )


def _quote_text(quotes, ctx: _Context) -> str:
    by_id = {u.id: u for u in ctx.units}
    return by_id[quotes[0]].quote if quotes and quotes[0] in by_id else ""


def summary_text(size: int, total: int, lifts, pains, motivations, touchpoints, quote: str) -> str:
    """Two or three sentences from the persona's own evidence: who (size, distinguishing
    attributes), what moves them and what hurts (top motivation, pain, touchpoint, with
    how many participants back each), and one verbatim (redacted) quote."""
    who = _attribute_phrases(lifts)
    first = f"{size} of {total} participants" + (f", more often than others: {', '.join(who[:3])}" if who else "") + "."
    parts = []
    if motivations:
        parts.append(f"motivated by \u201c{motivations[0].label}\u201d ({motivations[0].participants} of them)")
    if pains:
        parts.append(f"most often troubled by \u201c{pains[0].label}\u201d ({pains[0].participants})")
    if touchpoints:
        parts.append(f"they name {touchpoints[0].label} most ({touchpoints[0].participants})")
    second = ("They are " + "; ".join(parts) + ".") if parts else ""
    third = f"In their words: \u201c{quote}\u201d" if quote else ""
    text = " ".join(x for x in (first, second, third) if x)
    return text.replace("They are they name", "They name")


def _confidence(stability: float, size: int, unit_count: int) -> float:
    """Stability, discounted for small personas (under 5 people) and thin evidence (under 3 units each)."""
    size_factor = math.sqrt(min(1.0, size / 5))
    evidence_factor = math.sqrt(min(1.0, unit_count / (3 * size))) if size else 0.0
    return round(float(stability) * size_factor * evidence_factor, 4)


def _flags(stability: float, size: int, quotes: int, k: int) -> tuple[str, ...]:
    flags = []
    if k == 1:
        flags.append("whole-sample")
    elif stability < UNSTABLE_BELOW:
        flags.append("unstable")
    if size < SMALL_BELOW:
        flags.append("small")
    if quotes < 3:
        flags.append("few-quotes")
    return tuple(flags)


def _name(pid, member_ids, member_units, lifts, touchpoints, themes, ctx: _Context) -> str:
    """Who the group is and what it raises more than others, all taken from the data.

    "Family with children, Mobile app (delivery slots)": the attribute value with the
    top lift and a touchpoint they name more than everyone, then in brackets the label
    of the theme they raise more than everyone, else their most distinctive words.
    """
    who = _attribute_phrases(lifts)[:NAME_ATTRIBUTES]
    who += _lifted_labels(_supported(touchpoints, len(member_ids)), ctx.touchpoint_users, len(member_ids), ctx.total)[:1]
    about = _lifted_labels(themes, ctx.theme_users, len(member_ids), ctx.total)
    about = [a for a in about if a.split(" / ")[0].casefold() not in " ".join(who).casefold()][:1]
    if not about and member_units:
        about = [", ".join(_plain_words(member_units, ctx.units, ctx.word_users))]
    who, about = [w for w in dict.fromkeys(who) if w], [a for a in about if a]
    name = _compose(who, about[0] if about else "")
    return name or f"Persona {pid.rsplit('-', 1)[-1]}"


def _supported(findings, size: int):
    """Findings that at least MIN_NAME_SUPPORT of the persona's participants back."""
    return tuple(f for f in findings if f.participants >= MIN_NAME_SUPPORT * size)


def _attribute_phrases(lifts) -> list[str]:
    """Readable phrases for the distinguishing attribute values, one per attribute: never a
    bare 0/1, Yes/No or question code. A "yes"/1 answer to a named question or option
    reads as that option's name ("Meetups"); a "no"/0 answer, or any answer to a
    question known only by its code ("Q6", "v_123"), is left out."""
    phrases: list[str] = []
    seen: set[str] = set()
    for lift in lifts:
        phrase = _attribute_phrase(lift)
        if phrase and lift.name not in seen and phrase.casefold() not in {p.casefold() for p in phrases}:
            phrases.append(phrase)
            seen.add(lift.name)
    return phrases


def _attribute_phrase(lift) -> str:
    value, name = lift.value.strip(), " ".join(lift.name.replace("_", " ").split())
    coded = bool(QUESTION_CODE.match(name))
    if BINARY_YES.match(value):
        return "" if coded else _option_name(name)
    if BINARY_NO.match(value) or coded and not any(c.isalpha() for c in value):
        return ""
    if QUESTION_CODE.match(value):
        return ""
    return _value_phrase(lift)


def _option_name(name: str) -> str:
    """The option a yes/1 column stands for: the text after the question's last separator."""
    for separator in (" - ", ": ", " – ", "_"):
        if separator in name:
            name = name.rsplit(separator, 1)[-1]
    name = name.strip(" ?[]()")
    return name if name and not QUESTION_CODE.match(name) and len(name.split()) <= 6 else ""


def _value_phrase(lift) -> str:
    """The value, led by a short attribute name when the value alone is only a number ("Age band 18-24")."""
    name = " ".join(lift.name.replace("_", " ").split())  # "age_band" reads as "age band"
    if any(c.isalpha() for c in lift.value) or "?" in name or len(name.split()) > NAME_WORDS_FOR_NUMBERS:
        return lift.value
    return f"{name} {lift.value}"


def _plain_words(member_units, all_units, users=None) -> list[str]:
    """The group's distinctive words without fillers ("yep", "um", "basically"): they say nothing about people."""
    kept: dict[str, str] = {}
    for word in distinctive_words(member_units, all_units, limit=NAME_WORD_POOL, users=users):
        parts = [p for part in word.split("-") for p in (part, part.removesuffix("s"))]
        if "'" not in word and not any(p in FILLERS or p in STOP_WORDS for p in parts):
            kept.setdefault(word.removesuffix("s"), word)  # "function" and "functions" once
    return list(kept.values())[:NAME_WORDS]


def _compose(who: list[str], about: str) -> str:
    """ "Who (about)" within NAME_CHARS, shortened step by step: the touchpoint, the theme's
    second phrase, the theme; a head still too long is cut at a word."""
    first = about.split(" / ")[0]
    shorter = [(who, about), (who[:1], about), (who, first), (who[:1], first), (who[:1], "")]
    for head, topic in shorter:
        text = ", ".join(head)
        name = f"{text} ({topic})" if text and topic else text or topic
        if len(name) <= NAME_CHARS:
            break
    if len(name) > NAME_CHARS:
        name = name[: NAME_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:/ ") + "\u2026"
    return name[:1].upper() + name[1:]


def _lifted_labels(findings, overall: Mapping[str, tuple[str, int]], size: int, total: int) -> list[str]:
    """Labels whose participant share in the group beats the whole sample's by 20% or more, biggest gain first."""
    scored = []
    for f in findings:
        everyone = overall.get(f.ref, (f.label, f.participants))[1]
        share, base = f.participants / size, everyone / total if total else 0.0
        if base and share / base >= 1.2 and f.participants >= min(2, size):
            scored.append((-(share - base), f.label))
    return [label for _, label in sorted(scored)]


# ---------------------------------------------------------------- journey maps


def build_maps(
    personas: Sequence[Persona],
    participants: Sequence[Participant],
    units: Sequence[Unit],
    tag_result: TagResult,
    *,
    stage_ids: Sequence[str],
    labels: Mapping[str, str],
) -> list[JourneyMap]:
    """One journey map per persona, then one for everyone (persona_id "all")."""
    evidence = Evidence.from_result(tag_result)
    groups = [(p.id, p.name, set(p.participant_ids)) for p in personas]
    groups.append((ALL_MAP, ALL_NAME, {p.id for p in participants if not is_staff(p.attributes)}))  # staff: backstage
    maps = []
    for persona_id, name, members in groups:
        mine = [u for u in units if u.participant_id in members]
        cells = tuple(_cell(stage, mine, evidence, labels, len(members)) for stage in stage_ids)
        paths = channel_paths(mine, evidence, stage_ids, labels)
        maps.append(JourneyMap(persona_id=persona_id, name=name, participants=len(members), stages=cells, paths=paths))
    return maps


def _cell(stage: str, units: Sequence[Unit], evidence: Evidence, labels: Mapping[str, str], total: int) -> StageCell:
    here = [u for u in units if evidence.stage_of(u) == stage]
    if not here:
        return StageCell(stage=stage)
    pains = theme_findings(here, evidence, "pain_point")
    motivations = theme_findings(here, evidence, "motivation")
    emotion = float(np.mean([evidence.sentiment(u) for u in here]))
    people = len({u.participant_id for u in here})
    return StageCell(
        stage=stage,
        actions=theme_findings(here, evidence, "action"),
        touchpoints=touchpoint_findings(here, evidence, labels),
        motivations=motivations,
        pain_points=pains,
        emotion_mean=emotion,
        emotion_count=len(here),
        quotes=pick_quotes(here, _cell_scores(here, evidence, pains + motivations)),
        opportunities=stage_opportunities(pains, motivations, here, evidence, stage_label=labels.get(stage, stage), emotion_mean=emotion),
        participants=people,
        units=len(here),
        share=people / total if total else 0.0,
    )


def _cell_scores(units: Sequence[Unit], evidence: Evidence, findings) -> dict[str, float]:
    """Quotes behind the cell's leading themes first, then the most confidently staged."""
    weight = {uid: 1.0 / (rank + 1) for rank, f in reversed(list(enumerate(findings))) for uid in f.unit_ids}
    scores = {}
    for unit in units:
        tagging = evidence.taggings.get(unit.id)
        stage_score = tagging.stage.score if tagging and tagging.stage else 0.0
        scores[unit.id] = weight.get(unit.id, 0.0) + 0.1 * float(stage_score)
    return scores
