"""Tagging quality on real third-party labels: synth (zero-config and 300 labels) beside three baselines.

    .venv/bin/python bench/tag_quality.py [--data ../shared/data] [--model all-MiniLM-L6-v2] [--cache DIR] [--json] [--dev]

Every synth figure goes through the code `synth eval` runs: each set is written to a labelled CSV in a
temporary folder and scored by `evaluate_labelled` with the default codebook and weights; the 300-label
figure passes the training rows as `synth eval FILE --train LABELLED` does. Baselines, on the same rows and
the same embeddings: keyword rules (the codebook's patterns alone), zero-shot cosine to the codebook's label
descriptions, plain scikit-learn logistic regression (default settings) on the same 300 labelled rows, and for
sentiment VADER alone (compound >= 0.05 positive, <= -0.05 negative, the VADER authors' cut).

Sets (see docs/tagging.md): complaints-social-media (pain_point; split in halves by seed 0: constants were
chosen on the dev half, figures are on the test half, labels come from the dev half), NaPiRE 2018 coded causes
vs reasons for satisfaction (pain_point), NLU++ hotel utterances (pain_point where their intents say something is
wrong, broken or lost; default codebook), NLU++ hotels (stage, with docs/hotel-codebook.yaml), a sentiment
set of NaPiRE (dis)satisfaction answers (negative/positive) with NLU++ hotel requests as neutral, and 160
banking77 queries we labelled ourselves (tests/data/labelled/banking77_pain_refs.csv holds line numbers and
labels only), and 180 autistica-citsci focus-group comments we labelled for motivation
(tests/data/labelled/autistica_motivation_refs.csv: file, line and label). These two sets are small, so their
labelled figures are 5-fold cross-validation (`synth eval --folds 5` beside 5-fold plain LR, 4/5 of the rows
as labels per fold), and nothing was tuned on them. 240 complaints-social-media tweets we labelled for sentiment
(tests/data/labelled/complaints_sentiment_*refs.csv: tweet id and label) come as a dev file (120 tweets of the
complaints dev half; sentiment constants were chosen on it) and a test file (120 of the test half; "with labels"
trains on the 120 dev tweets). `--dev` scores the dev halves and dev files with no labels: what constants were
chosen on. The data is never copied; it is read from ../shared/data, and embeddings are cached in --cache.
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synth.clean import clean_for_model  # noqa: E402
from synth.embed import CachingEmbedder, EmbeddingCache, make_embedder  # noqa: E402
from synth.nlp import get_nlp  # noqa: E402
from synth.tag import LabelledExample, read_labelled  # noqa: E402
from synth.tag.codebook import load_codebook  # noqa: E402
from synth.tag.evaluate import NONE, evaluate_labelled, score_multi, score_single, sentiment_label  # noqa: E402
from synth.tag.rules import RuleMatcher  # noqa: E402
from synth.tag.sentiment import lexicon_score, vader_scores  # noqa: E402
from synth.tag.similarity import NONE_DESCRIPTION  # noqa: E402

LABELS = 300
VADER_CUT = 0.05  # the VADER authors' cut on the compound score for positive / negative
STAGE_OF_INTENT = {"booking": "booking", "check_in": "arrival", "check_out": "departure"} | {
    intent: "stay"
    for intent in ("restaurant", "swimming_pool", "parking", "pets", "accesibility", "wifi", "gym", "spa",
                   "room_ammenities", "housekeeping", "room_service")  # fmt: skip
}
PROBLEM_INTENTS = {"wrong_notworking_notshowing", "lost_stolen", "cancel_close_leave_freeze"}
PROBLEM_PAIN = {"wrong_notworking_notshowing", "lost_stolen"}  # NLU++ intents that are a pain point (a request to cancel is not)
CAUSE_FILES = "v_27[7-9]_with_*_coded.csv", "v_28[01]_with_*_coded.csv"  # causes of the top-5 RE problems
NEGATIVE_FILES = ("v_168_dissatisfaction_causes_92.csv", "v_170_dissatisfaction_changes_needed_91.csv")
POSITIVE_FILES = ("v_169_dissatisfaction_effects_195.csv", "v_172_satisfaction_effects_185.csv")
# NaPiRE's file names do not match its questions; the survey codebook says: v_168 reasons for dissatisfaction,
# v_170 consequences of dissatisfying RE, v_169 reasons for satisfaction, v_172 consequences of satisfying RE.
SENTIMENT_DESCRIPTIONS = {
    "positive": "The writer is pleased: praise, thanks, something that went well.",
    "negative": "The writer is unhappy: a complaint, a problem, something that went badly.",
    "neutral": NONE_DESCRIPTION,
}


# ---------------------------------------------------------------- data

def halves(rows: list, seed: int = 0) -> tuple[list, list]:
    """(dev, test) halves by a fixed shuffle; each keeps file order."""
    index = list(range(len(rows)))
    random.Random(seed).shuffle(index)
    half = len(index) // 2
    return [rows[i] for i in sorted(index[:half])], [rows[i] for i in sorted(index[half:])]


def complaint_examples(data: Path) -> list[LabelledExample]:
    path = data / "complaints-social-media" / "complaints-data.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.reader(handle) if len(r) >= 4 and r[2] in ("0", "1")]
    return [_kinds(r[1], r[2] == "1") for r in rows]


def _kinds(text: str, pain: bool) -> LabelledExample:
    return LabelledExample(text, None, ("pain_point",) if pain else (), labelled=frozenset({"kinds"}))


def hotel_rows(data: Path) -> list[dict]:
    out = []
    for path in sorted(glob.glob(str(data / "nluplusplus-hotels" / "hotels" / "fold*.json")), key=_fold_number):
        out += json.loads(Path(path).read_text(encoding="utf-8"))
    return out


def hotel_examples(data: Path) -> list[LabelledExample]:
    """NLU++ hotel utterances whose intents name exactly one journey stage (the others are ambiguous)."""
    out = []
    for row in hotel_rows(data):
        stages = {STAGE_OF_INTENT[i] for i in row.get("intents", []) if i in STAGE_OF_INTENT}
        if len(stages) == 1:
            out.append(LabelledExample(text=row["text"], stage=stages.pop(), kinds=(), labelled=frozenset({"stage"})))
    return out


def hotel_pain_examples(data: Path) -> list[LabelledExample]:
    """Every NLU++ hotel utterance; pain_point where its human intents say something is wrong, broken or lost."""
    return [_kinds(r["text"], bool(PROBLEM_PAIN & set(r.get("intents", [])))) for r in hotel_rows(data)]


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
            answer = max(i for i, name in enumerate(rows[0]) if name.startswith("v_"))
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


def banking_examples(data: Path) -> list[LabelledExample]:
    """Our own pain_point labels on 160 banking77 test queries, joined to the text at load (no text in the repo)."""
    refs = ROOT / "tests" / "data" / "labelled" / "banking77_pain_refs.csv"
    with (data / "banking77" / "test.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        text_at = {}
        for row in reader:
            text_at[reader.line_num] = row[0]
    return [_kinds(text_at[int(ref[0])], ref[1] == "pain_point") for ref in _refs(refs)]


def _refs(path: Path) -> list[list[str]]:
    """The rows of a refs CSV after its `#` comment lines and header."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return [line.split(",") for line in lines[1:]]


