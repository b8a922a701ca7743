"""Competitors, day in the life and the service blueprint on the sample study (`--model hashing`).

The sample's transcripts (read by hand) compare Basketful with FreshDrop, "the discount
supermarket", "the big supermarket", veg box schemes and the farm shop; the retail codebook
lists exactly these, and no other name recurs beside a comparison word, so the list is
those five and nothing else. Netflix ("like Netflix has") is one participant's aside.
With the default codebook (no list) only the proper noun among them, FreshDrop, can be
detected: the others are descriptions, and Basketful is what the interviewers ask about.
"""

from __future__ import annotations

import copy
import json
import re

import openpyxl
import pytest

from synth.export import write_report_html
from synth.export.html import render_report
from synth.timeline import build_timeline
from tests.export.test_browser import CHROMIUM, chromium, console_errors

SAMPLE_COMPETITORS = {"FreshDrop", "the discount supermarket", "the big supermarket", "veg box schemes", "the farm shop"}
TEMPLATES = "docs/templates"


@pytest.fixture(scope="module")
def retail_run(tmp_path_factory):
    from synth.config import Settings
    from synth.pipeline import run
    from tests.conftest import SAMPLE_INPUTS

    folder = tmp_path_factory.mktemp("mapextras")
    out = folder / "run"
    run(Settings(inputs=(SAMPLE_INPUTS,), output=out, model="hashing", cache_dir=folder / "cache", codebook="retail"))
    return out


@pytest.fixture(scope="module")
def retail_map(retail_run) -> dict:
    return json.loads((retail_run / "map.json").read_text(encoding="utf-8"))


def test_the_sample_names_its_competitors_and_nothing_else(retail_map):
    names = {c["name"] for c in retail_map["competitors"]}
    assert names == SAMPLE_COMPETITORS
    units = {u["id"]: u for u in retail_map["units"]}
    fresh = next(c for c in retail_map["competitors"] if c["name"] == "FreshDrop")
    assert fresh["participants"] >= 4 and all("freshdrop" in units[i]["text"].lower() for i in fresh["unit_ids"])
    for c in retail_map["competitors"]:
        assert sum(m["count"] for m in c["mentions"]) == len(c["unit_ids"])
        assert set(c["liked"]) | set(c["disliked"]) <= set(c["unit_ids"])


def test_the_default_codebook_finds_the_named_competitor_and_nothing_else(demo_map):
    """Without a competitors list only recurring compared proper nouns count: FreshDrop, not the study's own
    Basketful (Plus), not Netflix (one participant), not Instagram (a touchpoint)."""
    assert [(c["name"], c["source"]) for c in demo_map["competitors"]] == [("FreshDrop", "detected")]
    (fresh,) = demo_map["competitors"]
    units = {u["id"]: u for u in demo_map["units"]}
    assert fresh["participants"] >= 4
    named = re.compile(r"\bfreshdrop\b", re.IGNORECASE)  # two survey answers write it "freshdrop"
    assert all(named.search(units[i]["text"]) for i in fresh["unit_ids"])
    every = {u["id"] for u in demo_map["units"] if named.search(u["text"]) and u["speaker_role"] == "participant"}
    assert set(fresh["unit_ids"]) == every


def test_the_report_shows_competitors_per_persona_and_stage_with_quotes(retail_map):
    html = render_report(retail_map)
    section = html.split('<section id="competitors">', 1)[1].split("</section>", 1)[0]
    for name in SAMPLE_COMPETITORS:
        assert f"<b>{name}</b>" in section
    assert section.count("<blockquote") >= len(SAMPLE_COMPETITORS)
    assert 'href="#competitors"' in html


def test_the_day_in_the_life_section_is_hidden_below_the_threshold(map_doc):
    map_doc["timeline"] = build_timeline(map_doc)  # the fixture: 5 timed units over 4 buckets
    assert 'id="day-in-the-life"' in render_report(map_doc)
    fewer = copy.deepcopy(map_doc)
    timed = [i for entry in fewer["timeline"] for ids in entry["buckets"].values() for i in ids]
    for unit in fewer["units"]:
        if unit["id"] == timed[0]:
            unit["text"] = "It just works for us."
    fewer["timeline"] = build_timeline(fewer)
    html = render_report(fewer)
    assert 'id="day-in-the-life"' not in html and 'href="#day-in-the-life"' not in html


