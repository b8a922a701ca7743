"""Cleaners: table-driven (text in, text out) cases, and hypothesis for idempotence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synth.clean import (
    clean_for_model,
    fix_mojibake,
    is_non_answer,
    normalize_chat,
    normalize_punctuation,
    normalize_whitespace,
    remove_fillers,
    strip_markup,
)

MOJIBAKE = [
    ("donâ€™t", "don’t"),
    ("cafÃ©", "café"),
    ("Ã¼ber GrÃ¶ÃŸe", "über Größe"),
    ("â€œquotedâ€\x9d", "“quoted”"),
    ("donÃ¢â‚¬â„¢t", "don’t"),  # encoded wrongly twice
    ("Â£12.99", "£12.99"),
    ("café", "café"),  # correct text is left alone
    ("NÃO É", "NÃO É"),  # Portuguese capitals are not mojibake
    ("naïve Ärger", "naïve Ärger"),
    ("plain ascii", "plain ascii"),
]


@pytest.mark.parametrize(("text", "expected"), MOJIBAKE)
def test_fix_mojibake(text, expected):
    assert fix_mojibake(text) == expected


MARKUP = [
    ("{vocalsound} Are we {disfmarker} we're not", "Are we we're not"),
    ("Sorry [crosstalk] go on", "Sorry go on"),
    ("It was (inaudible) fine", "It was fine"),
    ("It was [inaudible 00:12:34] fine", "It was fine"),
    ("I was desperate. (laughs) But", "I was desperate. But"),
    ("[Laughter] yes", "yes"),
    ("<i>really</i> slow", "really slow"),
    ("<v Maya>hello</v>", "hello"),
    ("fish &amp; chips &#39;n&#39; peas", "fish & chips 'n' peas"),
    ("&amp;lt;b&amp;gt;bold", "bold"),
    ("[00:01:02] we ordered", "we ordered"),
    ("00:01:02 we ordered", "we ordered"),
    ("at (00:03) I left", "at I left"),
    ("we met at 10:30 on Friday", "we met at 10:30 on Friday"),  # a time someone says is speech
    ("the [delivery] app", "the [delivery] app"),  # editorial brackets are speech
    ("I <3 it, 3 < 4", "I <3 it, 3 < 4"),
    ("*sighs* fine", "fine"),
]


@pytest.mark.parametrize(("text", "expected"), MARKUP)
def test_strip_markup(text, expected):
    assert normalize_whitespace(strip_markup(text)) == expected


FILLERS = [
    ("So, um, most of the food", "So, most of the food"),
    ("Um, I think so", "I think so"),
    ("it was uh fine", "it was fine"),
    ("Erm... the app", "the app"),
    ("I think, um.", "I think."),
    ("You know, it was slow", "it was slow"),
    ("it was slow, you know, really slow", "it was slow, really slow"),
    ("it was just easier, you know.", "it was just easier."),
    ("I mean, the fees", "the fees"),
    ("The fee. I mean, come on", "The fee. come on"),
    ("Like, I don't know", "I don't know"),
    ("she was like, \"this has changed my life\"", "she was like, \"this has changed my life\""),
    ("forgot about it for like two weeks", "forgot about it for like two weeks"),
    ("do you know what I mean", "do you know what I mean"),
    ("I mean what I say", "I mean what I say"),
    ("I, I think the the app", "I think the app"),
    ("I know that that is wrong", "I know that that is wrong"),
    ("we err on the side of caution", "we err on the side of caution"),
    ("I'm summer's umbrella", "I'm summer's umbrella"),
    ("Uh-huh.", ""),
]


@pytest.mark.parametrize(("text", "expected"), FILLERS)
def test_remove_fillers(text, expected):
    assert normalize_whitespace(normalize_punctuation(normalize_whitespace(remove_fillers(text)))) == expected


CHAT = [
    ("sooooo slow", "soo slow"),
    ("check www.example.com", "check www.example.com"),
    ("it broke again lol", "it broke again"),
    ("hahaha ok", "ok"),
    ("idk tbh", "I don't know to be honest"),
    ("u said ur app", "you said your app"),
    ("Plan U and a U-turn", "Plan U and a U-turn"),
    ("the driver 😡", "the driver angry"),
    ("love it 👍🏽", "love it thumbs up 🏽"),
    ("a 🦄 unicorn", "a 🦄 unicorn"),
]


@pytest.mark.parametrize(("text", "expected"), CHAT)
def test_normalize_chat(text, expected):
    assert normalize_whitespace(normalize_chat(text)) == expected


PUNCTUATION = [
    ("great!!!!", "great!"),
    ("really???", "really?"),
    ("what?!?!", "what?!"),
    ("and then.....", "and then..."),
    ("wait…", "wait..."),
    ("Okay , that's fine .", "Okay, that's fine."),
    ("it cost .5 more", "it cost .5 more"),
    ("so, , fine", "so, fine"),
    (", and then", "and then"),
    ("don’t “quote”", "don't \"quote\""),
]


@pytest.mark.parametrize(("text", "expected"), PUNCTUATION)
def test_normalize_punctuation(text, expected):
    assert normalize_punctuation(text) == expected


WHITESPACE = [
    ("  a\tb\n\nc  ", "a b c"),
    ("no\u00a0break\u200bhere", "no breakhere"),
    ("e\u0301", "é"),
]


@pytest.mark.parametrize(("text", "expected"), WHITESPACE)
def test_normalize_whitespace(text, expected):
    assert normalize_whitespace(text) == expected


CLEAN = [
    ("donâ€™t know why", "don't know why"),
    ("[00:02:23] The first one, um, it was fine [crosstalk]", "The first one, it was fine"),
    ("Yeah , I've got {disfmarker} {vocalsound}", "Yeah, I've got"),
    ("It was sooooo slow!!!! lol", "It was soo slow!"),
    ("Um, you know, the fees.", "the fees."),
    ("(laughs)", ""),
    ("Oh sorry . Mm-hmm .", "Oh sorry."),
    ("Right? Uh.", "Right?"),
    ("and then... um.", "and then..."),
]


@pytest.mark.parametrize(("text", "expected"), CLEAN)
def test_clean_for_model(text, expected):
    assert clean_for_model(text) == expected


@pytest.mark.parametrize(
    "text",
    ["n/a", "N/A", "na", "None", "none.", "no comment", "Nothing", "-", ".", "", "   ", "test", "test test",
     "Test Test Test", "asdf", "idk", "IDK!", "no", "No.", "(laughs)", "[inaudible]", "um", "Not sure", "dunno",
     "I don't know", "sdfgh", "??", "n/a - n/a"],
)  # fmt: skip
def test_is_non_answer(text):
    assert is_non_answer(text)


@pytest.mark.parametrize(
    "text",
    ["No, the app kept crashing", "Nothing arrived on time", "delivery fees", "The test was fine",
     "I don't know why it kept failing", "Slots", "none of the slots worked", "NA was my region code, it failed"],
)  # fmt: skip
def test_is_not_non_answer(text):
    assert not is_non_answer(text)


SPEECHY = st.lists(
    st.sampled_from(
        ["um", "uh,", "you know,", "I mean,", "like,", "sooooo", "lol", "!!!", "...", " , ", "(laughs)", "[crosstalk]",
         "{vocalsound}", "&amp;", "<i>", "donâ€™t", "cafÃ©", "I", "the", "app", "slow", "fee.", "\n", "😡", "idk", "’",
         "[00:01:02]", "?!", ",", "Ã", "â€", "&", "amp;", "lt;", "<", ">", ":", "*", "u"]
    ),
    max_size=25,
).map(" ".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.one_of(SPEECHY, st.text(max_size=60)))
def test_clean_for_model_is_idempotent(text):
    once = clean_for_model(text)
    assert clean_for_model(once) == once


@settings(max_examples=200, deadline=None)
@given(st.one_of(SPEECHY, st.text(max_size=60)))
def test_each_cleaner_is_idempotent(text):
    for cleaner in (fix_mojibake, strip_markup, normalize_punctuation, normalize_whitespace, remove_fillers):
        once = cleaner(text)
        assert cleaner(once) == once, cleaner.__name__


# --- the cheap tests before each pattern change nothing -----------------------------------------


def _reference_clean(text: str) -> str:
    """`clean_for_model` with every pattern applied unconditionally (as before the cheap tests)."""
    import unicodedata

    from synth import clean as c

    def chat(t):
        t = c._STRETCHED.sub(c._shorten_stretch, t)
        t = c._LAUGHTER.sub(" ", t)
        t = c._CHAT.sub(lambda m: c.CHAT_WORDS[m.group(1).lower()], t)
        t = c._LOWER_CHAT.sub(lambda m: c.LOWERCASE_CHAT_WORDS[m.group(1)], t)
        return c._EMOJI.sub(lambda m: f" {c.EMOJI_WORDS[m.group(1)]} ", t)

    def fillers(t):
        while True:
            cleaned = c._FILLER.sub(" ", t)
            for pattern, replacement in c._CLAUSE_FILLERS:
                cleaned = pattern.sub(replacement, cleaned)
            cleaned = c._STUTTER.sub(lambda m: m.group(1), cleaned)
            if cleaned == t:
                return t
            t = cleaned

    def punctuation(t):
        t = t.translate(c._QUOTES)
        while True:
            tidied = t
            for pattern, replacement in c._PUNCTUATION_RULES:
                tidied = pattern.sub(replacement, tidied)
            if tidied == t:
                return t
            t = tidied

    def whitespace(t):
        return c._SPACES.sub(" ", c._INVISIBLE.sub("", unicodedata.normalize("NFC", t))).strip()

    for _ in range(8):
        cleaned = whitespace(punctuation(whitespace(fillers(chat(c.strip_markup(c.fix_mojibake(text)))))))
        if cleaned == text:
            break
        text = cleaned
    return text


PIECES = st.sampled_from(["lol", "LOL", "haha", "HeHe", "xD", "lmfao", "idk", "IDK", "tbh", "ſ", "ı", "K", "imſo", "plz",
                          "u", "ur", "😡", "👍", "…", "....", "!!", "??", "?!", "!?", ",,", ", ", " ,", " .", ";", ".",
                          " ", "\t", "\u200b", "\u00a0", "e\u0301", "um", "you know", "I mean", "like", "I, I", "the the",
                          "so", "word", "Booking", "soooo", ":", "(laughs)", "&amp;", "donâ€™t"])  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, max_size=14).map("".join))
def test_cleaning_with_the_cheap_tests_is_cleaning_without_them(text):
    assert clean_for_model(text) == _reference_clean(text)
