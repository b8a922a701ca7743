"""Tag evidence units: stage, kinds, touchpoints and sentiment, each with a score and a reason.

Meaning leads, rules are boosts that need context (docs/tagging.md has the whole formula):

    meaning = 1 - (1 - w_similarity * sim) (1 - w_classifier * clf)       (clf alone once labels exist)
    meaning += share * max(0, prior - meaning)                              (kinds: the zero-shot prior)
    meaning = 1 - (1 - meaning) (1 - w_question * q)
    score   = 1 - (1 - meaning) (1 - w_rules * gate(meaning, threshold))    (a matched pattern lifts)

- sim: calibrated similarity to the code's example sentences (`similarity.py`);
- clf: a logistic-regression classifier on embeddings (`classifier.py`);
- prior (kinds only): closeness to the code's description against "nothing to tag"
  (`similarity.DescriptionPrior`); its share `w_prior * max(0, 1 - labelled / 30)` gives way to labels;
- q (stages only): the question the unit answers matched the stage's patterns or examples;
- rule: a codebook pattern matched on lemmas, negation-aware, gated by the meaning so that a bare word
  never makes a code on its own (`rules.py`).

A stage is the best-scoring stage above its threshold (or none); kinds and
touchpoints are every code above its threshold. The reason shown is the strongest
one or two pieces of evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from synth.parallel import chunked, ordered_map
from synth.records import Label, Tagging, TagResult, Unit
from synth.tag.classifier import SectionClassifier
from synth.tag.codebook import SECTIONS, Codebook
from synth.tag.labelled import LabelledExample
from synth.tag.rules import RuleHits, RuleMatcher
from synth.tag.sentiment import SentimentScorer, vader, vader_scores
from synth.tag.similarity import NONE_DESCRIPTION, DescriptionPrior, ExampleIndex
from synth.threads import one_thread

MIN_REASON = 0.2  # weighted evidence below this is not worth showing as a reason
MIN_LABELLED = 30  # labelled rows of a section from which its learned classifier alone carries the meaning
UNITS_PER_CHUNK = 1000  # units read per task in a worker process (synth.parallel)


@dataclass(frozen=True)
class SectionScores:
    """Combined scores (n, k) of one section and the pieces needed to explain them."""

    score: np.ndarray
    rule: np.ndarray  # -1 negated, 0 none, 1 matched
    patterns: list[list[str | None]]
    sim: np.ndarray
    cosine: np.ndarray
    nearest: list[list[str]]
    clf: np.ndarray
    question: np.ndarray
    questions: list[str | None]
    above: np.ndarray  # (n, k) bool: score at or above the code's threshold


class Tagger:
    """A codebook made ready to tag: patterns compiled, examples embedded, classifiers trained."""

    def __init__(self, codebook: Codebook, embedder, nlp, *, training: Sequence[LabelledExample] = (), seed: int = 0):
        self.codebook = codebook
        self.rules = RuleMatcher(codebook, nlp)
        self.embedder = embedder
        described = with_descriptions(codebook)
        codebook = praise_is_not_pain(described)
        texts = _training_texts(codebook, training)
        matrix = embedder.encode(texts) if texts else np.zeros((0, 1), dtype=np.float32)
        vectors = {t: matrix[i] for i, t in enumerate(texts)}
        # a unit nearer a "nothing to tag" sentence than to a kind's examples is not that kind by similarity
        shared = {"kinds": codebook.none_examples}
        self.indexes = {s: ExampleIndex(codebook.section(s), vectors, shared.get(s, ())) for s in SECTIONS}
        self.prior = DescriptionPrior(codebook.kinds, vectors, codebook.none_examples)
        self.classifiers = {s: _train_section(codebook, s, training, vectors, seed) for s in SECTIONS}
        self.learned = {s: _labelled_count(training, s) >= MIN_LABELLED for s in SECTIONS}
        # the zero-shot prior gives way to labels: its share shrinks linearly to 0 at MIN_LABELLED labelled rows
        self.prior_share = self.codebook.weights["prior"] * max(0.0, 1 - _labelled_count(training, "kinds") / MIN_LABELLED)
        self.sentiment = SentimentScorer(described, vectors, training, seed=seed)

    def score_section(self, section: str, vectors: np.ndarray, hits: list[RuleHits], questions=None) -> SectionScores:
        codes = self.codebook.section(section)
        n, k = len(vectors), len(codes)
        rule = np.zeros((n, k))
        patterns: list[list[str | None]] = [[None] * k for _ in range(n)]
        columns: dict[str, list[int]] = {}
        for j, code in enumerate(codes):
            columns.setdefault(code.id, []).append(j)
        for i, unit_hits in enumerate(hits):  # a code without hits keeps (0, None): only hits are looked at
            for hit_section, code_id in unit_hits.codes:
                for j in columns.get(code_id, ()) if hit_section == section else ():
                    rule[i, j], patterns[i][j] = unit_hits.evidence(section, code_id)
        if section == "kinds":
            self._negated_positive_is_pain(rule, patterns, hits)
        sims = self.indexes[section].score(vectors)
        clf = self.classifiers[section].predict_proba(vectors) if n else np.zeros((0, k))
        q, shown = questions if questions is not None else (np.zeros((n, k)), list[str | None]([None] * n))
        w = self.codebook.weights
        if self.learned[section]:
            meaning = clf  # labels exist: the learned model decides
        else:
            meaning = 1 - (1 - w["similarity"] * sims.prob) * (1 - w["classifier"] * clf)
            if section == "kinds" and w["similarity"] + w["classifier"] > 0:  # zero-shot prior: lifts, never lowers
                meaning = meaning + self.prior_share * np.clip(self.prior.score(vectors) - meaning, 0, None)
        meaning = 1 - (1 - meaning) * (1 - w["question"] * q)
        thresholds = np.array([c.threshold for c in codes]) if k else np.zeros(0)
        gated = w["similarity"] + w["classifier"] > 0  # a rules-only codebook has no meaning to gate on
        score = combine_rules(meaning, rule, w["rules"], thresholds if gated else np.zeros(k))
        above = score >= thresholds if k else np.zeros((n, 0), dtype=bool)
        return SectionScores(score, rule, patterns, sims.prob, sims.cosine, sims.nearest, clf, q, shown, above)

    def _negated_positive_is_pain(self, rule: np.ndarray, patterns, hits: list[RuleHits]) -> None:
        """ "not easy", "wasn't helpful": a negated positive word is a pain-point cue."""
        ids = [c.id for c in self.codebook.kinds]
        if "pain_point" not in ids:
            return
        j = ids.index("pain_point")
        for i, unit_hits in enumerate(hits):
            negated = [w for w, neg, _ in unit_hits.positive if neg]
            if negated and rule[i, j] <= 0:
                rule[i, j], patterns[i][j] = 1, f"not {negated[0]}"

    def question_evidence(self, units: Sequence[Unit]) -> tuple[np.ndarray, list[str | None]]:
        """Per unit and stage: how strongly the unit's question points at the stage."""
        stages = self.codebook.stages
        q = np.zeros((len(units), len(stages)))
        asked = sorted({u.question for u in units if u.question})
        if not asked:
            return q, [None] * len(units)
        hits = self.rules.match(asked)
        sims = self.indexes["stages"].score(self.embedder.encode(asked))
        row = {text: i for i, text in enumerate(asked)}
        for i, unit in enumerate(units):
            if unit.question:
                r = row[unit.question]
                matched = np.array([hits[r].evidence("stages", c.id)[0] > 0 for c in stages], dtype=float)
                q[i] = np.maximum(matched, sims.prob[r])
        return q, [u.question for u in units]

    def tag(self, units: Sequence[Unit], vectors: np.ndarray, *, processes: int | None = None) -> list[Tagging]:
        hits, lexicon = self.read_units(units, processes=processes)
        stages = self.score_section("stages", vectors, hits, self.question_evidence(units))
        kinds = self.score_section("kinds", vectors, hits)
        touch = self.score_section("touchpoints", vectors, hits)
        sentiment = self.sentiment.score(vectors, [u.text for u in units], lexicon=lexicon)
        return [
            Tagging(
                unit_id=unit.id,
                stage=self._stage(stages, i),
                kinds=self._labels("kinds", kinds, i),
                touchpoints=self._labels("touchpoints", touch, i),
                sentiment=sentiment[i][0],
                sentiment_reason=sentiment[i][1],
            )
            for i, unit in enumerate(units)
        ]

    def read_units(self, units: Sequence[Unit], *, processes: int | None = None) -> tuple[list[RuleHits], np.ndarray]:
        """Each unit's rule hits (on its cleaned text) and VADER's scores (on its text), in `processes`
        forked workers when there are many units (`synth.parallel`; both are per-unit Python)."""
        texts = ([u.clean_text or u.text for u in units], [u.text for u in units])
        vader()  # loaded before forking, so that every worker has it
        parts = list(ordered_map(_read_texts, (self.rules, *texts), chunked(len(units), UNITS_PER_CHUNK), processes=processes))
        hits = [h for part_hits, _ in parts for h in part_hits]
        return hits, np.vstack([lexicon for _, lexicon in parts]) if parts else np.zeros((0, 4))

    def _stage(self, scores: SectionScores, i: int) -> Label | None:
        if not len(self.codebook.stages):
            return None
        j = int(np.argmax(scores.score[i]))
        code = self.codebook.stages[j]
        if scores.score[i, j] < code.threshold:
            return None
        return Label(code.id, round(float(scores.score[i, j]), 4), explain(self.codebook, "stages", scores, i, j))

    def _labels(self, section: str, scores: SectionScores, i: int) -> tuple[Label, ...]:
        codes = self.codebook.section(section)
        return tuple(
            Label(codes[j].id, round(float(scores.score[i, j]), 4), explain(self.codebook, section, scores, i, j))
            for j in np.flatnonzero(scores.above[i]).tolist()
        )


