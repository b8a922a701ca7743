"""report.html: one self-contained page to review a run.

No network: inline CSS, no scripts, system fonts, an inline SVG emotion curve.
All participant text goes through Jinja2 autoescape. Every quote shown in a card
or a grid cell links to its entry in the evidence list (anchor ``q-<unit id>``),
which gives the participant, source and location.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Mapping, Sequence

from synth.atomic import write_text
from synth.export.template import builtin_environment
from synth.export.view import (
    FINDING_LANES,
    LANES,
    MapView,
    attribute_text,
    build_view,
    emotion_word,
    opportunity_text,
    percent,
    plural,
    run_summary,
)

CURVE = {"width": 1000, "height": 240, "left": 80, "right": 70, "top": 20, "bottom": 48}


def anchor(unit_id: str) -> str:
    return f"q-{unit_id}"


def emotion_colour(mean: float | None) -> str:
    """Background colour for a mean sentiment: red-ish to grey to green-ish."""
    if mean is None:
        return "#ffffff"
    t = max(-1.0, min(1.0, float(mean)))
    neutral, end = (0xF5, 0xF5, 0xF5), ((0xF4, 0xB6, 0xB0) if t < 0 else (0xB7, 0xE1, 0xB0))
    return "#" + "".join(f"{round(n + (e - n) * abs(t)):02x}" for n, e in zip(neutral, end))


def has_emotion(cell: Mapping[str, Any]) -> bool:
    return cell["emotion"].get("mean") is not None and bool(cell["emotion"].get("count"))


def emotion_curve(cells: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Geometry of the emotion curve: x = stages, y = mean sentiment, radius from the count, gaps where no data."""
    c = CURVE
    plot_w, plot_h = c["width"] - c["left"] - c["right"], c["height"] - c["top"] - c["bottom"]
    step = plot_w / (len(cells) - 1) if len(cells) > 1 else 0
    xs = [round(c["left"] + (i * step if len(cells) > 1 else plot_w / 2), 1) for i in range(len(cells))]

    def y_of(mean: float) -> float:
        return round(c["top"] + (1 - max(-1.0, min(1.0, mean))) / 2 * plot_h, 1)

    points = [curve_point(cell, x, y_of(cell["emotion"]["mean"])) for x, cell in zip(xs, cells) if has_emotion(cell)]
    segments = [
        {"x1": xs[i - 1], "y1": y_of(cells[i - 1]["emotion"]["mean"]), "x2": xs[i], "y2": y_of(cells[i]["emotion"]["mean"])}
        for i in range(1, len(cells)) if has_emotion(cells[i - 1]) and has_emotion(cells[i])
    ]
    ticks = [{"y": y_of(v), "label": label} for v, label in ((1.0, "positive"), (0.0, "neutral"), (-1.0, "negative"))]
    labels = [{"x": x, "text": cell["label"], "empty": not has_emotion(cell)} for x, cell in zip(xs, cells)]
    return {**c, "points": points, "segments": segments, "ticks": ticks, "labels": labels,
            "x0": c["left"], "x1": c["width"] - c["right"], "label_y": c["height"] - c["bottom"] + 22}


def curve_point(cell: Mapping[str, Any], x: float, y: float) -> dict[str, Any]:
    """One dot of the curve: its size grows with the number of units behind it."""
    mean, count = cell["emotion"]["mean"], cell["emotion"]["count"]
    title = f"{cell['label']}: {emotion_word(mean)}, mean {mean:+.2f} from {plural(count, 'unit')}"
    return {"x": x, "y": y, "r": round(min(14.0, 4 + 2.5 * math.sqrt(count)), 1), "colour": emotion_colour(mean), "title": title}


def unit_ref(view: MapView, unit_id: str) -> dict[str, str] | None:
    """A link to a unit's evidence entry: anchor and a short 'P03, line 12' label."""
    unit = view.units.get(unit_id)
    if unit is None:
        return None
    return {"href": "#" + anchor(unit_id), "label": f"{unit['participant_id']}, {unit['location']}"}


