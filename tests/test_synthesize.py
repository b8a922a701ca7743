"""Persona drafts and journey maps from hand-built clusters, tags and themes."""

from __future__ import annotations

import pytest

from synth.records import AttributeLift, Clustering, Label, Participant, Span, TagResult, Tagging, Theme, Unit
from synth.synthesize import NAME_CHARS, _attribute_phrase, _compose, build_maps, match_ids, synthesize_personas

STAGES = ("search", "purchase", "delivery")
LABELS = {"search": "Search", "purchase": "Purchase", "delivery": "Delivery", "app": "Mobile app", "store": "Store"}


def unit(uid, pid, text, source=None):
    return Unit(uid, pid, source or f"s-{pid}", text, text, text, (Span(1, 0, len(text)),), "line 1")


def study():
    """Young app users who hate delivery slots (P1-P4) vs older store shoppers who love prices (P5-P8)."""
    ages = {"P1": "18-24", "P2": "18-24", "P3": "18-24", "P4": "25-34",
            "P5": "55-64", "P6": "55-64", "P7": "18-24", "P8": "55-64"}
    participants = [Participant(p, f"key-{p}", (f"s-{p}",), {"Age band": a, "Email": f"{p}@x.org"}) for p, a in ages.items()]
    units, taggings = [], []
    for n in range(1, 5):
        pid = f"P{n}"
        units += [unit(f"u{n}a", pid, f"the delivery slots were always full when I checked number {n}"),
                  unit(f"u{n}b", pid, f"I order everything on the app on my phone at night {n}")]
        taggings += [Tagging(f"u{n}a", Label("delivery", 0.9, "t"), (Label("pain_point", 0.8, "t"),), sentiment=-0.6, themes=("th-slots",)),
                     Tagging(f"u{n}b", Label("purchase", 0.7, "t"), (Label("action", 0.8, "t"),), (Label("app", 0.9, "t"),), sentiment=0.4, themes=("th-app",))]
    for n in range(5, 9):
        pid = f"P{n}"
        units += [unit(f"u{n}a", pid, f"low prices in the store make the weekly shop worth it {n}"),
                  unit(f"u{n}b", pid, "ok")]
        taggings += [Tagging(f"u{n}a", Label("purchase", 0.8, "t"), (Label("motivation", 0.8, "t"),), (Label("store", 0.9, "t"),), sentiment=0.7, themes=("th-price",)),
                     Tagging(f"u{n}b", None)]
    themes = (
        Theme("th-slots", "delivery", "pain_point", "delivery slots full", tuple(f"u{n}a" for n in range(1, 5))),
        Theme("th-app", "purchase", "action", "ordering on the app", tuple(f"u{n}b" for n in range(1, 5))),
        Theme("th-price", "purchase", "motivation", "low prices in store", tuple(f"u{n}a" for n in range(5, 9))),
    )
    assignments = {f"P{n}": 0 if n <= 4 else 1 for n in range(1, 9)}
    clustering = Clustering(assignments, 2, (0.9, 0.5), 0.7, "test")
    rep = {u.id: (0.9 if u.id.endswith("a") else 0.1) for u in units}
    return participants, units, TagResult(tuple(taggings), themes), clustering, rep


def personas_of(previous=None, clustering=None):
    participants, units, tags, default, rep = study()
    return synthesize_personas(participants, units, tags, clustering or default, stage_ids=STAGES, labels=LABELS,
                               representativeness=rep, previous=previous or {})


def test_drafts_have_ids_by_size_findings_and_quotes_from_different_people():
    clustering = Clustering({"P1": 0, "P2": 0, "P3": 0, "P4": 0, "P5": 1, "P6": 1, "P7": 1, "P8": -1}, 2, (0.9, 0.5), 0.7, "t")
    first, second = personas_of(clustering=clustering)
    assert (first.id, second.id) == ("persona-1", "persona-2")
    assert first.participant_ids == ("P1", "P2", "P3", "P4") and "P8" not in second.participant_ids
    assert first.share == pytest.approx(4 / 8)
    assert [(f.label, f.count, f.participants, f.ref) for f in first.pain_points] == [("delivery slots full", 4, 4, "th-slots")]
    assert first.touchpoints[0].label == "Mobile app" and first.touchpoints[0].count == 4
    assert second.motivations[0].label == "low prices in store" and second.motivations[0].participants == 3
    assert first.emotional_high == "purchase" and first.emotional_low == "delivery"
    assert 3 <= len(first.quotes) <= 5
    owners = {u.id: u.participant_id for u in study()[1]}
    assert len({owners[q] for q in first.quotes}) == len(first.quotes)
    assert all(q.endswith("a") for q in first.quotes)  # the most representative units
    assert "unstable" in second.flags and "unstable" not in first.flags
    assert first.confidence > second.confidence


def test_attribute_lift_on_a_hand_example():
    first, second = personas_of()
    lift = next(a for a in first.attributes if a.value == "18-24")
    # persona 1: 3 of 4 aged 18-24 (75%); everyone: 4 of 8 (50%)
    assert (lift.name, lift.share, lift.overall) == ("Age band", 0.75, 0.5)
    assert lift.lift == pytest.approx(1.5)
    older = next(a for a in second.attributes if a.value == "55-64")
    assert (older.share, older.overall) == (0.75, 0.375)
    assert all(a.name != "Email" for p in (first, second) for a in p.attributes)  # contact details are never features


