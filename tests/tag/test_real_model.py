"""One check with the real default model (slow: loads all-MiniLM-L6-v2)."""

import pytest

from synth.embed import make_embedder
from tests.tag.helpers import kinds_of, tag


@pytest.mark.slow
def test_real_model_tags_a_small_interview():
    embedder = make_embedder("all-MiniLM-L6-v2")
    result = tag(
        ["I compared prices on a few apps before choosing this one.",
         "The payment page kept failing when I tried to check out.",
         "The app is not confusing at all."],
        embedder=embedder,
    )
    compare, pay, fine = result.taggings
    assert compare.stage.id == "consideration"
    assert pay.stage.id == "purchase" and "pain_point" in kinds_of(pay) and pay.sentiment < 0
    assert "pain_point" not in kinds_of(fine)
    assert result == tag([u for u in ["I compared prices on a few apps before choosing this one.",
                                      "The payment page kept failing when I tried to check out.",
                                      "The app is not confusing at all."]], embedder=embedder)
