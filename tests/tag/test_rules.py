"""How codebook patterns are executed: plain phrases on the PhraseMatcher, `*` patterns on the Matcher."""

from __future__ import annotations

from synth.nlp import get_nlp
from synth.tag.codebook import load_codebook
from synth.tag.rules import RuleMatcher


def test_wildcard_and_plain_patterns_of_one_code_are_both_found():
    matcher = RuleMatcher(load_codebook(None), get_nlp())
    (hits,) = matcher.match(["I placed my order, then I placed the order again"])
    found = {h.pattern for h in hits.codes[("stages", "purchase")]}
    assert {"place * order", "place the order"} <= found
    assert hits.evidence("stages", "purchase") == (1, "place the order")  # the longest pattern is the one shown


def test_a_wildcard_pattern_alone_matches_inflected_words_and_is_negation_aware():
    matcher = RuleMatcher(load_codebook(None), get_nlp())
    plain, negated = matcher.match(["We created an account in a minute", "I never created an account"])
    assert hits_of(plain) == [("create * account", False)]
    assert hits_of(negated) == [("create * account", True)]


def test_multiword_sentiment_and_code_patterns_keep_text_order():
    matcher = RuleMatcher(load_codebook(None), get_nlp())
    (hits,) = matcher.match(["It kept crashing, it was not easy and the delivery was terrible"])
    assert [w for w, _, _ in hits.positive] == ["easy"] and hits.positive[0][1] is True
    assert "terrible" in [w for w, _, _ in hits.negative]


def hits_of(hits) -> list[tuple[str, bool]]:
    return [(h.pattern, h.negated) for h in hits.codes.get(("stages", "onboarding"), [])]
