"""evidence.csv (the contract) and the whiteboard CSV."""

from __future__ import annotations

import csv

import pytest

from synth.export import write_evidence_csv, write_whiteboard_csv
from synth.export.tables import EVIDENCE_COLUMNS
from tests.export.conftest import FORMULA_QUOTE, SCRIPT_QUOTE, unit_by_text

CONTRACT = ["unit_id", "participant_id", "source", "location", "speaker_role", "question", "text", "stage",
            "stage_score", "kinds", "touchpoints", "sentiment", "themes", "persona_id"]


def read_rows(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_evidence_columns_are_the_contract(map_doc, tmp_path):
    path = write_evidence_csv(map_doc, tmp_path / "evidence.csv")
    header = path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    assert header[: len(CONTRACT)] == CONTRACT == list(EVIDENCE_COLUMNS)
    assert header[len(CONTRACT):] == ["stage_reason", "kind_reasons", "theme_labels"]


def test_evidence_has_one_row_per_unit_with_its_values(map_doc, tmp_path):
    rows = read_rows(write_evidence_csv(map_doc, tmp_path / "evidence.csv"))
    assert [r["unit_id"] for r in rows] == [u["id"] for u in map_doc["units"]]
    unit = unit_by_text(map_doc, "crème fraîche")
    row = next(r for r in rows if r["unit_id"] == unit["id"])
    assert row["text"] == unit["text"]
    assert row["location"] == "00:14:37, line 152"
    assert row["stage"] == "usage" and row["kinds"] == "pain_point;emotion"
    assert row["sentiment"] == "-0.8" and row["themes"] == "th-usage-subs" and row["persona_id"] == "persona-1"
    survey = next(r for r in rows if r["participant_id"] == "P07" and r["stage"] == "purchase")
    assert survey["question"] == "What is the most frustrating thing about ordering with Basketful?"


def test_evidence_is_utf8_with_unix_line_ends_and_no_bom(map_doc, tmp_path):
    data = (write_evidence_csv(map_doc, tmp_path / "evidence.csv")).read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data
    assert "crème fraîche".encode("utf-8") in data


def test_sentiment_is_rounded_to_three_decimals(map_doc, tmp_path):
    map_doc["units"][0]["sentiment"]["score"] = -0.123456
    rows = read_rows(write_evidence_csv(map_doc, tmp_path / "evidence.csv"))
    assert rows[0]["sentiment"] == "-0.123"


def test_evidence_neutralises_formulas_but_keeps_markup_verbatim(map_doc, tmp_path):
    rows = read_rows(write_evidence_csv(map_doc, tmp_path / "evidence.csv"))
    texts = [r["text"] for r in rows]
    assert "'" + FORMULA_QUOTE in texts and FORMULA_QUOTE not in texts
    assert not any(t.startswith(("=", "+", "-", "@")) for t in texts)
    assert any(SCRIPT_QUOTE in t for t in texts)
    assert [t[1:] if t.startswith("'") else t for t in texts] == [u["text"] for u in map_doc["units"]]


def test_unit_without_stage_has_empty_stage_cells(map_doc, tmp_path):
    map_doc["units"][0]["stage"] = None
    rows = read_rows(write_evidence_csv(map_doc, tmp_path / "evidence.csv"))
    assert rows[0]["stage"] == rows[0]["stage_score"] == rows[0]["stage_reason"] == ""


def test_whiteboard_has_a_sticky_per_lane_entry(map_doc, tmp_path):
    rows = read_rows(write_whiteboard_csv(map_doc, tmp_path / "board.csv"))
    assert list(rows[0]) == ["persona", "stage", "lane", "text", "source", "location", "participant"]
    assert {r["persona"] for r in rows} == {p["name"] for p in map_doc["personas"]} | {"All participants"}
    fees = [r for r in rows if r["lane"] == "Pain points" and r["text"].startswith("Fees revealed at checkout")]
    assert {r["text"] for r in fees} == {"Fees revealed at checkout (2 units, 2 participants)"}
    quote = unit_by_text(map_doc, "crème fraîche")
    sticky = next(r for r in rows if r["lane"] == "Quotes" and r["text"] == quote["text"])
    assert (sticky["source"], sticky["location"], sticky["stage"]) == (quote["source"], quote["location"], "Regular ordering")
    assert any(r["lane"] == "Opportunities" and r["text"].startswith("Draft: ") for r in rows)


def test_whiteboard_neutralises_formulas(map_doc, tmp_path):
    rows = read_rows(write_whiteboard_csv(map_doc, tmp_path / "board.csv"))
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
    assert any(r["text"] == "'" + FORMULA_QUOTE for r in rows)


def test_whiteboard_optional_bom(map_doc, tmp_path):
    assert (write_whiteboard_csv(map_doc, tmp_path / "b.csv", bom=True)).read_bytes().startswith(b"\xef\xbb\xbfpersona,")
    assert (write_whiteboard_csv(map_doc, tmp_path / "n.csv")).read_bytes().startswith(b"persona,")


@pytest.mark.parametrize(
    "options, personas",
    [
        ({}, {"persona-1", "persona-2", "all"}),
        ({"persona": "persona-2"}, {"persona-2"}),
        ({"approved_only": True}, {"persona-1", "all"}),
    ],
)
def test_whiteboard_filters(map_doc, tmp_path, options, personas):
    names = {m["name"]: m["persona_id"] for m in map_doc["maps"]}
    rows = read_rows(write_whiteboard_csv(map_doc, tmp_path / "board.csv", **options))
    assert {names[r["persona"]] for r in rows} == personas


def test_units_missing_from_the_map_are_skipped(map_doc, pristine_map, tmp_path):
    cell = map_doc["maps"][0]["stages"][4]
    cell["quotes"] = ["u-excluded01", *cell["quotes"]]
    cell["pain_points"][0]["unit_ids"].append("u-excluded01")
    map_doc["personas"][0]["quotes"].insert(0, "u-excluded01")
    rows = read_rows(write_whiteboard_csv(map_doc, tmp_path / "board.csv"))
    assert "u-excluded01" not in (tmp_path / "board.csv").read_text(encoding="utf-8")
    assert [r["text"] for r in rows if r["lane"] == "Quotes"] == [
        r["text"] for r in read_rows(write_whiteboard_csv(pristine_map, tmp_path / "pristine.csv")) if r["lane"] == "Quotes"
    ]
