"""A sentiment score in [-1, 1] for each unit, with its reason.

Three pieces of evidence, weighted and summed:
- words from the codebook's sentiment lists, negation-aware ("not easy" counts
  as negative, "not bad" as mildly positive) and stronger after an intensifier
  ("really annoying");
- a logistic-regression classifier on embeddings trained on the codebook's
  positive and negative example sentences (plus labelled training rows);
- being tagged a pain point pulls the score down.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

from synth.tag.codebook import Codebook
from synth.tag.labelled import LabelledExample
from synth.tag.rules import RuleHits

WORDS, CLASSIFIER, PAIN = 0.5, 0.35, 0.3  # weights of the three pieces of evidence
NEGATED_NEGATIVE = 0.5  # "not bad" is weaker praise than "good"
INTENSIFIED = 1.5


class SentimentScorer:
    """Word lists and a classifier from the codebook, ready to score units."""

    def __init__(self, codebook: Codebook, vectors: dict[str, np.ndarray], training: Sequence[LabelledExample], *, seed: int = 0):
        words = codebook.sentiment
        texts = [*words.positive_examples, *words.negative_examples]
        labels = [1] * len(words.positive_examples) + [0] * len(words.negative_examples)
        for example in training:
            if example.sentiment in ("positive", "negative"):
                texts.append(example.text)
                labels.append(int(example.sentiment == "positive"))
        self.model_: LogisticRegression | None = None
        if len(set(labels)) == 2:
            self.model_ = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced", random_state=seed)
            self.model_.fit(np.array([vectors[t] for t in texts]), labels)

    def score(self, vectors: np.ndarray, hits: list[RuleHits], pain: np.ndarray) -> list[tuple[float, str]]:
        """(score, reason) per unit; `pain` is the unit's pain-point score (0 when not tagged one)."""
        positive = self.model_.predict_proba(vectors)[:, 1] if self.model_ is not None and len(vectors) else None
        out = []
        for i, unit_hits in enumerate(hits):
            lexicon, shown = lexicon_score(unit_hits)
            parts = [(WORDS * lexicon, f"words: {', '.join(shown)}" if shown else "")]
            if positive is not None:
                p = float(positive[i])
                parts.append((CLASSIFIER * (2 * p - 1), f"classifier: {'positive' if p >= 0.5 else 'negative'} {max(p, 1 - p):.2f}"))
            if pain[i] > 0:
                parts.append((-PAIN * float(pain[i]), f"pain point ({pain[i]:.2f})"))
            value = float(np.clip(sum(v for v, _ in parts), -1.0, 1.0))
            out.append((round(value, 4), _reason(parts)))
        return out


def lexicon_score(hits: RuleHits) -> tuple[float, list[str]]:
    """tanh-squashed sum of word polarities, and the words as shown in a reason."""
    total, shown = 0.0, []
    for word, negated, intensified in hits.positive:
        total += (-1.0 if negated else 1.0) * (INTENSIFIED if intensified else 1.0)
        shown.append(f"'not {word}'" if negated else f"'{word}'")
    for word, negated, intensified in hits.negative:
        total += (NEGATED_NEGATIVE if negated else -1.0) * (INTENSIFIED if intensified else 1.0)
        shown.append(f"'not {word}'" if negated else f"'{word}'")
    return float(np.tanh(0.7 * total)), shown[:4]


def _reason(parts: list[tuple[float, str]]) -> str:
    ranked = sorted((p for p in parts if p[1] and abs(p[0]) >= 0.05), key=lambda p: -abs(p[0]))
    return "; ".join(text for _, text in ranked[:2]) or "no sentiment cues"
