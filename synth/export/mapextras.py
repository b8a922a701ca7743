"""What the report and user templates show of map.json's `competitors` and `timeline`, and
the service blueprint's lanes.

Both lists are regrouped here by each unit's *current* persona (after review merges and
relabels), from the unit ids map.json stores, so the view never goes stale.

Service blueprint (docs/maps.md): per stage, customer actions and frontstage touchpoints
are the current map's action and touchpoint lanes; backstage is what staff participants
say at that stage and support processes the touchpoints (systems, channels) their units
are tagged with; evidence is the cell's participant and unit counts. A participant is
staff when the roster (participants.csv) has a `role` column whose value is one of
`STAFF_ROLES` ("staff", "employee", "operations", ...).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from synth.document import JourneyEntry, MapDocument, PersonaEntry, UnitEntry
from synth.export.view import ALL_MAP, MapView, lane_texts, plural, quote_text, unit_stage
from synth.staff import is_staff
from synth.timeline import BUCKETS, LABELS, MIN_BUCKETS, MIN_UNITS, shown

MAX_QUOTES = 3


def staff_ids(doc: MapDocument) -> set[str]:
    """Participant ids the roster marks as staff (a `role` column valued staff, employee, operations ...)."""
    return {p.id for p in doc.participants if is_staff(p.attributes)}


def _shown_persona(view: MapView, unit: UnitEntry) -> tuple[bool, PersonaEntry | None]:
    """(shown, persona): the unit's persona when shown; (True, None) for a shown unit without one."""
    persona = view.persona_by_id.get(unit.persona_id or "")
    if persona is not None and any(p.id == persona.id for p in view.personas):
        return True, persona
    return any(m.persona_id == ALL_MAP for m in view.maps), None


def _quote(unit: UnitEntry) -> dict[str, str]:
    return {"text": unit.text, "cite": f"{unit.participant_id} · {unit.source} {unit.location}", "id": unit.id}


def competitor_rows(view: MapView) -> list[dict[str, Any]]:
    """Each competitor with its mentions per shown persona and stage, liked/disliked counts and quotes."""
    out = []
    for comp in view.doc.competitors:
        liked, disliked = set(comp.liked), set(comp.disliked)
        groups: dict[tuple[str, str], list[UnitEntry]] = defaultdict(list)
        for unit in view.known(comp.unit_ids):
            visible, persona = _shown_persona(view, unit)
            if not visible:
                continue
            name = persona.name if persona else "No persona"
            stage = view.stage_labels.get(unit_stage(unit) or "", "No stage")
            groups[(name, stage)].append(unit)
        if not groups:
            continue
        rows = [{
            "persona": name, "stage": stage, "count": len(units),
            "liked": sum(u.id in liked for u in units), "disliked": sum(u.id in disliked for u in units),
            "quotes": [_quote(u) for u in units[:MAX_QUOTES]],
        } for (name, stage), units in groups.items()]  # fmt: skip
        units_shown = [u for rs in groups.values() for u in rs]
        out.append(
            {
                "name": comp.name,
                "source": comp.source,
                "mentions": len(units_shown),
                "participants": len({u.participant_id for u in units_shown}),
                "liked": sum(u.id in liked for u in units_shown),
                "disliked": sum(u.id in disliked for u in units_shown),
                "rows": rows,
                "text": f"{comp.name} ({plural(len(units_shown), 'mention')})",
            }
        )
    return out


def timeline_rows(view: MapView) -> dict[str, Any]:
    """Per shown persona, its time buckets with quotes; `shown` per the documented threshold."""
    bucket_of: dict[str, list[str]] = defaultdict(list)
    for entry in view.doc.timeline:
        for bucket, ids in entry.buckets.items():
            for uid in ids:
                bucket_of[uid].append(bucket)
    per: dict[str, dict[str, list[UnitEntry]]] = defaultdict(lambda: {b: [] for b in BUCKETS})
    for unit in view.known(list(bucket_of)):
        _, persona = _shown_persona(view, unit)
        if persona:
            for bucket in bucket_of[unit.id]:
                per[persona.id][bucket].append(unit)
    personas = []
    for p in view.personas:
        if p.id in per:
            buckets = [{"id": b, "label": LABELS[b], "count": len(us), "quotes": [_quote(u) for u in us[:MAX_QUOTES]],
                        "lines": [quote_text(u) for u in us]} for b, us in per[p.id].items()]  # fmt: skip
            personas.append({"id": p.id, "name": p.name, "buckets": buckets, "bucket": {b["id"]: b for b in buckets}})
    every = {b: [u.id for pb in per.values() for u in pb[b]] for b in BUCKETS}
    return {"shown": shown(every), "personas": personas, "min_units": MIN_UNITS, "min_buckets": MIN_BUCKETS,
            "units": len({u for ids in every.values() for u in ids})}  # fmt: skip


def blueprint_stages(view: MapView, journey: JourneyEntry | None) -> list[dict[str, Any]]:
    """The service blueprint's lanes for each stage of the current map."""
    if journey is None:
        return []
    staff = staff_ids(view.doc)
    staff_units = [u for u in view.units.values() if u.participant_id in staff]
    out = []
    for cell in journey.stages:
        mine = [u for u in staff_units if unit_stage(u) == cell.stage]
        support: dict[str, int] = defaultdict(int)
        for u in mine:
            for t in u.touchpoints:
                support[view.touchpoint_labels.get(t.id, t.id)] += 1
        out.append({
            "id": cell.stage, "label": cell.label,
            "customer_actions": lane_texts(view, journey, cell, "actions"),
            "frontstage": lane_texts(view, journey, cell, "touchpoints"),
            "backstage": [quote_text(u) for u in mine[:MAX_QUOTES]],
            "support": [f"{label} ({n})" for label, n in sorted(support.items(), key=lambda kv: (-kv[1], kv[0]))],
            "evidence": [f"{plural(cell.evidence.participants, 'participant')}, {plural(cell.evidence.units, 'unit')}"],
            "quotes": lane_texts(view, journey, cell, "quotes"),
        })  # fmt: skip
    return out


def report_extras(view: MapView) -> dict[str, Any]:
    """The report's competitor and day-in-the-life sections (hooked into html.report_context)."""
    return {"competitors": competitor_rows(view), "timeline": timeline_rows(view)}
