"""journey_map.xlsx: read back with openpyxl, as a user's spreadsheet would show it."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import pytest

from synth.export import write_evidence_csv, write_xlsx
from synth.export.xlsx import sheet_title
from tests.export.conftest import FORMULA_QUOTE, SCRIPT_QUOTE, unit_by_text


@pytest.fixture(params=[None, True], ids=["default", "streamed"])
def book(map_doc, tmp_path, request):
    """The workbook as written for this map, and as written in streaming (write-only) mode, as at scale."""
    return openpyxl.load_workbook(write_xlsx(map_doc, tmp_path / "journey_map.xlsx", streaming=request.param))


def grid(ws) -> tuple[dict[str, int], dict[str, int]]:
    """Stage label -> column and lane label -> row of a map sheet."""
    columns = {ws.cell(3, c).value: c for c in range(2, ws.max_column + 1)}
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    return columns, rows


def test_one_sheet_per_map_then_summaries(book, map_doc):
    names = book.sheetnames
    assert names[0] == "Time-pressed family planner"
    assert names[1].startswith("Price-checking student renter") and len(names[1]) <= 31
    assert names[2:] == ["All participants", "Future state", "Personas", "Quotes", "Evidence"]


def test_every_quote_of_a_persona_sits_in_its_stage_cell(book, map_doc):
    """Round trip: each persona's quotes (its own and its map's) are in the Quotes row under their stage."""
    units = {u["id"]: u for u in map_doc["units"]}
    labels = {s["id"]: s["label"] for s in map_doc["stages"]}
    for journey, ws in zip(map_doc["maps"], book.worksheets):
        columns, rows = grid(ws)
        persona = next((p for p in map_doc["personas"] if p["id"] == journey["persona_id"]), None)
        expected = [(uid, cell["stage"]) for cell in journey["stages"] for uid in cell["quotes"]]
        expected += [(uid, units[uid]["stage"]["id"]) for uid in (persona["quotes"] if persona else [])]
        assert expected
        for uid, stage in expected:
            text = ws.cell(rows["Quotes"], columns[labels[stage]]).value
            assert units[uid]["text"] in text, (ws.title, uid)
            assert f"— {units[uid]['participant_id']}, {units[uid]['source']}, {units[uid]['location']}" in text


def test_lanes_and_stages_layout(book, map_doc):
    ws = book.worksheets[0]
    columns, rows = grid(ws)
    assert list(columns) == [s["label"] for s in map_doc["stages"]]
    assert [k for k in rows if k] == [
        "Actions",
        "Touchpoints",
        "Motivations",
        "Pain points",
        "Emotions",
        "Quotes",
        "Opportunities",
        "Evidence",
    ]
    usage = columns["Regular ordering"]
    assert ws.cell(rows["Pain points"], usage).value == (
        "• Evening slots gone early (1 unit, 1 participant)\n• Unwanted substitutions (1 unit, 1 participant)"
    )
    assert ws.cell(rows["Emotions"], usage).value == "negative (mean -0.37, 3 units)"
    assert ws.cell(rows["Opportunities"], usage).value.startswith("• Draft: ")
    assert ws.freeze_panes == "B4"
    assert ws.cell(3, 2).font.bold and ws.cell(rows["Quotes"], 1).font.bold
    assert ws.cell(rows["Quotes"], usage).alignment.wrap_text
    assert ws.column_dimensions["B"].width >= 30


def test_emotion_cells_are_coloured_by_sentiment(book):
    ws = book.worksheets[0]
    columns, rows = grid(ws)

    def rgb(stage):
        colour = ws.cell(rows["Emotions"], columns[stage]).fill.fgColor.rgb[-6:]
        return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))

    low, high = rgb("Regular ordering"), rgb("Loyalty & Plus")
    assert low[0] > low[1] and high[1] > high[0]
    second = book.worksheets[1]
    columns, rows = grid(second)
    assert second.cell(rows["Emotions"], columns["Onboarding"]).fill.fill_type is None


def test_no_cell_is_a_formula(map_doc, tmp_path):
    path = write_xlsx(map_doc, tmp_path / "j.xlsx")
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml
    book = openpyxl.load_workbook(path)
    values = [c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type != "f" for ws in book for row in ws.iter_rows() for c in row)
    assert "'" + FORMULA_QUOTE in values
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)
    assert any(SCRIPT_QUOTE in v for v in values)


def test_quotes_sheet(book, map_doc):
    ws = book["Quotes"]
    header = [c.value for c in ws[1]]
    assert header == ["unit_id", "persona", "stage", "quote", "participant", "source", "location"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    unit = unit_by_text(map_doc, "crème fraîche")
    assert [unit["id"], "Time-pressed family planner", "Regular ordering", unit["text"], "P04", unit["source"], unit["location"]] in rows
    assert len({(r[0], r[1]) for r in rows}) == len(rows)


def test_evidence_sheet_mirrors_evidence_csv(book, map_doc, tmp_path):
    with open(write_evidence_csv(map_doc, tmp_path / "e.csv"), newline="", encoding="utf-8") as handle:
        expected = [[_number(v) for v in row] for row in csv.reader(handle)]
    got = [[_number("" if c.value is None else c.value) for c in row] for row in book["Evidence"].iter_rows()]
    assert got == expected
    assert isinstance(book["Evidence"]["L2"].value, (int, float))


def _number(value):
    """Numbers compared as numbers (a spreadsheet shows 0.0 as 0), text as text."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def test_personas_sheet(book, map_doc):
    ws = book["Personas"]
    header = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"persona-1", "persona-2"}
    assert rows["persona-1"]["status"] == "approved" and rows["persona-1"]["participants"] == 3
    assert "age band: 18-24 — 75% vs 43% overall" in rows["persona-2"]["distinguishing attributes"]


