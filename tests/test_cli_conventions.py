"""The command line behaves like the best CLIs: --version, python -m synth, -q, --json, help without type
placeholders, shell completion, progress lines when piped, user text never read as rich markup.

Commands run as a user runs them: `python -m synth ...` in a subprocess, output piped (not a terminal).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import synth
from tests.conftest import ROOT, SAMPLE_INPUTS

PHASES = ["validate", "ingest", "segment", "embed", "tag", "cluster", "synthesize", "review", "export"]  # pipeline.STAGES
COMMANDS = [["run"], ["inspect"], ["export"], ["eval"], ["review"], ["review", "RUN", "list"], ["codebook", "init"]]


def synth_cli(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    environment.pop("SYNTH_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "synth", *args], capture_output=True, text=True, env=environment,
                          cwd=cwd or ROOT, timeout=300)


def test_version():
    result = synth_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"synth {synth.__version__}"


def test_python_dash_m_synth_is_the_cli():
    result = synth_cli("--help")
    assert result.returncode == 0
    for command in ("run", "inspect", "export", "eval", "review", "codebook"):
        assert re.search(rf"\b{command}\b", result.stdout)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_shows_no_type_placeholders(command):
    result = synth_cli(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert not re.search(r"<(bool|path|str|int|float|list\[[^]]*\])>", result.stdout), result.stdout
    assert not re.search(r"\{[a-z_]+\}", result.stdout)


SCRIPT = Path(sys.executable).parent / "synth"


@pytest.mark.skipif(not SCRIPT.exists(), reason="the synth console script is not installed beside this python")
def test_shell_completion_completes_command_names():
    """Completion is keyed on the program name, so this runs the installed `synth` script."""
    def complete(env: dict) -> subprocess.CompletedProcess:
        environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
        return subprocess.run([str(SCRIPT)], capture_output=True, text=True, env=environment, timeout=60)

    result = complete({"_SYNTH_COMPLETE": "complete_bash", "COMP_WORDS": "synth ru", "COMP_CWORD": "1",
                       "_TYPER_COMPLETE_ARGS": "synth ru"})
    assert result.stdout.split() == ["run"]
    assert "_synth_completion" in complete({"_SYNTH_COMPLETE": "source_bash"}).stdout


def test_user_text_is_not_read_as_markup(tmp_path):
    survey = tmp_path / "survey.csv"
    survey.write_text("respondent_id,contact,What frustrates you most about ordering?\n"
                      "r1,[email],The delivery slots are always gone by Monday morning\n"
                      "r2,[email],Substitutions arrive without asking me first\n", encoding="utf-8")
    shown = synth_cli("inspect", str(survey))
    assert shown.returncode == 0, shown.stderr
    assert "[email]" in shown.stdout
    missing = synth_cli("inspect", str(tmp_path / "[bold]notes.txt"))
    assert missing.returncode != 0 and "[bold]notes.txt" in missing.stderr


@pytest.fixture(scope="module")
def piped_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    folder = tmp_path_factory.mktemp("cli")
    out = folder / "run"
    result = synth_cli("run", str(SAMPLE_INPUTS), "-o", str(out), "--model", "hashing", "--cache-dir", str(folder / "cache"))
    assert result.returncode == 0, result.stderr[-2000:]
    return result, out


@pytest.mark.slow
def test_piped_run_prints_one_plain_line_per_phase(piped_run):
    result, _ = piped_run
    lines = result.stderr.splitlines()
    assert [line.split()[1] for line in lines if line.startswith("synth: ")] == PHASES
    assert "\x1b" not in result.stderr and "\r" not in result.stderr  # no terminal control codes in a pipe


@pytest.mark.slow
def test_run_json_is_the_summary(piped_run):
    _, out = piped_run
    result = synth_cli("run", str(SAMPLE_INPUTS), "-o", str(out), "--model", "hashing", "--cache-dir",
                       str(out.parent / "cache"), "--json")
    assert result.returncode == 0 and result.stderr == ""  # piped --json: the JSON alone
    summary = json.loads(result.stdout)
    doc = json.loads((out / "map.json").read_text(encoding="utf-8"))
    assert summary["output"] == str(out)
    assert (summary["units"], summary["participants"], summary["sources"]) == (
        len(doc["units"]), len(doc["participants"]), len(doc["sources"]))
    assert summary["personas"] == len(doc["personas"]) and set(summary["timings"]) == set(PHASES)
    assert any(f.endswith("report.html") for f in summary["files"])


@pytest.mark.slow
def test_review_list_json(piped_run):
    _, out = piped_run
    result = synth_cli("review", str(out), "list", "--json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    doc = json.loads((out / "map.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in listed["personas"]] == [p["id"] for p in doc["personas"]]
    assert all(p["status"] == "draft" and p["size"] > 0 for p in listed["personas"])


@pytest.mark.slow
def test_quiet_run_prints_nothing(piped_run, tmp_path):
    _, out = piped_run
    result = synth_cli("-q", "run", str(SAMPLE_INPUTS), "-o", str(tmp_path / "q"), "--model", "hashing",
                       "--cache-dir", str(out.parent / "cache"))
    assert result.returncode == 0
    assert result.stdout == "" and result.stderr == ""
    assert (tmp_path / "q" / "report.html").exists()


def test_quiet_still_reports_errors(tmp_path):
    result = synth_cli("-q", "inspect", str(tmp_path / "absent"))
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_verbose_and_quiet_set_the_log_level():
    import logging

    from typer.testing import CliRunner

    from synth.cli import app

    runner = CliRunner()
    try:
        for flags, level in (([], logging.WARNING), (["-v"], logging.INFO), (["-vv"], logging.DEBUG), (["-q"], logging.ERROR)):
            assert runner.invoke(app, [*flags, "codebook", "check", "--help"]).exit_code == 0
            assert logging.getLogger().level == level, flags
    finally:
        logging.getLogger().setLevel(logging.WARNING)


def test_global_flags_work_after_the_command(tmp_path):
    result = synth_cli("inspect", str(tmp_path / "absent"), "-q")
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert "No such option" not in result.stderr


def test_hoisting_keeps_arguments_after_a_double_dash():
    from synth.cli import hoist_global_flags

    assert hoist_global_flags(["run", "in", "-q", "-vv"]) == ["-q", "-vv", "run", "in"]
    assert hoist_global_flags(["run", "--", "-q"]) == ["run", "--", "-q"]
