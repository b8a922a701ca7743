"""A scikit-learn classifier on embeddings, trained per codebook section.

Training data is the codebook's examples (and negatives, as counter-examples)
plus any labelled examples the user gives (`--train`, review relabels). Stages
are one-of-many (multinomial logistic regression); kinds and touchpoints are
many-of-many (one binary logistic regression per code). A code the data cannot
train (no positives, or nothing to contrast with) gets probability 0, and the
other evidence decides.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

C = 10.0  # embeddings are unit vectors: weak regularisation keeps probabilities informative


class SectionClassifier:
    """Probability of each code of one section given a unit's embedding."""

    def __init__(self, code_ids: tuple[str, ...], *, exclusive: bool, seed: int = 0) -> None:
        self.code_ids = code_ids
        self.exclusive = exclusive
        self.seed = seed

    def fit(self, vectors: np.ndarray, positive: list[frozenset[str]], negative: list[frozenset[str]]) -> "SectionClassifier":
        """Row i is an example of the codes in `positive[i]` and a counter-example of those in `negative[i]`.

        A code is trained only on rows that say something about it, so a
        codebook's negative for one code never counts against another.
        """
        self.models_: dict[str, LogisticRegression] = {}
        self.multinomial_: LogisticRegression | None = None
        if self.exclusive:
            rows = [i for i, pos in enumerate(positive) if len(pos) == 1]
            y = [next(iter(positive[i])) for i in rows]
            if len(set(y)) >= 2:
                self.multinomial_ = self._model().fit(vectors[rows], y)
            return self
        for code in self.code_ids:
            rows = [i for i in range(len(positive)) if code in positive[i] or code in negative[i]]
            hit = np.array([code in positive[i] for i in rows])
            if hit.any() and not hit.all():
                self.models_[code] = self._model().fit(vectors[rows], hit)
        return self

    def _model(self) -> LogisticRegression:
        return LogisticRegression(C=C, max_iter=2000, class_weight="balanced", random_state=self.seed)

    def predict_proba(self, vectors: np.ndarray) -> np.ndarray:
        """(n, k) probabilities in code order; zeros where a code could not be trained."""
        out = np.zeros((len(vectors), len(self.code_ids)))
        if len(vectors) == 0:
            return out
        if self.multinomial_ is not None:
            proba = self.multinomial_.predict_proba(vectors)
            for col, cls in enumerate(self.multinomial_.classes_):
                out[:, self.code_ids.index(cls)] = proba[:, col]
        for code, model in self.models_.items():
            out[:, self.code_ids.index(code)] = model.predict_proba(vectors)[:, 1]
        return out
