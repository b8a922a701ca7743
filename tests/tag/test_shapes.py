"""Sentence shapes the old tagger got wrong, in our own words, tagged right by the default codebook.

Each needs meaning rather than a word match, so these use the real default model (slow).
"""

import tempfile
from pathlib import Path

import pytest

from synth.embed import make_embedder
from tests.tag.helpers import kinds_of, tag

SHAPES = [
    # (text, kind that must be there, kind that must not)
    ("I missed the airport bus this morning because I overslept.", None, "pain_point"),
    ("I waited a few weeks for the new laptop, but it has been a brilliant upgrade.", None, "pain_point"),
    ("Honestly nobody is upset about the new timetable.", None, "pain_point"),
    ("Please bring back the old playlist view, the new one hides everything.", "motivation", None),
    ("Could you please add a way to pay in instalments?", "motivation", None),
    ("I wish I could pause my membership over the summer.", "motivation", None),
    ("The sync keeps failing and I lose an hour of work every time.", "pain_point", None),
    # a request that shares a topic word with a problem example ("They lost my booking ..."), and a bare fragment
    ("I'd like to move my booking to the Friday, please.", None, "pain_point"),
    ("Just one week.", None, "pain_point"),
    ("The screen cracked within a week and the speakers crackle.", "pain_point", None),
    ("The staff were lovely and very helpful.", None, "pain_point"),  # praise of a topic complaints are about
]


@pytest.fixture(scope="module")
def tagged():
    embedder = make_embedder("all-MiniLM-L6-v2")
    return tag([text for text, _, _ in SHAPES], embedder=embedder).taggings


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(SHAPES)))
def test_shape_is_tagged_right(tagged, index):
    text, wanted, unwanted = SHAPES[index]
    kinds = kinds_of(tagged[index])
    if wanted:
        assert wanted in kinds, text
    if unwanted:
        assert unwanted not in kinds, text


@pytest.mark.slow
def test_calm_nobody_is_not_negative(tagged):
    assert tagged[2].sentiment > -0.1


@pytest.mark.slow
def test_a_number_is_not_loyalty_points():
    # the retail codebook has a Loyalty programme touchpoint; the default has none to get wrong
    from synth.tag.codebook import domain_codebook_text, load_codebook

    path = Path(tempfile.mkdtemp()) / "retail.yaml"
    path.write_text(domain_codebook_text("retail"), encoding="utf-8")
    embedder = make_embedder("all-MiniLM-L6-v2")
    result = tag(["The battery lasts about one point four hours on a charge.",
                  "We went through the points on the agenda one by one.",
                  "I collect loyalty points every time I shop there."], codebook=load_codebook(path), embedder=embedder)
    assert "loyalty_programme" in {t.id for t in result.taggings[2].touchpoints}
    result = type(result)(taggings=result.taggings[:2], themes=())
    for tagging in result.taggings:
        assert "loyalty_programme" not in {t.id for t in tagging.touchpoints}