def test_the_blueprint_and_day_templates_render(retail_run, tmp_path):
    from typer.testing import CliRunner

    from synth.cli import app

    runner = CliRunner()
    for name in ("service_blueprint.md.j2", "day_in_the_life.md.j2"):
        out = tmp_path / name.replace(".j2", "")
        result = runner.invoke(app, ["export", str(retail_run), "--template", f"{TEMPLATES}/{name}", "-o", str(out)])
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        assert "{{" not in text and "Traceback" not in text
    blueprint = (tmp_path / "service_blueprint.md").read_text(encoding="utf-8")
    assert "| **Customer actions** |" in blueprint and "| **Backstage (staff)** |" in blueprint and "participants," in blueprint
    day = (tmp_path / "day_in_the_life.md").read_text(encoding="utf-8")
    assert "### Evening" in day and "FreshDrop" in day
    xlsx = tmp_path / "blueprint.xlsx"
    result = runner.invoke(app, ["export", str(retail_run), "--to", f"{TEMPLATES}/service_blueprint.xlsx", "-o", str(xlsx)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(xlsx)
    sheet = wb[wb.sheetnames[0]]
    assert [c.value for c in sheet[4]][1:3] == ["Awareness", "Consideration"]
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert not any("{{" in c for c in cells) and any(re.search(r"\d+ participants, \d+ units", c) for c in cells)


def test_staff_participants_fill_the_backstage_lane(retail_map):
    from synth.export.mapextras import blueprint_stages
    from synth.export.view import build_view

    doc = copy.deepcopy(retail_map)
    staff = doc["participants"][0]
    staff["attributes"]["role"] = "staff"
    view = build_view(doc)
    everyone = view.maps[-1]
    lanes = {s["id"]: s for s in blueprint_stages(view, everyone)}
    theirs = [u for u in doc["units"] if u["participant_id"] == staff["id"] and u.get("stage")]
    assert theirs, "the first participant has staged units"
    stage = theirs[0]["stage"]["id"]
    assert any(theirs[0]["text"][:40] in line for line in lanes[stage]["backstage"])
    assert all(not s["backstage"] for s in blueprint_stages(build_view(retail_map), everyone))


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")
def test_the_competitor_section_renders_in_chromium_without_console_errors(retail_map, tmp_path):
    page = write_report_html(retail_map, tmp_path / "report.html")
    dump = chromium(page, "--dump-dom")
    assert dump.returncode == 0, dump.stderr[-2000:]
    assert console_errors(dump.stderr) == []
    section = dump.stdout.split('<section id="competitors">', 1)[1].split("</section>", 1)[0]
    assert all(f"<b>{name}</b>" in section for name in SAMPLE_COMPETITORS)


def _sample_copy(tmp_path):
    import shutil

    from tests.conftest import SAMPLE_INPUTS

    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    return inputs


def _assert_one_staff_member_is_backstage(inputs, tmp_path) -> None:
    """The run puts the one staff participant in no persona (with the reason), out of the all-participants
    map, and their quotes in the blueprint's backstage lane."""
    from synth.config import Settings
    from synth.export.mapextras import blueprint_stages
    from synth.export.view import build_view
    from synth.pipeline import run
    from synth.staff import STAFF_REASON

    out = tmp_path / "run"
    run(Settings(inputs=(inputs,), output=out, model="hashing", cache_dir=tmp_path / "cache", codebook="retail"))
    doc = json.loads((out / "map.json").read_text(encoding="utf-8"))
    staff = [p for p in doc["participants"] if p["attributes"].get("role") == "staff"]
    assert len(staff) == 1 and staff[0]["persona_id"] is None and staff[0]["unassigned_reason"] == STAFF_REASON
    assert all(staff[0]["id"] not in p["participant_ids"] for p in doc["personas"])
    everyone = next(m for m in doc["maps"] if m["persona_id"] == "all")
    assert everyone["participants"] == len(doc["participants"]) - 1
    view = build_view(doc)
    lanes = blueprint_stages(view, view.maps[-1])
    theirs = {u["text"][:40] for u in doc["units"] if u["participant_id"] == staff[0]["id"] and u.get("stage")}
    assert theirs and any(t in line for s in lanes for line in s["backstage"] for t in theirs)
    customers = {u["text"][:40] for u in doc["units"] if u["participant_id"] != staff[0]["id"] and len(u["text"]) > 40}
    assert not any(t in line for s in lanes for line in s["backstage"] for t in customers - theirs)


def test_a_staff_member_in_the_roster_is_backstage_not_a_customer_persona(tmp_path):
    """participants.csv marks one interviewee (Maya Patel, interview_01) as staff."""
    import csv

    inputs = _sample_copy(tmp_path)
    with open(inputs / "participants.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["role"] = "staff"  # Maya Patel (interview_01)
    for row in rows[1:]:
        row["role"] = "customer"
    with open(inputs / "participants.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*rows[0].keys()])
        writer.writeheader()
        writer.writerows(rows)
    _assert_one_staff_member_is_backstage(inputs, tmp_path)


def test_a_staff_member_in_speakers_yaml_is_backstage_not_a_customer_persona(tmp_path):
    """speakers.yaml beside the transcripts marks Callum (interview_02) as staff; the roster says nothing."""
    inputs = _sample_copy(tmp_path)
    (inputs / "speakers.yaml").write_text("Callum: staff\n", encoding="utf-8")
    _assert_one_staff_member_is_backstage(inputs, tmp_path)
