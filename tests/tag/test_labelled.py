"""Labelled CSVs are read as CSV (RFC 4180): quoted tabs, `""`, newlines, any of , ; tab."""

import json

import pytest
from typer.testing import CliRunner

from synth.cli import app
from synth.errors import InputError
from synth.tag import read_labelled
from synth.tag.labelled import read_labelled_table
from tests.tag.helpers import LABELLED

QUOTED = (
    'text,stage,kinds,sentiment\n'
    '"The pool was closed\tall week",stay,pain_point,negative\n'
    '"She said ""bring back the old menu""",stay,motivation,\n'
    '"Booked it on Sunday,\nno trouble at all",booking,,positive\n'
)


def _write(tmp_path, content, name="l.csv"):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8"))
    return path


def test_quoted_tab_doubled_quote_and_newline_are_kept(tmp_path):
    rows = list(read_labelled(_write(tmp_path, QUOTED)))
    assert [r.text for r in rows] == ["The pool was closed\tall week", 'She said "bring back the old menu"',
                                      "Booked it on Sunday,\nno trouble at all"]  # fmt: skip
    assert rows[1].kinds == ("motivation",) and rows[1].sentiment is None
    assert rows[2].kinds == () and "kinds" in rows[2].labelled  # an empty kinds cell is a "none" label


def test_eval_scores_a_file_with_quoted_cells(tmp_path):
    path = _write(tmp_path, QUOTED)
    args = ["eval", str(path), "--codebook", str(LABELLED / "tiny_codebook.yaml"), "--model", "hashing", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["rows"] == 3 and report["stage"]["rows"] == 3 and report["sentiment"]["rows"] == 2


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_delimiter_found_from_the_whole_file(tmp_path, sep):
    # the header alone has no delimiter hint for ";" vs "," when the texts hold commas
    content = f"text{sep}stage\n" + f'"Fine, really{sep} fine"{sep}stay\n' + f"Second one{sep}booking\n"
    rows = list(read_labelled(_write(tmp_path, content)))
    assert [(r.text, r.stage) for r in rows] == [(f"Fine, really{sep} fine", "stay"), ("Second one", "booking")]


def test_bom_and_crlf(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufefftext,kinds\r\n\"a\r\nb\",pain_point\r\nc,\r\n".encode("utf-8"))
    present, rows = read_labelled_table(path)
    assert present == ("kinds",) and [r.text for r in rows] == ["a\r\nb", "c"]


def test_row_number_is_the_file_line_after_a_multiline_cell(tmp_path):
    content = 'text,sentiment\n"one\ntwo\nthree",positive\nfour,so-so\n'
    with pytest.raises(InputError) as info:
        list(read_labelled(_write(tmp_path, content)))
    assert info.value.row == 5 and "sentiment must be one of" in str(info.value)


def test_extra_cells_on_the_first_row_are_an_error_not_an_index(tmp_path):
    with pytest.raises(InputError) as info:
        list(read_labelled(_write(tmp_path, "text,stage\nok,stay,extra\n")))
    assert info.value.row == 2 and "more cells than the header" in str(info.value)
    assert "quote cells" in info.value.hint


def test_unclosed_quote_is_reported(tmp_path):
    with pytest.raises(InputError) as info:
        list(read_labelled(_write(tmp_path, 'text,stage\n"never closed,stay\n')))
    assert "closing quote is missing" in str(info.value)


def test_eval_train_and_folds(tmp_path):
    rows = "text,kinds\n" + "".join(f"the zorbly grobbet broke again number {i},pain_point\n" for i in range(6))
    rows += "".join(f"we talked about lunch plans number {i},\n" for i in range(6))
    path = _write(tmp_path, rows)
    base = ["eval", str(path), "--model", "hashing", "--json"]
    runner = CliRunner()
    folds = runner.invoke(app, base + ["--folds", "3"])
    trained = runner.invoke(app, base + ["--train", str(path)])
    assert folds.exit_code == 0 and trained.exit_code == 0, folds.output + trained.output
    assert json.loads(trained.output)["kinds"]["labels"]["pain_point"]["f1"] == 1.0
    assert json.loads(folds.output)["kinds"]["rows"] == 12
    bad = runner.invoke(app, base + ["--folds", "50"])
    assert bad.exit_code != 0 and "folds must be between 2 and the number of rows (12)" in bad.output
