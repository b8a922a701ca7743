"""The context a user template sees (documented in docs/templates.md).

Top-level names:

- ``run``: map.json's ``run`` object (synth_version, model, seed, redacted, clustering ...);
- ``summary``: counts for a header (sources, participants, units, personas, model, redacted ...);
- ``personas``: the shown personas, each a `persona` object as below;
- ``maps``: the shown journey maps, each a `map` object as below;
- ``stages``: the codebook's stages (id, label, description) in order;
- ``units``: every evidence unit by id (map.json unit objects);
- ``persona``, ``map``, ``stage``: the current persona, its map and ``map.stage``
  (an xlsx template sheet is filled once per map; a text template gets the map of the
  persona chosen with ``--persona``, otherwise the everyone map, whose ``persona`` has
  the name "All participants" and empty persona-only fields).

A persona: id, name, status, size, share, share_pct, confidence, stability, flags,
attributes, motivations, pain_points, touchpoints, emotional_high, emotional_low
(stage labels; emotional_high_stage / emotional_low_stage are the ids), quotes, quote_units, participant_ids.
A map: persona_id, name, participants, stages (list of stage cells), stage (cells by stage id).
A stage cell: id, label, the lanes actions, touchpoints, motivations, pain_points,
emotion, quotes, opportunities (lists of display lines; emotion is one line),
plus emotion_mean, emotion_count, quote_units, evidence_units, evidence_participants.

- ``competitors``: other products and services mentioned (synth.export.mapextras.competitor_rows):
  name, source, mentions, participants, liked, disliked, text, rows (persona, stage, count, liked,
  disliked, quotes with text and cite);
- ``timeline``: the day in the life: shown (enough timed units), units, min_units, min_buckets and
  personas (id, name, buckets: id, label, count, quotes, lines; ``bucket.<id>``);
- ``blueprint``: the current map as a service blueprint: ``blueprint.stages`` and
  ``blueprint.stage.<id>``, each with label, customer_actions, frontstage, backstage, support,
  evidence, quotes (lists of display lines).

Lookups by name (``stage.<id>``, ``stage.<id>.<lane>``, ``persona.<field>``) fail with
"unknown stage 'x'; expected one of: ..." instead of printing nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Mapping

from synth.document import JourneyEntry, PersonaEntry, StageCell, UnitEntry
from synth.export.mapextras import blueprint_stages, competitor_rows, timeline_rows
from synth.export.view import (
    ALL_MAP,
    FINDING_LANES,
    MapView,
    attribute_text,
    emotion_text,
    finding_text,
    lane_texts,
    percent,
    quote_text,
    run_summary,
)


class Lookup(dict):
    """A dict whose unknown keys give a helpful template error (see template.TemplateUndefined)."""

    def __init__(self, what: str, items: Mapping[str, Any]) -> None:
        super().__init__(items)
        self.what = what


class UnitData(Mapping[str, dict[str, Any]]):
    """``units``: every unit by id as map.json's plain unit object, made on first use.

    A template names a few units; turning all of them into plain data up front would
    cost a model dump per unit on every persona file at 100,000 answers.
    """

    def __init__(self, units: Mapping[str, UnitEntry]) -> None:
        self._units = units
        self._data: dict[str, dict[str, Any]] = {}

    def __getitem__(self, unit_id: str) -> dict[str, Any]:
        if unit_id not in self._data:
            self._data[unit_id] = self._units[unit_id].json_data()
        return self._data[unit_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._units)

    def __len__(self) -> int:
        return len(self._units)


def unit_data(units: list[UnitEntry]) -> list[dict[str, Any]]:
    """Units as map.json's plain unit objects (what `quote_units` and the `unit()` function give a template)."""
    return [u.json_data() for u in units]


