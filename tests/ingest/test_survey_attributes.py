"""survey.yaml `attributes:`: the columns that are persona attributes, renamed and value-mapped.

The study is written here: a roster with `order_frequency` (weekly / monthly) and a survey asking
"How often do you order?" (Every week / Once a month). Their answers never match, so the value
matching alone keeps them apart; the mapping lines them up.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from synth.errors import InputError
from synth.ingest import read_file
from synth.ingest.survey_config import AttributeSpec, parse_survey_config
from synth.participant_join import join_participants

SURVEY = """Respondent ID,Email,How often do you order?,Which device do you order on?,Which extras do you buy?,What would you change?
S-1,ines@example.org,Every week,Phone,"Flowers, Wine",Let me pick the delivery driver I had last time
S-2,omar@example.net,Once a month,Laptop,Wine,A reminder the evening before my slot
S-3,pia@example.com,Every week,Phone,Flowers,Show which items are close to their best-before date
"""
ROSTER = "name,email,order_frequency\nInes Duarte,ines@example.org,weekly\nOmar Said,omar@example.net,monthly\n"
CONFIG = """attributes:
  How often do you order?:
    name: order_frequency
    values: {Every week: weekly, Once a month: monthly}
  Which extras do you buy?: extras
"""


def _study(tmp_path: Path, config: str | None) -> Path:
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "survey.csv").write_text(SURVEY, encoding="utf-8")
    (folder / "participants.csv").write_text(ROSTER, encoding="utf-8")
    if config is not None:
        (folder / "survey.yaml").write_text(config, encoding="utf-8")
    return folder


def _join(folder: Path):
    sources = [read_file(path, path.name) for path in sorted(folder.iterdir()) if path.suffix == ".csv"]
    sources = [s.__class__(**{**vars(s), "id": s.path}) for s in sources]
    return sources, join_participants([s for s in sources if s.kind == "survey"],
                                      [s for s in sources if s.kind == "participants"])


def test_listed_columns_are_the_attributes_renamed_and_value_mapped(tmp_path):
    sources, (participants, report) = _join(_study(tmp_path, CONFIG))
    (survey,) = [s for s in sources if s.kind == "survey"]
    assert survey.attributes["S-1"] == {"order_frequency": "weekly", "extras": "Flowers, Wine"}
    assert all("Which device do you order on?" not in a for a in survey.attributes.values())  # not listed
    assert [p.attributes.get("order_frequency") for p in participants] == ["weekly", "monthly", "weekly"]
    assert "How often do you order?" not in participants[0].attributes  # one attribute, not two side by side
    assert report.mapping == {"How often do you order?": ("order_frequency", "survey", "survey.yaml"),
                              "Which extras do you buy?": ("extras", "survey", "survey.yaml")}
    assert "  attribute order_frequency ← survey 'How often do you order?' (survey.yaml)" in report.lines()


def test_without_the_mapping_the_two_questions_stay_apart(tmp_path):
    _, (participants, report) = _join(_study(tmp_path, None))
    first = participants[0].attributes
    assert first["order_frequency"] == "weekly" and "Every week" not in first.values()  # read as open text
    assert first["Which device do you order on?"] == "Phone"
    assert report.mapping == {}


def test_a_value_the_map_does_not_list_is_kept_as_written(tmp_path):
    folder = _study(tmp_path, CONFIG)
    (folder / "survey.csv").write_text(SURVEY.replace("S-3,pia@example.com,Every week", "S-3,pia@example.com,Rarely"))
    sources, _ = _join(folder)
    (survey,) = [s for s in sources if s.kind == "survey"]
    assert survey.attributes["S-3"]["order_frequency"] == "Rarely"


def test_a_column_the_table_does_not_have_is_a_warning_with_the_line(tmp_path):
    sources, _ = _join(_study(tmp_path, CONFIG + "  What is your postcode?: area\n"))
    (survey,) = [s for s in sources if s.kind == "survey"]
    (problem,) = [p for p in survey.problems if "postcode" in p.reason]
    assert problem.severity == "warning" and problem.path == "survey.yaml" and problem.line == 6
    assert survey.attributes["S-2"] == {"order_frequency": "monthly", "extras": "Wine"}  # the rest still applies


def test_an_open_text_column_is_not_made_an_attribute(tmp_path):
    sources, _ = _join(_study(tmp_path, CONFIG + "  What would you change?: wish\n"))
    (survey,) = [s for s in sources if s.kind == "survey"]
    assert any("What would you change?" in p.reason and p.severity == "warning" for p in survey.problems)
    assert "wish" not in survey.attributes["S-1"]


def test_config_is_parsed_with_both_forms():
    config = parse_survey_config(CONFIG)
    assert config.attributes["Which extras do you buy?"] == AttributeSpec("extras", {}, 5)
    assert config.attributes["How often do you order?"].values == {"Every week": "weekly", "Once a month": "monthly"}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("attributes: [Q1, Q2]\n", 1, "'attributes' must map column names"),
        ("attributes:\n  Q1:\n    values: {a: b}\n", 3, "attribute 'Q1': no 'name'"),
        ("attributes:\n  Q1:\n    name: x\n    vales: {a: b}\n", 4, "unknown key 'vales'"),
        ("attributes:\n  Q1:\n    name: x\n    values: [a, b]\n", 4, "'values' must map answers"),
        ("attributes:\n  Q1:\n", 2, "attribute 'Q1' needs a name"),
    ],
)
def test_mistakes_name_the_line(text, line, words):
    with pytest.raises(InputError) as caught:
        parse_survey_config(text, "survey.yaml")
    assert caught.value.line == line and words in caught.value.reason
