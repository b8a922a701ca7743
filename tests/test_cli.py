"""The command line: help for every command, exit codes, exact error text, an end-to-end run."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from synth.cli import app
from tests.conftest import ROOT, SAMPLE_INPUTS

runner = CliRunner()

COMMANDS = [
    ["run"], ["inspect"], ["export"], ["eval"], ["review"], ["codebook"],
    ["review", "list"], ["review", "show"], ["review", "approve"], ["review", "reject"], ["review", "rename"],
    ["review", "merge"], ["review", "pin"], ["review", "exclude"], ["review", "relabel"],
    ["codebook", "init"], ["codebook", "check"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_help_loads_no_model_library():
    """`synth --help` answers at once because it imports no heavy library (timing lives in bench/)."""
    probe = ("import sys\nfrom synth.cli import main\nsys.argv = ['synth', *sys.argv[1:]]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "heavy = sorted(m for m in ('torch', 'spacy', 'sentence_transformers', 'sklearn', 'pandas') if m in sys.modules)\n"
             "print('HEAVY', heavy)\n")
    for args in (["--help"], ["run", "--help"]):
        done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, cwd=ROOT)
        assert "Usage" in done.stdout
        assert done.stdout.strip().splitlines()[-1] == "HEAVY []", f"synth {' '.join(args)} imports model libraries"
    for args in (["codebook", "list"], ["codebook", "check", str(ROOT / "synth" / "resources" / "codebook.yaml")]):
        done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, cwd=ROOT)
        assert done.stdout.strip().splitlines()[-1] == "HEAVY []", f"synth {' '.join(args)} imports model libraries"


def test_missing_input_is_a_clear_usage_error(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "nope"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert f"Error: input '{tmp_path / 'nope'}' does not exist" in result.output
    assert "Hint: check the path and try again" in result.output


def test_bad_personas_value(tmp_path):
    result = runner.invoke(app, ["run", str(SAMPLE_INPUTS), "-o", str(tmp_path / "o"), "--personas", "many"])
    assert result.exit_code == 2
    assert "--personas must be 'auto' or an integer. Got 'many' instead." in result.output


def test_codebook_init_refuses_to_overwrite(tmp_path):
    path = tmp_path / "codebook.yaml"
    assert runner.invoke(app, ["codebook", "init", str(path)]).exit_code == 0
    result = runner.invoke(app, ["codebook", "init", str(path)])
    assert result.exit_code == 2 and "already exists" in result.output and "--force" in result.output
    check = runner.invoke(app, ["codebook", "check", str(path)])
    assert check.exit_code == 0 and "ok" in check.output


def test_inspect_json_contract():
    result = runner.invoke(app, ["inspect", str(SAMPLE_INPUTS), "--json"])
    assert result.exit_code == 0, result.output
    sources = json.loads(result.output)
    assert sources
    for source in sources:
        assert {"path", "kind", "format", "participants", "units", "speakers", "columns", "problems"} <= set(source)
        for column in source["columns"]:
            assert {"name", "role"} <= set(column)
    kinds = {s["kind"] for s in sources}
    assert {"transcript", "survey"} <= kinds


def test_inspect_shows_the_chosen_sheet_and_each_multi_choice_option_set(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["Exported", "2026-11-30"])
    sheet = book.create_sheet("Responses")
    sheet.append(["Respondent", "Which apps do you use?", "What went wrong last time?"])
    picks = ["Maps, Chat", "Chat", "Maps, Banking", "Banking, Chat", "Maps", "Chat, Maps, Banking"]
    for n, pick in enumerate(picks):
        sheet.append([f"r{n}", pick, f"The delivery slot moved for the {n + 2}th time"])
    book.save(tmp_path / "pulse.xlsx")
    result = runner.invoke(app, ["inspect", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "sheet: Responses (the responses; also in the workbook: Notes" in result.output
    table = " ".join(result.output.split())  # the table folds long cells over lines
    shown = table[table.index("Which apps do you use?"):table.index("What went wrong")]
    assert "multi_choice" in shown and all(option in shown for option in ("Banking", "Chat", "Maps"))


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "demo"
    result = runner.invoke(app, ["run", str(SAMPLE_INPUTS), "-o", str(out), "--model", "hashing", "--cache-dir", str(out.parent / "c")])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_run_prints_a_summary(cli_run):
    out, output = cli_run
    assert "sources read" in output and "participants" in output and "evidence units" in output
    assert "personas" in output and "problems:" in output and str(out) in output


def test_review_commands_edit_review_yaml_and_refresh(cli_run):
    out, _ = cli_run
    listing = runner.invoke(app, ["review", str(out), "list"])
    assert listing.exit_code == 0 and "persona-1" in listing.output
    result = runner.invoke(app, ["review", str(out), "rename", "persona-1", "Weekly family planner"])
    assert result.exit_code == 0, result.output
    assert "Weekly family planner" in (out / "report.html").read_text()
    assert "Weekly family planner" in (out / "review.yaml").read_text()
    unknown = runner.invoke(app, ["review", str(out), "approve", "persona-99"])
    assert unknown.exit_code == 2 and "no persona 'persona-99'" in unknown.output


def test_export_formats(cli_run, tmp_path):
    out, _ = cli_run
    for to, name in (("xlsx", "m.xlsx"), ("csv", "m.csv"), ("md", "m.md"), ("html", "m.html")):
        result = runner.invoke(app, ["export", str(out), "--to", to, "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).stat().st_size > 0


def test_readme_commands_exist():
    readme = (ROOT / "README.md").read_text()
    for command in ("synth inspect", "synth run", "synth review", "synth export", "synth codebook init", "synth eval"):
        assert command in readme
    assert "make demo" in readme and "make test" in readme


def test_exit_codes_are_documented_as_the_cli_uses_them():
    from synth import cli

    readme = (ROOT / "README.md").read_text()
    assert (cli.EXIT_INPUT, cli.EXIT_USAGE, cli.EXIT_INTERNAL) == (1, 2, 3)
    for text in ("**0** ok", "**1** input problems", "**2** usage", "**3** internal"):
        assert text in readme