ITEM = re.compile(r"^\s*[*-]\s*(\([^)]*\)\s*:?\s*)?")  # "-   item", or "* (R, *T* d): comment" with speaker codes


def autistica_examples(data: Path, refs_name: str = "autistica_motivation_refs.csv") -> list[LabelledExample]:
    """Our own motivation labels on autistica-citsci comments (file, line, label), joined to the text at load.

    The default is the test set (180 focus-group comments); autistica_motivation_dev_refs.csv (150 user-test
    and workshop items) is the dev set that motivation constants were chosen on.
    """
    folder = data / "autistica-citsci"
    files: dict[str, list[str]] = {}
    out = []
    for name, line, label in _refs(ROOT / "tests" / "data" / "labelled" / refs_name):
        lines = files.setdefault(name, (folder / name).read_text(encoding="utf-8").splitlines())
        text = ITEM.sub("", lines[int(line) - 1]).strip().strip("\u201c\u201d\"").strip()
        out.append(LabelledExample(text, None, (label,) if label else (), labelled=frozenset({"kinds"})))
    return out


def tweet_sentiment_examples(data: Path, refs_name: str = "complaints_sentiment_refs.csv") -> list[LabelledExample]:
    """Our own sentiment labels on complaints-social-media tweets (tweet id, label), joined to the text at load.

    The default is the test set (120 tweets of the complaints test half); complaints_sentiment_dev_refs.csv (120
    tweets of the dev half) is the dev set that sentiment constants were chosen on.
    """
    path = data / "complaints-social-media" / "complaints-data.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        text_of = {r[0]: r[1] for r in csv.reader(handle) if len(r) >= 2}
    return [LabelledExample(text_of[tweet], None, (), sentiment=label, labelled=frozenset({"sentiment"}))
            for tweet, label in _refs(ROOT / "tests" / "data" / "labelled" / refs_name)]  # fmt: skip


