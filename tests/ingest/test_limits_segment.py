"""Segmenting never hands spaCy more than its max_length (issue 13, item 4: E088 stopped the whole run)."""

from __future__ import annotations

import spacy

from synth.records import Source, Span, Speaker, Turn
from synth.segment import build_participants, segment_sources


class _Plain:
    def redact(self, text: str) -> str:
        return text


def test_a_turn_over_the_pipelines_max_length_is_segmented_in_windows():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 1_000
    text = " ".join(f"Booking step {n} was slow for me." for n in range(200))  # 6,390 characters
    source = Source(
        "s", "s.txt", "transcript", "txt", "", (text,),
        turns=(Turn("Jane", text, (Span(1, 0, len(text)),)),),
        speakers=(Speaker("Jane", "participant"),),
    )  # fmt: skip
    participants = build_participants([source])
    units = segment_sources([source], participants, redactor=_Plain(), nlp=nlp, languages={"s": "en"})
    assert len(units) > 60
    assert all(text[u.spans[0].start : u.spans[0].end] == u.text for u in units)
    assert sum(len(u.text.split()) for u in units) == len(text.split())  # every word in exactly one unit
