"""The dispatcher, and participant text staying inert (and intact) in every format."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synth.errors import ConfigError
from synth.export import export, write_evidence_csv, write_persona_markdown, write_xlsx
from synth.export.safety import FORMULA_STARTS
from tests.export.conftest import FORMULA_QUOTE, SCRIPT_QUOTE, without_own_script
from tests.export.test_template import MD_TEMPLATE, XLSX_TEMPLATE


@pytest.mark.parametrize("to, name", [("xlsx", "m.xlsx"), ("csv", "board.csv"), ("md", "m.md"), ("html", "m.html")])
def test_export_writes_one_file_and_leaves_no_temporaries(map_doc, tmp_path, to, name):
    files = export(map_doc, to, tmp_path / name)
    assert files == [tmp_path / name] and files[0].stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize("to", ["pdf", "XLSX", "docs/none"])
def test_unknown_format_is_a_clear_error(map_doc, tmp_path, to):
    expected = (rf"--to must be one of xlsx, csv, md, html, evidence-csv, highlights, qdpx, qdc, persona-pdf or the path of a template"
                rf" file\. Got '{to}' instead")
    with pytest.raises(ConfigError, match=expected):
        export(map_doc, to, tmp_path / "x")


def test_missing_template_path_is_a_clear_error(map_doc, tmp_path):
    with pytest.raises(ConfigError, match="template not found"):
        export(map_doc, str(tmp_path / "mine.md.j2"), tmp_path / "x.md")


def test_unknown_persona_is_a_clear_error(map_doc, tmp_path):
    with pytest.raises(ConfigError, match="no persona 'persona-9' in this map \\(personas: persona-1, persona-2\\)"):
        export(map_doc, "html", tmp_path / "x.html", persona="persona-9")


def all_text(path) -> str:
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            return "\n".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))
    return path.read_text(encoding="utf-8")


def written_files(doc, tmp_path, persona: str | None = "persona-2") -> dict[str, list]:
    files = {to: export(doc, to, tmp_path / f"out.{to}") for to in ("xlsx", "csv", "md", "html")}
    files["evidence"] = [write_evidence_csv(doc, tmp_path / "evidence.csv")]
    files["personas"] = write_persona_markdown(doc, tmp_path / "personas")
    files["md template"] = export(doc, str(MD_TEMPLATE), tmp_path / "t.md", persona=persona)
    files["xlsx template"] = export(doc, str(XLSX_TEMPLATE), tmp_path / "t.xlsx")
    return files


@pytest.mark.parametrize("kind", ["xlsx", "csv", "md", "html", "evidence", "personas", "md template", "xlsx template"])
def test_hostile_quotes_are_inert_in_every_format(map_doc, tmp_path, kind):
    paths = written_files(map_doc, tmp_path)[kind]
    suffix = paths[0].suffix
    text = "\n".join(all_text(p) for p in paths)
    if suffix == ".csv":  # CSV is not markup: text verbatim, formulas neutralised
        cells = [c for p in paths for row in csv.reader(io.StringIO(p.read_text(encoding="utf-8"), newline="")) for c in row]
        assert not [c for c in cells if c.startswith(FORMULA_STARTS) and not _is_number(c)]
        assert "'" + FORMULA_QUOTE in cells and any(SCRIPT_QUOTE in c for c in cells)
        return
    if suffix == ".html":
        text = without_own_script(text)
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    if suffix == ".xlsx":
        book = openpyxl.load_workbook(paths[0])
        strings = [c for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert not [c for c in strings if c.data_type == "f" or c.value.startswith(FORMULA_STARTS)]
        assert any(FORMULA_QUOTE in c.value for c in strings)
    if suffix == ".md":
        assert FORMULA_QUOTE not in text and "\\=cmd\\|' /C calc'!A0" in text
    if suffix == ".html":
        assert FORMULA_QUOTE.replace("'", "&#39;") in text


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


QUOTES = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("=+-@\n\t\"',;|<>&"), min_size=1, max_size=40)


def expected_cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=QUOTES)
def test_any_quote_round_trips_through_evidence_csv_and_xlsx(pristine_map, tmp_path_factory, text):
    doc = {**pristine_map, "units": [{**pristine_map["units"][0], "text": text}, *pristine_map["units"][1:]]}
    folder = tmp_path_factory.mktemp("rt")
    with open(write_evidence_csv(doc, folder / "e.csv"), newline="", encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    assert row["text"] == expected_cell(text)
    book = openpyxl.load_workbook(write_xlsx(doc, folder / "j.xlsx"))
    header = [c.value for c in book["Evidence"][1]]
    assert book["Evidence"].cell(2, header.index("text") + 1).value == expected_cell(text)


def empty_map(doc: dict) -> dict:
    """A run that found no persona and no evidence: only an empty everyone map."""
    stages = [{"stage": s["id"], "label": s["label"], "actions": [], "touchpoints": [], "motivations": [],
               "pain_points": [], "emotion": {"mean": None, "count": 0}, "quotes": [], "opportunities": [],
               "evidence": {"participants": 0, "units": 0, "share": 0, "quotes": 0, "thin": False}} for s in doc["stages"]]
    return {**doc, "sources": [], "participants": [], "personas": [], "themes": [], "units": [],
            "maps": [{"persona_id": "all", "name": "All participants", "participants": 0, "stages": stages, "paths": []}]}


@pytest.mark.parametrize("kind", ["xlsx", "csv", "md", "html", "evidence", "personas", "md template", "xlsx template"])
def test_an_empty_run_still_exports(pristine_map, tmp_path, kind):
    from synth.export.mapjson import validate_map

    doc = empty_map(pristine_map)
    validate_map(doc)
    paths = written_files(doc, tmp_path / "x", persona=None)[kind]
    assert kind == "personas" and paths == [] or all(p.stat().st_size > 0 for p in paths)


def test_a_plugin_format_registered_with_the_exporters_registry_is_used_by_export(map_doc, tmp_path):
    """A package adds a format through `synth.export.exporters` (or its `synth_exporters` entry points)."""
    import catalogue

    from synth.export import exporters

    def write_unit_count(doc, out, *, persona=None, approved_only=False):
        out.write_text(f"{len(doc['units'])} units\n", encoding="utf-8")
        return out

    exporters.register("unit-count", func=write_unit_count)
    try:
        written = export(map_doc, "unit-count", tmp_path / "count.txt")
        assert written == [tmp_path / "count.txt"]
        assert written[0].read_text(encoding="utf-8") == f"{len(map_doc['units'])} units\n"
    finally:
        catalogue.REGISTRY.pop(("synth", "exporters", "unit-count"), None)
    with pytest.raises(ConfigError, match="--to must be one of xlsx, csv"):
        export(map_doc, "unit-count", tmp_path / "again.txt")
