"""review.yaml: created once, never overwritten, edited keeping comments, errors with lines."""

import pytest

from synth.errors import ReviewError
from synth.review import (
    PersonaDecision,
    Review,
    create_review_file,
    edit_review,
    load_review,
    persona_entry,
    unit_entry,
)

DRAFT = {"personas": [{"id": "persona-1", "name": "Time-pressed app shopper", "size": 4},
                      {"id": "persona-2", "name": "Price checker", "size": 3}]}


def test_created_once_and_never_overwritten(tmp_path):
    path = tmp_path / "review.yaml"
    assert create_review_file(path, DRAFT)
    path.write_text(path.read_text() + "# my own note\n")
    assert not create_review_file(path, {"personas": []})
    assert path.read_text().endswith("# my own note\n")


def test_fresh_file_lists_personas_as_drafts(tmp_path):
    path = tmp_path / "review.yaml"
    create_review_file(path, DRAFT)
    review = load_review(path)
    assert set(review.personas) == {"persona-1", "persona-2"}
    assert review.is_empty()
    assert "Time-pressed app shopper" in path.read_text()


def test_edit_keeps_comments_and_order(tmp_path):
    path = tmp_path / "review.yaml"
    create_review_file(path, DRAFT)
    text = path.read_text().replace("personas:\n", "personas:\n  # keep this comment\n", 1)
    path.write_text(text)

    def change(doc):
        persona_entry(doc, "persona-2")["status"] = "approved"
        unit_entry(doc, "u-123")["stage"] = "purchase"

    edit_review(path, change)
    edited = path.read_text()
    assert "# keep this comment" in edited
    assert edited.index("persona-1") < edited.index("persona-2")
    review = load_review(path)
    assert review.personas["persona-2"].status == "approved"
    assert review.units == {"u-123": {"stage": "purchase"}}


@pytest.mark.parametrize(
    "text,line,message",
    [
        ("version: 1\npersonas:\n  persona-1:\n    status: great\n", 4, "status must be one of"),
        ("version: 1\npersonas:\n  persona-1: {status: draft\n", None, "not valid YAML"),
        ("version: 1\nperson:\n  a: 1\n", 2, "unknown top-level key 'person'"),
        ("version: 1\npersonas:\n  persona-1:\n    colour: red\n", 4, "unknown persona field 'colour'"),
        ("version: 1\nunits:\n  u-1: {stage: usage, mood: sad}\n", 3, "unit entry must be a mapping"),
    ],
)
def test_bad_review_names_the_line_and_leaves_file_untouched(tmp_path, text, line, message):
    path = tmp_path / "review.yaml"
    path.write_text(text)
    with pytest.raises(ReviewError, match=message) as info:
        edit_review(path, lambda doc: None)
    if line is not None:
        assert f"line {line}" in str(info.value)
    else:
        assert "line " in str(info.value)
    assert path.read_text() == text


def test_review_collects_pins_and_exclusions():
    review = Review(personas={"a": PersonaDecision(pinned=["u1"], excluded=["u2"]), "b": PersonaDecision(excluded=["u3"])})
    assert review.excluded == {"u2", "u3"} and review.pinned == ["u1"]
    assert not review.is_empty()
