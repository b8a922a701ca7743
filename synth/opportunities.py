"""The future-state map: "How might we" opportunities per stage, and multichannel paths.

A journey-mapping guide turns a current-state map into a future-state one by asking,
stage by stage, "how might we ..." about what hurts and about what people want but do
not get. synth drafts those questions from the evidence only:

- **Sources.** Every pain-point theme of the stage cell, and every *unmet* motivation
  theme. A motivation unit is unmet when its sentiment is negative (< 0) or when the same
  participant also raised a pain point at the same stage; a motivation theme is unmet
  when more than half of its units in the cell are (`UNMET_SHARE`). A motivation that
  people describe happily and without pain is met: nothing to redesign.
- **Wording.** Fixed frame words around the theme's own label (the label is built from
  its units' words by the tagger): "How might we ease “<label>” at the <Stage> stage?"
  for a pain, "How might we help with “<label>” at the <Stage> stage?" for a motivation.
  No other content word is added, so every question can be traced to its quotes.
- **Score.** `participants × (1 + negativity)`, where negativity is how far below zero
  the stage's mean emotion is (0 for a neutral or positive stage, up to 1). Two people
  hurting at a miserable stage outrank two people at a calm one; more people always
  count. Ties: pains before motivations, then label, then theme id.

Multichannel paths: each participant's units, ordered by the codebook's stage order and
then by the order they were said, give a sequence of touchpoints ("App → Chat → Phone",
repeats in a row collapsed). Participants with the same sequence are counted together;
the commonest paths are kept, longer ones first on ties.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Mapping, Sequence

from synth.records import ChannelPath, Finding, Opportunity, Unit
from synth.synthesize_evidence import Evidence

OPPORTUNITIES_PER_STAGE = 4
PATHS_PER_MAP = 5
UNMET_SHARE = 0.5  # more than this share of a motivation's units unmet -> an opportunity
PAIN_QUESTION = "How might we ease \u201c{label}\u201d at the {stage} stage?"
MOTIVATION_QUESTION = "How might we help with \u201c{label}\u201d at the {stage} stage?"
FRAME_WORDS = frozenset({"how", "might", "we", "ease", "help", "with", "at", "the", "stage"})
KIND_ORDER = {"pain_point": 0, "motivation": 1}


def _has_kind(evidence: Evidence, unit: Unit, kind: str) -> bool:
    tagging = evidence.taggings.get(unit.id)
    return tagging is not None and any(k.id == kind for k in tagging.kinds)


def unmet_motivations(motivations: Sequence[Finding], here: Sequence[Unit], evidence: Evidence) -> list[Finding]:
    """The motivation findings whose units are mostly negative or voiced next to a pain (see module doc)."""
    pained = {u.participant_id for u in here if _has_kind(evidence, u, "pain_point")}
    by_id = {u.id: u for u in here}
    unmet = []
    for finding in motivations:
        units = [by_id[uid] for uid in finding.unit_ids if uid in by_id]
        misses = sum(1 for u in units if evidence.sentiment(u) < 0 or u.participant_id in pained)
        if units and misses / len(units) > UNMET_SHARE:
            unmet.append(finding)
    return unmet


def opportunity_score(participants: int, emotion_mean: float | None) -> float:
    """participants × (1 + negativity of the stage), negativity = max(0, -mean emotion) in [0, 1]."""
    negativity = min(1.0, max(0.0, -(emotion_mean or 0.0)))
    return round(participants * (1.0 + negativity), 4)


def stage_opportunities(
    pains: Sequence[Finding],
    motivations: Sequence[Finding],
    here: Sequence[Unit],
    evidence: Evidence,
    *,
    stage_label: str,
    emotion_mean: float | None,
    limit: int = OPPORTUNITIES_PER_STAGE,
) -> tuple[Opportunity, ...]:
    """The cell's opportunities, best first: its pain themes and unmet motivation themes."""
    sources = [("pain_point", f) for f in pains] + [("motivation", f) for f in unmet_motivations(motivations, here, evidence)]
    found = []
    for kind, f in sources:
        template = PAIN_QUESTION if kind == "pain_point" else MOTIVATION_QUESTION
        found.append(
            Opportunity(
                text=template.format(label=f.label, stage=stage_label),
                theme_id=f.ref,
                draft=True,
                kind=kind,
                unit_ids=tuple(f.unit_ids),
                participants=f.participants,
                score=opportunity_score(f.participants, emotion_mean),
            )
        )
    found.sort(key=lambda o: (-o.score, KIND_ORDER.get(o.kind, 9), o.text, o.theme_id or ""))
    return tuple(found[:limit])


def channel_paths(
    units: Sequence[Unit], evidence: Evidence, stage_ids: Sequence[str], labels: Mapping[str, str], *, limit: int = PATHS_PER_MAP
) -> tuple[ChannelPath, ...]:
    """The map's commonest touchpoint sequences across stages (see module doc)."""
    order = {stage: index for index, stage in enumerate(stage_ids)}
    steps: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for position, unit in enumerate(units):
        stage, tagging = evidence.stage_of(unit), evidence.taggings.get(unit.id)
        if stage not in order or tagging is None:
            continue
        for label in tagging.touchpoints:
            steps[unit.participant_id].append((order[stage], position, label.id, unit.id))
    groups: dict[tuple[str, ...], tuple[set[str], set[str]]] = {}
    for participant, found in sorted(steps.items()):
        sequence: list[str] = []
        for *_, touchpoint, _uid in sorted(found):
            if not sequence or sequence[-1] != touchpoint:
                sequence.append(touchpoint)
        people, unit_ids = groups.setdefault(tuple(sequence), (set(), set()))
        people.add(participant)
        unit_ids.update(uid for *_, uid in found)
    position_of = {u.id: i for i, u in enumerate(units)}
    paths = [
        ChannelPath(
            touchpoints=sequence,
            labels=tuple(labels.get(t, t) for t in sequence),
            participants=len(people),
            unit_ids=tuple(sorted(unit_ids, key=position_of.__getitem__)),
        )
        for sequence, (people, unit_ids) in groups.items()
    ]
    paths.sort(key=lambda p: (-p.participants, -len(p.touchpoints), p.labels, p.touchpoints))
    return tuple(paths[:limit])
