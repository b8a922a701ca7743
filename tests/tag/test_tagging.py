import re
from dataclasses import replace

import pytest

from synth.nlp import get_nlp
from synth.tag.codebook import load_codebook
from synth.tag.rules import RuleMatcher, normalise_for_rules
from tests.tag.helpers import kinds_of, tag

REASON = re.compile(r"^(pattern '.+' \(\w+\)|nearest example: '.+' \(-?\d\.\d\d\)|classifier \d\.\d\d|question: '.+')")


def test_negation_flips_a_pain_point():
    positive, negated = tag(["The app is confusing.", "The app is not confusing at all."]).taggings
    assert "pain_point" in kinds_of(positive)
    assert "pain_point" not in kinds_of(negated)
    assert positive.sentiment < 0
    assert positive.sentiment < negated.sentiment


def test_negated_praise_is_a_pain_point():
    (tagging,) = tag(["Honestly it wasn't easy to set up my account."]).taggings
    pain = next(k for k in tagging.kinds if k.id == "pain_point")
    assert "pattern 'not easy'" in pain.reason


@pytest.mark.parametrize(
    "text, negated",
    [
        ("it is confusing", False),
        ("it is not confusing at all", True),
        ("it isn't confusing", True),
        ("it is not cheap but confusing", False),  # "but" ends the negation's reach
        ("never confusing", True),
        ("not at all, it was confusing", False),  # punctuation ends it too
    ],
)
def test_rules_negation_window(text, negated):
    (hits,) = RuleMatcher(load_codebook(None), get_nlp()).match([text])
    assert hits.evidence("kinds", "pain_point") == ((-1 if negated else 1), "confusing")


@pytest.mark.parametrize(
    "raw, normalised",
    [("I can't find it", "i can not find it"), ("doesnt work", "does not work"), ("Check-in", "check in"),
     ("won’t", "will not")],
)
def test_normalise_for_rules(raw, normalised):
    assert normalise_for_rules(raw) == normalised


def test_patterns_match_lemmas():
    (hits,) = RuleMatcher(load_codebook(None), get_nlp()).match(["I compared the prices and couldn't find the button"])
    assert hits.evidence("stages", "consideration")[0] == 1
    assert hits.evidence("kinds", "pain_point") == (1, "could not find")


def test_every_label_has_a_score_and_a_reason_a_reviewer_can_read():
    result = tag(["I first heard about it from my sister.", "The checkout kept crashing when I paid by card.",
                  "I called customer service and never got my refund."])
    labels = [x for t in result.taggings for x in ((t.stage,) if t.stage else ()) + t.kinds + t.touchpoints]
    assert labels
    for label in labels:
        assert 0.0 <= label.score <= 1.0
        assert REASON.match(label.reason), label.reason
    assert all(t.sentiment_reason and -1 <= t.sentiment <= 1 for t in result.taggings)


def test_question_is_evidence_for_the_stage():
    text = "A friend of mine, years ago."
    without = tag([text]).taggings[0]
    asked = tag([text], questions=["How did you first hear about the app?"]).taggings[0]
    assert asked.stage is not None and asked.stage.id == "awareness"
    assert "question: 'How did you first hear about the app?'" in asked.stage.reason
    assert without.stage is None or without.stage.score < asked.stage.score


def test_training_examples_teach_the_classifier():
    from synth.tag import LabelledExample

    text = "Zorbly quantics flummox the grobbet."
    training = [LabelledExample(f"Zorbly quantics flummox the grobbet number {i}.", "loyalty", ("pain_point",)) for i in range(4)]
    # the description prior (test_prior.py) is not what training teaches: hold it out to see the classifier's share
    book = load_codebook(None)
    book = replace(book, weights={**book.weights, "prior": 0.0})
    before = tag([text], codebook=book).taggings[0]
    after = tag([text], codebook=book, training=training).taggings[0]
    assert after.stage is not None and after.stage.id == "loyalty"
    def pain(t):
        return max([k.score for k in t.kinds if k.id == "pain_point"], default=0.0)

    assert "pain_point" in kinds_of(after) and pain(after) > pain(before) + 0.1


def test_tagging_is_deterministic_and_themes_are_stable():
    texts = ["The delivery was late again.", "My groceries arrived late twice.", "Delivery slots are always late.",
             "I love the app.", "The app is lovely and quick.", "Prices are too expensive now.",
             "It is far too expensive.", "The checkout crashed.", "The checkout keeps crashing when I pay."]
    first, second = tag(texts), tag(texts)
    assert first == second
    ids = [t.id for t in first.themes]
    assert len(ids) == len(set(ids))
    assert all(re.match(r"^theme-[a-z_]+-[a-z_]+-\d+$", i) for i in ids)
    by_id = {t.id: t for t in first.themes}
    for tagging in first.taggings:
        for theme_id in tagging.themes:
            assert tagging.unit_id in by_id[theme_id].unit_ids
            assert by_id[theme_id].kind in kinds_of(tagging)
    assert all(t.label and len(t.label.split()) <= 4 for t in first.themes)


def test_empty_input_gives_empty_result():
    result = tag([])
    assert result.taggings == () and result.themes == ()


def test_tagging_in_forked_workers_gives_the_same_result(monkeypatch):
    import synth.tag.tagger
    import synth.tag.themes
    from synth.embed import HashingEmbedder
    from synth.nlp import get_nlp
    from synth.tag import tag_units
    from synth.tag.codebook import load_codebook
    from tests.tag.helpers import units_of

    monkeypatch.setattr(synth.tag.tagger, "UNITS_PER_CHUNK", 3)
    monkeypatch.setattr(synth.tag.themes, "TERMS_PER_CHUNK", 3)
    texts = ["The delivery fee was hidden until checkout and that really annoyed me.", "Checkout kept failing on my phone.",
             "I love the new app, it is so easy.", "Nobody answered the phone for an hour.", "I compared prices first.",
             "The driver was lovely and on time.", "I couldn't find the cancel button anywhere.", "It's not easy to use.",
             "The refund took three weeks to arrive.", "Booking a slot was confusing.", "Great service from support.",
             "The app crashed when I paid."] * 2  # fmt: skip
    units, embedder = units_of(texts), HashingEmbedder()
    vectors = embedder.encode([u.clean_text for u in units])
    results = [tag_units(units, vectors, load_codebook(None), embedder, nlp=get_nlp(), training=[], seed=0, processes=p)
               for p in (1, 2)]  # fmt: skip
    assert results[0] == results[1] and results[0].themes
