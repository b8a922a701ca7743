"""The does-not-fit warning, on hand-built taggings, and the domain codebooks behind its hint."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from synth.cli import app
from synth.records import Label, Tagging
from synth.tag.codebook import check_codebook, domain_codebook_text, list_domains, load_codebook
from synth.tag.fit import codebook_fit_warnings


def _taggings(n, *, staged, touch=0):
    return [Tagging(f"u{i}", Label("usage", 0.8, "r") if i < staged else None, (),
                    touchpoints=(Label("website", 0.9, "r"),) if i < touch else ())  # fmt: skip
            for i in range(n)]


def test_mostly_unstaged_units_warn_with_the_fix():
    warnings = codebook_fit_warnings(_taggings(40, staged=10), load_codebook(None))
    assert len(warnings) == 1 and warnings[0].severity == "warning"
    assert "30 of 40 units (75%) match none of its stages" in warnings[0].reason
    assert "--codebook" in warnings[0].hint and "synth codebook init --domain" in warnings[0].hint


def test_one_touchpoint_on_most_units_warns():
    warnings = codebook_fit_warnings(_taggings(40, staged=40, touch=30), load_codebook(None))
    assert [w.reason for w in warnings] == ["the codebook may not fit this study: one touchpoint, Website, is on 30 of 40 units (75%)"]


def test_a_fitting_or_tiny_study_does_not_warn():
    assert codebook_fit_warnings(_taggings(40, staged=30, touch=10), load_codebook(None)) == []
    assert codebook_fit_warnings(_taggings(5, staged=0), load_codebook(None)) == []


@pytest.mark.parametrize("name", [n for n, _ in list_domains()])
def test_domain_codebooks_pass_check(tmp_path, name):
    path = tmp_path / f"{name}.yaml"
    path.write_text(domain_codebook_text(name), encoding="utf-8")
    assert check_codebook(path) == []


def test_cli_lists_and_writes_domain_codebooks(tmp_path):
    runner = CliRunner()
    listed = runner.invoke(app, ["codebook", "list"])
    assert listed.exit_code == 0 and all(d in listed.output for d in ("retail", "software", "hospitality", "public_services"))
    out = tmp_path / "c.yaml"
    written = runner.invoke(app, ["codebook", "init", str(out), "--domain", "software"])
    assert written.exit_code == 0 and "id: everyday_use" in out.read_text(encoding="utf-8")
    bad = runner.invoke(app, ["codebook", "init", str(tmp_path / "d.yaml"), "--domain", "zoo"])
    assert bad.exit_code != 0 and "domain must be one of" in bad.output and not (tmp_path / "d.yaml").exists()


def test_default_codebook_keeps_only_generic_channels():
    ids = {c.id for c in load_codebook(None).touchpoints}
    assert ids == {"website", "mobile_app", "email", "phone", "chat", "in_person", "social_media", "word_of_mouth"}


ROOT = Path(__file__).resolve().parents[2]
AMI = ROOT.parent / "shared" / "data" / "qmsum-ami-product-meetings" / "ES2004a.json"


@pytest.mark.slow
@pytest.mark.skipif(not AMI.exists(), reason="needs ../shared/data/qmsum-ami-product-meetings (not in the repo)")
def test_a_meeting_study_gets_the_warning_and_the_retail_sample_does_not(tmp_path):
    runner = CliRunner()
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    (meeting / AMI.name).write_bytes(AMI.read_bytes())
    for folder, warned in ((meeting, True), (ROOT / "sample_inputs", False)):
        out = tmp_path / f"run-{folder.name}"
        result = runner.invoke(app, ["run", str(folder), "-o", str(out), "--cache-dir", str(tmp_path / "cache")])
        assert result.exit_code == 0, result.output
        warnings = json.loads((out / "run.json").read_text(encoding="utf-8"))["warnings"]
        assert any("may not fit this study" in w for w in warnings) is warned, folder
