"""Hand-built units and a quick tagger run for the tag tests (HashingEmbedder, no model files)."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from synth.embed import HashingEmbedder
from synth.nlp import get_nlp
from synth.records import Span, Unit
from synth.tag import tag_units
from synth.tag.codebook import load_codebook

LABELLED = Path(__file__).resolve().parents[1] / "data" / "labelled"


def units_of(texts: Sequence[str], questions: Sequence[str | None] | None = None) -> list[Unit]:
    questions = questions or [None] * len(texts)
    return [
        Unit(id=f"u{i:02d}", participant_id=f"P{i % 3}", source_id="s1", text=t, quote=t, clean_text=t,
             spans=(Span(i + 1, 0, len(t)),), location=f"line {i + 1}", question=q)  # fmt: skip
        for i, (t, q) in enumerate(zip(texts, questions))
    ]


def tag(texts, *, codebook=None, questions=None, embedder=None, training=(), seed=0):
    embedder = embedder or HashingEmbedder()
    units = units_of(texts, questions)
    book = codebook if codebook is not None else load_codebook(None)
    vectors = embedder.encode([u.clean_text for u in units])
    return tag_units(units, vectors, book, embedder, nlp=get_nlp(), training=list(training), seed=seed)


def kinds_of(tagging) -> set[str]:
    return {k.id for k in tagging.kinds}
