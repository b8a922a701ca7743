"""CSV exports: evidence.csv (one row per unit) and a whiteboard CSV (one row per sticky).

Both are UTF-8 with ``\\n`` line ends and minimal quoting. Text cells that a
spreadsheet would read as a formula get a leading ``'`` (see `safety`); numbers
are written as numbers.

evidence.csv is a machine-readable contract: its first columns are exactly
`EVIDENCE_COLUMNS`, then `EXTRA_COLUMNS` (the reasons behind the stage and kind
tags). Multi-valued cells are ``;``-joined in map.json order. It has no byte-order
mark, so tools that read it get ``unit_id`` as the first column name.

The whiteboard CSV (persona, stage, lane, text, source, location, participant)
imports into Miro, Mural and FigJam, which all read UTF-8; it has no byte-order
mark either (pass ``bom=True`` for an older Excel that needs one to see UTF-8).
Quotes become stickies with their source and location; findings become stickies
reading "label (n units, m participants)".
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from synth.atomic import write_chunks, write_text
from synth.document import JourneyEntry, MapDocument, StageCell, UnitEntry
from synth.export.safety import neutralise_cell
from synth.export.view import LANES, MapView, as_document, build_view, cell_findings, emotion_text, finding_text, opportunity_text

EVIDENCE_COLUMNS = (
    "unit_id",
    "participant_id",
    "source",
    "location",
    "speaker_role",
    "question",
    "text",
    "stage",
    "stage_score",
    "kinds",
    "touchpoints",
    "sentiment",
    "themes",
    "persona_id",
)
EXTRA_COLUMNS = ("stage_reason", "kind_reasons", "theme_labels")
WHITEBOARD_COLUMNS = ("persona", "stage", "lane", "text", "source", "location", "participant")
BOM = "\ufeff"


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text with every text cell neutralised against formula injection."""
    return "".join(csv_pieces(header, rows))


def csv_pieces(header: Sequence[str], rows: Iterable[Sequence[Any]], *, batch: int = 2000) -> Iterator[str]:
    """`csv_text` `batch` rows at a time, for writing a large table without holding its text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([neutralise_cell(value) for value in row])
        if count % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def evidence_row(unit: UnitEntry, theme_labels: Mapping[str, str] | None = None) -> list[Any]:
    """One unit as evidence.csv values, `EVIDENCE_COLUMNS` then `EXTRA_COLUMNS`.

    `theme_labels` (theme id -> label, reviewer's renames applied) fills `theme_labels`,
    so a reader of the CSV sees the words, not only the ids."""
    labels = theme_labels or {}
    stage = unit.stage
    return [
        unit.id,
        unit.participant_id,
        unit.source,
        unit.location,
        unit.speaker_role,
        unit.question or "",
        unit.text,
        stage.id if stage else "",
        round(float(stage.score), 3) if stage else "",
        ";".join(k.id for k in unit.kinds),
        ";".join(t.id for t in unit.touchpoints),
        round(float(unit.sentiment.score), 3),
        ";".join(unit.themes),
        unit.persona_id or "",
        stage.reason if stage else "",
        "; ".join(f"{k.id}: {k.reason}" for k in unit.kinds),
        "; ".join(labels.get(t, t) for t in unit.themes),
    ]


def evidence_table(doc: MapDocument, units: Iterable[UnitEntry] | None = None) -> tuple[tuple[str, ...], list[list[Any]]]:
    """Header and rows of evidence.csv (all units of `doc` unless `units` is given)."""
    return EVIDENCE_COLUMNS + EXTRA_COLUMNS, list(evidence_rows(doc, units))


def evidence_rows(doc: MapDocument, units: Iterable[UnitEntry] | None = None) -> Iterator[list[Any]]:
    """`evidence_table`'s rows made one at a time, for writers that stream them."""
    chosen = doc.units if units is None else units
    labels = {t.id: t.label for t in doc.themes}
    return (evidence_row(u, labels) for u in chosen)


def write_evidence_csv(document: MapDocument | Mapping[str, Any], path: Path) -> Path:
    """evidence.csv: one row per unit of the map, columns as the contract says; rows made and
    written a batch at a time (at 100,000 answers the table's rows and text are each ~100 MB)."""
    pieces = csv_pieces(EVIDENCE_COLUMNS + EXTRA_COLUMNS, evidence_rows(as_document(document)))
    write_chunks(Path(path), (piece.encode("utf-8") for piece in pieces))
    return Path(path)


def whiteboard_rows(view: MapView) -> list[list[str]]:
    """One row per sticky: every lane entry of every shown map and stage."""
    rows: list[list[str]] = []
    for journey in view.maps:
        title = view.map_title(journey)
        for cell in journey.stages:
            for lane, lane_label in LANES:
                for sticky in _stickies(view, journey, cell, lane):
                    rows.append([title, cell.label, lane_label, *sticky])
    return rows


def _stickies(view: MapView, journey: JourneyEntry, cell: StageCell, lane: str) -> list[list[str]]:
    """(text, source, location, participant) of each sticky in one lane of one cell."""
    if lane == "quotes":
        return [[u.text, u.source, u.location, u.participant_id] for u in view.stage_quotes(journey, cell)]
    if lane == "emotion":
        return [[emotion_text(cell.emotion), "", "", ""]] if cell.emotion.count else []
    if lane == "opportunities":
        return [[opportunity_text(o), "", "", ""] for o in cell.opportunities]
    return [[finding_text(f), "", "", ""] for f in cell_findings(cell, lane)]


def write_whiteboard_csv(
    document: MapDocument | Mapping[str, Any], path: Path, *, persona: str | None = None, approved_only: bool = False, bom: bool = False
) -> Path:
    """A CSV of stickies for Miro, Mural or FigJam import."""
    view = build_view(document, persona=persona, approved_only=approved_only)
    text = csv_text(WHITEBOARD_COLUMNS, whiteboard_rows(view))
    write_text(Path(path), (BOM if bom else "") + text)
    return Path(path)


def write_evidence_export(
    document: MapDocument | Mapping[str, Any], path: Path, *, persona: str | None = None, approved_only: bool = False
) -> Path:
    """`synth export --to evidence-csv`: evidence.csv's columns for the units behind the shown maps."""
    view = build_view(document, persona=persona, approved_only=approved_only)
    header, rows = evidence_table(view.doc, view.evidence_units())
    write_text(Path(path), csv_text(header, rows))
    return Path(path)
