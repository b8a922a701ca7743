"""A sentiment score in [-1, 1] for each unit, with its reason; |score| < the neutral band is neutral.

Evidence:
- VADER (`vaderSentiment`), a maintained lexicon and rule set built for short
  informal text: it handles negation ("not bad"), contrast ("but"), intensifiers,
  capitals and "!" already, so synth does not keep its own rules for these;
- a three-class logistic regression on embeddings (positive / negative /
  neutral), trained on the codebook's sentiment examples, its pain_point examples
  as negative, its `none_examples` as neutral, and any labelled training rows.

With no labels the score is `LEXICON * vader + CLASSIFIER * (p_pos - p_neg)`, and a
unit the classifier finds most likely neutral keeps NEUTRAL_PULL of it (so it needs
twice the evidence to leave the neutral band). With at least MIN_LABELLED sentiment
labels the learned model decides: it is trained on the embedding plus VADER's four
scores as features, and the score is `p_pos - p_neg`, kept inside the band when
neutral is most likely.

Constants (LEXICON, CLASSIFIER, NEUTRAL_PULL, the codebook's neutral band) were chosen
on the dev sets of bench/tag_quality.py's two sentiment sets: the dev half of the
NaPiRE + NLU++ set and the 120 dev tweets we labelled (docs/quality.md). There the
pull of a pain-point tag on the score (0.3 before) lowered macro-F1, so a pain point
no longer moves sentiment: the classifier learns pain from the pain_point examples.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

from synth.tag.codebook import Codebook
from synth.tag.labelled import LabelledExample
from synth.tag.rules import RuleHits

LEXICON, CLASSIFIER = 0.4, 0.45
NEUTRAL_PULL = 0.5  # a most-likely-neutral unit keeps this share of its score
MIN_LABELLED = 30
CLASSES = ("negative", "neutral", "positive")


@lru_cache(maxsize=1)
def vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_scores(texts: Sequence[str]) -> np.ndarray:
    """(n, 4): VADER's neg, neu, pos and compound for each text."""
    analyzer = vader()
    rows = [analyzer.polarity_scores(t) for t in texts]
    return np.array([[r["neg"], r["neu"], r["pos"], r["compound"]] for r in rows], dtype=np.float64).reshape(-1, 4)


class SentimentScorer:
    """VADER plus a classifier from the codebook (and labels), ready to score units."""

    def __init__(self, codebook: Codebook, vectors: dict[str, np.ndarray], training: Sequence[LabelledExample], *, seed: int = 0):
        self.band = codebook.neutral_band
        words = codebook.sentiment
        rows = [(t, "positive") for t in words.positive_examples] + [(t, "negative") for t in words.negative_examples]
        pains = [c for c in codebook.kinds if c.id == "pain_point"]
        rows += [(t, "negative") for c in pains for t in c.examples]
        rows += [(t, "neutral") for t in (*words.neutral_examples, *codebook.none_examples, *(t for c in pains for t in c.negatives))]
        labelled = [(e.text, e.sentiment) for e in training if e.sentiment in CLASSES]
        self.learned = len(labelled) >= MIN_LABELLED
        rows += labelled
        self.model_: LogisticRegression | None = None
        if len({y for _, y in rows}) >= 2:
            x = np.array([vectors[t] for t, _ in rows])
            if self.learned:
                x = np.hstack([x, vader_scores([t for t, _ in rows])])
            self.model_ = LogisticRegression(C=1.0 if self.learned else 10.0, max_iter=2000, random_state=seed,
                                             class_weight=None if self.learned else "balanced")  # fmt: skip
            self.model_.fit(x, [y for _, y in rows])

    def _proba(self, vectors: np.ndarray, lexicon: np.ndarray) -> np.ndarray | None:
        if self.model_ is None or not len(vectors):
            return None
        x = np.hstack([vectors, lexicon]) if self.learned else vectors
        proba = self.model_.predict_proba(x)
        return np.column_stack([proba[:, list(self.model_.classes_).index(c)] if c in self.model_.classes_
                                else np.zeros(len(x)) for c in CLASSES])  # fmt: skip

    def score(self, vectors: np.ndarray, texts: Sequence[str], *, lexicon: np.ndarray | None = None) -> list[tuple[float, str]]:
        """(score, reason) per unit; `lexicon` is `vader_scores(texts)` when the caller has it."""
        lexicon = vader_scores(texts) if lexicon is None else lexicon
        proba = self._proba(vectors, lexicon)
        return [self._one(lexicon[i], None if proba is None else proba[i]) for i in range(len(texts))]

    def _one(self, lexicon: np.ndarray, proba) -> tuple[float, str]:
        compound = float(lexicon[3])
        parts = [] if self.learned and proba is not None else [(LEXICON * compound, f"lexicon (VADER) {compound:+.2f}")]
        if proba is not None:
            lean = float(proba[2] - proba[0])
            weight = 1.0 if self.learned else CLASSIFIER
            best = CLASSES[int(np.argmax(proba))]
            parts.append((weight * lean, f"classifier: {best} {float(proba.max()):.2f}"))
        value = float(np.clip(sum(v for v, _ in parts), -1.0, 1.0))
        if proba is not None and int(np.argmax(proba)) == 1:
            value = float(np.clip(value * NEUTRAL_PULL, -0.99 * self.band, 0.99 * self.band)) if self.learned else value * NEUTRAL_PULL
        return round(value, 4), _reason(parts)


def lexicon_score(hits: RuleHits) -> tuple[float, list[str]]:
    """The codebook's own word lists alone (the keyword-rules baseline): tanh of the summed polarities."""
    total, shown = 0.0, []
    for word, negated, intensified in hits.positive:
        total += (-1.0 if negated else 1.0) * (1.5 if intensified else 1.0)
        shown.append(f"'not {word}'" if negated else f"'{word}'")
    for word, negated, intensified in hits.negative:
        total += (0.5 if negated else -1.0) * (1.5 if intensified else 1.0)
        shown.append(f"'not {word}'" if negated else f"'{word}'")
    return float(np.tanh(0.7 * total)), shown[:4]


def _reason(parts: list[tuple[float, str]]) -> str:
    ranked = sorted((p for p in parts if p[1] and abs(p[0]) >= 0.05), key=lambda p: -abs(p[0]))
    return "; ".join(text for _, text in ranked[:2]) or "no sentiment cues"
