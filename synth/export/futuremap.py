"""The future-state map and multichannel paths as the report and the workbook show them.

map.json keeps opportunities inside their stage cells (`maps[*].stages[*].opportunities`)
and paths per map (`maps[*].paths`); a reader planning the future state wants them the
other way round: one ranked list per persona map, each question with its stage and the
quotes behind it. Both the report section (`_report_futuremap.html.j2`) and the
workbook's "Future state" sheet are built from `future_maps`, so they always agree.
"""

from __future__ import annotations

from typing import Any

from synth.document import JourneyEntry, UnitEntry
from synth.export.view import MapView, opportunity_text, plural

REPORT_OPPORTUNITIES = 10  # per map in the report; the workbook lists them all
QUOTES_PER_OPPORTUNITY = 4


def ranked_opportunities(view: MapView, journey: JourneyEntry) -> list[dict[str, Any]]:
    """A map's opportunities over all stages, highest score first (ties: stage order, then rank in the stage)."""
    found = [
        (-float(o.score), stage_index, rank, cell, o)
        for stage_index, cell in enumerate(journey.stages)
        for rank, o in enumerate(cell.opportunities)
    ]
    found.sort(key=lambda item: item[:3])
    return [
        {
            "stage": cell.stage,
            "stage_label": cell.label,
            "text": opportunity_text(o),
            "kind": "pain point" if o.kind == "pain_point" else "unmet motivation",
            "participants": int(o.participants),
            "score": float(o.score),
            "units": view.known(o.unit_ids),
        }
        for *_, cell, o in found
    ]


def future_maps(view: MapView) -> list[dict[str, Any]]:
    """Per shown map: its ranked opportunities and its multichannel paths."""
    return [
        {
            "id": f"future-{journey.persona_id}",
            "map_id": f"map-{journey.persona_id}",
            "title": view.map_title(journey),
            "participants": journey.participants,
            "opportunities": ranked_opportunities(view, journey),
            "paths": [
                {"text": p.text, "participants": p.participants, "steps": len(p.touchpoints), "units": view.known(p.unit_ids)}
                for p in journey.paths
            ],
        }
        for journey in view.maps
    ]


def unit_location(unit: UnitEntry) -> str:
    return f"{unit.participant_id} · {unit.source}, {unit.location}"


def future_context(view: MapView) -> dict[str, Any]:
    """The report's future-state section: links go to quotes the evidence list holds (`anchor`)."""
    from synth.export.html import anchor

    shown = set(view.shown_unit_ids())

    def links(units: list[UnitEntry]) -> list[dict[str, str]]:
        return [{"href": f"#{anchor(u.id)}", "label": unit_location(u), "text": u.text} for u in units if u.id in shown][
            :QUOTES_PER_OPPORTUNITY
        ]

    sections = []
    for entry in future_maps(view):
        sections.append(
            {
                **entry,
                "opportunities": [
                    {**o, "score": f"{o['score']:.2f}", "who": plural(o["participants"], "participant"), "links": links(o["units"])}
                    for o in entry["opportunities"][:REPORT_OPPORTUNITIES]
                ],
                "more": max(0, len(entry["opportunities"]) - REPORT_OPPORTUNITIES),
                "paths": [{**p, "who": plural(p["participants"], "participant"), "links": links(p["units"])[:3]} for p in entry["paths"]],
            }
        )
    return {"future": sections}


FUTURE_HEADER = ("map", "rank", "stage", "how might we", "from", "participants", "score", "quotes (participant · source, location)")


def future_rows(view: MapView) -> list[list[Any]]:
    """The workbook's "Future state" sheet: every map's ranked opportunities with their quotes' locations."""
    rows = []
    for entry in future_maps(view):
        for rank, o in enumerate(entry["opportunities"], start=1):
            rows.append(
                [
                    entry["title"],
                    rank,
                    o["stage_label"],
                    o["text"],
                    o["kind"],
                    o["participants"],
                    round(o["score"], 4),
                    "\n".join(unit_location(u) for u in o["units"]),
                ]
            )
    return rows
