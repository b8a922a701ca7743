"""Issue 15: MapDocument, the typed map, round-trips map.json losslessly."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synth.config import Settings
from synth.document import MapDocument
from synth.errors import WorkspaceError
from synth.pipeline import run
from tests.conftest import SAMPLE_INPUTS


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("doc") / "demo"
    run(Settings(inputs=(SAMPLE_INPUTS,), output=out, model="hashing", cache_dir=out.parent / "cache"))
    return out


@pytest.mark.parametrize("name", ["map.json", "map.draft.json"])
def test_demo_run_round_trips_byte_for_byte(demo, name):
    text = (demo / name).read_text(encoding="utf-8")
    doc = MapDocument.from_json(text)
    assert doc.to_json() == text
    assert MapDocument.from_json(doc.to_json()) == doc
    assert len(doc.units) == len(json.loads(text)["units"]) and doc.unit(doc.units[0].id) == doc.units[0]


@pytest.mark.parametrize("name", ["map.json", "map.draft.json"])
def test_a_built_map_gives_the_same_document_and_its_text_comes_entry_by_entry(demo, name):
    """Issue 17: `from_built` empties the plain lists as it validates; `json_chunks` are `to_json`'s bytes."""
    raw = (demo / name).read_bytes()
    data = json.loads(raw)
    doc = MapDocument.from_built(data, where=name)
    validated = MapDocument.from_dict(json.loads(raw))
    assert doc == validated and doc.model_fields_set == validated.model_fields_set
    assert not any(isinstance(u, dict) for u in data["units"])  # the plain entries were let go
    assert b"".join(doc.json_chunks()) == raw


def test_a_broken_built_map_names_the_entry(demo):
    data = json.loads((demo / "map.json").read_text(encoding="utf-8"))
    data["units"][2]["spans"] = "line 3"
    with pytest.raises(WorkspaceError, match="the draft map is not a valid synth map: units.2.spans"):
        MapDocument.from_built(data, where="the draft map")


def test_fields_a_newer_stage_adds_survive(demo):
    data = json.loads((demo / "map.json").read_text(encoding="utf-8"))
    data["units"][0]["emphasis"] = {"level": 2}
    data["extra_block"] = [1, 2]
    assert MapDocument.from_dict(data).to_dict() == data
    doc = MapDocument.from_built(json.loads(json.dumps(data)), where="map.json")
    assert doc.to_dict() == data and b"".join(doc.json_chunks()) == doc.to_json().encode()


def test_an_older_map_asks_for_a_re_run_and_still_gives_a_re_run_its_persona_ids(demo):
    """A synth.map/1 draft (written before future-state maps) is refused with a re-run hint where
    it would be shown, and read as synth.map/2 where a re-run only needs its personas and units."""
    data = json.loads((demo / "map.draft.json").read_text(encoding="utf-8"))
    data["schema"] = "synth.map/1"
    for journey in data["maps"]:
        journey.pop("paths")
        for cell in journey["stages"]:
            cell["evidence"] = {"participants": cell["evidence"]["participants"], "units": cell["evidence"]["units"]}
            cell["opportunities"] = [{"text": o["text"], "theme_id": o["theme_id"], "draft": o["draft"]}
                                     for o in cell["opportunities"]]
    with pytest.raises(WorkspaceError, match=r"older synth \(synth.map/1\)") as caught:
        MapDocument.from_dict(data, where="map.draft.json")
    assert "re-run `synth run`" in caught.value.hint
    old = MapDocument.from_dict(data, upgrade=True)
    assert old.schema_ == "synth.map/2" and old.persona_ids == MapDocument.from_json(
        (demo / "map.draft.json").read_text(encoding="utf-8")).persona_ids


@pytest.mark.parametrize("break_it, field", [
    (lambda d: d["personas"].__setitem__(0, "persona-1"), "personas.0"),
    (lambda d: d["units"][0].__setitem__("spans", "line 3"), "units.0.spans"),
    (lambda d: d.pop("run"), "run"),
    (lambda d: d.__setitem__("schema", "synth.map/0"), "schema"),
])
def test_a_broken_map_names_the_field(demo, break_it, field):
    data = json.loads((demo / "map.json").read_text(encoding="utf-8"))
    break_it(data)
    with pytest.raises(WorkspaceError, match=f"map.json is not a valid synth map: {field}"):
        MapDocument.from_dict(data)


text = st.text(max_size=20)
ident = st.text(alphabet="abcdefghij-0123456789", min_size=1, max_size=8)
number = st.one_of(st.integers(-5, 5), st.floats(-1, 1, allow_nan=False))
label = st.fixed_dictionaries({"id": ident, "score": number, "reason": text})
finding = st.fixed_dictionaries({"label": text, "count": st.integers(0, 9), "participants": st.integers(0, 9),
                                 "unit_ids": st.lists(ident, max_size=3), "ref": st.one_of(st.none(), ident)})
