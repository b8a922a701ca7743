"""The zero-shot description prior (`synth/tag/similarity.py`) and what it changes for a user."""

from dataclasses import replace

import numpy as np
import pytest

from synth.tag.codebook import Code
from synth.tag.similarity import NONE_DESCRIPTION, DescriptionPrior
from tests.tag.helpers import kinds_of, tag


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float64)
    return v / np.linalg.norm(v)


def test_prior_prefers_units_nearer_the_description_than_nothing():
    # axis 0: "a problem", axis 1: "nothing to tag"; examples lean to their side
    code = Code("pain_point", "Pain", description="a problem", examples=("e1", "e2", "a problem"))
    vectors = {"a problem": _unit(1, 0, 0), NONE_DESCRIPTION: _unit(0, 1, 0), "e1": _unit(0.9, 0.2, 0.3),
               "e2": _unit(0.8, 0.1, 0.5), "n1": _unit(0.2, 0.9, 0.3), "n2": _unit(0.1, 0.8, 0.5)}
    bare = Code("other", "Other", examples=("e1",))
    prior = DescriptionPrior((code, bare), vectors, ("n1", "n2"))
    scores = prior.score(np.array([_unit(0.7, 0.3, 0.6), _unit(0.3, 0.7, 0.6)]))
    assert scores[0, 0] > 0.5 > scores[1, 0]
    assert (scores[:, 1] == 0).all()  # a code without a description gets no prior


@pytest.mark.slow
def test_terse_problems_and_suggestions_are_tagged_by_the_default_codebook():
    from synth.embed import make_embedder
    from synth.tag.codebook import load_codebook

    embedder = make_embedder("all-MiniLM-L6-v2")
    pains = ["Unrealistic deadlines.", "Poor handover between shifts.", "High staff turnover."]
    wishes = ["The help page should explain what each field means.", "A dark theme would be useful in the evening.",
              "Maybe add a way to print the whole list."]
    result = tag(pains + wishes, embedder=embedder).taggings
    assert all("pain_point" in kinds_of(t) for t in result[:3])
    assert all("motivation" in kinds_of(t) for t in result[3:6])
    book = load_codebook(None)
    off = tag(pains + wishes, codebook=replace(book, weights={**book.weights, "prior": 0.0}), embedder=embedder).taggings
    on = [max([k.score for k in t.kinds if k.id == kind], default=0.0) for t, kind in zip(result, ["pain_point"] * 3 + ["motivation"] * 3)]
    without = [max([k.score for k in t.kinds if k.id == kind], default=0.0) for t, kind in zip(off, ["pain_point"] * 3 + ["motivation"] * 3)]
    assert sum(on) > sum(without)  # these sit nearer their description than "nothing": the prior lifts them