def _read_texts(state: tuple[RuleMatcher, list[str], list[str]], chunk: range) -> tuple[list[RuleHits], np.ndarray]:
    rules, cleaned, texts = state
    return rules.match([cleaned[i] for i in chunk]), vader_scores([texts[i] for i in chunk])


def combine_rules(meaning: np.ndarray, rule: np.ndarray, weight: float, thresholds: np.ndarray) -> np.ndarray:
    """Rules are boosts that need context: a pattern lifts a score only when the meaning is already near.

    The boost is `weight * gate`, with gate rising from 0 at half the code's
    threshold to 1 at the threshold: `score = 1 - (1 - meaning)(1 - weight * gate)`.
    A unit whose meaning is far from a code gets nothing from a word match
    ("I missed the shuttle" is not a pain point because it says "miss"). A
    pattern found only negated ("not confusing at all") scales the score by
    `1 - weight / 2`. Thresholds of 0 switch the gate off (rules-only codebooks).
    """
    floor = thresholds / 2
    gate = np.clip((meaning - floor) / np.maximum(thresholds - floor, 1e-9), 0.0, 1.0)
    gate = np.where(thresholds > 0, gate, 1.0)
    boosted = 1 - (1 - meaning) * (1 - weight * gate)
    score = np.where(rule > 0, boosted, meaning)
    return np.where(rule < 0, score * (1 - weight / 2), score)


