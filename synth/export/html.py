"""report.html: one self-contained page to review a run.

No network: inline CSS, system fonts, an inline SVG emotion curve drawn in the
grid over the stage columns, and one inline script (templates/report.js) that
filters and searches the evidence list offline. A Content-Security-Policy allows
that script alone (by its hash) and no other source of anything, so text that
slipped through escaping still could not run. All participant text goes through
Jinja2 autoescape. Every quote shown in a card
or a grid cell links to its entry in the evidence list (anchor ``q-<unit id>``),
which gives the participant, source and location.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import math
import re
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from synth.atomic import write_bytes, write_text
from synth.document import Finding, JourneyEntry, MapDocument, PersonaEntry, StageCell, UnitEntry
from synth.export.futuremap import future_context
from synth.export.mapextras import report_extras
from synth.export.people import people_context
from synth.export.report_themes import theme_section
from synth.export.template import builtin_environment
from synth.export.view import (
    FINDING_LANES,
    LANES,
    MapView,
    attribute_text,
    build_view,
    cell_findings,
    emotion_word,
    opportunity_text,
    percent,
    plural,
    run_summary,
    unit_stage,
)

CURVE = {"height": 110, "top": 14, "bottom": 14}
SCRIPT = (Path(__file__).parent / "templates" / "report.js").read_text(encoding="utf-8")


def anchor(unit_id: str) -> str:
    return f"q-{unit_id}"


def script_hash(script: str) -> str:
    """The CSP source of the inline script: the page runs it and nothing else."""
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def emotion_colour(mean: float | None) -> str:
    """Background colour for a mean sentiment: red-ish to grey to green-ish."""
    if mean is None:
        return "#ffffff"
    t = max(-1.0, min(1.0, float(mean)))
    neutral, end = (0xF5, 0xF5, 0xF5), ((0xF4, 0xB6, 0xB0) if t < 0 else (0xB7, 0xE1, 0xB0))
    return "#" + "".join(f"{round(n + (e - n) * abs(t)):02x}" for n, e in zip(neutral, end))


def has_emotion(cell: StageCell) -> bool:
    return cell.emotion.mean is not None and bool(cell.emotion.count)


def column_x(index: int, count: int) -> float:
    """The centre of stage column `index` of `count`, in percent of the curve's width.

    The curve sits in one table cell spanning exactly the stage columns, which
    have equal widths (``table-layout: fixed``), so this percentage is the
    centre of the stage's own column at any page width and in print.
    """
    return round((index + 0.5) * 100 / count, 3)


def emotion_curve(cells: Sequence[StageCell]) -> dict[str, Any]:
    """Geometry of the emotion curve drawn inside the grid, over the stage columns.

    x is the stage column's centre (percent), y the mean sentiment (pixels,
    positive at the top), radius from the count. Adjacent stages with data are
    joined by a solid line; across stages with no data a dotted bridge joins
    the neighbours and the empty column is marked "no data", so a gap reads as
    a gap and not as a neutral stage.
    """
    c = CURVE
    plot_h = c["height"] - c["top"] - c["bottom"]
    xs = [column_x(i, len(cells)) for i in range(len(cells))]

    def y_of(mean: float) -> float:
        return round(c["top"] + (1 - max(-1.0, min(1.0, mean))) / 2 * plot_h, 1)

    known = [i for i, cell in enumerate(cells) if has_emotion(cell)]
    points = [curve_point(cells[i], xs[i], y_of(_mean(cells[i]))) for i in known]
    joins = [
        {"x1": xs[a], "y1": y_of(_mean(cells[a])), "x2": xs[b], "y2": y_of(_mean(cells[b])), "bridge": b - a > 1}
        for a, b in zip(known, known[1:])
    ]
    ticks = [{"y": y_of(v), "label": label} for v, label in ((1.0, "positive"), (0.0, "neutral"), (-1.0, "negative"))]
    labels = [{"x": x, "text": cell.label, "empty": not has_emotion(cell)} for x, cell in zip(xs, cells)]
    return {
        **c,
        "points": points,
        "segments": [j for j in joins if not j["bridge"]],
        "bridges": [j for j in joins if j["bridge"]],
        "ticks": ticks,
        "labels": labels,
        "gaps": [lab for lab in labels if lab["empty"]],
        "mid": y_of(0.0),
    }


def _mean(cell: StageCell) -> float:
    """The mean emotion of a cell `has_emotion` holds."""
    assert cell.emotion.mean is not None
    return cell.emotion.mean


def curve_point(cell: StageCell, x: float, y: float) -> dict[str, Any]:
    """One dot of the curve: its size grows with the number of units behind it."""
    mean, count = _mean(cell), cell.emotion.count
    title = f"{cell.label}: {emotion_word(mean)}, mean {mean:+.2f} from {plural(count, 'unit')}"
    return {
        "x": x,
        "y": y,
        "r": round(min(11.0, 4 + 2.0 * math.sqrt(count)), 1),
        "colour": emotion_colour(mean),
        "title": title,
        "stage": cell.stage,
    }


def short_location(location: str) -> str:
    """The first part of a location: 'row 134', 'line 12', '00:01:22' (the full one goes on hover)."""
    return location.split(",")[0].strip()


def citation(unit: UnitEntry) -> dict[str, str]:
    """Short label 'P014 · survey row 134' and the full 'source, location' for its tooltip."""
    where = short_location(unit.location)
    kind = "survey " if where.startswith("row ") else ""
    return {"short": f"{unit.participant_id} · {kind}{where}", "full": f"{unit.source}, {unit.location}"}


def unit_ref(view: MapView, unit_id: str) -> dict[str, str] | None:
    """A link to a unit's evidence entry: anchor and a short 'P03, line 12' label."""
    unit = view.units.get(unit_id)
    if unit is None:
        return None
    cite = citation(unit)
    return {"href": "#" + anchor(unit_id), "label": cite["short"], "full": cite["full"]}