def finding_items(view: MapView, findings: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Findings with their counts and links to the units behind them."""
    items = []
    for f in findings:
        refs = [r for r in (unit_ref(view, uid) for uid in f["unit_ids"]) if r]
        items.append({"label": f["label"], "count": f["count"], "participants": f["participants"], "refs": refs})
    return items


def quote_items(units: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    return [{"text": u["text"], "href": "#" + anchor(u["id"]), "who": u["participant_id"],
             "where": f"{u['source']}, {u['location']}"} for u in units]


def grid_rows(view: MapView, journey: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Lane rows of one map: each a list of cells, one per stage."""
    rows = []
    for lane, label in LANES:
        cells = []
        for cell in journey["stages"]:
            if lane in FINDING_LANES:
                cells.append({"findings": finding_items(view, cell[lane])})
            elif lane == "emotion":
                emo = cell["emotion"]
                cells.append({"emotion": None if emo.get("mean") is None or not emo.get("count") else {
                    "word": emotion_word(emo["mean"]), "mean": f"{emo['mean']:+.2f}",
                    "count": plural(emo["count"], "unit"), "colour": emotion_colour(emo["mean"])}})
            elif lane == "quotes":
                cells.append({"quotes": quote_items(view.stage_quotes(journey, cell))})
            else:
                cells.append({"opportunities": [opportunity_text(o) for o in cell["opportunities"]]})
        rows.append({"lane": lane, "label": label, "cells": cells})
    return rows


def persona_card(view: MapView, persona: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": persona["id"], "name": persona["name"], "status": persona["status"], "size": persona["size"],
        "share": percent(persona["share"]), "confidence": f"{persona['confidence']:.2f}",
        "stability": f"{persona['stability']:.2f}", "flags": list(persona["flags"]),
        "attributes": [attribute_text(a) for a in persona["attributes"]],
        "motivations": finding_items(view, persona["motivations"]),
        "pain_points": finding_items(view, persona["pain_points"]),
        "touchpoints": finding_items(view, persona["touchpoints"]),
        "high": view.stage_labels.get(persona["emotional_high"] or ""),
        "low": view.stage_labels.get(persona["emotional_low"] or ""),
        "quotes": quote_items(view.known(persona["quotes"])),
        "has_map": any(m["persona_id"] == persona["id"] for m in view.maps),
    }


def map_section(view: MapView, journey: Mapping[str, Any]) -> dict[str, Any]:
    persona = view.persona_of(journey)
    return {
        "id": f"map-{journey['persona_id']}", "title": view.map_title(journey),
        "status": persona["status"] if persona else None, "participants": journey["participants"],
        "stages": [{"label": c["label"], "evidence": f"{plural(c['evidence']['units'], 'unit')} · "
                    f"{plural(c['evidence']['participants'], 'participant')}"} for c in journey["stages"]],
        "rows": grid_rows(view, journey), "curve": emotion_curve(journey["stages"]),
    }


def evidence_groups(view: MapView) -> list[dict[str, Any]]:
    """Cited units grouped by source, in map.json order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for uid in view.shown_unit_ids():
        u = view.units[uid]
        stage = (u.get("stage") or {}).get("id")
        persona = view.persona_by_id.get(u.get("persona_id") or "")
        groups.setdefault(u["source"], []).append({
            "anchor": anchor(uid), "id": uid, "text": u["text"], "participant": u["participant_id"],
            "location": u["location"], "question": u.get("question"), "stage": view.stage_labels.get(stage or "", ""),
            "kinds": [view.kind_labels.get(k["id"], k["id"]) for k in u["kinds"]],
            "touchpoints": [view.touchpoint_labels.get(t["id"], t["id"]) for t in u["touchpoints"]],
            "sentiment": f"{u['sentiment']['score']:+.2f}", "persona": persona["name"] if persona else "",
        })
    return [{"source": source, "units": units} for source, units in groups.items()]


def report_context(view: MapView) -> dict[str, Any]:
    return {
        "summary": run_summary(view.doc),
        "personas": [persona_card(view, p) for p in view.personas],
        "maps": [map_section(view, m) for m in view.maps],
        "evidence": evidence_groups(view),
    }


def render_report(map_dict: Mapping[str, Any], *, persona: str | None = None, approved_only: bool = False) -> str:
    view = build_view(map_dict, persona=persona, approved_only=approved_only)
    return builtin_environment(html=True).get_template("report.html.j2").render(report_context(view))


def write_report_html(
    map_dict: Mapping[str, Any], path: Path, *, persona: str | None = None, approved_only: bool = False
) -> Path:
    """report.html for the shown personas and maps."""
    write_text(Path(path), render_report(map_dict, persona=persona, approved_only=approved_only))
    return Path(path)
