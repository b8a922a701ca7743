"""`synth eval` numbers on tests/data/labelled/tiny.csv, worked out by hand.

tiny_codebook.yaml is rules-only, so the predictions are known:

row  text                           gold stage  predicted   gold kinds   predicted   gold sent.  predicted
2    I want to book a room          booking     booking     motivation   motivation  neutral     neutral
3    The pool is broken             stay        stay        pain_point   pain_point  negative    negative
4    Can I change my reservation    booking     booking     action       -           -           -
5    I love the towels              stay        stay        emotion      emotion     positive    positive
6    What time is breakfast         stay        (none)      -            -           -           -
7    The pool was lovely            booking     stay        -            -           positive    positive

stage:  booking P 2/2 R 2/3 F1 0.8;  stay P 2/3 R 2/3 F1 0.667;  macro 0.733
        kappa, has-booking: observed 5/6, chance 1/2*2/6 + 1/2*4/6 = 1/2 -> (5/6-1/2)/(1/2) = 2/3;
        has-stay: observed 4/6, chance 1/2 -> 1/3
kinds:  pain_point, motivation, emotion F1 1; action F1 0;  macro 0.75
sentiment (VADER decides in a rules-only codebook, so "lovely" counts): every class F1 1; macro 1.0
"""

import json

import pytest
from typer.testing import CliRunner

from synth.cli import app
from synth.embed import HashingEmbedder
from synth.errors import InputError
from synth.tag import read_labelled
from synth.tag.codebook import load_codebook
from synth.tag.evaluate import evaluate_labelled, score_multi, score_single
from tests.tag.helpers import LABELLED


@pytest.fixture
def report():
    book = load_codebook(LABELLED / "tiny_codebook.yaml")
    return evaluate_labelled(LABELLED / "tiny.csv", book, HashingEmbedder(), seed=0).to_dict()


def test_stage_scores_by_hand(report):
    stage = report["stage"]
    assert stage["labels"]["booking"] == {"precision": 1.0, "recall": 0.6667, "f1": 0.8, "support": 3, "kappa": 0.6667}
    assert stage["labels"]["stay"] == {"precision": 0.6667, "recall": 0.6667, "f1": 0.6667, "support": 3, "kappa": 0.3333}
    assert stage["macro_f1"] == pytest.approx(0.7333, abs=1e-4)
    assert stage["confusion"] == {"labels": ["booking", "stay", "(none)"], "matrix": [[2, 1, 0], [0, 2, 1], [0, 0, 0]]}


def test_kind_scores_by_hand(report):
    kinds = report["kinds"]
    assert {k: v["f1"] for k, v in kinds["labels"].items()} == {"pain_point": 1.0, "motivation": 1.0, "action": 0.0, "emotion": 1.0}
    assert kinds["macro_f1"] == 0.75


def test_sentiment_scores_by_hand(report):
    sentiment = report["sentiment"]
    assert sentiment["rows"] == 4
    assert {k: v["f1"] for k, v in sentiment["labels"].items()} == {"positive": 1.0, "negative": 1.0, "neutral": 1.0}
    assert sentiment["macro_f1"] == 1.0


def test_single_and_multi_scores():
    report = score_single("stage", ["a", "a", "b", "(none)"], ["a", "b", "b", "a"], ["a", "b", "(none)"])
    assert [(s.label, round(s.f1, 4)) for s in report.labels] == [("a", 0.5), ("b", 0.6667)]  # a: P 1/2 R 1/2; b: P 1/2 R 1
    multi = score_multi("kinds", [frozenset({"x"}), frozenset()], [frozenset({"x", "y"}), frozenset({"y"})], ["x", "y"])
    assert [(s.label, s.precision, s.recall) for s in multi.labels] == [("x", 1.0, 1.0)]


def test_cli_eval_text_and_json():
    runner = CliRunner()
    args = ["eval", str(LABELLED / "tiny.csv"), "--codebook", str(LABELLED / "tiny_codebook.yaml"), "--model", "hashing"]
    text = runner.invoke(app, args)
    assert text.exit_code == 0, text.output
    assert "stage: macro-F1 0.733 (6 rows)" in text.output and "confusion" in text.output
    data = runner.invoke(app, args + ["--json"])
    assert json.loads(data.output)["kinds"]["macro_f1"] == 0.75


def test_labels_not_in_the_codebook_are_reported(tmp_path):
    path = tmp_path / "l.csv"
    path.write_text("text,stage\nhello there,checkout_queue\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        evaluate_labelled(path, load_codebook(None), HashingEmbedder())
    assert info.value.row == 2 and "checkout_queue" in str(info.value)


def test_read_labelled():
    examples = list(read_labelled(LABELLED / "tiny.csv"))
    assert examples[0].stage == "booking" and examples[0].kinds == ("motivation",) and examples[0].sentiment == "neutral"
    assert examples[4].kinds == () and examples[4].sentiment is None


@pytest.mark.parametrize(
    "content, row, reason",
    [
        (None, 3, "sentiment must be one of positive, negative, neutral"),
        ("stage,kinds\nbooking,\n", 1, "has no 'text' column"),
        ("text,stage\n,booking\n", 2, "has an empty text"),
        ("text;kinds\nok;a;b;c\n", 2, "more cells than the header"),
    ],
)
def test_bad_labelled_files_name_the_row(tmp_path, content, row, reason):
    path = LABELLED / "bad_sentiment.csv"
    if content is not None:
        path = tmp_path / "bad.csv"
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        list(read_labelled(path))
    assert info.value.row == row and reason in str(info.value)


def test_cli_codebook_check_lists_errors_with_lines():
    result = CliRunner().invoke(app, ["codebook", "check", str(LABELLED / "broken_codebook.yaml")])
    assert result.exit_code != 0
    assert "broken_codebook.yaml, line 7: unknown key 'exmaples'" in result.output
    assert "8 error(s)" in result.output
