"""map.json (contract `synth.map/2`): build it from records, read records back, validate.

The map holds participant words only as quotes (`Unit.quote`, redacted unless the
user opted out). `records_from_map` rebuilds the records synthesize needs from the
`MapDocument`, so a reviewed map can be re-synthesized without embeddings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping, Sequence

from synth.document import LabelEntry, MapDocument
from synth.records import (
    Clustering,
    Finding,
    JourneyMap,
    Label,
    Opportunity,
    Participant,
    Persona,
    Source,
    Span,
    Tagging,
    TagResult,
    Theme,
    Unit,
)

SCHEMA_ID = "synth.map/2"


@dataclass(frozen=True)
class Vocabulary:
    """Stage, kind and touchpoint ids with labels, in codebook order."""

    stages: tuple[tuple[str, str, str], ...]  # (id, label, description)
    kinds: tuple[tuple[str, str], ...]
    touchpoints: tuple[tuple[str, str], ...]

    @property
    def stage_ids(self) -> tuple[str, ...]:
        return tuple(s[0] for s in self.stages)

    @property
    def labels(self) -> dict[str, str]:
        pairs = [(s[0], s[1]) for s in self.stages] + list(self.kinds) + list(self.touchpoints)
        return dict(pairs)

    @classmethod
    def from_codebook(cls, codebook) -> "Vocabulary":
        return cls(
            stages=tuple((c.id, c.label, c.description) for c in codebook.stages),
            kinds=tuple((c.id, c.label) for c in codebook.kinds),
            touchpoints=tuple((c.id, c.label) for c in codebook.touchpoints),
        )


def _label(label: Label | None) -> dict | None:
    if label is None:
        return None
    return {"id": label.id, "score": round(float(label.score), 4), "reason": label.reason}


def _finding(f: Finding) -> dict:
    return {"label": f.label, "count": f.count, "participants": f.participants, "unit_ids": list(f.unit_ids), "ref": f.ref}


def persona_dict(p: Persona) -> dict:
    return {
        "id": p.id,
        "name": p.name,
        "status": p.status,
        "participant_ids": list(p.participant_ids),
        "size": len(p.participant_ids),
        "share": round(p.share, 4),
        "stability": round(p.stability, 4),
        "confidence": round(p.confidence, 4),
        "flags": list(p.flags),
        "attributes": [
            {"name": a.name, "value": a.value, "share": round(a.share, 4), "overall": round(a.overall, 4), "lift": round(a.lift, 3)}
            for a in p.attributes
        ],
        "motivations": [_finding(f) for f in p.motivations],
        "pain_points": [_finding(f) for f in p.pain_points],
        "touchpoints": [_finding(f) for f in p.touchpoints],
        "emotional_high": p.emotional_high,
        "emotional_low": p.emotional_low,
        "quotes": list(p.quotes),
        "summary": p.summary,
    }


def journey_dict(m: JourneyMap, labels: Mapping[str, str]) -> dict:
    stages = []
    for cell in m.stages:
        stages.append(
            {
                "stage": cell.stage,
                "label": labels.get(cell.stage, cell.stage),
                "actions": [_finding(f) for f in cell.actions],
                "touchpoints": [_finding(f) for f in cell.touchpoints],
                "motivations": [_finding(f) for f in cell.motivations],
                "pain_points": [_finding(f) for f in cell.pain_points],
                "emotion": {"mean": None if cell.emotion_mean is None else round(float(cell.emotion_mean), 4), "count": cell.emotion_count},
                "quotes": list(cell.quotes),
                "opportunities": [_opportunity(o) for o in cell.opportunities],
                "evidence": {
                    "participants": cell.participants,
                    "units": cell.units,
                    "share": round(cell.share, 4),
                    "quotes": len(cell.quotes),
                    "thin": cell.thin,
                },
            }
        )
    return {
        "persona_id": m.persona_id,
        "name": m.name,
        "participants": m.participants,
        "stages": stages,
        "paths": [
            {
                "touchpoints": list(p.touchpoints),
                "labels": list(p.labels),
                "text": p.text,
                "participants": p.participants,
                "unit_ids": list(p.unit_ids),
            }
            for p in m.paths
        ],
    }


def _opportunity(o: Opportunity) -> dict:
    return {
        "text": o.text,
        "theme_id": o.theme_id,
        "draft": o.draft,
        "kind": o.kind,
        "participants": o.participants,
        "score": round(float(o.score), 4),
        "unit_ids": list(o.unit_ids),
    }


def unit_dict(unit: Unit, tagging: Tagging | None, source_path: str, persona_id: str | None, rep: float) -> dict:
    return {
        "id": unit.id,
        "participant_id": unit.participant_id,
        "source_id": unit.source_id,
        "source": source_path,
        "location": unit.location,
        "spans": [[s.line, s.start, s.end] for s in unit.spans],
        "speaker_role": unit.speaker_role,
        "question": unit.question,
        "heading": unit.heading,
        "text": unit.quote,
        "language": unit.language,
        "stage": _label(tagging.stage) if tagging else None,
        "kinds": [_label(k) for k in tagging.kinds] if tagging else [],
        "touchpoints": [_label(t) for t in tagging.touchpoints] if tagging else [],
        "sentiment": {
            "score": round(float(tagging.sentiment), 4) if tagging else 0.0,
            "reason": tagging.sentiment_reason if tagging else "",
        },
        "themes": list(tagging.themes) if tagging else [],
        "persona_id": persona_id,
        "representativeness": round(float(rep), 4),
    }


def build_map(
    *,
    run: Mapping[str, Any],
    sources: Sequence[Source],
    participants: Sequence[Participant],
    units: Sequence[Unit],
    tag_result: TagResult,
    personas: Sequence[Persona],
    maps: Sequence[JourneyMap],
    vocabulary: Vocabulary,
    representativeness: Mapping[str, float],
    unassigned: Mapping[str, str] | None = None,
) -> dict:
    """The whole map.json document, in a fixed key and item order. `unassigned`: participant id
    -> why they are in no persona (`Clustering.unassigned`)."""
    persona_of = {pid: p.id for p in personas for pid in p.participant_ids}
    taggings = {t.unit_id: t for t in tag_result.taggings}
    paths = {s.id: s.path for s in sources}
    units_per_participant: dict[str, int] = {}
    units_per_source: dict[str, int] = {}
    for u in units:
        units_per_participant[u.participant_id] = units_per_participant.get(u.participant_id, 0) + 1
        units_per_source[u.source_id] = units_per_source.get(u.source_id, 0) + 1
    return {
        "schema": SCHEMA_ID,
        "run": dict(run),
        "sources": _source_entries(sources, participants, units_per_source),
        "participants": _participant_entries(participants, persona_of, units_per_participant, unassigned or {}),
        "personas": [persona_dict(p) for p in personas],
        "stages": [{"id": i, "label": lab, "description": d} for i, lab, d in vocabulary.stages],
        "kinds": [{"id": i, "label": lab} for i, lab in vocabulary.kinds],
        "touchpoints": [{"id": i, "label": lab} for i, lab in vocabulary.touchpoints],
        "themes": [
            {"id": t.id, "stage": t.stage, "kind": t.kind, "label": t.label, "unit_ids": list(t.unit_ids), "headline": t.headline}
            for t in tag_result.themes
        ],
        "maps": [journey_dict(m, vocabulary.labels) for m in maps],
        "units": [
            unit_dict(
                u,
                taggings.get(u.id),
                paths.get(u.source_id, u.source_id),
                persona_of.get(u.participant_id),
                representativeness.get(u.id, 0.0),
            )
            for u in units
        ],
    }


def _source_entries(sources: Sequence[Source], participants: Sequence[Participant], units: Mapping[str, int]) -> list[dict]:
    """map.json's `sources`: each with its participants and how many units it gave (`units`: source id -> count)."""
    return [
        {
            "id": s.id,
            "path": s.path,
            "kind": s.kind,
            "format": s.format,
            "sha256": s.sha256,
            "language": s.language,
            "participants": [p.id for p in participants if s.id in p.source_ids],
            "units": units.get(s.id, 0),
        }
        for s in sources
    ]


