"""The hand-written map fixture every export test renders (tests/data/map_fixture.json)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "map_fixture.json"
SCRIPT_QUOTE = "<script>alert(1)</script>"
FORMULA_QUOTE = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="session")
def pristine_map() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture
def map_doc(pristine_map) -> dict:
    """A fresh copy of the fixture map, safe to modify in a test."""
    return copy.deepcopy(pristine_map)


def unit_by_text(doc: dict, fragment: str) -> dict:
    return next(u for u in doc["units"] if fragment in u["text"])
