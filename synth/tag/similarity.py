"""Similarity to a codebook's example sentences, calibrated into a probability.

Raw cosine similarities mean different things for different models (MiniLM, the
static model, the hashing test embedder), so the index learns, from the codebook
alone, how similar an example is to the other examples of its own code versus the
examples of other codes (leave-one-out), and fits a one-feature logistic curve
cosine -> probability. Being closer to a code's `negatives` (or to a shared
negative, for kinds the codebook's `none_examples`) than to its examples lowers
the score.
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

    def __init__(self, codes: tuple[Code, ...], vectors: dict[str, np.ndarray], shared_negatives: tuple[str, ...] = ()) -> None:
        """`vectors` maps every example and negative text to its embedding.

        `shared_negatives` count as negatives of every code. The kinds pass the
        codebook's `none_examples`: without them a unit that shares a topic word
        with one example ("I have a booking" and "They lost my booking ...") scored
        0.9 for pain_point on the NLU++ hotels dev half (docs/quality.md).
        """
        self.codes = codes
        self.examples = [np.array([vectors[t] for t in c.examples]) if c.examples else None for c in codes]
        self.negatives = [_rows(vectors, (*c.negatives, *shared_negatives)) for c in codes]
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
            negatives = self.negatives[i]
            if negatives is not None:
                xs.extend(float(v) for v in (negatives @ own.T).max(axis=1))
                ys.extend([0] * len(negatives))
        if len(set(ys)) < 2:
            return 8.0, -4.0  # too few examples to learn from: 0.5 at cosine 0.5
        model = LogisticRegression(C=100.0, class_weight="balanced").fit(np.array(xs)[:, None], ys)
        return float(model.coef_[0, 0]), float(model.intercept_[0])

    def score(self, vectors: np.ndarray) -> SimilarityScores:
        n, k = len(vectors), len(self.codes)
        cosine = np.zeros((n, k), dtype=np.float64)
        effective = np.full((n, k), -1.0)
        columns = [[""] * n for _ in range(k)]  # per code, each unit's nearest example
        for j, (code, own) in enumerate(zip(self.codes, self.examples)):
            if own is None or n == 0:
                continue
            sims = vectors @ own.T
            best = sims.argmax(axis=1)
            cosine[:, j] = sims[np.arange(n), best]
            effective[:, j] = cosine[:, j]
            negatives = self.negatives[j]
            if negatives is not None:
                neg = (vectors @ negatives.T).max(axis=1)
                effective[:, j] -= np.clip(neg - cosine[:, j], 0, None) * 2
            columns[j] = [code.examples[b] for b in best.tolist()]
        nearest = [list(row) for row in zip(*columns)] if k else [[] for _ in range(n)]
        prob = 1.0 / (1.0 + np.exp(-(self.slope_ * effective + self.intercept_)))
        prob[:, [j for j, own in enumerate(self.examples) if own is None]] = 0.0
        return SimilarityScores(prob=prob, cosine=cosine, nearest=nearest)


def _rows(vectors: dict[str, np.ndarray], texts: tuple[str, ...]) -> np.ndarray | None:
    return np.array([vectors[t] for t in dict.fromkeys(texts)]) if texts else None


NONE_DESCRIPTION = "A neutral statement, a plain question or a fact, with no problem, wish, step or feeling."


class DescriptionPrior:
    """Zero-shot evidence: is a unit nearer a code's description than the description of "nothing to tag"?

    The margin `cos(unit, description) - cos(unit, NONE_DESCRIPTION)` is what a
    zero-shot classifier decides on. It is turned into a probability by a
    one-feature logistic curve fitted on the codebook alone: the code's examples
    are positives, `none_examples` and the code's negatives are negatives. It
    carries meaning where the examples do not reach: terse answers ("Lack of
    budget", "culture") that sit near no example sentence but nearer the
    description than "nothing". Why a separate prior and not one more example:
    the examples score absolute closeness, this scores closeness *relative to
    none*, which is what the NaPiRE dev half lacked (docs/quality.md).
    """

    def __init__(self, codes: tuple[Code, ...], vectors: dict[str, np.ndarray], none_examples: tuple[str, ...]) -> None:
        """`vectors` maps every description, example, negative, none example and NONE_DESCRIPTION to its embedding."""
        self.codes = codes
        self.none_ = vectors[NONE_DESCRIPTION]
        self.descriptions_ = [vectors[c.description] if c.description else None for c in codes]
        nones = [vectors[t] for t in none_examples]
        self.curves_ = [self._calibrate(c, d, nones, vectors) for c, d in zip(codes, self.descriptions_)]

    def _calibrate(self, code: Code, description, nones: list, vectors) -> tuple[float, float] | None:
        if description is None:
            return None
        positives = [vectors[t] for t in code.examples if t != code.description]
        negatives = nones + [vectors[t] for t in code.negatives]
        if not positives or not negatives:
            return 10.0, 0.0  # nothing to learn from: 0.5 where both descriptions are equally near
        x = self._margin(np.array(positives + negatives), description)[:, None]
        y = [1] * len(positives) + [0] * len(negatives)
        model = LogisticRegression(C=100.0, class_weight="balanced").fit(x, y)
        return float(model.coef_[0, 0]), float(model.intercept_[0])

    def _margin(self, vectors: np.ndarray, description: np.ndarray) -> np.ndarray:
        return vectors @ description - vectors @ self.none_

    def score(self, vectors: np.ndarray) -> np.ndarray:
        """(n, k) probabilities; 0 for a code without a description."""
        out = np.zeros((len(vectors), len(self.codes)))
        for j, (description, curve) in enumerate(zip(self.descriptions_, self.curves_)):
            if description is not None and curve is not None and len(vectors):
                out[:, j] = 1.0 / (1.0 + np.exp(-(curve[0] * self._margin(vectors, description) + curve[1])))
        return out