def persona_context(view: MapView, persona: PersonaEntry) -> Lookup:
    quotes = view.known(persona.quotes)
    return Lookup(
        "persona field",
        {
            "id": persona.id,
            "name": persona.name,
            "status": persona.status,
            "size": persona.size,
            "share": persona.share,
            "share_pct": percent(persona.share),
            "confidence": persona.confidence,
            "stability": persona.stability,
            "flags": list(persona.flags),
            "attributes": [attribute_text(a) for a in persona.attributes],
            "motivations": [finding_text(f) for f in persona.motivations],
            "pain_points": [finding_text(f) for f in persona.pain_points],
            "touchpoints": [finding_text(f) for f in persona.touchpoints],
            "emotional_high": view.stage_labels.get(persona.emotional_high or "", ""),
            "emotional_low": view.stage_labels.get(persona.emotional_low or "", ""),
            "emotional_high_stage": persona.emotional_high or "",
            "emotional_low_stage": persona.emotional_low or "",
            "quotes": [quote_text(u) for u in quotes],
            "quote_units": unit_data(quotes),
            "participant_ids": list(persona.participant_ids),
            "summary": persona.summary,
        },
    )


def everyone_context(view: MapView, journey: JourneyEntry) -> Lookup:
    """The `persona` of the everyone map: its name and size; persona-only fields are empty."""
    return Lookup(
        "persona field",
        {
            "id": ALL_MAP,
            "name": view.map_title(journey),
            "status": "",
            "size": journey.participants,
            "share": 1.0,
            "share_pct": "100%",
            "confidence": None,
            "stability": None,
            "flags": [],
            "attributes": [],
            "motivations": [],
            "pain_points": [],
            "touchpoints": [],
            "emotional_high": "",
            "emotional_low": "",
            "emotional_high_stage": "",
            "emotional_low_stage": "",
            "quotes": [],
            "quote_units": [],
            "participant_ids": [p.id for p in view.doc.participants],
        },
    )


def cell_context(view: MapView, journey: JourneyEntry, cell: StageCell) -> Lookup:
    lanes = {lane: lane_texts(view, journey, cell, lane) for lane in (*FINDING_LANES, "quotes", "opportunities")}
    return Lookup(
        "lane",
        {
            "id": cell.stage,
            "label": cell.label,
            **lanes,
            "emotion": emotion_text(cell.emotion) if cell.emotion.count else "",
            "emotion_mean": cell.emotion.mean,
            "emotion_count": cell.emotion.count,
            "quote_units": unit_data(view.stage_quotes(journey, cell)),
            "evidence_units": cell.evidence.units,
            "evidence_participants": cell.evidence.participants,
        },
    )


def map_context(view: MapView, journey: JourneyEntry) -> Lookup:
    cells = [cell_context(view, journey, cell) for cell in journey.stages]
    return Lookup(
        "map field",
        {
            "persona_id": journey.persona_id,
            "name": view.map_title(journey),
            "participants": journey.participants,
            "stages": cells,
            "stage": Lookup("stage", {c["id"]: c for c in cells}),
        },
    )


def current_context(view: MapView, journey: JourneyEntry | None) -> dict[str, Any]:
    """`persona`, `map` and `stage` for one map (None: no current map)."""
    if journey is None:
        return {"persona": None, "map": None, "stage": Lookup("stage", {})}
    persona = view.persona_of(journey)
    current = map_context(view, journey)
    return {
        "persona": everyone_context(view, journey) if persona is None else persona_context(view, persona),
        "map": current,
        "stage": current["stage"],
    }


def blueprint_context(view: MapView, journey: JourneyEntry | None) -> Lookup:
    """`blueprint.stages` (list) and `blueprint.stage.<id>.<lane>`: the current map as a service blueprint."""
    stages = [Lookup("blueprint lane", s) for s in blueprint_stages(view, journey)]
    return Lookup("blueprint field", {"stages": stages, "stage": Lookup("stage", {s["id"]: s for s in stages})})


def template_context(view: MapView, journey: JourneyEntry | None) -> dict[str, Any]:
    """Everything a template can use, with `journey` as the current map."""
    return {
        "run": view.doc.run.json_data(),
        "summary": run_summary(view.doc),
        "personas": [persona_context(view, p) for p in view.personas],
        "maps": [map_context(view, m) for m in view.maps],
        "stages": [s.json_data() for s in view.doc.stages],
        "units": UnitData(view.units),
        "competitors": competitor_rows(view),
        "timeline": timeline_rows(view),
        "blueprint": blueprint_context(view, journey),
        **current_context(view, journey),
    }
