import re

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from synth.nlp import get_nlp
from synth.records import Label, Span, Tagging, Unit
from synth.tag.themes import FILLERS, _unit_terms, build_themes, cluster_members, label_clusters

SLOTS = [
    "Yeah, honestly the evening delivery slots are always gone by Tuesday.",
    "I basically need evening delivery slots because I work until six.",
    "The evening delivery slot I wanted was full again, kind of annoying.",
    "Evening delivery slots sell out, so I book a week ahead.",
]
FEES = [
    "The delivery fees are too high, like really high.",
    "Delivery fees went up again last month.",
    "I hate paying delivery fees on a small order.",
]
SUBSTITUTES = [
    "They substituted items without asking me.",
    "Two substituted items were more expensive than what I ordered.",
    "I sent back the substituted items, to be honest.",
]


def _vectors(groups):
    """Unit vectors around well-separated directions, `groups` = sizes."""
    rng = np.random.default_rng(0)
    rows = []
    for g, size in enumerate(groups):
        centre = np.zeros(16)
        centre[g] = 1.0
        for _ in range(size):
            v = centre + rng.normal(0, 0.05, 16)
            rows.append(v / np.linalg.norm(v))
    return np.array(rows, dtype=np.float32)


def _labels(*themes):
    terms = _unit_terms([t for theme in themes for t in theme], get_nlp())
    clusters, start = [], 0
    for theme in themes:
        clusters.append(terms[start:start + len(theme)])
        start += len(theme)
    return label_clusters(clusters)


def _words(text):
    return re.findall(r"[\w'-]+", text.lower())


def test_number_of_themes_comes_from_the_data():
    assert len(set(cluster_members(_vectors([4, 4, 4])))) == 3
    assert len(set(cluster_members(_vectors([5, 5])))) == 2
    assert len(set(cluster_members(_vectors([1])))) == 1


def test_labels_are_short_phrases_as_participants_say_them():
    slots, fees, substitutes = _labels(SLOTS, FEES, SUBSTITUTES)
    assert slots == "evening delivery slots"  # the longer phrase covers most uses of "delivery slots"
    assert fees == "delivery fees"  # the surface form, not the lemma "delivery fee"
    assert substitutes == "substituted items"


def test_labels_never_use_fillers_or_stop_words_and_come_from_the_units():
    chatter = [
        "Yeah, I mean, sure, basically it is what it is, you know.",
        "Okay, so yeah, honestly I just think it's kind of fine, actually.",
        "Right, I guess, like, I don't know, it's a lot.",
    ]
    labels = _labels(SLOTS, FEES, chatter)
    for label, texts in zip(labels, (SLOTS, FEES, chatter)):
        if label == "other":
            continue
        words = [w for phrase in label.split(" / ") for w in phrase.split()]
        assert not any(w in FILLERS or w in STOP_WORDS for w in words), label
        assert set(words) <= set(_words(" ".join(texts))), label
    assert labels[2] == "other"  # nothing but filler: no pretend topic


def test_a_mixed_theme_gets_one_phrase_never_a_slash():
    mixed = [
        "The chatbot goes round in circles.",
        "Chatbot kept looping, then the refund took weeks.",
        "Still waiting on a refund for the missing bag.",
        "The refund came after the chatbot finally gave up.",
    ]
    (label, _) = _labels(mixed, FEES)
    assert "/" not in label and label in {"chatbot", "refund"}


def test_big_groups_cluster_in_linear_cost_and_stay_deterministic():
    from synth.tag.themes import LARGE_GROUP, cluster_members

    rng = np.random.default_rng(1)
    centres = rng.normal(size=(3, 16))
    rows = np.vstack([c + 0.05 * rng.normal(size=(LARGE_GROUP, 16)) for c in centres])
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    first, second = cluster_members(rows, seed=3), cluster_members(rows, seed=3)
    assert (first == second).all() and len(first) == 3 * LARGE_GROUP
    for block in range(3):  # each planted group lands in one cluster
        assert len(set(first[block * LARGE_GROUP:(block + 1) * LARGE_GROUP])) == 1


def test_phrases_do_not_split_compounds_or_cross_placeholders():
    terms = _unit_terms(["The bag-free delivery option, then your driver [name] called.", "Dunno."], get_nlp())
    assert "free delivery" not in {s for s in terms[0].values()}
    assert "bag-free delivery" in terms[0].values()
    assert not any("name" in s.split() for s in terms[0].values())
    assert terms[1] == {}


def test_labels_are_deterministic():
    assert _labels(SLOTS, FEES, SUBSTITUTES) == _labels(SLOTS, FEES, SUBSTITUTES)


def test_build_themes_labels_from_the_redacted_quote_not_the_raw_text():
    raw = ["Eileen Murphy was lovely at the door.", "Eileen Murphy carried the heavy bags in.", "Eileen Murphy is a gem."]
    units = [
        Unit(f"u{i}", f"P{i}", "s1", text, quote=text.replace("Eileen Murphy", "[name]"), clean_text=text,
             spans=(Span(i + 1, 0, len(text)),), location=f"line {i + 1}")  # fmt: skip
        for i, text in enumerate(raw)
    ]
    taggings = [Tagging(u.id, Label("delivery", 0.9, "t"), (Label("emotion", 0.8, "t"),)) for u in units]
    vectors = _vectors([3])
    themes, per_unit = build_themes(units, vectors, taggings, get_nlp())
    assert [t.id for t in themes] == ["theme-delivery-emotion-1"]
    assert "eileen" not in themes[0].label and "murphy" not in themes[0].label
    assert per_unit == {u.id: ("theme-delivery-emotion-1",) for u in units}
