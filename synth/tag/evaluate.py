"""`synth eval`: score the tagger against human labels.

For each label column the file has, precision, recall and F1 per label and their
macro average over the labels that occur in the human labels. Stage and
sentiment are one-of-many and also get a confusion table (rows: human label,
columns: tagger); a unit with no stage is `(none)`, which counts as a miss where
a stage was expected. Kinds and touchpoints are many-of-many: each label is
scored on its own over all rows. Every label also gets Cohen's kappa of
"has this label" between the human and the tagger (`synth.agreement.binary_kappa`,
scikit-learn's `cohen_kappa_score`), the figure `synth run --coded` reports.
The tagger is *not* trained on the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

import numpy as np

from synth.agreement import binary_kappa
from synth.errors import InputError
from synth.records import Span, Unit
from synth.tag.codebook import Codebook
from synth.tag.labelled import LabelledExample, read_labelled_table

NONE = "(none)"


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int  # rows with this human label
    kappa: float | None = None  # Cohen's kappa of has-this-label, human vs tagger (None: undefined)


@dataclass(frozen=True)
class FieldReport:
    """Scores of one label column."""

    name: str
    rows: int
    labels: tuple[LabelScore, ...]
    macro_f1: float
    confusion: tuple[tuple[str, ...], tuple[tuple[int, ...], ...]] | None = None  # (labels, gold x predicted)

    def to_dict(self) -> dict:
        out = {
            "rows": self.rows,
            "macro_f1": round(self.macro_f1, 4),
            "labels": {
                s.label: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "support": s.support,
                    "kappa": None if s.kappa is None else round(s.kappa, 4),
                }
                for s in self.labels
            },
        }
        if self.confusion:
            names, matrix = self.confusion
            out["confusion"] = {"labels": list(names), "matrix": [list(r) for r in matrix]}
        return out


@dataclass(frozen=True)
class Report:
    source: str
    rows: int
    fields: tuple[FieldReport, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return {"file": self.source, "rows": self.rows, **{f.name: f.to_dict() for f in self.fields}}

    def render_text(self) -> str:
        lines = [f"{self.source}: {self.rows} labelled rows"]
        for report in self.fields:
            lines += ["", f"{report.name}: macro-F1 {report.macro_f1:.3f} ({report.rows} rows)", _table(report)]
            if report.confusion:
                lines += [f"{report.name} confusion (rows: human label, columns: tagger)", _confusion(report.confusion)]
        return "\n".join(lines)


def _table(report: FieldReport) -> str:
    width = max([len("label")] + [len(s.label) for s in report.labels])
    rows = [f"  {'label':<{width}}  precision  recall     f1  support   kappa"]
    for s in report.labels:
        kappa = "      –" if s.kappa is None else f"{s.kappa:7.3f}"
        rows.append(f"  {s.label:<{width}}  {s.precision:9.3f}  {s.recall:6.3f}  {s.f1:5.3f}  {s.support:7d}  {kappa}")
    return "\n".join(rows)


def _confusion(confusion) -> str:
    names, matrix = confusion
    width = max(len(n) for n in names)
    cell = max(6, *(len(n) for n in names))
    head = "  " + " " * width + "".join(f" {n:>{cell}}" for n in names)
    body = [f"  {n:<{width}}" + "".join(f" {v:>{cell}d}" for v in row) for n, row in zip(names, matrix)]
    return "\n".join([head, *body])


def score_single(name: str, gold: Sequence[str], predicted: Sequence[str], order: Sequence[str]) -> FieldReport:
    """One-of-many scores; macro-F1 over the labels in `gold` (except `(none)`)."""
    present = [label for label in order if label in set(gold) and label != NONE]
    scores = tuple(_prf(label, [g == label for g in gold], [p == label for p in predicted]) for label in present)
    names = tuple(label for label in order if label in set(gold) | set(predicted))
    index = {n: i for i, n in enumerate(names)}
    matrix = np.zeros((len(names), len(names)), dtype=int)
    for g, p in zip(gold, predicted):
        matrix[index[g], index[p]] += 1
    return FieldReport(name, len(gold), scores, _macro(scores), (names, tuple(tuple(int(v) for v in r) for r in matrix)))


def score_multi(name: str, gold: Sequence[frozenset], predicted: Sequence[frozenset], order: Sequence[str]) -> FieldReport:
    """Many-of-many scores, each label on its own; macro-F1 over labels with human support."""
    present = [label for label in order if any(label in g for g in gold)]
    scores = tuple(_prf(label, [label in g for g in gold], [label in p for p in predicted]) for label in present)
    return FieldReport(name, len(gold), scores, _macro(scores))


def _prf(label: str, gold: list[bool], predicted: list[bool]) -> LabelScore:
    tp = sum(g and p for g, p in zip(gold, predicted))
    n_pred, n_gold = sum(predicted), sum(gold)
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return LabelScore(label, precision, recall, f1, n_gold, binary_kappa(gold, predicted))


def _macro(scores: Sequence[LabelScore]) -> float:
    return float(np.mean([s.f1 for s in scores])) if scores else 0.0


def sentiment_label(score: float, band: float) -> str:
    """positive / negative / neutral from a score in [-1, 1] and the codebook's neutral band."""
    return "positive" if score > band else "negative" if score < -band else "neutral"


def evaluate_labelled(path: Path, codebook: Codebook, embedder, seed: int = 0, *,
                      training: Sequence[LabelledExample] = (), folds: int | None = None) -> Report:  # fmt: skip
    """Tag the texts of a labelled CSV and score every label column present.

    With no `training` and no `folds` the tagger is *not* trained on the file
    (the zero-config figure). `training` rows (`--train`) teach it first;
    `folds=K` cross-validates over the file itself: each row is tagged by a tagger
    trained on the other K-1 folds (rows shuffled once by `seed`).
    """
    present, examples = read_labelled_table(path)
    _check_known(path, examples, present, codebook)
    return evaluate_examples(examples, present, codebook, embedder, seed=seed, source=str(path),
                             training=training, folds=folds)  # fmt: skip