def napire_pain_examples(data: Path) -> list[LabelledExample]:
    causes = napire_texts(data, CAUSE_FILES, skip_uncodable=True)
    control = napire_texts(data, POSITIVE_FILES[:1], skip_uncodable=False)
    return [_kinds(t, True) for t in causes] + [_kinds(t, False) for t in control]


def sentiment_examples(data: Path) -> list[LabelledExample]:
    negative = napire_texts(data, NEGATIVE_FILES, skip_uncodable=False)
    positive = napire_texts(data, POSITIVE_FILES, skip_uncodable=False)
    requests = [r["text"] for r in hotel_rows(data) if r.get("intents") and not PROBLEM_INTENTS & set(r["intents"])]
    requests = random.Random(0).sample(requests, min(len(requests), (len(negative) + len(positive)) // 2))
    rows = [("negative", t) for t in negative] + [("positive", t) for t in positive] + [("neutral", t) for t in requests]
    return [LabelledExample(t, None, (), sentiment=s, labelled=frozenset({"sentiment"})) for s, t in rows]


# ---------------------------------------------------------------- synth, through `synth eval`

def write_labelled(path: Path, examples: list[LabelledExample], column: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", column])
        for e in examples:
            value = {"kinds": ";".join(e.kinds), "stage": e.stage or "", "sentiment": e.sentiment or ""}[column]
            writer.writerow([e.text, value])
    return path


def synth_eval(folder: Path, name: str, test, train, column: str, codebook_path, embedder,
               kind: str = "pain_point") -> tuple[float, float | None]:  # fmt: skip
    """(zero-config, with `train` as --train) F1 of the set's target, read back from `synth eval`'s report."""
    book = load_codebook(codebook_path)
    test_csv = write_labelled(folder / f"{name}-test.csv", test, column)
    zero = _target(evaluate_labelled(test_csv, book, embedder), column, kind)
    if not train:
        return zero, None
    train_rows = list(read_labelled(write_labelled(folder / f"{name}-train.csv", train, column)))
    return zero, _target(evaluate_labelled(test_csv, book, embedder, training=train_rows), column, kind)


def _target(report, column: str, kind: str = "pain_point") -> float:
    field = next(f for f in report.fields if f.name == column)
    if column == "kinds":
        return next(s.f1 for s in field.labels if s.label == kind)
    return field.macro_f1


# ---------------------------------------------------------------- baselines

def _vectors(embedder, examples) -> np.ndarray:
    return embedder.encode([clean_for_model(e.text) or e.text for e in examples])


def rules_kind(test, codebook, kind: str) -> list[bool]:
    hits = RuleMatcher(codebook, get_nlp()).match([clean_for_model(e.text) or e.text for e in test])
    return [h.evidence("kinds", kind)[0] > 0 for h in hits]


def rules_stage(test, codebook) -> list[str]:
    hits = RuleMatcher(codebook, get_nlp()).match([clean_for_model(e.text) or e.text for e in test])
    out = []
    for h in hits:
        counts = [sum(not x.negated for x in h.codes.get(("stages", c.id), [])) for c in codebook.stages]
        out.append(codebook.stages[int(np.argmax(counts))].id if max(counts) > 0 else NONE)
    return out


def rules_sentiment(test, codebook) -> list[str]:
    hits = RuleMatcher(codebook, get_nlp()).match([clean_for_model(e.text) or e.text for e in test])
    return [sentiment_label(lexicon_score(h)[0], codebook.neutral_band) for h in hits]


def zero_shot(vectors: np.ndarray, descriptions: list[str], embedder) -> np.ndarray:
    """Index of the nearest description for each row."""
    return (vectors @ embedder.encode(descriptions).T).argmax(axis=1)


def plain_lr(embedder, train, train_y: list, test_x: np.ndarray) -> list | None:
    """Plain LR on the `train` rows' embeddings; None with no rows (the --dev table)."""
    if not train:
        return None
    return list(LogisticRegression(max_iter=2000).fit(_vectors(embedder, train), train_y).predict(test_x))


def pain_baselines(test, train, codebook, embedder, kind: str = "pain_point") -> dict[str, float]:
    """Baselines for one kind (pain_point unless told) against "none", on the same rows and embeddings."""
    gold = [frozenset(e.kinds) for e in test]
    x_test = _vectors(embedder, test)
    code = next(c for c in codebook.kinds if c.id == kind)
    methods = {
        "keyword rules": rules_kind(test, codebook, kind),
        "zero-shot cosine": list(zero_shot(x_test, [code.description, NONE_DESCRIPTION], embedder) == 0),
        "plain LR, 300 labels": plain_lr(embedder, train, [kind in e.kinds for e in train], x_test),
    }
    predicted = {k: [frozenset({kind}) if p else frozenset() for p in v] for k, v in methods.items() if v is not None}
    return {k: score_multi("kinds", gold, p, [kind]).labels[0].f1 for k, p in predicted.items()}


def stage_baselines(test, train, codebook, embedder) -> dict[str, float]:
    gold, order = [e.stage for e in test], [c.id for c in codebook.stages] + [NONE]
    x_test = _vectors(embedder, test)
    ids = [c.id for c in codebook.stages]
    methods = {
        "keyword rules": rules_stage(test, codebook),
        "zero-shot cosine": [ids[i] for i in zero_shot(x_test, [c.description for c in codebook.stages], embedder)],
        "plain LR, 300 labels": plain_lr(embedder, train, [e.stage for e in train], x_test),
    }
    return {k: score_single("stage", gold, p, order).macro_f1 for k, p in methods.items() if p is not None}


def sentiment_baselines(test, train, codebook, embedder) -> dict[str, float]:
    gold, order = [e.sentiment for e in test], list(SENTIMENT_DESCRIPTIONS)
    x_test = _vectors(embedder, test)
    methods = {
        "keyword rules": rules_sentiment(test, codebook),
        "zero-shot cosine": [order[i] for i in zero_shot(x_test, list(SENTIMENT_DESCRIPTIONS.values()), embedder)],
        "plain LR, 300 labels": plain_lr(embedder, train, [e.sentiment for e in train], x_test),
        "VADER alone": [sentiment_label(c, VADER_CUT - 1e-9) for c in vader_scores([e.text for e in test])[:, 3]],
    }
    return {k: score_single("sentiment", gold, p, order).macro_f1 for k, p in methods.items() if p is not None}


# ---------------------------------------------------------------- figures

SETS = {
    # name: (builder, label column, codebook, baselines, what the figure is)
    "complaints": (complaint_examples, "kinds", None, pain_baselines, "pain_point F1"),
    "napire_causes": (napire_pain_examples, "kinds", None, pain_baselines, "pain_point F1"),
    "hotels_pain": (hotel_pain_examples, "kinds", None, pain_baselines, "pain_point F1"),
    "hotels_stage": (hotel_examples, "stage", ROOT / "docs" / "hotel-codebook.yaml", stage_baselines, "stage macro-F1"),
    "sentiment": (sentiment_examples, "sentiment", None, sentiment_baselines, "sentiment macro-F1"),
    "tweet_sentiment_ours": (tweet_sentiment_examples, "sentiment", None, sentiment_baselines, "sentiment macro-F1"),
    "banking77_ours": (banking_examples, "kinds", None, pain_baselines, "pain_point F1 (5-fold)"),
    "autistica_motivation": (autistica_examples, "kinds", None, pain_baselines, "motivation F1 (5-fold)"),
}
FOLDED = {"banking77_ours": "pain_point", "autistica_motivation": "motivation"}  # our own small sets: kind scored
OWN_DEV = {"tweet_sentiment_ours": "complaints_sentiment_dev_refs.csv"}  # our own sets with a labelled dev file


def folds_figure(name: str, data: Path, embedder, folder: Path, k: int = 5) -> dict:
    """One of our own small sets: zero-config on all rows; with labels = `synth eval --folds 5` beside 5-fold plain LR."""
    from sklearn.model_selection import cross_val_predict

    build, _, _, _, what = SETS[name]
    kind, rows = FOLDED[name], build(data)
    path = write_labelled(folder / f"{name}.csv", rows, "kinds")
    book = load_codebook(None)
    zero = _target(evaluate_labelled(path, book, embedder), "kinds", kind)
    taught = _target(evaluate_labelled(path, book, embedder, folds=k), "kinds", kind)
    base = pain_baselines(rows, rows, book, embedder, kind)
    y = [kind in e.kinds for e in rows]
    lr = cross_val_predict(LogisticRegression(max_iter=2000), _vectors(embedder, rows), y, cv=k)
    gold = [frozenset(e.kinds) for e in rows]
    base["plain LR, 300 labels"] = score_multi("kinds", gold, [frozenset({kind}) if p else frozenset() for p in lr],
                                               [kind]).labels[0].f1  # fmt: skip
    return {"figure": what, "test_rows": len(rows), "labels": len(rows) * (k - 1) // k,
            "synth zero-config": round(zero, 4), "synth, 300 labels": round(taught, 4), **{k_: round(v, 4) for k_, v in base.items()}}  # fmt: skip


def figure(name: str, data: Path, embedder, folder: Path, on_dev: bool = False) -> dict:
    """The set's row of the table; `on_dev` scores the dev half (no labels: what constants were chosen on)."""
    if name in FOLDED:
        return {} if on_dev else folds_figure(name, data, embedder, folder)
    build, column, codebook_path, baselines, what = SETS[name]
    dev, test = (build(data, OWN_DEV[name]), build(data)) if name in OWN_DEV else halves(build(data))
    train = [] if on_dev else random.Random(0).sample(dev, min(LABELS, len(dev)))
    test = dev if on_dev else test
    zero, taught = synth_eval(folder, name, test, train, column, codebook_path, embedder)
    base = baselines(test, train, load_codebook(codebook_path), embedder)
    return {"figure": what, "test_rows": len(test), "labels": len(train), "synth zero-config": round(zero, 4),
            "synth, 300 labels": None if taught is None else round(taught, 4),
            **{k: round(v, 4) for k, v in base.items()}}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "synth-bench-cache")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--dev", action="store_true", help="score the dev halves with no labels (for choosing constants)")
    args = parser.parse_args()
    embedder = CachingEmbedder(make_embedder(args.model), EmbeddingCache(args.cache))
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        results = {name: figure(name, args.data, embedder, Path(tmp), args.dev) for name in args.sets.split(",")}
    results = {name: r for name, r in results.items() if r}
    results["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(results, indent=2) if args.json else render(results, args.model, args.dev))


def render(results: dict, model: str, on_dev: bool = False) -> str:
    scored = "dev halves and dev sets, no labels" if on_dev else "test halves, labels from the dev halves"
    lines = [f"model: {model}  ({results['seconds']} s); {scored}", ""]
    columns = ["synth zero-config", "synth, 300 labels", "keyword rules", "zero-shot cosine", "plain LR, 300 labels",
               "VADER alone"]  # fmt: skip
    lines.append(f"{'set':<21} {'figure':<22} {'rows':>5} " + " ".join(f"{c:>21}" for c in columns))
    for name, r in results.items():
        if name != "seconds":
            cells = (f"{r[c]:>21.3f}" if r.get(c) is not None else f"{'-':>21}" for c in columns)
            lines.append(f"{name:<21} {r['figure']:<22} {r['test_rows']:>5} " + " ".join(cells))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