def finding_items(view: MapView, findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """Findings with their counts and links to the units behind them (`UnitRefs`)."""
    return [{"label": f.label, "count": f.count, "participants": f.participants, "refs": UnitRefs(view, f.unit_ids)} for f in findings]


class UnitRefs:
    """A finding's links to its units (`unit_ref`, units not in the map left out), each made when the
    template reaches it: at 100,000 answers a finding cites thousands of units, and the links of
    every finding held at once were most of the report's context (~240 MB)."""

    def __init__(self, view: MapView, unit_ids: Sequence[str]) -> None:
        self.view, self.unit_ids = view, unit_ids

    def __iter__(self) -> Iterator[dict[str, str]]:
        return (ref for ref in (unit_ref(self.view, uid) for uid in self.unit_ids) if ref)

    def __len__(self) -> int:
        return sum(1 for uid in self.unit_ids if uid in self.view.units)


def quote_items(units: Sequence[UnitEntry]) -> list[dict[str, str]]:
    return [{"text": u.text, "href": "#" + anchor(u.id), **citation(u)} for u in units]


PRINT_QUOTE_CHARS = 180


def print_marked(quotes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mark the one quote a cell keeps on paper: the first short enough to fit a printed map page.

    A printed map must fit one landscape page, and quotes are never cut, so a
    cell prints its first quote of at most `PRINT_QUOTE_CHARS` characters (none
    when all are longer); the screen shows them all.
    """
    chosen = next((i for i, q in enumerate(quotes) if len(q["text"]) <= PRINT_QUOTE_CHARS), None)
    return [{**q, "print": i == chosen} for i, q in enumerate(quotes)]


def grid_rows(view: MapView, journey: JourneyEntry) -> list[dict[str, Any]]:
    """Lane rows of one map: each a list of cells, one per stage."""
    rows = []
    for lane, label in LANES:
        cells: list[dict[str, Any]] = []
        for cell in journey.stages:
            if lane in FINDING_LANES:
                cells.append({"findings": finding_items(view, cell_findings(cell, lane))})
            elif lane == "emotion":
                mean, count = cell.emotion.mean, cell.emotion.count
                cells.append(
                    {
                        "emotion": None
                        if mean is None or not count
                        else {
                            "word": emotion_word(mean),
                            "mean": f"{mean:+.2f}",
                            "count": plural(count, "unit"),
                            "colour": emotion_colour(mean),
                        }
                    }
                )
            elif lane == "quotes":
                cells.append({"quotes": print_marked(quote_items(view.stage_quotes(journey, cell)))})
            else:
                cells.append({"opportunities": [opportunity_text(o) for o in cell.opportunities]})
        rows.append({"lane": lane, "label": label, "cells": cells})
    return rows


def persona_card(view: MapView, persona: PersonaEntry) -> dict[str, Any]:
    return {
        "id": persona.id,
        "name": persona.name,
        "status": persona.status,
        "size": persona.size,
        "summary": persona.summary,
        "share": percent(persona.share),
        "confidence": f"{persona.confidence:.2f}",
        "stability": f"{persona.stability:.2f}",
        "flags": list(persona.flags),
        "attributes": [attribute_text(a) for a in persona.attributes],
        "motivations": finding_items(view, persona.motivations),
        "pain_points": finding_items(view, persona.pain_points),
        "touchpoints": finding_items(view, persona.touchpoints),
        "high": view.stage_labels.get(persona.emotional_high or ""),
        "low": view.stage_labels.get(persona.emotional_low or ""),
        "quotes": quote_items(view.known(persona.quotes)),
        "has_map": any(m.persona_id == persona.id for m in view.maps),
    }


def map_section(view: MapView, journey: JourneyEntry) -> dict[str, Any]:
    persona = view.persona_of(journey)
    return {
        "id": f"map-{journey.persona_id}",
        "title": view.map_title(journey),
        "status": persona.status if persona else None,
        "participants": journey.participants,
        "stages": [
            {
                "id": c.stage,
                "label": c.label,
                "evidence": f"{plural(c.evidence.units, 'unit')} · {plural(c.evidence.participants, 'participant')}",
                "thin": bool(c.evidence.thin),
            }
            for c in journey.stages
        ],
        "thin": any(c.evidence.thin for c in journey.stages),
        "rows": grid_rows(view, journey),
        "curve": emotion_curve(journey.stages),
    }


def evidence_groups(view: MapView) -> list[dict[str, Any]]:
    """Cited units grouped by source, in map.json order, with the ids the filters match on. Each
    group's `units` makes its entries as the template reaches them (`EvidenceEntries`)."""
    groups: dict[str, list[str]] = {}
    for uid in view.shown_unit_ids():
        groups.setdefault(view.units[uid].source, []).append(uid)
    return [{"source": source, "units": EvidenceEntries(view, uids)} for source, uids in groups.items()]


class EvidenceEntries:
    """One source's evidence entries for the report, each made when it is read: at 100,000 answers
    the entries of every unit held at once were most of the report's memory (~600 MB)."""

    def __init__(self, view: MapView, unit_ids: Sequence[str]) -> None:
        self.view, self.unit_ids = view, unit_ids

    def __len__(self) -> int:
        return len(self.unit_ids)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (evidence_entry(self.view, uid) for uid in self.unit_ids)


def evidence_entry(view: MapView, uid: str) -> dict[str, Any]:
    """One unit as the report's evidence list shows it."""
    u = view.units[uid]
    stage = unit_stage(u)
    persona = view.persona_by_id.get(u.persona_id or "")
    return {
        "anchor": anchor(uid),
        "id": uid,
        "text": u.text,
        "participant": u.participant_id,
        "location": u.location,
        "question": u.question,
        "stage": view.stage_labels.get(stage or "", ""),
        "kinds": [view.kind_labels.get(k.id, k.id) for k in u.kinds],
        "touchpoints": [view.touchpoint_labels.get(t.id, t.id) for t in u.touchpoints],
        "sentiment": f"{u.sentiment.score:+.2f}",
        "persona": persona.name if persona else "",
        "data": filter_data(view, u),
    }


def filter_data(view: MapView, u: UnitEntry) -> dict[str, str]:
    """The values the evidence filters match a unit on (its `data-` attributes)."""
    persona = view.persona_by_id.get(u.persona_id or "")
    return {
        "persona": persona.id if persona else "",
        "stage": unit_stage(u) or "",
        "source": u.source,
        "kinds": " ".join(k.id for k in u.kinds),
        "touchpoints": " ".join(t.id for t in u.touchpoints),
    }


def filter_options(view: MapView, groups: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The evidence filters: a field name, its label and (value, label) choices present in the evidence."""
    present: dict[str, set[str]] = {"persona": set(), "stage": set(), "kinds": set(), "touchpoints": set()}
    for group in groups:
        for uid in group["units"].unit_ids:
            data = filter_data(view, view.units[uid])
            for key in present:
                present[key].update(data[key].split())
    doc = view.doc
    return [
        {"name": "persona", "label": "Persona", "choices": [(p.id, p.name) for p in view.personas if p.id in present["persona"]]},
        {"name": "stage", "label": "Stage", "choices": [(s.id, s.label) for s in doc.stages if s.id in present["stage"]]},
        {"name": "kind", "label": "Kind", "choices": [(k.id, k.label) for k in doc.kinds if k.id in present["kinds"]]},
        {
            "name": "touchpoint",
            "label": "Touchpoint",
            "choices": [(t.id, t.label) for t in doc.touchpoints if t.id in present["touchpoints"]],
        },
        {"name": "source", "label": "Source", "choices": [(g["source"], g["source"]) for g in groups]},
    ]


def report_context(view: MapView) -> dict[str, Any]:
    from synth.export.quality import quality_context

    evidence = evidence_groups(view)
    return {
        "summary": run_summary(view.doc),
        "personas": [persona_card(view, p) for p in view.personas],
        "maps": [map_section(view, m) for m in view.maps],
        "evidence": evidence,
        "filters": filter_options(view, evidence),
        "evidence_count": sum(len(g["units"]) for g in evidence),
        "script": SCRIPT,
        "script_hash": script_hash(SCRIPT),
        "cards_only": False,
        **future_context(view),
        "themes": theme_section(view, {uid for g in evidence for uid in g["units"].unit_ids}),
        "quality": quality_context(view.doc),  # saturation curve, agreement tables (synth.export.quality)
        "people": people_context(view),
        **report_extras(view),
    }


def render_report(document: MapDocument | Mapping[str, Any], *, persona: str | None = None, approved_only: bool = False) -> str:
    return "".join(report_pieces(document, persona=persona, approved_only=approved_only))


def report_pieces(document: MapDocument | Mapping[str, Any], *, persona: str | None = None, approved_only: bool = False) -> Iterator[str]:
    """The report's text in the template's own pieces (Jinja `generate`; `render` joins the same
    pieces), for writing it without holding it whole (`synth.utf8.join_utf8`)."""
    view = build_view(document, persona=persona, approved_only=approved_only)
    return builtin_environment(html=True).get_template("report.html.j2").generate(report_context(view))


INTERNAL_LINK = re.compile(r' href="#[^"]*"')


def render_persona_cards(document: MapDocument | Mapping[str, Any], *, persona: str | None = None, approved_only: bool = False) -> str:
    """The persona cards alone, with the report's styles: printed, one card per page."""
    view = build_view(document, persona=persona, approved_only=approved_only)
    context = {**report_context(view), "cards_only": True}
    return builtin_environment(html=True).get_template("report.html.j2").render(context)


def write_persona_pdf(
    document: MapDocument | Mapping[str, Any], path: Path, *, persona: str | None = None, approved_only: bool = False
) -> Path:
    """personas.pdf: one A4 landscape page per persona card, laid out by WeasyPrint (a maintained
    HTML/CSS-to-PDF library) from the same HTML and print stylesheet as the report. Metadata dates are
    left out so the bytes depend on the map alone."""
    from weasyprint import HTML

    html = render_persona_cards(document, persona=persona, approved_only=approved_only)
    html = INTERNAL_LINK.sub("", html)  # the evidence list is not in the card file: no dangling links
    css_log = logging.getLogger("weasyprint")
    level = css_log.level
    css_log.setLevel(logging.ERROR)  # it warns about every screen-only CSS rule (sticky, SVG fill): noise here
    try:
        pdf = HTML(string=html).render()
    finally:
        css_log.setLevel(level)
    pdf.metadata.created = pdf.metadata.modified = None
    write_bytes(Path(path), pdf.write_pdf())
    return Path(path)


def write_report_html(
    document: MapDocument | Mapping[str, Any], path: Path, *, persona: str | None = None, approved_only: bool = False
) -> Path:
    """report.html for the shown personas and maps."""
    write_text(Path(path), render_report(document, persona=persona, approved_only=approved_only))
    return Path(path)