def explain(codebook: Codebook, section: str, s: SectionScores, i: int, j: int) -> str:
    """The strongest one or two pieces of evidence for code j on unit i, in words."""
    w = codebook.weights
    code_id = codebook.section(section)[j].id
    parts = []
    if s.rule[i, j] > 0:
        parts.append((w["rules"], f"pattern '{s.patterns[i][j]}' ({code_id})"))
    if s.nearest[i][j]:
        parts.append((w["similarity"] * s.sim[i, j], f"nearest example: '{s.nearest[i][j]}' ({s.cosine[i, j]:.2f})"))
    parts.append((w["classifier"] * s.clf[i, j], f"classifier {s.clf[i, j]:.2f}"))
    question = s.questions[i]
    if s.question[i, j] > 0 and question:
        parts.append((w["question"] * s.question[i, j], f"question: '{_shorten(question)}'"))
    parts.sort(key=lambda p: -p[0])
    shown = [text for weight, text in parts[:2] if weight >= MIN_REASON] or [parts[0][1]]
    if s.rule[i, j] < 0:
        shown.append(f"negated pattern '{s.patterns[i][j]}'")
    return "; ".join(shown)


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def with_descriptions(codebook: Codebook) -> Codebook:
    """Each code's description counts as one more example (it says what the code means in plain words)."""
    from dataclasses import replace

    def extend(code):
        return replace(code, examples=(*code.examples, code.description)) if code.description else code

    sections: dict[str, Any] = {s: tuple(extend(c) for c in codebook.section(s)) for s in SECTIONS}
    return replace(codebook, **sections)


