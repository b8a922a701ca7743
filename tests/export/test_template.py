"""User templates: the worked examples in docs/templates fill correctly; broken ones fail clearly."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import openpyxl
import pytest

from synth.errors import ConfigError
from synth.export import export, render_template
from tests.export.conftest import FORMULA_QUOTE, SCRIPT_QUOTE, unit_by_text

DOCS = Path(__file__).resolve().parents[2] / "docs" / "templates"
XLSX_TEMPLATE = DOCS / "journey_map_template.xlsx"
MD_TEMPLATE = DOCS / "journey.md.j2"


def load_maker():
    spec = importlib.util.spec_from_file_location("make_template", DOCS / "make_template.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cells(ws) -> dict[str, object]:
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def test_committed_xlsx_template_is_what_the_script_makes(tmp_path):
    load_maker().main(tmp_path / "made.xlsx")
    made, committed = openpyxl.load_workbook(tmp_path / "made.xlsx"), openpyxl.load_workbook(XLSX_TEMPLATE)
    assert made.sheetnames == committed.sheetnames
    for a, b in zip(made, committed):
        assert cells(a) == cells(b) and a.merged_cells.ranges == b.merged_cells.ranges


@pytest.fixture
def filled(map_doc, tmp_path):
    files = export(map_doc, str(XLSX_TEMPLATE), tmp_path / "filled.xlsx")
    assert files == [tmp_path / "filled.xlsx"]
    return openpyxl.load_workbook(files[0])


def test_worked_xlsx_template_gets_a_sheet_per_map(filled):
    names = filled.sheetnames
    assert names[0] == "Time-pressed family planner" and names[1].startswith("Price-checking") and len(names[1]) <= 31
    assert names[2:] == ["All participants", "How to use"]
    assert "placeholder cell" in filled["How to use"]["A1"].value


def test_worked_xlsx_template_fills_persona_and_stages(filled, map_doc):
    ws = filled.worksheets[1]
    persona = map_doc["personas"][1]
    assert ws["A1"].value == persona["name"]
    assert ws["A2"].value == "Draft persona · 4 participants (57% of the sample) · synth 0.1.0"
    assert ws["B4"].value.split("\n") == ["age band: 18-24 — 75% vs 43% overall",
                                          "household: Shared house or flat — 75% vs 43% overall"]
    assert [ws.cell(9, c).value for c in range(2, 9)] == [s["label"] for s in map_doc["stages"]]
    assert ws["D13"].value == "Fees revealed at checkout (2 units, 2 participants)"  # purchase pain points
    assert ws["D14"].value == "negative (mean -0.23, 4 units)"
    assert ws["E10"].value is None  # onboarding: no evidence for this persona
    purchase_quotes = ws["D15"].value.split("\n")
    assert any(SCRIPT_QUOTE in line for line in purchase_quotes)
    fees = unit_by_text(map_doc, "Hidden fees at the last step")
    assert f"“{fees['text']}” — P07, {fees['source']}, {fees['location']}" in purchase_quotes
    assert ws["D15"].alignment.wrap_text and ws.freeze_panes == "B10"
    assert ws.merged_cells.ranges == filled.worksheets[0].merged_cells.ranges


def test_worked_xlsx_template_everyone_sheet(filled):
    ws = filled["All participants"]
    assert ws["A1"].value == "All participants" and ws["A2"].value == "7 participants (100% of the sample) · synth 0.1.0"
    assert ws["B5"].value is None  # no persona goals for the whole sample


def test_xlsx_template_keeps_numbers_and_neutralises_text(map_doc, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A3"], ws["A4"] = "{{ persona.size }}", "{{ stage.usage.quotes }}", "=SUM(1,2)", "{{ '=1+1' }}"
    wb.save(tmp_path / "t.xlsx")
    out = openpyxl.load_workbook(render_template(map_doc, tmp_path / "t.xlsx", tmp_path / "o.xlsx", persona="persona-2"))
    sheet = out.worksheets[0]
    assert sheet["A1"].value == 4 and sheet["A3"].value == "=SUM(1,2)"  # the template's own formula is kept
    assert f"“{FORMULA_QUOTE}”" in sheet["A2"].value and sheet["A4"].value == "'=1+1" and sheet["A4"].data_type == "s"


def test_worked_markdown_template(map_doc, tmp_path):
    text = render_template(map_doc, MD_TEMPLATE, tmp_path / "p.md", persona="persona-1").read_text(encoding="utf-8")
    assert text.startswith("# Time-pressed family planner\n")
    assert "| Regular ordering | Orders the big shop on the phone on Sunday (1 unit, 1 participant) |" in text
    unit = unit_by_text(map_doc, "crème fraîche")
    assert f"> {unit['text']}\n>\n> — P04, `{unit['source']}`, {unit['location']}" in text
    everyone = render_template(map_doc, MD_TEMPLATE, tmp_path / "e.md").read_text(encoding="utf-8")
    assert everyone.startswith("# All participants\n_All 7 participants of the study._".replace("\n", "\n\n"))
    student = render_template(map_doc, MD_TEMPLATE, tmp_path / "s.md", persona="persona-2").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in student and SCRIPT_QUOTE not in student


def test_html_templates_are_autoescaped(map_doc, tmp_path):
    template = tmp_path / "t.html.j2"
    template.write_text("<ul>{% for q in quotes(persona.quote_units | map(attribute='id')) %}<li>{{ q }}</li>{% endfor %}"
                        "{% for q in stage.purchase.quotes %}<li>{{ q }}</li>{% endfor %}</ul>", encoding="utf-8")
    out = render_template(map_doc, template, tmp_path / "o.html", persona="persona-2").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "<script" not in out


def test_csv_filter_is_formula_safe(map_doc, tmp_path):
    template = tmp_path / "t.csv"
    template.write_text("quote\n{% for u in stage.usage.quote_units %}{{ u.text | csv }}\n{% endfor %}", encoding="utf-8")
    out = render_template(map_doc, template, tmp_path / "o.csv", persona="persona-2").read_text(encoding="utf-8")
    assert "'=cmd|' /C calc'!A0" in out.splitlines()
    assert '"\'+1 to what P10 said, the lockers at the station are the only reason I still use it."' in out


@pytest.mark.parametrize(
    "source, line, message",
    [
        ("# {{ persona.name }}\n\n{{ stage.purchse.pain_points }}\n", 3, "unknown stage 'purchse'; expected one of: awareness,"),
        ("a\nb\n{{ stage.purchase.pains }}\n", 3, "unknown lane 'pains'"),
        ("{{ persona.nmae }}\n", 1, "unknown persona field 'nmae'"),
        ("ok\n{% for m in maps %}\n{{ m.name }\n", 3, "unexpected '}'"),
        ("ok\n{% for m in maps %}\n{{ m.name }}\n", 3, "Unexpected end of template"),
        ("{{ nothing_here }}\n", 1, "'nothing_here' is undefined"),
        ("a\n\n{% for s in stages %}\n{{ map.stage[s.id].bogus }}\n{% endfor %}\n", 4, "unknown lane 'bogus'"),
    ],
)
def test_broken_text_template_names_file_and_line(map_doc, tmp_path, source, line, message):
    template = tmp_path / "broken.md"
    template.write_text(source, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        export(map_doc, str(template), tmp_path / "out.md")
    assert str(caught.value).startswith(f"{template}, line {line}: ")
    assert message in str(caught.value)
    assert not (tmp_path / "out.md").exists()


def test_error_in_an_included_template_names_that_file(map_doc, tmp_path):
    (tmp_path / "main.md").write_text("# {{ persona.name }}\n{% include 'part.md' %}\n", encoding="utf-8")
    (tmp_path / "part.md").write_text("fine\n{{ stage.nowhere.quotes }}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        render_template(map_doc, tmp_path / "main.md", tmp_path / "o.md")
    assert str(caught.value).startswith(f"{tmp_path / 'part.md'}, line 2: unknown stage 'nowhere'")


@pytest.mark.parametrize(
    "source, message",
    [
        ("x\n{{ persona.quote_units[0].text + 1 }}\n", "line 2: TypeError while rendering"),
        ("x\n\n{{ '%d' | format(persona.quote_units[0].text) }}\n", "line 3: TypeError while rendering"),
        ("{{ units[persona.quote_units[0].text] }}\n", "line 1: 'dict object' has no attribute (a value)"),
        ("{{ stage[persona.quote_units[0].text] }}\n", "line 1: unknown stage (a value); expected one of: awareness"),
        ("{{ map.stages[42] }}\n", "line 1: 'list object' has no element 42"),
    ],
)
def test_render_errors_never_quote_participant_words(map_doc, tmp_path, source, message):
    template = tmp_path / "t.md"
    template.write_text(source, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        render_template(map_doc, template, tmp_path / "o.md", persona="persona-1")
    assert str(caught.value).startswith(f"{template}, {message}")
    assert not any(u["text"][:12] in caught.value.describe() for u in map_doc["units"])


@pytest.mark.parametrize(
    "value, message",
    [
        ("{{ stage.purchase.pains }}", "cell Sheet!C4: unknown lane 'pains'"),
        ("{{ stage.checkout.quotes }}", "cell Sheet!C4: unknown stage 'checkout'"),
        ("{{ persona.name }", "cell Sheet!C4: unexpected '}'"),
        ("Name: {% if persona.name %}{{ persona.name }}", "cell Sheet!C4: Unexpected end of template"),
    ],
)
def test_broken_xlsx_template_names_the_cell(map_doc, tmp_path, value, message):
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet"
    wb.active["A1"] = "{{ persona.name }}"
    wb.active["C4"] = value
    wb.save(tmp_path / "t.xlsx")
    with pytest.raises(ConfigError) as caught:
        render_template(map_doc, tmp_path / "t.xlsx", tmp_path / "o.xlsx")
    assert str(caught.value).startswith(f"{tmp_path / 't.xlsx'}: {message}")
    assert not (tmp_path / "o.xlsx").exists()


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.write_text("not a zip", encoding="utf-8"), "is not a readable .xlsx workbook"),
        (lambda p: openpyxl.Workbook().save(p), "has no cell with a {{ placeholder }}"),
        (lambda p: None, "template not found"),
    ],
)
def test_unusable_xlsx_template(map_doc, tmp_path, make, message):
    path = tmp_path / "t.xlsx"
    make(path)
    with pytest.raises(ConfigError, match=message.replace("{", r"\{").replace("}", r"\}").replace(".", r"\.")):
        render_template(map_doc, path, tmp_path / "o.xlsx")


def test_template_not_utf8(map_doc, tmp_path):
    path = tmp_path / "t.md"
    path.write_bytes("caf\xe9 {{ persona.name }}".encode("latin-1"))
    with pytest.raises(ConfigError, match="is not UTF-8 text"):
        render_template(map_doc, path, tmp_path / "o.md")
