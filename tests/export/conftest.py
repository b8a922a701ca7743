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


def without_own_script(html: str) -> str:
    """The page without the report's own filter script (exactly once, as shipped); any other script stays."""
    from synth.export.html import SCRIPT

    own = f"<script>{SCRIPT}</script>"
    assert html.count(own) == 1
    return html.replace(own, "")


def unit_by_text(doc: dict, fragment: str) -> dict:
    return next(u for u in doc["units"] if fragment in u["text"])


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> Path:
    """`synth run sample_inputs --model hashing` (defaults otherwise): the demo a new user sees first."""
    from synth.config import Settings
    from synth.pipeline import run
    from tests.conftest import SAMPLE_INPUTS

    folder = tmp_path_factory.mktemp("demo")
    out = folder / "run"
    run(Settings(inputs=(SAMPLE_INPUTS,), output=out, model="hashing", cache_dir=folder / "cache"))
    return out


@pytest.fixture(scope="session")
def demo_map(demo_run) -> dict:
    return json.loads((demo_run / "map.json").read_text(encoding="utf-8"))
