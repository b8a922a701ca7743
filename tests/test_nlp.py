"""synth.nlp: the pipeline, and docs piped with cached lookup lemmas."""

from __future__ import annotations

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from synth.nlp import get_nlp, pipe_docs

WORDS = st.sampled_from(["running", "ran", "geese", "mice", "better", "Booking", "booked", "can't", "check-in", "I",
                         "was", "n't", "prices", ".", "?", " ", "£12", "cafés", "emails", "were"])  # fmt: skip


def _tokens(docs):
    return [[(t.text, t.lemma, t.lemma_, t.is_sent_start) for t in doc] for doc in docs]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(WORDS, max_size=12).map(" ".join), max_size=8))
def test_cached_lemmas_are_the_lemmatizers(texts):
    nlp = get_nlp()
    assert _tokens(pipe_docs(nlp, texts)) == _tokens(nlp.pipe(texts))
    assert _tokens(pipe_docs(nlp, texts, disable=["sentencizer"])) == _tokens(nlp.pipe(texts, disable=["sentencizer"]))


def test_a_pipeline_without_a_lookup_lemmatizer_is_piped_as_it_is():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    assert _tokens(pipe_docs(nlp, ["Prices were better. Booked it"])) == _tokens(nlp.pipe(["Prices were better. Booked it"]))


def test_a_pipeline_loaded_for_sentences_gets_its_lemmas_when_a_tagger_asks():
    from synth import nlp as module

    module._pipeline.cache_clear()  # a fresh process's first call: segmentation asks for sentences only
    try:
        splitter = get_nlp(lemmas=False)
        if "lemmatizer" not in splitter.pipe_names or splitter.pipe_names[0] != "sentencizer":
            return  # a trained pipeline is installed: it is loaded whole, nothing is deferred
        doc = splitter("The geese ran off. Then we booked.", disable=["lemmatizer"])
        assert [s.text for s in doc.sents] == ["The geese ran off.", "Then we booked."]
        try:
            splitter("The geese ran off.")
        except ValueError:
            pass  # an unloaded lookup lemmatizer refuses to run: no lemma is ever silently the word itself
        else:
            raise AssertionError("the lemmatizer ran without its table")
        tagger = get_nlp()
        assert tagger is splitter
        assert [t.lemma_ for t in tagger("The geese ran off.")][1:3] == ["goose", "run"]
    finally:
        module._pipeline.cache_clear()
