"""The whole run, end to end, on the project's own sample study (fake embedder for speed)."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from synth.config import Settings
from synth.export.mapjson import validate_map
from synth.pipeline import run
from tests.conftest import SAMPLE_INPUTS
from tests.quotecheck import check_unit

OUTPUTS = ("map.json", "evidence.csv", "journey_map.xlsx", "report.html", "review.yaml", "run.json")
EVIDENCE_COLUMNS = [
    "unit_id", "participant_id", "source", "location", "speaker_role", "question", "text", "stage",
    "stage_score", "kinds", "touchpoints", "sentiment", "themes", "persona_id",
]


def tree_hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "demo"
    before = tree_hashes(SAMPLE_INPUTS)
    settings = Settings(inputs=(SAMPLE_INPUTS,), output=out, model="hashing", cache_dir=out.parent / "cache")
    result = run(settings)
    assert tree_hashes(SAMPLE_INPUTS) == before, "inputs must never be modified"
    return settings, result


def test_writes_every_output(demo):
    settings, result = demo
    for name in OUTPUTS:
        assert (settings.output / name).is_file(), name
    personas = list((settings.output / "personas").glob("*.md"))
    assert len(personas) == result.personas >= 2


def test_counts_are_real(demo):
    _, result = demo
    assert result.sources >= 11 and result.participants >= 150 and result.units >= 300


def test_map_validates_against_shipped_schema(demo):
    settings, _ = demo
    validate_map(json.loads((settings.output / "map.json").read_text()))
    validate_map(json.loads((settings.output / "map.draft.json").read_text()))


def test_evidence_csv_has_contract_columns(demo):
    settings, result = demo
    with open(settings.output / "evidence.csv", newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    assert header[: len(EVIDENCE_COLUMNS)] == EVIDENCE_COLUMNS
    assert len(rows) == result.units


def test_every_quote_is_verbatim_at_its_location(demo):
    settings, _ = demo
    doc = json.loads((settings.output / "map.json").read_text())
    failures = [f for f in (check_unit(u, SAMPLE_INPUTS) for u in doc["units"]) if f]
    assert not failures, failures[:5]


def test_every_tag_in_evidence_csv_has_its_reason_in_map_json(demo):
    settings, _ = demo
    doc = json.loads((settings.output / "map.json").read_text())
    by_id = {u["id"]: u for u in doc["units"]}
    with open(settings.output / "evidence.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    tagged = 0
    for row in rows:
        unit = by_id[row["unit_id"]]
        reasons = {lab["id"]: lab["reason"] for lab in unit["kinds"] + unit["touchpoints"]}
        if unit["stage"]:
            reasons[unit["stage"]["id"]] = unit["stage"]["reason"]
        tags = [row["stage"], *row["kinds"].split(";"), *row["touchpoints"].split(";")]
        for tag in filter(None, tags):
            assert reasons.get(tag, "").strip(), f"{row['unit_id']}: {tag} has no reason in map.json"
            tagged += 1
        assert row["sentiment"] == "" or unit["sentiment"]["reason"].strip()
    assert tagged > len(rows), "the demo's evidence should carry tags"


def test_run_json_records_the_run(demo):
    settings, _ = demo
    manifest = json.loads((settings.output / "run.json").read_text())
    assert manifest["seed"] == 0 and manifest["redacted"] is True
    assert manifest["codebook"]["sha256"] and manifest["model"]["id"].startswith("hashing")
    assert {"ingest", "embed", "tag", "cluster", "synthesize", "export"} <= set(manifest["timings_s"])
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])


def test_second_run_embeds_nothing_and_is_byte_identical(demo):
    settings, _ = demo
    first = {n: (settings.output / n).read_bytes() for n in ("map.json", "evidence.csv", "report.html")}
    review_before = (settings.output / "review.yaml").read_bytes()
    again = run(settings)
    assert again.embedded_new == 0
    for name, data in first.items():
        assert (settings.output / name).read_bytes() == data, name
    assert (settings.output / "review.yaml").read_bytes() == review_before


def test_bad_files_are_reported_and_the_rest_still_runs(tmp_path):
    folder = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS, folder)
    (folder / "broken.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "odd_encoding.txt").write_bytes("Interviewer: hi\nAnn: ".encode() + bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 50)
    out = tmp_path / "out"
    result = run(Settings(inputs=(folder,), output=out, model="hashing", cache_dir=tmp_path / "cache"))
    problems = json.loads((out / "run.json").read_text())["problems"]
    paths = {p["path"] for p in problems}
    assert {"broken.txt", "empty.txt"} <= paths
    reasons = " ".join(p["reason"] for p in problems)
    assert "binary" in reasons and "empty" in reasons
    assert result.personas >= 2 and (out / "report.html").exists()