def evaluate_examples(examples: Sequence[LabelledExample], present: Sequence[str], codebook: Codebook, embedder,
                      *, seed: int = 0, source: str = "examples", training: Sequence[LabelledExample] = (),
                      folds: int | None = None) -> Report:  # fmt: skip
    """Score the tagger's output on `examples` (see `evaluate_labelled`)."""
    embedder = MemoEmbedder(embedder)
    taggings = predict_examples(examples, codebook, embedder, seed=seed, training=training, folds=folds)
    return score_taggings(examples, present, codebook, taggings, source)


def predict_examples(examples: Sequence[LabelledExample], codebook: Codebook, embedder, *, seed: int = 0,
                     training: Sequence[LabelledExample] = (), folds: int | None = None) -> list:  # fmt: skip
    """One Tagging per example, in order (cross-validated when `folds` is given)."""
    from synth.clean import clean_for_model
    from synth.tag.labelled import cleaned_examples

    units = [_unit(i, e, clean_for_model(e.text)) for i, e in enumerate(examples)]
    vectors = embedder.encode([u.clean_text for u in units])
    # training rows are embedded as the units are: cleaned text (and the fold rows' vectors are then re-used)
    training = cleaned_examples(training)
    examples = [replace(e, text=u.clean_text) for e, u in zip(examples, units)]
    if not folds:
        return _tag(units, vectors, codebook, embedder, list(training), seed)
    if not 2 <= folds <= len(examples):
        raise InputError("", f"folds must be between 2 and the number of rows ({len(examples)}). Got {folds} instead.")
    order = np.random.default_rng(seed).permutation(len(examples))
    fold_of = np.empty(len(examples), dtype=int)
    fold_of[order] = np.arange(len(examples)) % folds
    out: list = [None] * len(examples)
    for fold in range(folds):
        held = np.flatnonzero(fold_of == fold)
        train = list(training) + [examples[i] for i in np.flatnonzero(fold_of != fold)]
        for i, tagging in zip(held, _tag([units[i] for i in held], vectors[held], codebook, embedder, train, seed)):
            out[i] = tagging
    return out


def _tag(units, vectors, codebook: Codebook, embedder, training: list, seed: int) -> list:
    from synth.nlp import get_nlp
    from synth.tag.tagger import Tagger

    return Tagger(codebook, embedder, get_nlp(), training=training, seed=seed).tag(units, vectors) if units else []


def score_taggings(examples: Sequence[LabelledExample], present: Sequence[str], codebook: Codebook, taggings,
                   source: str) -> Report:  # fmt: skip
    """The report of `taggings` against the human labels of `examples`."""
    fields = []
    if "stage" in present:
        order = [c.id for c in codebook.stages] + [NONE]
        gold = [e.stage or NONE for e in examples]
        fields.append(score_single("stage", gold, [t.stage.id if t.stage else NONE for t in taggings], order))
    for column, section in (("kinds", codebook.kinds), ("touchpoints", codebook.touchpoints)):
        if column in present:
            gold_sets = [frozenset(getattr(e, column)) for e in examples]
            predicted_sets = [frozenset(label.id for label in getattr(t, column)) for t in taggings]
            fields.append(score_multi(column, gold_sets, predicted_sets, [c.id for c in section]))
    if "sentiment" in present:
        rows = [i for i, e in enumerate(examples) if e.sentiment]
        moods = [str(examples[i].sentiment) for i in rows]
        guessed = [sentiment_label(taggings[i].sentiment, codebook.neutral_band) for i in rows]
        fields.append(score_single("sentiment", moods, guessed, ["positive", "negative", "neutral"]))
    return Report(source, len(examples), tuple(fields))


class MemoEmbedder:
    """Embeds each distinct text once per evaluation (folds and training re-use the rows' vectors)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.model_id = getattr(inner, "model_id", "")
        self._vectors: dict[str, np.ndarray] = {}

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: Sequence[str], progress=None) -> np.ndarray:
        missing = sorted({t for t in texts if t not in self._vectors})
        if missing:
            self._vectors.update(zip(missing, self.inner.encode(missing)))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.array([self._vectors[t] for t in texts], dtype=np.float32)


def _unit(index: int, example: LabelledExample, clean: str) -> Unit:
    return Unit(
        id=f"row-{index + 2}",
        participant_id="eval",
        source_id="eval",
        text=example.text,
        quote=example.text,
        clean_text=clean or example.text,
        spans=(Span(index + 2, 0, len(example.text)),),
        location=f"row {index + 2}",
        question=example.question,
    )


def _check_known(path: Path, examples: Sequence[LabelledExample], present: Sequence[str], codebook: Codebook) -> None:
    """A human label the codebook does not have can never be predicted: say so instead of scoring 0."""
    known = {"stage": {c.id for c in codebook.stages}, "kinds": {c.id for c in codebook.kinds},
             "touchpoints": {c.id for c in codebook.touchpoints}}  # fmt: skip
    for number, example in enumerate(examples, start=2):
        for column in ("stage", "kinds", "touchpoints"):
            if column not in present:
                continue
            value = getattr(example, column)
            for label in (value,) if column == "stage" else value:
                if label and label not in known[column]:
                    raise InputError(str(path), f"{column} {label!r} is not in the codebook", row=number, column=column,
                                     hint="pass --codebook with the codebook these labels were made with")  # fmt: skip