@pytest.mark.parametrize("streaming", [None, True])
def test_bytes_are_deterministic(map_doc, tmp_path, streaming):
    first = write_xlsx(map_doc, tmp_path / "a.xlsx", streaming=streaming).read_bytes()
    assert write_xlsx(map_doc, tmp_path / "b.xlsx", streaming=streaming).read_bytes() == first


def test_a_streamed_workbook_shows_the_same_cells_styles_and_layout(map_doc, tmp_path):
    """Above STREAM_ROWS units the writer streams; a reader must not be able to tell the difference."""
    normal = openpyxl.load_workbook(write_xlsx(map_doc, tmp_path / "a.xlsx", streaming=False))
    streamed = openpyxl.load_workbook(write_xlsx(map_doc, tmp_path / "b.xlsx", streaming=True))
    assert normal.sheetnames == streamed.sheetnames
    for a, b in zip(normal.worksheets, streamed.worksheets):
        assert (a.max_row, a.max_column, a.freeze_panes, a.print_title_rows) == (
            b.max_row,
            b.max_column,
            b.freeze_panes,
            b.print_title_rows,
        )
        assert {str(r) for r in a.merged_cells.ranges} == {str(r) for r in b.merged_cells.ranges}
        assert a.auto_filter.ref == b.auto_filter.ref and a.page_setup.orientation == b.page_setup.orientation
        assert {k: d.width for k, d in a.column_dimensions.items()} == {k: d.width for k, d in b.column_dimensions.items()}
        for row_a, row_b in zip(a.iter_rows(), b.iter_rows()):
            assert a.row_dimensions[row_a[0].row].height == b.row_dimensions[row_b[0].row].height
            for x, y in zip(row_a, row_b):
                if x.value is None and type(x).__name__ == "MergedCell":
                    continue
                assert (x.value, x.data_type) == (y.value, y.data_type)
                assert [repr(s) for s in (x.font, x.fill, x.alignment)] == [repr(s) for s in (y.font, y.fill, y.alignment)]
                assert (x.comment.text if x.comment else None) == (y.comment.text if y.comment else None)


def test_thin_stages_are_marked_in_the_header_and_the_evidence_row(book, map_doc):
    for journey, ws in zip(map_doc["maps"], book.worksheets):
        columns, rows = grid(ws)
        for cell in journey["stages"]:
            header, evidence = ws.cell(3, columns[cell["label"]]), ws.cell(rows["Evidence"], columns[cell["label"]]).value
            thin = cell["evidence"]["participants"] == 1
            assert (header.comment is not None and "thin evidence" in header.comment.text) is thin, (ws.title, cell["stage"])
            assert ("thin evidence" in evidence) is thin
            assert f"{cell['evidence']['participants']} participant" in evidence and "of the map" in evidence
    assert any(c["evidence"]["thin"] for m in map_doc["maps"] for c in m["stages"])


