"""Issue 16: the future-state map (How-might-we opportunities), evidence strength per cell and
multichannel paths: hand-built studies for the rules, the sample study for what a user sees."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from synth.config import Settings
from synth.document import MapDocument
from synth.export.mapjson import validate_map
from synth.opportunities import FRAME_WORDS, opportunity_score
from synth.pipeline import run
from synth.records import Label, Participant, Tagging, TagResult
from synth.synthesize import build_maps
from tests.conftest import SAMPLE_INPUTS
from tests.test_synthesize import LABELS, STAGES, personas_of, study, unit

WORD = re.compile(r"[\w'-]+")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("future") / "run"
    run(Settings(inputs=(SAMPLE_INPUTS,), output=out, model="hashing", cache_dir=out.parent / "cache"))
    return out


@pytest.fixture(scope="module")
def sample_map(sample) -> dict:
    return json.loads((sample / "map.json").read_text(encoding="utf-8"))


def content_words(text: str, stage_label: str) -> set[str]:
    """The question's words less the fixed frame ("How might we ease ... at the X stage?")."""
    frame = FRAME_WORDS | {w.casefold() for w in WORD.findall(stage_label)} | {"draft"}
    return {w.casefold() for w in WORD.findall(text)} - frame


def test_every_question_is_made_of_its_units_words_and_every_link_resolves(sample_map):
    units = {u["id"]: u for u in sample_map["units"]}
    themes = {t["id"]: t for t in sample_map["themes"]}
    seen = 0
    for journey in sample_map["maps"]:
        for cell in journey["stages"]:
            for o in cell["opportunities"]:
                seen += 1
                assert o["text"].startswith("How might we ") and o["unit_ids"]
                assert all(uid in units for uid in o["unit_ids"]), "an opportunity cites a unit not in map.json"
                assert o["theme_id"] in themes and set(o["unit_ids"]) <= set(themes[o["theme_id"]]["unit_ids"])
                said = {w.casefold() for uid in o["unit_ids"] for w in WORD.findall(units[uid]["text"])}
                said |= {w.casefold() for w in WORD.findall(themes[o["theme_id"]]["label"])}
                invented = content_words(o["text"], cell["label"]) - said
                assert not invented, (o["text"], invented)
                assert o["participants"] == len({units[uid]["participant_id"] for uid in o["unit_ids"]})
    assert seen >= 10  # the sample study has pains at every stage


def test_opportunities_come_from_pains_and_unmet_motivations_ranked_by_score(sample_map):
    kinds = {o["kind"] for m in sample_map["maps"] for c in m["stages"] for o in c["opportunities"]}
    assert kinds == {"pain_point", "motivation"}
    for journey in sample_map["maps"]:
        for cell in journey["stages"]:
            scores = [o["score"] for o in cell["opportunities"]]
            assert scores == sorted(scores, reverse=True)
            for o in cell["opportunities"]:
                assert o["score"] == pytest.approx(opportunity_score(o["participants"], cell["emotion"]["mean"]), rel=1e-3)
                source = cell["pain_points"] if o["kind"] == "pain_point" else cell["motivations"]
                assert o["theme_id"] in {f["ref"] for f in source}


def test_a_motivation_voiced_happily_is_met_and_one_voiced_beside_a_pain_is_not():
    participants, units, tags, clustering, _ = study()
    personas = personas_of()
    maps = build_maps(personas, participants, units, tags, stage_ids=STAGES, labels=LABELS)
    purchase = maps[-1].stages[1]
    assert purchase.motivations[0].ref == "th-price" and not purchase.opportunities  # low prices, said happily
    sad = tuple(replace(t, sentiment=-0.5) if "th-price" in t.themes else t for t in tags.taggings)
    maps = build_maps(personas, participants, units, TagResult(sad, tags.themes), stage_ids=STAGES, labels=LABELS)
    hmw = maps[-1].stages[1].opportunities
    assert [(o.kind, o.theme_id, o.participants) for o in hmw] == [("motivation", "th-price", 4)]
    assert hmw[0].text == "How might we help with \u201clow prices in store\u201d at the Purchase stage?"


def test_a_busier_and_sadder_stage_ranks_first():
    assert opportunity_score(4, -0.5) == 6.0 > opportunity_score(4, 0.3) == 4.0 > opportunity_score(3, -0.2)


