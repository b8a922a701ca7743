"""highlights.csv: one row per evidence unit in the layout research repositories import.

Dovetail, EnjoyHQ, Condens and Aurelius import highlights from a CSV whose
rows are a highlighted passage with comma-separated tags plus a few metadata
columns; `HIGHLIGHT_COLUMNS` is that layout: the verbatim (redacted) text, tags
reading "Stage: Purchase", "Kind: Pain points", "Touchpoint: Website",
"Theme: …", "Persona: …", then the participant, the source document and the
location in it, the sentiment score and synth's unit id to trace it back.

Same CSV rules as evidence.csv (`tables.csv_text`): UTF-8 without a BOM, ``\\n``
line ends, minimal quoting, formula-looking cells neutralised.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping

from synth.atomic import write_text
from synth.document import MapDocument, UnitEntry
from synth.export.tables import csv_text
from synth.export.view import build_view

HIGHLIGHT_COLUMNS = ("Highlight", "Tags", "Participant", "Document", "Location", "Sentiment", "Unit ID")


def highlight_tags(unit: UnitEntry, labels: Mapping[str, Mapping[str, str]]) -> str:
    """'Stage: Purchase, Kind: Pain points, Touchpoint: Website, ...' (a label's own commas become ';')."""

    def tag(prefix: str, label: str) -> str:
        return f"{prefix}: {label.replace(',', ';')}"

    tags = [tag("Stage", labels["stage"].get(unit.stage.id, unit.stage.id))] if unit.stage else []
    tags += [tag("Kind", labels["kind"].get(k.id, k.id)) for k in unit.kinds]
    tags += [tag("Touchpoint", labels["touchpoint"].get(t.id, t.id)) for t in unit.touchpoints]
    tags += [tag("Theme", labels["theme"].get(t, t)) for t in unit.themes]
    if unit.persona_id is not None and unit.persona_id in labels["persona"]:
        tags.append(tag("Persona", labels["persona"][unit.persona_id]))
    return ", ".join(tags)


def highlight_rows(doc: MapDocument, units: Iterable[UnitEntry]) -> list[list[Any]]:
    labels = {
        "stage": {s.id: s.label for s in doc.stages},
        "kind": {k.id: k.label for k in doc.kinds},
        "touchpoint": {t.id: t.label for t in doc.touchpoints},
        "theme": {t.id: t.label for t in doc.themes},
        "persona": {p.id: p.name for p in doc.personas},
    }
    return [
        [u.text, highlight_tags(u, labels), u.participant_id, u.source, u.location, round(float(u.sentiment.score), 3), u.id] for u in units
    ]


def write_highlights_csv(
    document: MapDocument | Mapping[str, Any], path: Path, *, persona: str | None = None, approved_only: bool = False
) -> Path:
    """highlights.csv of the units behind the shown maps (all units when the everyone map is shown)."""
    view = build_view(document, persona=persona, approved_only=approved_only)
    write_text(Path(path), csv_text(HIGHLIGHT_COLUMNS, highlight_rows(view.doc, view.evidence_units())))
    return Path(path)
