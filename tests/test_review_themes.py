"""Issue 10: a reviewer's theme label, the theme headline quote, the does-not-fit warning in the
report, and --train rows embedded as cleaned text."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from markupsafe import escape
from typer.testing import CliRunner

from synth.cli import app
from synth.document import MapDocument
from synth.review import Review, apply
from synth.review_themes import ThemeDecision
from synth.synthesize_evidence import is_substantive
from tests.conftest import ROOT, SAMPLE_INPUTS

runner = CliRunner()
LABEL = "Trouble booking a delivery slot"


def synth(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def run_args(inputs, out, cache, *extra: str) -> list[str]:
    return ["run", str(inputs), "--model", "hashing", "--cache-dir", str(cache), "-o", str(out), *extra]


def read_map(out) -> dict:
    return json.loads((out / "map.json").read_text(encoding="utf-8"))


def evidence_labels(out) -> list[str]:
    with (out / "evidence.csv").open(encoding="utf-8-sig", newline="") as handle:
        return [row["theme_labels"] for row in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("themes")
    out = base / "out"
    synth(*run_args(SAMPLE_INPUTS, out, base / "cache"))
    return base, out


def biggest_theme(doc: dict) -> dict:
    return max(doc["themes"], key=lambda t: (len(t["unit_ids"]), t["id"]))


def test_rename_theme_shows_everywhere_and_survives_a_rerun(sample_run):
    base, out = sample_run
    theme = biggest_theme(read_map(out))
    assert theme["label"] != LABEL
    synth("review", str(out), "rename-theme", theme["id"], LABEL)

    doc = read_map(out)
    assert next(t for t in doc["themes"] if t["id"] == theme["id"])["label"] == LABEL
    refs = [f for p in doc["personas"] for lane in ("motivations", "pain_points") for f in p[lane] if f["ref"] == theme["id"]]
    assert refs and all(f["label"] == LABEL for f in refs)  # the persona findings say it too
    assert theme["label"] not in {f["label"] for f in refs}
    assert LABEL in (out / "report.html").read_text(encoding="utf-8")
    assert sum(LABEL in cell for cell in evidence_labels(out)) == len(theme["unit_ids"])
    assert any(LABEL in p.read_text(encoding="utf-8") for p in (out / "personas").glob("*.md"))
    listed = json.loads(synth("review", str(out), "list", "--json"))
    assert {"id": theme["id"], "label": LABEL, "units": len(theme["unit_ids"])} in listed["themes"]
    assert theme["id"] in synth("review", str(out), "list")

    synth(*run_args(SAMPLE_INPUTS, out, base / "cache"))  # a re-run keeps the reviewer's label
    again = read_map(out)
    assert next(t for t in again["themes"] if t["id"] == theme["id"])["label"] == LABEL
    assert LABEL in (out / "report.html").read_text(encoding="utf-8")
    draft = json.loads((out / "map.draft.json").read_text(encoding="utf-8"))
    assert next(t for t in draft["themes"] if t["id"] == theme["id"])["label"] == theme["label"]  # the draft stays the machine's


def test_rename_of_an_unknown_theme_fails_and_names_close_ids(sample_run):
    _, out = sample_run
    theme = biggest_theme(read_map(out))
    before = (out / "review.yaml").read_bytes()
    typo = theme["id"].replace("theme-", "theme-x", 1)
    result = runner.invoke(app, ["review", str(out), "rename-theme", typo, "Anything"])
    assert result.exit_code == 2
    assert f"no theme {typo!r}" in result.output and "did you mean" in result.output and theme["id"] in result.output
    assert (out / "review.yaml").read_bytes() == before


RUN = {"synth_version": "0", "model": "hashing", "codebook": {"path": "c.yaml", "sha256": "0"}, "seed": 0, "redacted": True,
       "personas_requested": "auto", "clustering": {"method": "kmeans", "k": 0, "overall_stability": 0, "warnings": []}}
UNIT = {"participant_id": "P01", "source_id": "s1", "source": "a.txt", "location": "line 1", "spans": [],
        "speaker_role": "participant", "question": None, "heading": None, "text": "words", "language": "en", "stage": None,
        "kinds": [], "touchpoints": [], "sentiment": {"score": 0.0, "reason": ""}, "themes": [], "persona_id": None,
        "representativeness": 0.0}
PERSONA = {"status": "draft", "participant_ids": [], "size": 0, "share": 0, "stability": 0, "confidence": 0, "flags": [],
           "attributes": [], "motivations": [], "pain_points": [], "touchpoints": [], "emotional_high": None,
           "emotional_low": None, "quotes": []}
FINDING = {"count": 1, "participants": 1, "unit_ids": []}
CELL = {"stage": "usage", "label": "Usage", "actions": [], "touchpoints": [], "motivations": [], "pain_points": [],
        "emotion": {"mean": None, "count": 0}, "quotes": [], "opportunities": [], "evidence": {"participants": 0, "units": 0}}


def reviewed(review: Review, doc: dict) -> tuple[dict, list[str]]:
    """`apply` on a small hand-written map (the fields these tests do not need filled in), as map.json data."""
    def findings(entry: dict) -> dict:
        return {**entry, **{lane: [{**FINDING, **f} for f in entry.get(lane, [])] for lane in ("pain_points",)}}

    document = MapDocument.from_dict({
        "schema": "synth.map/2", "run": RUN, "sources": [], "touchpoints": [], **doc,
        "units": [{**UNIT, **u} for u in doc["units"]],
        "personas": [findings({**PERSONA, **p}) for p in doc["personas"]],
        "maps": [{"persona_id": "all", "name": "All", "participants": 0, **m,
                  "stages": [findings({**CELL, **c}) for c in m["stages"]]} for m in doc["maps"]],
    })
    out, notes = apply(review, document)
    return out.to_dict(), notes


def test_rename_follows_the_theme_when_ids_are_renumbered():
    """A re-run on changed inputs can renumber themes: the label goes with the units, not the number."""
    doc = {
        "units": [], "stages": [], "kinds": [], "personas": [], "participants": [],
        "themes": [{"id": "theme-usage-pain_point-1", "stage": "usage", "kind": "pain_point", "label": "new big", "unit_ids": ["a", "b", "c"]},
                   {"id": "theme-usage-pain_point-2", "stage": "usage", "kind": "pain_point", "label": "slots", "unit_ids": ["u1", "u2", "u3", "u4"]}],
        "maps": [{"stages": [{"pain_points": [{"label": "slots", "ref": "theme-usage-pain_point-2"}],
                              "opportunities": [{"text": "How might we ease \u201cslots\u201d at the Usage stage?",
                                                 "theme_id": "theme-usage-pain_point-2", "draft": True}]}]}],
    }
    review = Review(themes={"theme-usage-pain_point-1": ThemeDecision("Delivery slots", ["u1", "u2", "u3", "u5"])})
    out, notes = reviewed(review, doc)
    assert [t["label"] for t in out["themes"]] == ["new big", "Delivery slots"] and notes == []
    cell = out["maps"][0]["stages"][0]
    assert cell["pain_points"][0]["label"] == "Delivery slots"
    assert "\u201cDelivery slots\u201d" in cell["opportunities"][0]["text"]
    gone, notes = reviewed(Review(themes={"theme-x": ThemeDecision("X", ["zz"])}), doc)
    assert [t["label"] for t in gone["themes"]] == ["new big", "slots"] and "kept in review.yaml" in notes[0]


def test_every_theme_headline_is_its_own_substantive_unit(sample_run):
    _, out = sample_run
    doc = read_map(out)
    units = {u["id"]: u for u in doc["units"]}
    checked = 0
    for theme in doc["themes"]:
        assert theme["headline"] in theme["unit_ids"]
        if any(is_substantive(units[u]["text"]) for u in theme["unit_ids"]):
            headline = units[theme["headline"]]
            assert is_substantive(headline["text"]) and headline["speaker_role"] == "participant"
            checked += 1
    assert checked >= 20
    report = (out / "report.html").read_text(encoding="utf-8")
    big = biggest_theme(doc)
    assert 'id="themes"' in report and str(escape(units[big["headline"]]["text"])) in report


def test_the_report_says_when_the_codebook_does_not_fit(tmp_path):
    """public_services still gives every retail unit a stage under the hashing model, so its
    stages are made unreachable (threshold 1.0): most units then get no stage."""
    source = (ROOT / "synth" / "resources" / "codebooks" / "public_services.yaml").read_text(encoding="utf-8")
    book = tmp_path / "misfit.yaml"
    book.write_text(source.replace("threshold: 0.45", "threshold: 1.0"), encoding="utf-8")
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("interview_01.txt", "interview_02_timestamped.txt", "focus_group_local_produce.md"):
        shutil.copy(SAMPLE_INPUTS / name, inputs / name)
    out = tmp_path / "out"
    synth(*run_args(inputs, out, tmp_path / "cache", "--codebook", str(book)))
    warnings = read_map(out)["run"]["warnings"]
    assert any("may not fit this study" in w for w in warnings)
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "may not fit this study" in report and "synth codebook init --domain" in report


def test_train_rows_are_embedded_as_their_cleaned_text(tmp_path, monkeypatch):
    import synth.embed as embed

    seen: list[str] = []
    real = embed.make_embedder

    def spying(*args, **kwargs):
        inner = real(*args, **kwargs)
        encode = inner.encode

        def spy(texts, *a, **k):
            seen.extend(texts)
            return encode(texts, *a, **k)

        inner.encode = spy
        return inner

    monkeypatch.setattr(embed, "make_embedder", spying)
    raw = "Um, <b>the checkout</b> kept, like, crashing on me, you know, uh, every time"
    labelled = tmp_path / "labels.csv"
    labelled.write_text(f'text,kinds\n"{raw}",pain_point\nI would love a reorder button,motivation\n', encoding="utf-8")
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SAMPLE_INPUTS / "interview_01.txt", inputs / "interview_01.txt")
    synth(*run_args(inputs, tmp_path / "out", tmp_path / "cache", "--train", str(labelled)))
    assert "the checkout kept, crashing on me, every time" in seen
    assert raw not in seen and not any("<b>" in t for t in seen)


def test_merge_theme_folds_quotes_into_the_target(sample_run):
    base, out = sample_run
    doc = read_map(out)
    by_kind: dict = {}
    for t in sorted(doc["themes"], key=lambda t: (-len(t["unit_ids"]), t["id"])):
        by_kind.setdefault(t["kind"], []).append(t)
    target, source = by_kind["pain_point"][:2]
    synth("review", str(out), "merge-theme", source["id"], target["id"])
    merged = read_map(out)
    themes = {t["id"]: t for t in merged["themes"]}
    assert source["id"] not in themes
    assert set(themes[target["id"]]["unit_ids"]) == set(target["unit_ids"]) | set(source["unit_ids"])
    refs = {f["ref"] for p in merged["personas"] for f in p["pain_points"]}
    assert source["id"] not in refs and target["id"] in refs
    other = next(t for t in doc["themes"] if t["kind"] != "pain_point")
    result = runner.invoke(app, ["review", str(out), "merge-theme", target["id"], other["id"]])
    assert result.exit_code == 2 and "same kind" in result.output


def test_a_renamed_theme_keeps_its_label_when_a_bigger_one_is_merged_into_it():
    doc = {
        "units": [{"id": u, "persona_id": None, "themes": ["t-small" if u < "u3" else "t-big"]} for u in ("u1", "u2", "u3", "u4", "u5", "u6")],
        "stages": [], "kinds": [], "personas": [], "participants": [], "maps": [],
        "themes": [{"id": "t-small", "stage": None, "kind": "pain_point", "label": "a", "unit_ids": ["u1", "u2"]},
                   {"id": "t-big", "stage": None, "kind": "pain_point", "label": "b", "unit_ids": ["u3", "u4", "u5", "u6"]}],
    }
    review = Review(themes={"t-small": ThemeDecision("Mine", ["u1", "u2"]),
                            "t-big": ThemeDecision(None, ["u3", "u4", "u5", "u6"], merge_into="t-small")})
    out, notes = reviewed(review, doc)
    assert [(t["id"], t["label"], len(t["unit_ids"])) for t in out["themes"]] == [("t-small", "Mine", 6)] and notes == []
    assert all(u["themes"] == ["t-small"] for u in out["units"])


def test_a_persona_name_built_from_a_theme_label_follows_the_rename():
    theme = {"id": "theme-usage-pain_point-1", "stage": "usage", "kind": "pain_point", "label": "slot booking",
             "unit_ids": ["u1", "u2"]}
    doc = {"units": [], "stages": [], "kinds": [], "participants": [], "maps": [], "themes": [theme],
           "personas": [{"id": "persona-1", "name": "Family with children (slot booking)", "pain_points": []},
                        {"id": "persona-2", "name": "Slot booking", "pain_points": []},
                        {"id": "persona-3", "name": "Weekly shopper (price)", "pain_points": []}]}
    out, _ = reviewed(Review(themes={theme["id"]: ThemeDecision("Trouble booking a slot", ["u1", "u2"])}), doc)
    assert [p["name"] for p in out["personas"]] == ["Family with children (Trouble booking a slot)",
                                                    "Trouble booking a slot", "Weekly shopper (price)"]
