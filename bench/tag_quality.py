"""Measure tagging quality on real third-party labels, against two baselines, in one run.

    .venv/bin/python bench/tag_quality.py [--data ../shared/data] [--model all-MiniLM-L6-v2] [--json]

Figures (see docs/quality.md for what each one means):
1. stage macro-F1 on NLU++ hotels with docs/hotel-codebook.yaml;
2. share of NaPiRE 2018 human-coded RE problem causes tagged pain_point (default codebook), with the share of
   *satisfaction* reasons tagged pain_point as a control;
3. sentiment macro-F1 on NaPiRE 2018 answers whose polarity the question fixes (reasons for / consequences of
   dissatisfaction = negative, of satisfaction = positive).
Baselines, trained or built on exactly the same codebook: keyword rules alone (the codebook's patterns and
sentiment words, negation-aware), and TF-IDF + logistic regression trained on the codebook's example sentences.
The data is never copied; it is read from ../shared/data.
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synth.clean import clean_for_model  # noqa: E402
from synth.embed import make_embedder  # noqa: E402
from synth.nlp import get_nlp  # noqa: E402
from synth.records import Span, Unit  # noqa: E402
from synth.tag import LabelledExample, tag_units  # noqa: E402
from synth.tag.codebook import load_codebook  # noqa: E402
from synth.tag.evaluate import NONE, score_single, sentiment_label  # noqa: E402
from synth.tag.rules import RuleMatcher  # noqa: E402
from synth.tag.sentiment import lexicon_score  # noqa: E402

STAGE_OF_INTENT = {"booking": "booking", "check_in": "arrival", "check_out": "departure"} | {
    intent: "stay"
    for intent in ("restaurant", "swimming_pool", "parking", "pets", "accesibility", "wifi", "gym", "spa",
                   "room_ammenities", "housekeeping", "room_service")  # fmt: skip
}
CAUSE_FILES = "v_27[7-9]_with_*_coded.csv", "v_28[01]_with_*_coded.csv"  # causes of the top-5 RE problems
NEGATIVE_FILES = ("v_168_dissatisfaction_causes_92.csv", "v_170_dissatisfaction_changes_needed_91.csv")
POSITIVE_FILES = ("v_169_dissatisfaction_effects_195.csv", "v_172_satisfaction_effects_185.csv")
# NaPiRE's file names do not match its questions; the survey codebook says: v_168 reasons for dissatisfaction,
# v_170 consequences of dissatisfying RE, v_169 reasons for satisfaction, v_172 consequences of satisfying RE.


# ---------------------------------------------------------------- data

def hotel_examples(data: Path) -> list[LabelledExample]:
    """NLU++ hotel utterances whose intents name exactly one journey stage (the others are ambiguous)."""
    out = []
    for path in sorted(glob.glob(str(data / "nluplusplus-hotels" / "hotels" / "fold*.json")), key=_fold_number):
        for row in json.loads(Path(path).read_text(encoding="utf-8")):
            stages = {STAGE_OF_INTENT[i] for i in row.get("intents", []) if i in STAGE_OF_INTENT}
            if len(stages) == 1:
                out.append(LabelledExample(text=row["text"], stage=stages.pop(), kinds=()))
    return out


def _fold_number(path: str) -> int:
    return int(Path(path).stem.removeprefix("fold"))


def napire_texts(data: Path, patterns, *, skip_uncodable: bool) -> list[str]:
    """Unique (respondent, answer) texts of NaPiRE free-text files, in file and row order."""
    folder = data / "napire2018-efs-survey" / "freetext_coded"
    seen, out = set(), []
    for pattern in patterns:
        for path in sorted(folder.glob(pattern)):
            raw = path.read_bytes()
            text = raw.decode("utf-8") if _is_utf8(raw) else raw.decode("latin-1")
            rows = list(csv.reader(text.splitlines(), delimiter=";"))
            answer = max(i for i, name in enumerate(rows[0]) if name.startswith("v_"))  # v_277 follows its problem v_246
            for row in rows[1:]:
                if len(row) <= answer or not row[answer].strip():
                    continue
                if skip_uncodable and row[-1].strip().lower() == "notcodable":
                    continue
                key = (path.name, row[0], row[answer].strip())
                if key not in seen:
                    seen.add(key)
                    out.append(row[answer].strip())
    return out


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


# ---------------------------------------------------------------- our tagger

def run_ours(texts: list[str], codebook, embedder):
    units = [
        Unit(id=f"t{i}", participant_id="bench", source_id="bench", text=t, quote=t, clean_text=clean_for_model(t) or t,
             spans=(Span(1, 0, len(t)),), location="row")  # fmt: skip
        for i, t in enumerate(texts)
    ]
    vectors = embedder.encode([u.clean_text for u in units])
    return tag_units(units, vectors, codebook, embedder, training=[], seed=0).taggings


# ---------------------------------------------------------------- baselines

def rules_stage(texts, codebook) -> list[str]:
    """Keyword rules alone: the stage with the most un-negated pattern hits (codebook order breaks ties)."""
    hits = RuleMatcher(codebook, get_nlp()).match([clean_for_model(t) or t for t in texts])
    out = []
    for h in hits:
        counts = [sum(not x.negated for x in h.codes.get(("stages", c.id), [])) for c in codebook.stages]
        out.append(codebook.stages[int(np.argmax(counts))].id if max(counts) > 0 else NONE)
    return out


def rules_pain(texts, codebook) -> list[bool]:
    """Keyword rules alone: an un-negated pain_point pattern, or a negated positive word ("not easy")."""
    hits = RuleMatcher(codebook, get_nlp()).match([clean_for_model(t) or t for t in texts])
    return [h.evidence("kinds", "pain_point")[0] > 0 or any(neg for _, neg, _ in h.positive) for h in hits]


def rules_sentiment(texts, codebook) -> list[str]:
    hits = RuleMatcher(codebook, get_nlp()).match([clean_for_model(t) or t for t in texts])
    return [sentiment_label(lexicon_score(h)[0], codebook.neutral_band) for h in hits]


def tfidf_model(texts: list[str], labels: list) -> tuple[TfidfVectorizer, LogisticRegression]:
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True)
    model = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced", random_state=0)
    return vectorizer, model.fit(vectorizer.fit_transform(texts), labels)


def tfidf_stage(texts, codebook) -> list[str]:
    train = [(e, c.id) for c in codebook.stages for e in c.examples]
    vectorizer, model = tfidf_model([t for t, _ in train], [y for _, y in train])
    return list(model.predict(vectorizer.transform(texts)))


def tfidf_pain(texts, codebook) -> list[bool]:
    """Pain-point examples against the other kinds' examples and pain_point's negatives."""
    train = [(e, c.id == "pain_point") for c in codebook.kinds for e in c.examples]
    train += [(e, False) for c in codebook.kinds if c.id == "pain_point" for e in c.negatives]
    vectorizer, model = tfidf_model([t for t, _ in train], [y for _, y in train])
    return [bool(p) for p in model.predict(vectorizer.transform(texts))]


def tfidf_sentiment(texts, codebook) -> list[str]:
    words = codebook.sentiment
    train = [(e, "positive") for e in words.positive_examples] + [(e, "negative") for e in words.negative_examples]
    vectorizer, model = tfidf_model([t for t, _ in train], [y for _, y in train])
    return list(model.predict(vectorizer.transform(texts)))


# ---------------------------------------------------------------- figures

def stage_figure(data: Path, embedder) -> dict:
    codebook = load_codebook(ROOT / "docs" / "hotel-codebook.yaml")
    examples = hotel_examples(data)
    texts, gold = [e.text for e in examples], [e.stage for e in examples]
    order = [c.id for c in codebook.stages] + [NONE]
    ours = [t.stage.id if t.stage else NONE for t in run_ours(texts, codebook, embedder)]
    methods = {"ours": ours, "keyword rules": rules_stage(texts, codebook), "tfidf+logreg": tfidf_stage(texts, codebook)}
    reports = {name: score_single("stage", gold, pred, order) for name, pred in methods.items()}
    return {
        "rows": len(texts),
        "support": {s.label: s.support for s in reports["ours"].labels},
        "macro_f1": {name: round(r.macro_f1, 4) for name, r in reports.items()},
        "per_stage_f1": {name: {s.label: round(s.f1, 3) for s in r.labels} for name, r in reports.items()},
    }


def pain_figure(data: Path, embedder) -> dict:
    codebook = load_codebook(None)
    causes = napire_texts(data, CAUSE_FILES, skip_uncodable=True)
    control = napire_texts(data, POSITIVE_FILES[:1], skip_uncodable=False)
    out = {"causes": len(causes), "control_satisfaction_reasons": len(control), "share_tagged_pain_point": {}, "control_share": {}}
    for name, texts in (("share_tagged_pain_point", causes), ("control_share", control)):
        tagged = {
            "ours": [any(k.id == "pain_point" for k in t.kinds) for t in run_ours(texts, codebook, embedder)],
            "keyword rules": rules_pain(texts, codebook),
            "tfidf+logreg": tfidf_pain(texts, codebook),
        }
        out[name] = {method: round(float(np.mean(v)), 4) for method, v in tagged.items()}
    return out


def sentiment_figure(data: Path, embedder) -> dict:
    codebook = load_codebook(None)
    negative = napire_texts(data, NEGATIVE_FILES, skip_uncodable=False)
    positive = napire_texts(data, POSITIVE_FILES, skip_uncodable=False)
    texts, gold = negative + positive, ["negative"] * len(negative) + ["positive"] * len(positive)
    ours = [sentiment_label(t.sentiment, codebook.neutral_band) for t in run_ours(texts, codebook, embedder)]
    methods = {"ours": ours, "keyword rules": rules_sentiment(texts, codebook), "tfidf+logreg": tfidf_sentiment(texts, codebook)}
    order = ["positive", "negative", "neutral"]
    reports = {name: score_single("sentiment", gold, pred, order) for name, pred in methods.items()}
    return {
        "rows": len(texts),
        "support": {"negative": len(negative), "positive": len(positive)},
        "macro_f1": {name: round(r.macro_f1, 4) for name, r in reports.items()},
        "accuracy": {name: round(float(np.mean([g == p for g, p in zip(gold, pred)])), 4) for name, pred in methods.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    embedder = make_embedder(args.model)
    start = time.perf_counter()
    results = {
        "model": args.model,
        "stage_hotels": stage_figure(args.data, embedder),
        "pain_point_napire": pain_figure(args.data, embedder),
        "sentiment_napire": sentiment_figure(args.data, embedder),
    }
    results["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(results, indent=2) if args.json else render(results))


def render(results: dict) -> str:
    s, p, t = results["stage_hotels"], results["pain_point_napire"], results["sentiment_napire"]
    lines = [f"model: {results['model']}  ({results['seconds']} s)", ""]
    lines.append(f"1. stage macro-F1, NLU++ hotels ({s['rows']} utterances, {s['support']})")
    lines += [f"   {name:<14} {value:.3f}" for name, value in s["macro_f1"].items()]
    lines.append(f"2. NaPiRE RE problem causes tagged pain_point ({p['causes']} causes; control: {p['control_satisfaction_reasons']} reasons for satisfaction)")
    lines += [f"   {name:<14} {value:.3f}   control {p['control_share'][name]:.3f}" for name, value in p["share_tagged_pain_point"].items()]
    lines.append(f"3. sentiment macro-F1, NaPiRE (dis)satisfaction answers ({t['rows']} answers, {t['support']})")
    lines += [f"   {name:<14} {value:.3f}   accuracy {t['accuracy'][name]:.3f}" for name, value in t["macro_f1"].items()]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
