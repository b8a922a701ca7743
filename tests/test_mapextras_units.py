"""Competitors, day in the life and the codebook's competitors list, unit by unit (no run needed)."""

from __future__ import annotations

import pytest

from synth.competitors import detect_names, find_competitors
from synth.errors import ConfigError
from synth.nlp import get_nlp
from synth.tag.codebook import check_codebook, default_codebook_text, load_codebook
from synth.timeline import time_buckets


@pytest.mark.parametrize("text, expected", [
    ("I do it before the school run, while the kettle boils.", ("early_morning",)),
    ("I get up at 6am and order then.", ("early_morning",)),
    ("It usually arrives at 7.30 pm.", ("evening",)),
    ("Delivery at 19:00 is best for us.", ("evening",)),
    ("I did it about eleven at night once the kids were down.", ("night",)),
    ("I order on my lunch break at work.", ("midday",)),
    ("A Tuesday afternoon slot is cheaper.", ("afternoon", "weekday")),
    ("I sit down on Sunday evening with a cup of tea.", ("evening", "weekend")),
    ("We only do the big shop at weekends.", ("weekend",)),
    ("I place it after work, on the train.", ("evening",)),
    ("It comes Friday morning, between eight and ten.", ("morning", "weekday")),
    ("I paid 7.99 and it took ten minutes, once.", ()),
    ("Someone rang me about it.", ()),
])  # fmt: skip
def test_time_phrases_land_in_their_bucket(text, expected):
    assert time_buckets(text) == expected


def _unit(uid, pid, text, score=0.0, persona="persona-1", stage="consideration", question=None):
    return {"id": uid, "participant_id": pid, "source_id": f"src-{pid}", "text": text, "speaker_role": "participant",
            "persona_id": persona, "question": question, "stage": {"id": stage, "score": 0.9, "reason": ""},
            "sentiment": {"score": score, "reason": ""}}


def test_a_proper_noun_beside_a_comparison_is_detected_only_when_two_participants_use_it():
    nlp = get_nlp()
    units = [
        _unit("u1", "P1", "Honestly it was cheaper than Ocado for the big shop."),
        _unit("u2", "P2", "We switched from Ocado last spring."),
        _unit("u3", "P3", "I'd love a family account, like Netflix has."),  # one participant: an aside
        _unit("u4", "P4", "Maya said it was better than nothing."),  # sentence-initial, a name, no product
        _unit("u5", "P5", "It is better than Sunday slots elsewhere, and Dave compared it too."),  # a day, a first name
    ]
    assert detect_names(units, nlp) == {"Ocado": ["u1", "u2"]}


def test_comparison_cues_beyond_than_count_looked_at_went_with_and_comparatives():
    units = [
        _unit("u1", "P1", "I looked at Zipcart before I signed up."),
        _unit("u2", "P2", "Honestly Zipcart is quicker, to be fair."),
        _unit("u3", "P3", "We went with Zipcart in the end."),
        _unit("u4", "P4", "My neighbour mentioned Zipcart once."),  # no cue, but it names it: listed too
    ]
    assert detect_names(units, get_nlp()) == {"Zipcart": ["u1", "u2", "u3", "u4"]}


def test_places_money_channels_fillers_ordinary_words_and_the_studys_own_brand_are_not_competitors():
    """Each decoy sits beside a comparison word in two participants' words; only Zipcart is another service."""
    asked = "What do you like about Tillwise?"
    units = [
        _unit("a1", "P1", "It came to more than twenty Euros a week."),
        _unit("a2", "P2", "Delivery was cheaper than five Euros here."),
        _unit("b1", "P1", "Prices are better than in Manchester, I think."),
        _unit("b2", "P2", "The vans are slower than Manchester ones."),
        _unit("c1", "P1", "I found the deal on it rather than Instagram."),
        _unit("c2", "P2", "The codes are better than Instagram ads."),
        _unit("d1", "P1", "It was fine, Yeah, better than before."),
        _unit("d2", "P2", "The app, Yeah, is quicker now."),
        _unit("e1", "P1", "The Basket was quicker than the shop."),
        _unit("e2", "P2", "A full Basket costs more there."),
        _unit("e3", "P3", "I fill the basket on Sundays, the basket is big and my basket is full."),
        _unit("f1", "P1", "Overall Tillwise is cheaper than the corner shop.", question=asked),
        _unit("f2", "P2", "For me Tillwise is better than going out.", question=asked),
        _unit("g1", "P3", "Before this I used to order from Zipcart."),
        _unit("g2", "P4", "It beats Zipcart, which is pricier."),
    ]  # fmt: skip
    doc = {"stages": [], "touchpoints": [], "kinds": [], "units": units}
    found = find_competitors(doc, load_codebook(None), get_nlp())
    assert [(c["name"], c["source"], c["unit_ids"]) for c in found] == [("Zipcart", "detected", ["g1", "g2"])]


def test_codebook_competitors_are_found_by_alias_with_likes_and_dislikes(tmp_path):
    book = tmp_path / "book.yaml"
    book.write_text(default_codebook_text() + "\ncompetitors:\n  - name: FreshDrop\n    aliases: [Fresh Drop]\n  - Corner Shop\n",
                    encoding="utf-8")  # fmt: skip
    codebook = load_codebook(book)
    assert [(c.name, c.aliases) for c in codebook.competitors] == [("FreshDrop", ("Fresh Drop",)), ("Corner Shop", ())]
    doc = {"stages": [], "units": [
        _unit("u1", "P1", "fresh drop is quicker and I love it", score=0.6),
        _unit("u2", "P2", "FreshDrop's fees are awful", score=-0.7, persona="persona-2", stage="purchase"),
        _unit("u3", "P3", "I never looked elsewhere"),
    ]}  # fmt: skip
    (fresh,) = find_competitors(doc, codebook, get_nlp())
    assert fresh["name"] == "FreshDrop" and fresh["source"] == "codebook"
    assert fresh["unit_ids"] == ["u1", "u2"] and fresh["liked"] == ["u1"] and fresh["disliked"] == ["u2"]
    assert [(m["persona_id"], m["stage"], m["count"]) for m in fresh["mentions"]] == [
        ("persona-1", "consideration", 1), ("persona-2", "purchase", 1)]


def test_the_codebook_check_reports_a_bad_competitors_entry_with_its_line(tmp_path):
    book = tmp_path / "book.yaml"
    text = default_codebook_text() + "\ncompetitors:\n  - aliases: [x]\n  - name: A\n  - name: a\n"
    book.write_text(text, encoding="utf-8")
    errors = check_codebook(book)
    lines = text.splitlines()
    assert {e.line for e in errors} == {len(lines) - 2, len(lines)}
    with pytest.raises(ConfigError, match="no 'name'"):
        load_codebook(book)


def test_every_packaged_codebook_still_loads():
    from synth.tag.codebook import list_domains

    for name, _ in list_domains():
        load_codebook(name)
    assert [c.name for c in load_codebook("retail").competitors][:1] == ["FreshDrop"]