def test_name_comes_from_distinctive_features_in_the_data():
    first, second = personas_of()
    # who: top-lift attribute (a bare number is led by its short attribute name) and a lifted touchpoint;
    # then what they raise more than everyone else, in brackets
    assert first.name == "Age band 18-24, Mobile app (delivery slots full)"
    assert second.name == "Age band 55-64, Store (low prices in store)"


def test_long_names_are_shortened_step_by_step_to_sixty_characters():
    # the touchpoint goes first, then the theme's second phrase
    assert _compose(["Family with children", "Word of mouth"], "delivery fee / missing items") == \
        "Family with children (delivery fee / missing items)"
    assert _compose(["Website on a laptop or computer", "Packaging / product"], "checkout / boxes popping up") == \
        "Website on a laptop or computer (checkout)"
    long = _compose(["People who mostly shop on a laptop at work during their lunch break on weekdays"], "")
    assert len(long) <= NAME_CHARS and long.endswith("\u2026") and long.startswith("People who mostly shop")
    assert _compose([], "remote control, buttons") == "Remote control, buttons"


def test_numeric_values_are_led_by_a_short_attribute_name_never_by_a_question():
    assert _attribute_phrase(AttributeLift("age_band", "25-34", 0.6, 0.3, 2.0)) == "age band 25-34"
    assert _attribute_phrase(AttributeLift("What is your age?", "35-44", 0.6, 0.3, 2.0)) == "35-44"
    family = AttributeLift("Household", "Family with children", 0.9, 0.3, 3.0)
    assert _attribute_phrase(family) == "Family with children"


def test_name_without_survey_data_uses_distinctive_words_never_fillers():
    """Meeting transcripts: no attributes, no themes; the group's own words, minus "yep", "um", "basically"."""
    participants = [Participant(f"P{n}", f"key-{n}", (f"s{n}",)) for n in range(1, 7)]
    units = []
    for n in range(1, 4):
        units += [unit(f"u{n}a", f"P{n}", "yep basically the remote control buttons, um, yeah"),
                  unit(f"u{n}b", f"P{n}", "yep so the remote control buttons, basically, I'll say things")]
    for n in range(4, 7):
        units += [unit(f"u{n}a", f"P{n}", "the budget and the marketing report"),
                  unit(f"u{n}b", f"P{n}", "costs in the marketing report")]
    tags = TagResult(tuple(Tagging(u.id, None) for u in units), ())
    clustering = Clustering({f"P{n}": 0 if n <= 3 else 1 for n in range(1, 7)}, 2, (0.9, 0.9), 0.8, "t")
    first, second = synthesize_personas(participants, units, tags, clustering, stage_ids=STAGES, labels=LABELS,
                                        representativeness={}, previous={})
    assert first.name == "Buttons, control"  # equally distinctive words: alphabetical, deterministic
    for name in (first.name, second.name):
        words = set(name.casefold().replace(",", " ").split())
        assert not words & {"yep", "um", "basically", "yeah", "i'll", "things"}, name
        assert len(name) <= NAME_CHARS
    assert second.name == "Budget, costs"


def test_ids_follow_previous_memberships():
    previous = {"persona-7": {"key-P5", "key-P6", "key-P7", "key-P8"}, "persona-2": {"key-P1", "key-P2", "key-P3"}}
    personas = personas_of(previous=previous)
    assert {p.id: p.participant_ids[0] for p in personas} == {"persona-2": "P1", "persona-7": "P5"}


def test_new_clusters_get_free_ids_and_weak_overlap_is_not_reused():
    groups = [[Participant("P1", "a", ()), Participant("P2", "b", ())], [Participant("P3", "c", ())]]
    assert match_ids(groups, {"persona-1": {"zzz"}, "persona-2": {"c"}}) == ["persona-3", "persona-2"]


def test_same_inputs_give_same_personas():
    assert personas_of() == personas_of()


def test_single_participant_persona():
    participants, units, tags, _, rep = study()
    clustering = Clustering({"P1": 0}, 1, (1.0,), 1.0, "one group")
    (persona,) = synthesize_personas(participants[:1], units[:2], tags, clustering, stage_ids=STAGES, labels=LABELS,
                                     representativeness=rep, previous={})
    assert persona.participant_ids == ("P1",) and persona.share == 1.0
    assert "small" in persona.flags and "whole-sample" in persona.flags
    assert persona.name  # never empty


def test_maps_per_persona_and_for_everyone():
    participants, units, tags, clustering, rep = study()
    personas = personas_of()
    maps = build_maps(personas, participants, units, tags, stage_ids=STAGES, labels=LABELS)
    assert [m.persona_id for m in maps] == ["persona-1", "persona-2", "all"]
    assert [c.stage for c in maps[0].stages] == list(STAGES)
    search, purchase, delivery = maps[0].stages
    assert search.emotion_mean is None and search.units == 0 and not search.quotes
    assert delivery.pain_points[0].label == "delivery slots full" and delivery.pain_points[0].count == 4
    assert delivery.emotion_mean == pytest.approx(-0.6) and delivery.emotion_count == 4
    assert delivery.opportunities[0].text.startswith("How might we") and "delivery slots full" in delivery.opportunities[0].text
    assert delivery.opportunities[0].draft and delivery.opportunities[0].theme_id == "th-slots"
    assert purchase.actions[0].label == "ordering on the app" and purchase.touchpoints[0].ref == "app"
    assert delivery.participants == 4 and len(set(delivery.quotes)) == len(delivery.quotes) <= 5
    everyone = maps[-1]
    assert everyone.participants == 8
    assert everyone.stages[1].units == 8  # purchase: 4 app orders + 4 price motivations
    assert everyone.stages[1].motivations[0].ref == "th-price"
