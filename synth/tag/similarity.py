"""Similarity to a codebook's example sentences, calibrated into a probability.

Raw cosine similarities mean different things for different models (MiniLM, the
static model, the hashing test embedder), so the index learns, from the codebook
alone, how similar an example is to the other examples of its own code versus the
examples of other codes (leave-one-out), and fits a one-feature logistic curve
cosine -> probability. Being closer to a code's `negatives` than to its examples
lowers the score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from synth.tag.codebook import Code


@dataclass(frozen=True)
class SimilarityScores:
    """Per unit and code: calibrated probability, best cosine, and the nearest example's text."""

    prob: np.ndarray  # (n, k)
    cosine: np.ndarray  # (n, k)
    nearest: list[list[str]]  # [unit][code] -> example text ("" when the code has no examples)


class ExampleIndex:
    """The examples (and negatives) of one codebook section, embedded once."""

    def __init__(self, codes: tuple[Code, ...], vectors: dict[str, np.ndarray]) -> None:
        """`vectors` maps every example and negative text to its embedding."""
        self.codes = codes
        self.examples = [np.array([vectors[t] for t in c.examples]) if c.examples else None for c in codes]
        self.negatives = [np.array([vectors[t] for t in c.negatives]) if c.negatives else None for c in codes]
        self.slope_, self.intercept_ = self._calibrate()

    def _calibrate(self) -> tuple[float, float]:
        """Fit cosine -> P(same code) on leave-one-out similarities among the examples."""
        xs, ys = [], []
        for i, own in enumerate(self.examples):
            if own is None:
                continue
            for row in range(len(own)):
                others = np.delete(own, row, axis=0)
                if len(others):
                    xs.append(float((others @ own[row]).max()))
                    ys.append(1)
                for j, other in enumerate(self.examples):
                    if j != i and other is not None:
                        xs.append(float((other @ own[row]).max()))
                        ys.append(0)
            if self.negatives[i] is not None:
                xs.extend(float(v) for v in (self.negatives[i] @ own.T).max(axis=1))
                ys.extend([0] * len(self.negatives[i]))
        if len(set(ys)) < 2:
            return 8.0, -4.0  # too few examples to learn from: 0.5 at cosine 0.5
        model = LogisticRegression(C=100.0, class_weight="balanced").fit(np.array(xs)[:, None], ys)
        return float(model.coef_[0, 0]), float(model.intercept_[0])

    def score(self, vectors: np.ndarray) -> SimilarityScores:
        n, k = len(vectors), len(self.codes)
        cosine = np.zeros((n, k), dtype=np.float64)
        effective = np.full((n, k), -1.0)
        nearest = [[""] * k for _ in range(n)]
        for j, (code, own) in enumerate(zip(self.codes, self.examples)):
            if own is None or n == 0:
                continue
            sims = vectors @ own.T
            best = sims.argmax(axis=1)
            cosine[:, j] = sims[np.arange(n), best]
            effective[:, j] = cosine[:, j]
            if self.negatives[j] is not None:
                neg = (vectors @ self.negatives[j].T).max(axis=1)
                effective[:, j] -= np.clip(neg - cosine[:, j], 0, None) * 2
            for i in range(n):
                nearest[i][j] = code.examples[best[i]]
        prob = 1.0 / (1.0 + np.exp(-(self.slope_ * effective + self.intercept_)))
        prob[:, [j for j, own in enumerate(self.examples) if own is None]] = 0.0
        return SimilarityScores(prob=prob, cosine=cosine, nearest=nearest)
