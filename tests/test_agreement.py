"""Agreement with the researcher: the kappa synth reports for a coded sample (`synth run --coded`) and
for review.yaml relabels equals scikit-learn's `cohen_kappa_score` on labels this test builds itself."""

from __future__ import annotations

import csv
import json

import pytest
from sklearn.metrics import cohen_kappa_score, precision_score, recall_score
from typer.testing import CliRunner

from synth.cli import app
from tests.conftest import ROOT, SAMPLE_INPUTS

runner = CliRunner()


def synth(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def machine(unit: dict, field: str) -> set[str]:
    if field == "stage":
        return {unit["stage"]["id"]} if unit["stage"] else set()
    return {label["id"] for label in unit[field]}


def coded_rows(units: list[dict]) -> list[dict]:
    """The human side: the machine's own labels on 60 units, with every third unit's pain_point flipped
    and every fourth unit's stage moved; half the rows give the unit id, half only the (re-spaced) text."""
    stages = sorted({u["stage"]["id"] for u in units if u["stage"]})
    rows = []
    for i, unit in enumerate(units[:60]):
        kinds = machine(unit, "kinds") ^ ({"pain_point"} if i % 3 == 0 else set())
        stage = unit["stage"]["id"] if unit["stage"] else ""
        if i % 4 == 0:
            stage = stages[(stages.index(stage) + 1) % len(stages)] if stage else stages[0]
        text = unit["text"] if i % 2 else "  " + unit["text"].upper().replace(" ", "  ") + " "
        rows.append({"unit_id": unit["id"] if i % 2 else "", "text": text, "stage": stage, "kinds": ";".join(sorted(kinds)),
                     "_unit": unit})  # fmt: skip
    return rows


RELABELS = 12


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A first run; then a coded CSV and review relabels built from its units; then a run with --coded."""
    folder = tmp_path_factory.mktemp("agreement")
    out, cache = folder / "run", folder / "cache"
    common = ["--model", "hashing", "--cache-dir", str(cache), "-o", str(out)]
    synth("-q", "run", str(SAMPLE_INPUTS), *common)
    first = json.loads((out / "map.json").read_text(encoding="utf-8"))
    rows = coded_rows(first["units"])
    coded = folder / "coded.csv"
    with coded.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["unit_id", "text", "stage", "kinds"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        writer.writerow({"unit_id": "", "text": "Words nobody in this study ever said.", "stage": "", "kinds": ""})
    relabelled = first["units"][100:100 + RELABELS]
    review = (out / "review.yaml").read_text(encoding="utf-8").replace("units: {}", "units:\n" + "".join(
        f"  {u['id']}: {{kinds: [{'emotion' if i % 2 else 'pain_point'}]}}\n" for i, u in enumerate(relabelled)))
    (out / "review.yaml").write_text(review, encoding="utf-8")
    synth("-q", "run", str(SAMPLE_INPUTS), *common, "--coded", str(coded))
    return out, rows, relabelled


def expected(pairs: list[tuple[set[str], set[str]]], code: str) -> dict:
    human = [code in h for h, _ in pairs]
    predicted = [code in m for _, m in pairs]
    return {"kappa": cohen_kappa_score(human, predicted), "precision": precision_score(human, predicted, zero_division=0),
            "recall": recall_score(human, predicted, zero_division=0), "n": len(pairs)}  # fmt: skip


def test_coded_sample_kappa_equals_scikit_learns(runs):
    out, rows, _ = runs
    doc = json.loads((out / "map.json").read_text(encoding="utf-8"))
    draft = {u["id"]: u for u in json.loads((out / "map.draft.json").read_text(encoding="utf-8"))["units"]}
    block = doc["agreement"]["coded"]
    assert block["rows"] == 61 and block["matched"] == 60 and block["unmatched_rows"] == [62]
    scores = {(c["field"], c["code"]): c for c in block["codes"]}
    for field, code in (("kinds", "pain_point"), ("stage", sorted({r["stage"] for r in rows if r["stage"]})[0])):
        pairs = []
        for row in rows:
            human = set(row["kinds"].split(";")) - {""} if field == "kinds" else ({row["stage"]} if row["stage"] else set())
            pairs.append((human, machine(draft[row["_unit"]["id"]], field)))
        want, got = expected(pairs, code), scores[(field, code)]
        assert got["n"] == want["n"] == 60
        assert got["kappa"] == pytest.approx(want["kappa"], abs=1e-4)
        assert got["precision"] == pytest.approx(want["precision"], abs=1e-4)
        assert got["recall"] == pytest.approx(want["recall"], abs=1e-4)


def test_review_relabels_kappa_equals_scikit_learns(runs):
    out, _, relabelled = runs
    doc = json.loads((out / "map.json").read_text(encoding="utf-8"))
    draft = {u["id"]: u for u in json.loads((out / "map.draft.json").read_text(encoding="utf-8"))["units"]}
    block = doc["agreement"]["review"]
    assert block["units"] == RELABELS
    scores = {(c["field"], c["code"]): c for c in block["codes"]}
    for code in ("emotion", "pain_point"):
        pairs = [({"emotion" if i % 2 else "pain_point"}, machine(draft[u["id"]], "kinds")) for i, u in enumerate(relabelled)]
        want, got = expected(pairs, code), scores[("kinds", code)]
        assert got["n"] == RELABELS
        if got["kappa"] is None:  # both sides constant: undefined, and scikit-learn agrees it is not a number
            assert want["kappa"] != want["kappa"]
        else:
            assert got["kappa"] == pytest.approx(want["kappa"], abs=1e-4)


def test_run_json_and_report_show_agreement_and_flag_weak_codes(runs):
    out, _, _ = runs
    run_json = json.loads((out / "run.json").read_text(encoding="utf-8"))
    doc = json.loads((out / "map.json").read_text(encoding="utf-8"))
    assert run_json["agreement"] == doc["agreement"]
    assert run_json["settings"]["coded"].endswith("coded.csv")
    weak = [c for c in doc["agreement"]["coded"]["codes"] if c["kappa"] is not None and c["kappa"] < 0.6]
    assert weak, "flipping a third of pain_point should pull its kappa under 0.6"
    assert all(c["flag"] == "check before sharing" for c in weak)
    assert {c["code"] for c in weak} <= set(doc["agreement"]["coded"]["flagged"])
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="agreement"' in html and "Check before sharing" in html and "Pain point" in html


def test_missing_coded_file_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["run", str(SAMPLE_INPUTS), "-o", str(tmp_path / "x"), "--model", "hashing",
                                 "--coded", str(tmp_path / "nope.csv")])  # fmt: skip
    assert result.exit_code != 0 and "coded sample" in result.output


def test_eval_prints_kappa_on_the_grocery_example():
    labelled = ROOT / "docs" / "examples" / "grocery_labelled.csv"
    text = synth("-q", "eval", str(labelled), "--codebook", "retail", "--model", "hashing")
    assert "kappa" in text.splitlines()[3]
    report = json.loads(synth("-q", "eval", str(labelled), "--codebook", "retail", "--model", "hashing", "--json"))
    assert all("kappa" in score for score in report["kinds"]["labels"].values())


def test_codes_on_few_units_are_not_judged_and_constant_codings_have_no_kappa():
    from synth.agreement import FEW, FLAG, code_scores

    few = code_scores("kinds", "emotion", [True, False, False], [False, False, True])
    assert few["flag"] == FEW and few["kappa"] == pytest.approx(cohen_kappa_score([1, 0, 0], [0, 0, 1]))
    human = [i % 2 == 0 for i in range(20)]
    weak = code_scores("kinds", "emotion", human, [not h if i < 8 else h for i, h in enumerate(human)])
    assert weak["flag"] == FLAG and weak["kappa"] == pytest.approx(cohen_kappa_score(human, [not h if i < 8 else h for i, h in enumerate(human)]))
    assert code_scores("kinds", "emotion", [False] * 12, [False] * 12)["kappa"] is None