def test_future_state_sheet_ranks_each_maps_opportunities_with_their_quotes(book, map_doc):
    rows = list(book["Future state"].iter_rows(values_only=True))
    assert rows[0][:7] == ("map", "rank", "stage", "how might we", "from", "participants", "score")
    units = {u["id"]: u for u in map_doc["units"]}
    expected = sum(len(c["opportunities"]) for m in map_doc["maps"] for c in m["stages"])
    assert len(rows) - 1 == expected
    everyone = [r for r in rows[1:] if r[0] == "All participants"]
    assert [r[1] for r in everyone] == list(range(1, len(everyone) + 1))
    assert [r[6] for r in everyone] == sorted((r[6] for r in everyone), reverse=True)
    fees = next(r for r in everyone if "basket total" in r[3])
    assert fees[2] == next(s["label"] for s in map_doc["stages"] if s["id"] == "purchase")
    for uid in ("u-a2f8e55fd2", "u-5d1a14fe0f"):
        assert f"{units[uid]['source']}, {units[uid]['location']}" in fees[7]


@pytest.mark.parametrize(
    "options, sheets, evidence_personas",
    [({"persona": "persona-2"}, 1, {"persona-2"}), ({"approved_only": True}, 2, {"persona-1", "persona-2"})],
)
def test_filters(map_doc, tmp_path, options, sheets, evidence_personas):
    book = openpyxl.load_workbook(write_xlsx(map_doc, tmp_path / "f.xlsx", **options))
    assert len(book.sheetnames) == sheets + 4
    header = [c.value for c in book["Evidence"][1]]
    personas = {r[header.index("persona_id")] for r in book["Evidence"].iter_rows(min_row=2, values_only=True)}
    assert personas == evidence_personas
    shown = {r[0] for r in book["Personas"].iter_rows(min_row=2, values_only=True)}
    assert shown == ({"persona-2"} if "persona" in options else {"persona-1"})


@pytest.mark.parametrize(
    "name, taken, expected",
    [
        ("All participants", set(), "All participants"),
        ("Personas", {"personas"}, "Personas (2)"),
        ("a/b:c*d?e[f]g\\h", set(), "a-b-c-d-e-f-g-h"),
        ("x" * 40, set(), "x" * 31),
        ("x" * 40, {("x" * 31).casefold()}, "x" * 27 + " (2)"),
        ("Family with children, Chat / messenger (kids / school)", set(), "Family with children"),
        ("Fortnightly shoppers who order from the farm range first", set(), "Fortnightly shoppers who order"),
        ("'quoted'", set(), "quoted"),
        ("", set(), "Sheet"),
    ],
)
def test_sheet_title(name, taken, expected):
    title = sheet_title(name, set(taken))
    assert title == expected and len(title) <= 31 and not re.search(r"[\[\]:*?/\\]", title)


def test_sheets_print_landscape_fit_to_width_with_header_rows(book):
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0  # as many pages down as needed
        assert ws.print_title_rows == ("$1:$3" if ws.title not in {"Future state", "Personas", "Quotes", "Evidence"} else "$1:$1")


def test_title_spans_the_grid_and_does_not_overlap_the_header(book, map_doc):
    ws = book.worksheets[0]
    assert ws.cell(1, 1).value == map_doc["personas"][0]["name"]
    assert f"A1:{openpyxl.utils.get_column_letter(len(map_doc['stages']) + 1)}1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.cell(3, 1).value == "Stage"


def test_wrapped_rows_are_tall_enough(book):
    ws = book["Personas"]
    widths = {c: ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width for c in range(1, ws.max_column + 1)}
    for row in range(2, ws.max_row + 1):
        lines = max(sum(max(1, -(-len(part) // int(widths[c]))) for part in str(ws.cell(row, c).value or "").split("\n")) for c in widths)
        assert ws.row_dimensions[row].height >= 15 * lines


def test_rows_synth_streams_itself_are_the_bytes_openpyxl_writes():
    """A streamed table's rows are written by synth.export.xlsx_rows; openpyxl's write-only sheet is the reference."""
    from openpyxl import Workbook

    from synth.export.xlsx import SplicedWorkbook, workbook_bytes, write_table_sheet

    awkward = [
        ["plain", "é & <b> \"q\" 's'", "line\r\nbreak\tand tab", " lead", "   ", "=1+1", "-3", "\x07bell\x1f", "😀\u2028"],
        ["x" * 40_000, None, 0.1 + 0.2, 3, -0.148, float("nan"), "", "@home", "trail "],
    ]
    books = []
    for wb in (Workbook(write_only=True), SplicedWorkbook()):
        write_table_sheet(wb.create_sheet("Evidence"), [f"col {i}" for i in range(9)], iter(awkward * 3), [12] * 9)
        books.append(workbook_bytes(wb))
    assert books[0] == books[1]
    empty = SplicedWorkbook()
    write_table_sheet(empty.create_sheet("Evidence"), ["a", "b"], [], [10, 10])
    assert openpyxl.load_workbook(io.BytesIO(workbook_bytes(empty)))["Evidence"].max_row == 1
