"""survey.yaml: what a researcher may write, and the line named when it is wrong."""

from __future__ import annotations

import pytest

from synth.errors import InputError
from synth.ingest import read_inputs
from synth.ingest.survey_config import parse_survey_config


def test_full_config_is_read():
    config = parse_survey_config(
        "sheet: Responses\nid_column: Respondent ID\nsegment: Plan\ncolumns:\n  Q7: Open_Text\n  Email: pii\n"
    )
    assert (config.sheet, config.id_column, config.segment) == ("Responses", "Respondent ID", "Plan")
    assert dict(config.columns) == {"Q7": "open_text", "Email": "pii"}


def test_empty_file_changes_nothing():
    config = parse_survey_config("# nothing yet\n")
    assert dict(config.columns) == {} and config.sheet is None


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("columns:\n  Q7: open text\n", 2, "must be one of respondent_id, open_text"),
        ("sheet: Responses\nsegmnet: Plan\n", 2, "unknown key 'segmnet'"),
        ("columns:\n  Q7: open_text\n   Q8: pii\n", 3, "not valid YAML"),
        ("columns: [Q7, Q8]\n", 1, "'columns' must map column names to roles"),
        ("- sheet\n- Responses\n", 1, "must be a mapping"),
        ("segment:\n  - Plan\n", 2, "'segment' must be one column"),
    ],
)
def test_mistakes_name_the_line(text, line, words):
    with pytest.raises(InputError) as caught:
        parse_survey_config(text, "study/survey.yaml")
    assert caught.value.line == line and words in caught.value.reason
    assert caught.value.path == "study/survey.yaml"


def test_a_bad_survey_yaml_is_reported_for_the_exports_beside_it(tmp_path):
    (tmp_path / "export.csv").write_text("id,Plan\n1,Free\n2,Plus\n")
    (tmp_path / "survey.yaml").write_text("columns:\n  Plan: choice\n")
    sources, (problem,) = read_inputs([tmp_path])
    assert sources == []
    assert problem.path == "survey.yaml" and problem.line == 2 and "Got 'choice' instead" in problem.reason
