"""Write docs/templates/service_blueprint.xlsx, a service blueprint as an xlsx template.

Run from the project root:  .venv/bin/python docs/templates/service_blueprint_xlsx.py
One sheet per map: the default codebook's stages as columns and the blueprint's lanes
as rows (customer actions, frontstage touchpoints, a line of interaction, backstage,
support processes, evidence, quotes). Each ``{{ blueprint.stage.<id>.<lane> }}`` cell is
filled by `synth export RUN --to docs/templates/service_blueprint.xlsx`; lanes are
described in docs/maps.md and synth/export/mapextras.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

from make_template import how_to_use, style, write_template  # the journey-map template's generator, beside this file
from openpyxl import Workbook
from openpyxl.styles import Font

STAGES = ("awareness", "consideration", "purchase", "onboarding", "usage", "support", "loyalty")
LANES = (
    ("Customer actions", "customer_actions", "FFF4D6"),
    ("Frontstage touchpoints", "frontstage", "E3F1E6"),
    ("Backstage (staff)", "backstage", "E8EEF5"),
    ("Support processes", "support", "EDE7F6"),
    ("Evidence", "evidence", "FFFFFF"),
    ("In their words", "quotes", "FFFFFF"),
)
DIVIDERS = {"backstage": "line of visibility", "frontstage": "line of interaction"}
NAVY, WHITE = "1F3A5F", "FFFFFF"


def build_template() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "Service blueprint"
    ws["A1"] = "Service blueprint: {{ map.name }}"
    ws["A1"].font = Font(bold=True, size=16, color=NAVY)
    ws["A2"] = "{{ map.participants }} participants · backstage from staff participants (roster role: staff) · synth {{ run.synth_version }}"
    ws.merge_cells("A1:H1")
    ws.merge_cells("A2:H2")
    ws.cell(row=4, column=1, value="Lane")
    style(ws.cell(row=4, column=1), bold=True, colour=WHITE, fill=NAVY)
    for col, stage in enumerate(STAGES, start=2):
        ws.cell(row=4, column=col, value=f"{{{{ blueprint.stage.{stage}.label }}}}")
        style(ws.cell(row=4, column=col), bold=True, colour=WHITE, fill=NAVY)
    for row, (label, lane, fill) in enumerate(LANES, start=5):
        ws.cell(row=row, column=1, value=label + (f"\n— {DIVIDERS[lane]} —" if lane in DIVIDERS else ""))
        style(ws.cell(row=row, column=1), bold=True, fill=fill)
        for col, stage in enumerate(STAGES, start=2):
            ws.cell(row=row, column=col, value=f"{{{{ blueprint.stage.{stage}.{lane} }}}}")
            style(ws.cell(row=row, column=col), fill=fill)
        ws.row_dimensions[row].height = 200 if lane == "quotes" else 40 if lane == "evidence" else 90
    ws.column_dimensions["A"].width = 22
    for col in "BCDEFGH":
        ws.column_dimensions[col].width = 36
    ws.freeze_panes = "B5"
    how_to_use(wb, "This sheet has no placeholders, so synth copies it unchanged. The 'Service blueprint' sheet is "
                   "copied once per map and each placeholder cell is filled. Backstage and support lanes need "
                   "participants marked as staff: add a 'role' column to participants.csv with the value 'staff'. "
                   "See docs/maps.md.")
    return wb


def main(out: Path) -> None:
    write_template(build_template(), out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("service_blueprint.xlsx"))
