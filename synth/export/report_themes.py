"""The report's Themes section: each theme the shown personas and maps cite, with its headline quote.

A finding in a persona card or a map cell names a theme by label only; a
reader who wants "what does this theme sound like" gets, here, the one quote
that best speaks for it (map.json `themes[].headline`, chosen at synthesis as
the substantive unit closest to the theme's centroid) and the theme id a
reviewer passes to `synth review RUN rename-theme`. Context only: the include
`_report_themes.html.j2` renders it.
"""

from __future__ import annotations

from typing import Any

from synth.document import ThemeEntry
from synth.export.view import FINDING_LANES, MapView, cell_findings, plural

MIN_UNITS = 2  # single-unit themes are counted, not listed: they are one remark, not a theme


def cited_theme_ids(view: MapView) -> set[str]:
    """Theme ids behind the findings of the shown personas and maps."""
    cited: set[str] = set()
    for persona in view.personas:
        cited.update(f.ref for f in (*persona.motivations, *persona.pain_points) if f.ref)
    for journey in view.maps:
        for cell in journey.stages:
            for lane in FINDING_LANES:
                cited.update(f.ref for f in cell_findings(cell, lane) if f.ref)
    return cited


def theme_section(view: MapView, shown_units: set[str]) -> dict[str, Any]:
    """Listed themes (biggest first) and how many small ones were left out."""
    cited = cited_theme_ids(view)
    themes = sorted((t for t in view.doc.themes if t.id in cited), key=lambda t: (-len(t.unit_ids), t.id))
    listed = [theme_item(view, t, shown_units) for t in themes if len(t.unit_ids) >= MIN_UNITS]
    return {"items": listed, "left_out": len(themes) - len(listed)}


def theme_item(view: MapView, theme: ThemeEntry, shown_units: set[str]) -> dict[str, Any]:
    from synth.export.html import anchor, citation

    participants = {view.units[u].participant_id for u in theme.unit_ids if u in view.units}
    headline = view.units.get(theme.headline or "")
    quote = None
    if headline is not None:
        href = "#" + anchor(headline.id) if headline.id in shown_units else ""
        quote = {"text": headline.text, "href": href, **citation(headline)}
    return {
        "id": theme.id,
        "label": theme.label,
        "kind": view.kind_labels.get(theme.kind, theme.kind),
        "stage": view.stage_labels.get(theme.stage or "", ""),
        "evidence": f"{plural(len(theme.unit_ids), 'unit')} · {plural(len(participants), 'participant')}",
        "headline": quote,
    }