unit = st.fixed_dictionaries({
    "id": ident, "participant_id": ident, "source_id": ident, "source": text, "location": text,
    "spans": st.lists(st.tuples(st.integers(1, 99), st.integers(0, 99), st.integers(0, 99)).map(list), max_size=3),
    "speaker_role": ident, "question": st.one_of(st.none(), text), "heading": st.one_of(st.none(), text),
    "text": text, "language": ident, "stage": st.one_of(st.none(), label), "kinds": st.lists(label, max_size=2),
    "touchpoints": st.lists(label, max_size=2), "sentiment": st.fixed_dictionaries({"score": number, "reason": text}),
    "themes": st.lists(ident, max_size=2), "persona_id": st.one_of(st.none(), ident), "representativeness": number,
})
persona = st.fixed_dictionaries({
    "id": ident, "name": text, "status": st.sampled_from(["draft", "approved", "rejected"]),
    "participant_ids": st.lists(ident, max_size=3), "size": st.integers(0, 9), "share": number, "stability": number,
    "confidence": number, "flags": st.lists(text, max_size=2),
    "attributes": st.lists(st.fixed_dictionaries({"name": text, "value": text, "share": number, "overall": number,
                                                  "lift": number}), max_size=2),
    "motivations": st.lists(finding, max_size=2), "pain_points": st.lists(finding, max_size=2),
    "touchpoints": st.lists(finding, max_size=2), "emotional_high": st.one_of(st.none(), text),
    "emotional_low": st.one_of(st.none(), text), "quotes": st.lists(ident, max_size=3),
})
cell = st.fixed_dictionaries({
    "stage": ident, "label": text, "actions": st.lists(finding, max_size=1), "touchpoints": st.lists(finding, max_size=1),
    "motivations": st.lists(finding, max_size=1), "pain_points": st.lists(finding, max_size=1),
    "emotion": st.fixed_dictionaries({"mean": st.one_of(st.none(), number), "count": st.integers(0, 9)}),
    "quotes": st.lists(ident, max_size=2),
    "opportunities": st.lists(st.fixed_dictionaries({
        "text": text, "theme_id": st.one_of(st.none(), ident), "draft": st.booleans(),
        "kind": st.sampled_from(["pain_point", "motivation"]), "participants": st.integers(0, 9),
        "score": st.floats(0, 20, allow_nan=False), "unit_ids": st.lists(ident, max_size=3)}), max_size=1),
    "evidence": st.fixed_dictionaries({"participants": st.integers(0, 9), "units": st.integers(0, 9),
                                       "share": st.floats(0, 1, allow_nan=False), "quotes": st.integers(0, 5),
                                       "thin": st.booleans()}),
})
path = st.fixed_dictionaries({"touchpoints": st.lists(ident, max_size=3), "labels": st.lists(text, max_size=3),
                              "text": text, "participants": st.integers(1, 9), "unit_ids": st.lists(ident, max_size=3)})
map_data = st.fixed_dictionaries({
    "schema": st.just("synth.map/2"),
    "run": st.fixed_dictionaries({
        "synth_version": text, "model": text, "codebook": st.fixed_dictionaries({"path": text, "sha256": text}),
        "seed": st.integers(0, 99), "redacted": st.booleans(), "personas_requested": st.one_of(st.just("auto"), st.integers(1, 50)),
        "clustering": st.fixed_dictionaries({"method": text, "k": st.integers(0, 9), "overall_stability": number,
                                             "warnings": st.lists(text, max_size=2)}),
    }),
    "sources": st.lists(st.fixed_dictionaries({
        "id": ident, "path": text, "kind": st.sampled_from(["transcript", "survey"]), "format": ident, "sha256": text,
        "language": ident, "participants": st.lists(ident, max_size=2), "units": st.integers(0, 9)}), max_size=2),
    "participants": st.lists(st.fixed_dictionaries({
        "id": ident, "key": ident, "source_ids": st.lists(ident, max_size=2),
        "attributes": st.dictionaries(ident, text, max_size=2), "persona_id": st.one_of(st.none(), ident),
        "units": st.integers(0, 9)}), max_size=3),
    "personas": st.lists(persona, max_size=2),
    "stages": st.lists(st.fixed_dictionaries({"id": ident, "label": text, "description": text}), max_size=2),
    "kinds": st.lists(st.fixed_dictionaries({"id": ident, "label": text}), max_size=2),
    "touchpoints": st.lists(st.fixed_dictionaries({"id": ident, "label": text}), max_size=2),
    "themes": st.lists(st.fixed_dictionaries({"id": ident, "stage": st.one_of(st.none(), ident), "kind": ident,
                                              "label": text, "unit_ids": st.lists(ident, max_size=2)}), max_size=2),
    "maps": st.lists(st.fixed_dictionaries({"persona_id": ident, "name": text, "participants": st.integers(0, 9),
                                            "stages": st.lists(cell, max_size=2),
                                            "paths": st.lists(path, max_size=2)}), max_size=2),
    "units": st.lists(unit, max_size=3),
})


@settings(max_examples=60, deadline=None)
@given(map_data)
def test_any_valid_map_round_trips(data):
    doc = MapDocument.from_dict(data)
    assert doc.to_dict() == data
    assert MapDocument.from_json(doc.to_json()) == doc
    assert json.loads(doc.to_json()) == data  # key order is the schema's (the demo test checks bytes)
    assert b"".join(doc.json_chunks()) == doc.to_json().encode()
