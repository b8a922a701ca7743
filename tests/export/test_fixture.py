"""The map fixture is a valid synth.map/2 document with the edge cases the exports must survive."""

from __future__ import annotations

from synth.export.mapjson import validate_map
from tests.export.conftest import FORMULA_QUOTE, SCRIPT_QUOTE


def test_fixture_validates_against_the_schema(pristine_map):
    validate_map(pristine_map)


def test_fixture_has_the_edge_cases(pristine_map):
    texts = [u["text"] for u in pristine_map["units"]]
    assert any(SCRIPT_QUOTE in t for t in texts)
    assert FORMULA_QUOTE in texts
    assert {t[0] for t in texts} >= {"=", "+", "-", "@"}
    assert any(not t.isascii() for t in texts)
    assert max(len(p["name"]) for p in pristine_map["personas"]) > 31
    assert [m["persona_id"] for m in pristine_map["maps"]] == ["persona-1", "persona-2", "all"]
    assert len(pristine_map["stages"]) == 7 and len(pristine_map["units"]) == 25


def test_fixture_map_references_resolve(pristine_map):
    ids = {u["id"] for u in pristine_map["units"]}
    for journey in pristine_map["maps"]:
        for cell in journey["stages"]:
            assert set(cell["quotes"]) <= ids
            for lane in ("actions", "touchpoints", "motivations", "pain_points"):
                assert all(set(f["unit_ids"]) <= ids and f["count"] == len(f["unit_ids"]) for f in cell[lane])