def _participant_entries(
    participants: Sequence[Participant], persona_of: Mapping[str, str], units: Mapping[str, int], unassigned: Mapping[str, str]
) -> list[dict]:
    """map.json's `participants`: each with their persona (or why they are in none) and unit count."""
    return [
        {
            "id": p.id,
            "key": p.key,
            "source_ids": list(p.source_ids),
            "attributes": dict(sorted(p.attributes.items())),
            "persona_id": persona_of.get(p.id),
            "units": units.get(p.id, 0),
            "unassigned_reason": None if persona_of.get(p.id) else unassigned.get(p.id, "in no persona"),
        }
        for p in participants
    ]


@dataclass(frozen=True)
class MapRecords:
    """What synthesize needs, rebuilt from a map dict (no vectors)."""

    participants: tuple[Participant, ...]
    units: tuple[Unit, ...]
    tag_result: TagResult
    clustering: Clustering
    persona_ids: tuple[str, ...]  # cluster index -> persona id
    representativeness: dict[str, float]
    vocabulary: Vocabulary


def _to_label(label: LabelEntry) -> Label:
    return Label(label.id, float(label.score), label.reason)


def records_from_map(doc: MapDocument) -> MapRecords:
    """Rebuild participants, units (text = quote), tags and clustering from a map document."""
    participants = tuple(Participant(p.id, p.key, tuple(p.source_ids), dict(p.attributes)) for p in doc.participants)
    units, taggings = [], []
    for u in doc.units:
        units.append(
            Unit(
                id=u.id,
                participant_id=u.participant_id,
                source_id=u.source_id,
                text=u.text,
                quote=u.text,
                clean_text=u.text,
                spans=tuple(Span(*s) for s in u.spans),
                location=u.location,
                speaker_role=u.speaker_role,
                question=u.question,
                heading=u.heading,
                language=u.language,
            )
        )
        taggings.append(
            Tagging(
                unit_id=u.id,
                stage=None if u.stage is None else _to_label(u.stage),
                kinds=tuple(_to_label(k) for k in u.kinds),
                touchpoints=tuple(_to_label(t) for t in u.touchpoints),
                sentiment=float(u.sentiment.score),
                sentiment_reason=u.sentiment.reason,
                themes=tuple(u.themes),
            )
        )
    themes = tuple(Theme(t.id, t.stage, t.kind, t.label, tuple(t.unit_ids), t.headline) for t in doc.themes)
    persona_ids = doc.persona_ids
    index = {pid: i for i, pid in enumerate(persona_ids)}
    clustering_info = doc.run.clustering
    clustering = Clustering(
        assignments={p.id: index.get(p.persona_id, -1) if p.persona_id else -1 for p in doc.participants},
        k=len(persona_ids),
        stability=tuple(float(p.stability) for p in doc.personas),
        overall_stability=float(clustering_info.overall_stability),
        method=clustering_info.method,
        warnings=tuple(clustering_info.warnings),
    )
    vocabulary = Vocabulary(
        stages=tuple((s.id, s.label, s.description) for s in doc.stages),
        kinds=tuple((k.id, k.label) for k in doc.kinds),
        touchpoints=tuple((t.id, t.label) for t in doc.touchpoints),
    )
    rep = {u.id: float(u.representativeness) for u in doc.units}
    return MapRecords(participants, tuple(units), TagResult(tuple(taggings), themes), clustering, persona_ids, rep, vocabulary)


@lru_cache(maxsize=1)
def load_schema() -> dict:
    return json.loads(resources.files("synth.resources").joinpath("map.schema.json").read_text())


def validate_map(doc: Mapping[str, Any]) -> None:
    """Raise jsonschema.ValidationError when `doc` breaks the synth.map/2 contract."""
    import jsonschema

    jsonschema.validate(doc, load_schema())
