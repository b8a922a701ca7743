import pytest

from synth.config import Settings, parse_personas
from synth.errors import ConfigError


def test_settings_validate_inputs(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        Settings(inputs=(tmp_path / "missing",), output=tmp_path / "out")


@pytest.mark.parametrize("value,expected", [("auto", None), ("AUTO", None), ("3", 3)])
def test_parse_personas(value, expected):
    assert parse_personas(value) == expected


def test_parse_personas_rejects_words():
    with pytest.raises(ConfigError, match="must be 'auto' or an integer. Got 'many' instead."):
        parse_personas("many")


def test_personas_range(tmp_path):
    with pytest.raises(ConfigError, match="from 1 to 50"):
        Settings(inputs=(tmp_path,), output=tmp_path / "out", personas=0)


def test_settings_record_paths_as_given(tmp_path):
    data = Settings(inputs=(tmp_path,), output=tmp_path / "out", seed=7).to_dict()
    assert data["personas"] == "auto" and data["seed"] == 7 and data["inputs"] == [str(tmp_path)]
