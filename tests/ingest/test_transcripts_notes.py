"""Markdown research notes: focus-group codes, usability notes, headings, and the real Autistica files."""

from __future__ import annotations

import pytest

from synth.ingest import transcripts
from synth.ingest.notes import BULLET, match_codes
from tests.conftest import shared
from tests.ingest.transcript_builders import FIXTURES, assert_verbatim


def read_md(path, rel=None):
    return transcripts.read(path, rel or path.name, "md")


@pytest.mark.parametrize(
    "line, speaker, role",
    [
        ("* (**A** d): “quote”", "**A**", "participant"),
        ("* (**P** *F* d): text", "**P** *F*", "participant"),
        ("* (*F* **P** d): text", "**P** *F*", "participant"),
        ("* (R *T* i): text", "R *T*", "interviewer"),
        ("**P, A** , d: &quot;text&quot;", "**A** **P**", "participant"),
        ("R, _T_, d: text", "R *T*", "interviewer"),
        ("**A** , d &quot;no colon, a quote&quot;", "**A**", "participant"),
        ("**A, P,** d; text", "**A** **P**", "participant"),
        ("-   **A (2) d:** text", "**A** (2)", "participant"),
        ("-   **A D d**: text", "**A** **D**", "participant"),
        ("-   **d:** 4x “No”", None, "participant"),
        ("* (R *T* d) no colon but two codes", "R *T*", "interviewer"),
    ],
)
def test_speaker_codes(line, speaker, role):
    bullet = BULLET.match(line)
    found = match_codes(line, bullet.end() if bullet else 0)
    assert found is not None
    assert found[0] == speaker and found[2][0] == role
    rest = {"“quote”", "text", "&quot;text&quot;", "4x “No”", "no colon but two codes"}
    rest.add("&quot;no colon, a quote&quot;")
    assert line[found[1] :].strip() in rest


@pytest.mark.parametrize(
    "line",
    ["* (a) first option", "* A good point: yes", "* (see below): the rest", "Tablet: 4", "* 12:30 lunch", "I say: no"],
)
def test_text_that_is_not_a_speaker_code(line):
    start = 2 if line.startswith("* ") else 0
    assert match_codes(line, start) is None


def test_focus_group_notes_are_turns_of_coded_speakers_under_headings():
    source = read_md(FIXTURES / "notes_focus_group.md")
    assert_verbatim(source)
    roles = {s.name: s.role for s in source.speakers}
    assert roles == {"R": "interviewer", "**P**": "participant", "**C**": "participant", "**C** **P**": "participant"}
    texts = [t.text for t in source.turns]
    assert "the online form times out before I can finish it, because I have to find the NHS number" in texts
    assert not any("Reminders should be sent" in t or "Researcher" in t for t in texts)
    queue = source.turns[1]
    assert queue.text == "I ring at eight on the dot and still end up in a queue"
    assert (queue.heading, queue.question) == ("Phone lines", "How do you book appointments at the moment?")
    reminder = next(t for t in source.turns if t.text.startswith("a text the day"))
    assert (reminder.heading, reminder.question) == ("Reminders", None)


def test_usability_notes_belong_to_the_declared_participant():
    source = read_md(FIXTURES / "notes_usability.md")
    assert_verbatim(source)
    assert [(s.name, s.role) for s in source.speakers] == [("P7", "participant")]
    texts = [t.text for t in source.turns]
    assert "It looks clean, but I can’t tell what it does." in texts
    assert "Typed an order number, got no results and then tried the help page" in texts
    assert not any("Screenshot" in t or "Search" == t or "40s" in t for t in texts)
    search = next(t for t in source.turns if t.text.startswith("I expected"))
    assert search.heading == search.question == "Did the search make sense?"
    assert source.turns[1].heading == "Landing page (prototype)"


AUTISTICA = [
    ("focus-groups/20190918_summary-18-September-2019.md", 300, "R *T*", "Helping autistic people and their families"),
    ("focus-groups/20190924_summary-24-September-2019.md", 200, "R *T*",
     "a) Helping autistic people and their families"),
    ("focus-groups/20191004_summary-4-October-2019.md", 200, "R *T*", "a) General"),
    ("moderation-report.md", 700, "R *T*", "Platform - purpose"),
    ("user-tests/summary-sprint6-feedback.md", 150, None, "Accessibility features"),
]


