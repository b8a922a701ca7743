import hashlib
from pathlib import Path

import pytest

from synth.errors import ConfigError
from synth.tag.codebook import LANE_KINDS, check_codebook, default_codebook_text, load_codebook
from tests.tag.helpers import LABELLED, tag

ROOT = Path(__file__).resolve().parents[2]


def test_default_codebook_has_the_generic_journey():
    book = load_codebook(None)
    assert [c.id for c in book.stages] == ["awareness", "consideration", "purchase", "onboarding", "usage", "support", "loyalty"]
    assert {c.id for c in book.kinds} == {"pain_point", "motivation", "action", "emotion", "competitor"}
    assert {"website", "mobile_app", "social_media", "email", "phone", "chat", "in_person",
            "word_of_mouth"} == {c.id for c in book.touchpoints}  # retail channels live in the retail domain codebook
    assert book.path is None and len(book.sha256) == 64


def test_written_default_checks_clean_and_hashes_its_bytes(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text(default_codebook_text(), encoding="utf-8")
    assert check_codebook(path) == []
    assert load_codebook(path).sha256 == load_codebook(None).sha256
    assert load_codebook(path).path == str(path)


def test_hotel_codebook_in_docs_is_valid_with_at_most_five_examples_per_stage():
    book = load_codebook(ROOT / "docs" / "hotel-codebook.yaml")
    assert [c.id for c in book.stages] == ["booking", "arrival", "stay", "departure"]
    assert all(len(c.examples) <= 5 for c in book.stages)


def test_check_reports_every_error_with_its_line():
    errors = check_codebook(LABELLED / "broken_codebook.yaml")
    found = [(e.line, str(e).split(": ", 1)[1]) for e in errors]
    assert found == [
        (3, "id must be snake_case (a-z, 0-9, _). Got 'Booking Stage' instead."),
        (5, "stages 'stay' needs examples or patterns"),
        (7, "unknown key 'exmaples' in a stages entry"),
        (8, "kinds must include action, emotion"),
        (11, "threshold must be a number in (0, 1]. Got 1.5 instead."),
        (12, "kinds 'motivation' needs examples or patterns"),
        (13, "patterns must be a list of quoted sentences or phrases"),
        (15, "id 'stay' is used twice (in stages and touchpoints)"),
    ]
    assert all(e.path.endswith("broken_codebook.yaml") for e in errors)


def test_load_raises_the_first_error(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_codebook(LABELLED / "broken_codebook.yaml")
    assert info.value.line == 3


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("stages: [\n  - id: a\n", 2, "is not valid YAML"),
        ("", None, "is empty"),
        ("kinds:\n  - id: pain_point\n    patterns: [x]\n", None, "has no 'stages' section"),
        ("stages: []\nkinds: []\n", 1, "stages must be a non-empty list"),
        ("version: 2\nstages: [{id: a, patterns: [x]}]\nkinds: [{id: pain_point, patterns: [x]}]\n", 1, "version must be 1"),
    ],
)
def test_broken_files_give_one_line_errors(tmp_path, text, line, message):
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    errors = check_codebook(path)
    assert errors and errors[0].line == line and message in str(errors[0])


def test_lane_kinds_are_required(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("stages: [{id: a, patterns: [x]}]\nkinds: [{id: pain_point, patterns: [x]}]\n", encoding="utf-8")
    assert any("kinds must include" in str(e) for e in check_codebook(path))
    assert "pain_point" in LANE_KINDS


def test_custom_codebook_changes_the_stages_that_come_out():
    texts = ["Can we check in before noon on Friday?", "The pool towels were never replaced during our stay."]
    default = tag(texts)
    hotel = tag(texts, codebook=load_codebook(ROOT / "docs" / "hotel-codebook.yaml"))
    default_stages = {t.stage.id for t in default.taggings if t.stage}
    assert default_stages <= {c.id for c in load_codebook(None).stages}
    assert [t.stage.id for t in hotel.taggings] == ["arrival", "stay"]
    assert all(t.stage.reason for t in hotel.taggings)


def test_a_packaged_codebook_is_named_by_its_domain(tmp_path, monkeypatch):
    """`--codebook retail` loads the packaged retail codebook; a file of that name wins over it."""
    from synth.tag.codebook import domain_codebook_text

    monkeypatch.chdir(tmp_path)
    retail = load_codebook(Path("retail"))
    assert "physical_store" in {c.id for c in retail.touchpoints}
    assert retail.sha256 == hashlib.sha256(domain_codebook_text("retail").encode("utf-8")).hexdigest()
    (tmp_path / "retail").write_text(default_codebook_text(), encoding="utf-8")
    assert "physical_store" not in {c.id for c in load_codebook(Path("retail")).touchpoints}


def test_settings_sentiment_and_competitor_errors_each_name_their_line(tmp_path):
    """Every part of the file is checked (pydantic models, synth.yamlcheck), not only the code lists."""
    lanes = "".join(f"  - id: {k}\n    patterns: [x]\n" for k in LANE_KINDS)
    text = ("stages: [{id: a, patterns: [x], threshold: true}]\nkinds:\n" + lanes
            + "settings:\n  weights:\n    rules: 2\n  negation_window: 0\n"
            + "sentiment:\n  positive_words: [good, '  ']\n"
            + "competitors:\n  - FreshDrop\n  - name: freshdrop\n")  # fmt: skip
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    found = [(e.line, str(e).split(": ", 1)[1]) for e in check_codebook(path)]
    assert found == [
        (1, "threshold must be a number. Got 'true' instead."),
        (13, "weight rules must be in [0, 1]. Got 2.0 instead."),
        (14, "negation_window must be 1..10. Got 0 instead."),
        (16, "positive_words has an empty entry"),
        (19, "competitor 'freshdrop' (or an alias) is listed twice"),
    ]