def test_thin_cells_are_exactly_those_with_one_participant(sample_map):
    participants, units, tags, clustering, _ = study()
    lone = [*units, unit("u9a", "P9", "the van never came and nobody called me")]
    more = (*tags.taggings, Tagging("u9a", Label("search", 0.9, "t"), (Label("pain_point", 0.9, "t"),), sentiment=-0.8))
    people = [*participants, Participant("P9", "key-P9", ("s-P9",))]
    maps = build_maps(personas_of(), people, lone, TagResult(more, tags.themes), stage_ids=STAGES, labels=LABELS)
    everyone = maps[-1]
    assert [c.thin for c in everyone.stages] == [True, False, False]
    assert everyone.stages[0].share == pytest.approx(1 / 9)
    for journey in sample_map["maps"]:
        for cell in journey["stages"]:
            ev = cell["evidence"]
            assert ev["thin"] is (ev["participants"] == 1)
            assert ev["share"] == round(ev["participants"] / journey["participants"], 4)
            assert ev["quotes"] == len(cell["quotes"])


def test_multichannel_paths_for_every_persona_with_touchpoints_in_two_stages(sample_map):
    units = {u["id"]: u for u in sample_map["units"]}
    labels = {t["id"]: t["label"] for t in sample_map["touchpoints"]}
    for journey in sample_map["maps"]:
        members = {p["id"] for p in sample_map["participants"]
                   if journey["persona_id"] == "all" or p["persona_id"] == journey["persona_id"]}
        stages = {u["stage"]["id"] for u in units.values()
                  if u["participant_id"] in members and u["touchpoints"] and u["stage"]}
        if len(stages) >= 2:
            assert journey["paths"], journey["persona_id"]
        counts = [p["participants"] for p in journey["paths"]]
        assert counts == sorted(counts, reverse=True) and sum(counts) <= journey["participants"]
        for path in journey["paths"]:
            assert path["text"] == " \u2192 ".join(labels[t] for t in path["touchpoints"])
            cited = [units[uid] for uid in path["unit_ids"]]
            assert {u["participant_id"] for u in cited} <= members and len({u["participant_id"] for u in cited}) == path["participants"]
            assert set(path["touchpoints"]) <= {t["id"] for u in cited for t in u["touchpoints"]}
    assert any(len(p["touchpoints"]) >= 2 for m in sample_map["maps"] for p in m["paths"])


def test_a_path_follows_stage_order_not_the_order_people_spoke():
    participants, units, tags, clustering, _ = study()
    extra = [unit("u1z", "P1", "I rang the store about the missing bag")]  # said last, about an earlier stage
    more = (*tags.taggings, Tagging("u1z", Label("search", 0.9, "t"), (Label("action", 0.9, "t"),), (Label("store", 0.9, "t"),)))
    maps = build_maps(personas_of(), participants, [*units, *extra], TagResult(more, tags.themes), stage_ids=STAGES, labels=LABELS)
    paths = {p.labels: p.participants for p in maps[-1].paths}
    assert paths[("Store", "Mobile app")] == 1 and paths[("Mobile app",)] == 3 and paths[("Store",)] == 4


def test_the_sample_map_validates_and_round_trips(sample):
    for name in ("map.json", "map.draft.json"):
        text = (sample / name).read_text(encoding="utf-8")
        validate_map(json.loads(text))
        assert MapDocument.from_json(text).to_json() == text


def test_a_re_run_over_a_synth_map_1_draft_keeps_persona_ids(sample, tmp_path):
    """Upgrading synth must not renumber the personas a reviewer already named."""
    import shutil

    out = tmp_path / "run"
    shutil.copytree(sample, out)
    draft = json.loads((out / "map.draft.json").read_text(encoding="utf-8"))
    draft["schema"] = "synth.map/1"
    for journey in draft["maps"]:
        journey.pop("paths")
    renamed = {p["id"]: p["id"].replace("persona-", "persona-1") for p in draft["personas"]}  # ids only the old draft knows
    for p in draft["personas"]:
        p["id"] = renamed[p["id"]]
    for p in draft["participants"]:
        p["persona_id"] = renamed.get(p["persona_id"], p["persona_id"])
    (out / "map.draft.json").write_text(json.dumps(draft), encoding="utf-8")
    (out / "review.yaml").unlink()
    run(Settings(inputs=(SAMPLE_INPUTS,), output=out, model="hashing", cache_dir=sample.parent / "cache"))
    again = json.loads((out / "map.json").read_text(encoding="utf-8"))
    assert again["schema"] == "synth.map/2"
    assert sorted(p["id"] for p in again["personas"]) == sorted(renamed.values())