def praise_is_not_pain(codebook: Codebook) -> Codebook:
    """The codebook's positive sentiment examples are negatives of pain_point (similarity, classifier, prior).

    Praise that shares a topic with a complaint ("Battery life is amazing.", "The staff were lovely") was
    tagged pain_point. Not listed as pain negatives in the codebook itself: those train sentiment as neutral.
    """
    from dataclasses import replace

    praise = codebook.sentiment.positive_examples
    kinds = tuple(replace(c, negatives=(*c.negatives, *praise)) if c.id == "pain_point" else c for c in codebook.kinds)
    return replace(codebook, kinds=kinds) if praise else codebook


def _training_texts(codebook: Codebook, training: Sequence[LabelledExample]) -> list[str]:
    """Every text the tagger embeds once per run, sorted (the order never changes a vector)."""
    texts = {t for s in SECTIONS for c in codebook.section(s) for t in (*c.examples, *c.negatives)}
    texts |= set(codebook.sentiment.positive_examples) | set(codebook.sentiment.negative_examples)
    texts |= set(codebook.sentiment.neutral_examples) | set(codebook.none_examples)
    texts |= {e.text for e in training} | {NONE_DESCRIPTION}
    return sorted(texts)


def _train_section(codebook: Codebook, section: str, training, vectors, seed: int) -> SectionClassifier:
    """Codebook examples (and negatives as counter-examples) plus labelled training rows."""
    ids = tuple(c.id for c in codebook.section(section))
    rows: list[tuple[str, frozenset[str], frozenset[str]]] = []
    for code in codebook.section(section):
        rows += [(text, frozenset({code.id}), frozenset(ids) - {code.id}) for text in code.examples]
        rows += [(text, frozenset(), frozenset({code.id})) for text in code.negatives]
    if section == "kinds":
        rows += [(text, frozenset(), frozenset(ids)) for text in codebook.none_examples]
    for example in training:
        given = _given(example, section) & frozenset(ids)
        if given or _says_none(example, section):
            rows.append((example.text, given, frozenset(ids) - given))
    model = SectionClassifier(ids, exclusive=section == "stages", seed=seed)
    if not rows:
        return model.fit(np.zeros((0, 1)), [], [])
    return model.fit(np.array([vectors[t] for t, _, _ in rows]), [p for _, p, _ in rows], [n for _, _, n in rows])


def _says_none(example: LabelledExample, section: str) -> bool:
    """An empty kinds/touchpoints cell in a file with that column: a person said "none of them"."""
    return section != "stages" and section in example.labelled


def _labelled_count(training: Sequence[LabelledExample], section: str) -> int:
    return sum(bool(_given(e, section)) or _says_none(e, section) for e in training)


def _given(example: LabelledExample, section: str) -> frozenset[str]:
    if section == "stages":
        return frozenset({example.stage}) if example.stage else frozenset()
    return frozenset(example.kinds if section == "kinds" else example.touchpoints)


@one_thread  # the classifiers' training and the scoring: see synth/threads.py
def tag_units(
    units, vectors, codebook: Codebook, embedder, *, nlp, training: list[LabelledExample], seed: int, processes: int | None = None
) -> TagResult:
    """Tag every unit and group them into themes (see the module docstring for how); `nlp` is the run's
    spaCy pipeline (`synth.nlp.get_nlp`), which the caller owns. The per-unit text work (rules, VADER,
    theme label words) and the themes' clustering run in `processes` forked workers when there is
    enough of it (default `synth.parallel.workers()`); the result is the same as in one process."""
    from synth.tag.themes import build_themes

    units = list(units)
    vectors = np.asarray(vectors, dtype=np.float32)
    tagger = Tagger(codebook, embedder, nlp, training=training, seed=seed)
    taggings = tagger.tag(units, vectors, processes=processes) if units else []
    themes, per_unit = build_themes(units, vectors, taggings, nlp, seed=seed, processes=processes)
    taggings = [_with_themes(t, per_unit.get(t.unit_id, ())) for t in taggings]
    return TagResult(taggings=tuple(taggings), themes=tuple(themes))


def _with_themes(tagging: Tagging, themes: tuple[str, ...]) -> Tagging:
    from dataclasses import replace

    return replace(tagging, themes=tuple(themes))
