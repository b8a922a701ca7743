"""Write docs/templates/journey_map_template.xlsx, the worked example of an xlsx template.

Run from the project root:  .venv/bin/python docs/templates/make_template.py
It is a one-page journey map per persona: a title block, the persona's profile,
then the default codebook's stages as columns and the lanes as rows. Every cell
holding ``{{ ... }}`` is a placeholder that `synth export --to` fills; the rest is
plain layout you can restyle in Excel. See docs/templates.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

STAGES = ("awareness", "consideration", "purchase", "onboarding", "usage", "support", "loyalty")
LANES = (
    ("Doing", "actions"),
    ("Touchpoints", "touchpoints"),
    ("Thinking", "motivations"),
    ("Pain points", "pain_points"),
    ("Feeling", "emotion"),
    ("Saying", "quotes"),
    ("Opportunities", "opportunities"),
)
PROFILE = (
    ("Who they are", "{{ persona.attributes }}"),
    ("Goals", "{{ persona.motivations }}"),
    ("Frustrations", "{{ persona.pain_points }}"),
    ("Channels", "{{ persona.touchpoints }}"),
)
NAVY, PALE, WHITE = "1F3A5F", "E8EEF5", "FFFFFF"
THIN = Side(style="thin", color="C9D3DF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


def style(cell, *, bold=False, size=11, colour="000000", fill=None, border=True):
    cell.font = Font(bold=bold, size=size, color=colour)
    cell.alignment = WRAP
    if fill:
        cell.fill = PatternFill("solid", fgColor=fill)
    if border:
        cell.border = BOX


def title_block(ws) -> None:
    ws["A1"] = "{{ persona.name }}"
    style(ws["A1"], bold=True, size=16, colour=NAVY, border=False)
    ws.merge_cells("A1:H1")
    ws["A2"] = ("{% if persona.status %}{{ persona.status | capitalize }} persona · {% endif %}"
                "{{ persona.size }} participants ({{ persona.share_pct }} of the sample) · synth {{ run.synth_version }}")
    style(ws["A2"], colour="5B6576", border=False)
    ws.merge_cells("A2:H2")


def profile_block(ws, first_row: int) -> None:
    for offset, (label, placeholder) in enumerate(PROFILE):
        row = first_row + offset
        ws.cell(row=row, column=1, value=label)
        style(ws.cell(row=row, column=1), bold=True, fill=PALE)
        ws.cell(row=row, column=2, value=placeholder)
        style(ws.cell(row=row, column=2))
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=8)
        ws.row_dimensions[row].height = 64


def journey_block(ws, header_row: int) -> None:
    ws.cell(row=header_row, column=1, value="Stage")
    style(ws.cell(row=header_row, column=1), bold=True, colour=WHITE, fill=NAVY)
    for col, stage in enumerate(STAGES, start=2):
        ws.cell(row=header_row, column=col, value=f"{{{{ stage.{stage}.label }}}}")
        style(ws.cell(row=header_row, column=col), bold=True, colour=WHITE, fill=NAVY)
    for offset, (label, lane) in enumerate(LANES, start=1):
        row = header_row + offset
        ws.cell(row=row, column=1, value=label)
        style(ws.cell(row=row, column=1), bold=True, fill=PALE)
        for col, stage in enumerate(STAGES, start=2):
            ws.cell(row=row, column=col, value=f"{{{{ stage.{stage}.{lane} }}}}")
            style(ws.cell(row=row, column=col))
        ws.row_dimensions[row].height = 220 if lane == "quotes" else 90


def build_template() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "Journey map"
    title_block(ws)
    profile_block(ws, 4)
    journey_block(ws, 9)
    ws.column_dimensions["A"].width = 16
    for col in "BCDEFGH":
        ws.column_dimensions[col].width = 36
    ws.freeze_panes = "B10"
    how_to_use(wb, "This sheet has no placeholders, so synth copies it unchanged. The 'Journey map' sheet is copied "
                   "once per persona (named after the persona) and each placeholder cell (text in double curly "
                   "braces) is filled. Placeholders are listed in docs/templates.md.")
    return wb


def how_to_use(wb: Workbook, text: str) -> None:
    """The notes sheet every template ends with (no placeholders: synth copies it unchanged)."""
    notes = wb.create_sheet("How to use")
    notes["A1"] = text
    notes["A1"].alignment = WRAP
    notes.column_dimensions["A"].width = 100


def write_template(wb: Workbook, out: Path) -> None:
    """Save `wb` with synth's deterministic workbook writer (same bytes on every run)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from synth.atomic import write_bytes
    from synth.export.xlsx import workbook_bytes

    write_bytes(out, workbook_bytes(wb))


def main(out: Path) -> None:
    write_template(build_template(), out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("journey_map_template.xlsx"))
