"""Saturation: on a study built so that the new themes are known, the curve flattens where it should
and the saturation point is where the construction puts it; a sample_inputs run carries the curve."""

from __future__ import annotations

import json

import pytest

from synth.document import MapDocument
from synth.saturation import WINDOW, saturation, saturation_point


def study(introduced: dict[int, int], total: int) -> dict:
    """A map dict of `total` participants; participant i (1-based) brings `introduced[i]` new themes,
    everyone else repeats themes already seen (theme t-0 of the first participant)."""
    participants, units, themes = [], [], {}
    next_theme = 0
    for i in range(1, total + 1):
        pid = f"P{i:02d}"
        participants.append({"id": pid})
        mine = [f"t-{next_theme + k}" for k in range(introduced.get(i, 0))] or ["t-0"]
        next_theme += introduced.get(i, 0)
        for n, theme in enumerate(mine + ["t-0"]):  # every participant also repeats the first theme
            uid = f"u-{pid}-{n}"
            units.append({"id": uid, "participant_id": pid})
            themes.setdefault(theme, []).append(uid)
    return {"participants": participants, "units": units,
            "themes": [{"id": t, "unit_ids": ids} for t, ids in themes.items()]}  # fmt: skip


def test_curve_flattens_after_the_last_participant_with_new_topics():
    doc = study({i: 3 for i in range(1, 9)}, total=20)  # participants 1..8 bring 3 topics each
    block = saturation(doc)
    assert [s["new"] for s in block["curve"]] == [3] * 8 + [0] * 12
    assert [s["cumulative"] for s in block["curve"]] == [3 * min(i, 8) for i in range(1, 21)]
    assert block["themes"] == 24
    assert block["point"] == {"index": 8, "participant": "P08"}
    assert block["reading"] == "Saturation reached after 8 of 20 participants"
    assert block["reason"] is None


def test_a_late_new_theme_in_the_last_five_means_not_reached():
    doc = study({**{i: 3 for i in range(1, 9)}, 18: 2}, total=20)
    block = saturation(doc)
    assert block["point"] is None
    assert block["reason"] == "not reached: the last 5 participants still brought 2 new themes"
    assert block["reading"].startswith("Saturation not reached")


def test_a_single_stray_theme_below_the_rate_keeps_the_point():
    # one new theme at participant 15: 1 in the 12 participants after P08 is below one per five
    doc = study({**{i: 3 for i in range(1, 9)}, 15: 1}, total=20)
    assert saturation(doc)["point"]["index"] == 8


def test_the_rate_is_checked_on_every_later_tail():
    # over everything after P02 (2 new in 18) the rate is met, but not over the tail after P11
    # (2 new themes among the 9 participants P12..P20 is more than one per five): the point is P12
    new = [5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    point, reason = saturation_point(new)
    for j in range(point, len(new) - WINDOW + 1):
        assert sum(new[j:]) * WINDOW < len(new) - j  # every tail after the point is below the rate
    assert not sum(new[point - 1:]) * WINDOW < len(new) - point + 1 or point == 1
    assert point == 12 and reason is None


@pytest.mark.parametrize("new, why", [([3, 1, 0, 0, 0], "5 participant(s)"), ([0] * 8, "no themes were found")])
def test_too_few_participants_or_no_themes_give_a_reason(new, why):
    point, reason = saturation_point(new)
    assert point is None and why in reason


def test_the_block_survives_map_json_round_trip_and_old_maps_still_load(tmp_path):
    from tests.export.conftest import FIXTURE

    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    old = MapDocument.from_dict(data)
    assert old.saturation == {} and "saturation" not in old.to_dict()  # a map written before it
    new = MapDocument.from_dict({**data, "saturation": saturation(data)})
    assert MapDocument.from_json(new.to_json()) == new
    assert len(new.saturation["curve"]) == len(data["participants"])


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    from synth.config import Settings
    from synth.pipeline import run
    from tests.conftest import SAMPLE_INPUTS

    folder = tmp_path_factory.mktemp("saturation")
    run(Settings(inputs=(SAMPLE_INPUTS,), output=folder / "run", model="hashing", cache_dir=folder / "cache"))
    return folder / "run"


def test_sample_inputs_map_carries_one_curve_step_per_participant(sample_run):
    doc = json.loads((sample_run / "map.json").read_text(encoding="utf-8"))
    block = doc["saturation"]
    assert len(block["curve"]) == len(doc["participants"]) == block["participants"]
    assert [s["participant"] for s in block["curve"]] == [p["id"] for p in doc["participants"]]
    cumulative = [s["cumulative"] for s in block["curve"]]
    assert cumulative == sorted(cumulative) and cumulative[-1] == block["themes"]
    with_theme = {doc_u["participant_id"] for doc_u in doc["units"] if doc_u["themes"]}
    assert block["themes"] == len({t for u in doc["units"] for t in u["themes"]})
    assert sum(s["new"] for s in block["curve"]) == block["themes"] and with_theme
    run_json = json.loads((sample_run / "run.json").read_text(encoding="utf-8"))
    assert run_json["saturation"]["reading"] == block["reading"]
    assert "curve" not in run_json["saturation"]
    html = (sample_run / "report.html").read_text(encoding="utf-8")
    assert 'class="saturation-curve"' in html and block["reading"] in html


def test_map_json_with_saturation_matches_the_schema(sample_run):
    from synth.export.mapjson import validate_map

    validate_map(json.loads((sample_run / "map.json").read_text(encoding="utf-8")))