@pytest.mark.parametrize("rel, at_least, researcher, first_heading", AUTISTICA, ids=[a[0] for a in AUTISTICA])
def test_autistica_coded_notes(rel, at_least, researcher, first_heading):
    source = read_md(shared("autistica-citsci", rel), rel)
    assert_verbatim(source)
    assert len(source.turns) >= at_least
    assert source.turns[0].heading == first_heading
    roles = {s.name: s.role for s in source.speakers}
    assert roles.get("**A**", roles.get("**A** (1)")) == "participant"
    if researcher:
        assert roles[researcher] == "interviewer"
    assert all(t.heading for t in source.turns)
    assert not any(t.text.startswith("→") or " = " in t.text[:8] for t in source.turns)


def test_autistica_quote_is_cut_inside_its_quotation_marks():
    source = read_md(shared("autistica-citsci", "focus-groups", "20190918_summary-18-September-2019.md"))
    first = source.turns[0]
    assert (first.speaker, first.text) == ("*F*", "I’m interested in the enabling factors of the project")
    assert first.spans[0].line == 43


@pytest.mark.parametrize("user", [1, 2, 3, 4, 5])
def test_autistica_user_tests_are_one_participant(user):
    source = read_md(shared("autistica-citsci", "user-tests", f"user{user}-sprint6-feedback.md"))
    assert_verbatim(source)
    assert [(s.name, s.role) for s in source.speakers] == [(f"P{user}", "participant")]
    assert len(source.turns) >= 25
    headings = {t.heading for t in source.turns}
    assert "Landing Page" in headings
    asked = [t for t in source.turns if t.heading and t.heading.endswith("?")]
    assert asked and all(t.question == t.heading for t in asked)


def test_autistica_workshop_names_people_who_are_named_twice_or_by_initials():
    source = read_md(shared("autistica-citsci", "workshops", "wireframing-March2020-notes.md"))
    assert_verbatim(source)
    names = {s.name for s in source.speakers}
    assert {"Miguel", "Bastian", "Ekatarina", "GB", "TS", "KW", "unattributed"} <= names
    assert not names & {"Tablet", "Group members", "Reflections about summaries"}
    assert all(s.role == "participant" for s in source.speakers)
    asked = [t for t in source.turns if t.question and t.question.startswith("What behaviours limit")]
    assert len(asked) >= 4


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "# Call\n\n- **Interviewer:** How was delivery?\n- **Ana:** Late again.\n- **Interviewer:** Why?\n"
            "- **Ana:** The van broke down.\n",
            [("Interviewer", "How was delivery?"), ("Ana", "Late again."), ("Interviewer", "Why?"),
             ("Ana", "The van broke down.")],
        ),
        (
            "## Fees\n\n* (**A** d):\n“the fee only shows at the end”\n"
            "* (**P** i): my son hates that\n* (R d): ok\n",
            [("**A**", "the fee only shows at the end"), ("**P**", "my son hates that"), ("R", "ok")],
        ),
        (
            "## Intro\n\n**Moderator:** Who shops for the house?\n\n**Ben:** Me, mostly.\n\n"
            "_Note-taker: Ben looked unsure._\n\n**Moderator:** Why you?\n\n**Ben:** Nobody else will.\n",
            [("Moderator", "Who shops for the house?"), ("Ben", "Me, mostly."), ("Moderator", "Why you?"),
             ("Ben", "Nobody else will.")],
        ),
    ],
    ids=["bullet speaker lines", "codes with text below", "italic note-taker remark"],
)
def test_small_markdown_inputs(text, expected, tmp_path):
    path = tmp_path / "notes.md"
    path.write_text(text, encoding="utf-8")
    source = read_md(path)
    assert_verbatim(source)
    assert [(t.speaker, t.text) for t in source.turns] == expected


def test_bold_labels_in_coded_notes_are_prompts_not_speech(tmp_path):
    path = tmp_path / "summary.md"
    path.write_text(
        "## Fees\n\n-   **Do you check the fees?**\n\t-   **P d**: yes, always\n-   **Delivery**\n"
        "\t-   **A d**: late twice\n\t-   **A C d**: never late\n\n→ **Fees need to be clearer**\n",
        encoding="utf-8",
    )
    source = read_md(path)
    assert_verbatim(source)
    assert [(t.speaker, t.text, t.question) for t in source.turns] == [
        ("**P**", "yes, always", "Do you check the fees?"),
        ("**A**", "late twice", None),
        ("**A** **C**", "never late", None),
    ]
