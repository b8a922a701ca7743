"""Plain-text and markdown transcripts: every speaker-line style, roles, questions, encodings."""

from __future__ import annotations

import re

import pytest

from synth.errors import InputError
from synth.ingest import transcripts
from tests.ingest.transcript_builders import FIXTURES, assert_verbatim


def read_fixture(name: str, fmt: str | None = None):
    path = FIXTURES / name
    return transcripts.read(path, name, fmt or transcripts.sniff(path, path.read_bytes()[:4096].decode("latin-1")))


# file, roles by speaker, turns, (index of a participant turn, its text, its timestamp, its question)
CASES = [
    (
        "lowercase_labels.txt",
        {"interviewer": "interviewer", "interviewee": "participant"},
        6,
        (1, "Mostly by direct debit, set up once and forgotten about.", None,
         "Thanks for talking to me today. How do you pay your bills?"),
    ),
    (
        "interview_colon.txt",
        {"Interviewer": "interviewer", "Dana": "participant"},
        6,
        (1, "Mostly on the app, on Sunday evenings. I sit on the sofa and fill the basket while the kids sleep.", None,
         "Thanks for joining. How do you usually do your weekly shop?"),
    ),
    (
        "interview_bracket_ts.txt",
        {"Priya": "interviewer", "Tom": "participant"},
        6,
        (5, "On my phone. The seat picker kept freezing, so I gave up choosing a seat.", "00:00:28",
         "How did you book it?"),
    ),
    (
        "interview_paren_ts.txt",
        {"Sam Lee": "interviewer", "Ana Costa": "participant"},
        6,
        (1, "Sure. I downloaded it from the store and it asked for my bank details straight away. "
            "That felt too early, honestly.", "00:00:09", "Could you walk me through signing up?"),
    ),
    (
        "otter.txt",
        {"Speaker 1": "interviewer", "Speaker 2": "participant"},
        6,
        (1, "I called about a double charge on my card. They kept me on hold for forty minutes.", "00:00:09",
         "So tell me about the last time you called customer support?"),
    ),
    (
        "zoom.txt",
        {"Maria Lopez": "interviewer", "Kofi Mensah": "participant"},
        6,
        (1, "A friend showed me how it sorts spending into categories. I liked that it was automatic.", "14:02:15",
         "Thanks for making time today. What made you try the budgeting app?"),
    ),
    (
        "qa.txt",
        {"Q": "interviewer", "A": "participant"},
        4,
        (3, "It is usually cheaper, and I can ask for a quiet room.", None, "Why directly?"),
    ),
    (
        "interviewer_n.txt",
        {"Interviewer 1": "interviewer", "Interviewee": "participant", "Interviewer 2": "interviewer"},
        4,
        (3, "A desktop calendar, plus a paper diary when the system is down.", None,
         "Which tools do you use for bookings?"),
    ),
    (
        "crlf.txt",
        {"Interviewer": "interviewer", "Joe": "participant"},
        4,
        (1, "It said my card would arrive in five days. It took twelve.", None, "What did the welcome email say?"),
    ),
    (
        "latin1.txt",
        {"Interviewer": "interviewer", "Renée": "participant"},
        4,
        (3, "Maybe, if delivery is free – otherwise no.", None, "Would you buy online next time?"),
    ),
]


@pytest.mark.parametrize("name, roles, count, expected", CASES, ids=[c[0] for c in CASES])
def test_speaker_line_styles(name, roles, count, expected):
    source = read_fixture(name)
    assert_verbatim(source)
    assert source.kind == "transcript" and source.format == "txt"
    assert {s.name: s.role for s in source.speakers} == roles
    assert len(source.turns) == count
    index, text, stamp, question = expected
    turn = source.turns[index]
    assert (turn.text, turn.timestamp, turn.question) == (text, stamp, question)
    assert roles[turn.speaker] == "participant"


def test_interviewer_turns_have_no_question():
    source = read_fixture("interview_colon.txt")
    asked = [t for t in source.turns if t.speaker == "Interviewer"]
    assert asked and all(t.question is None for t in asked)


def test_latest_prompt_wins_over_an_older_question():
    """'Okay.' follows a question: the answer after it still answers the question asked before."""
    source = read_fixture("interview_colon.txt")
    assert source.turns[-1].text == "And the refund took five days."
    assert source.turns[-1].question == "Okay."


def test_title_lines_before_the_first_speaker_are_not_speech():
    source = read_fixture("interview_colon.txt")
    assert all("grocery delivery app" not in t.text for t in source.turns)
    assert source.turns[0].spans[0].line == 4
    assert source.problems == ()


def test_markdown_bold_speakers_and_headings():
    source = read_fixture("bold.md")
    assert_verbatim(source)
    assert source.format == "md"
    assert {s.name: s.role for s in source.speakers} == {"Moderator": "interviewer", "Participant 3": "participant"}
    answer = source.turns[-1]
    assert answer.text == "The price filter. Then the photos, to see the fabric up close. I wish there was a zoom."
    assert answer.heading == "Task 1: find a sofa"
    assert answer.question == "What are you looking at first?"
    assert source.turns[1].heading == "Warm-up"


def test_no_speaker_lines_is_one_unattributed_participant_with_a_warning():
    source = read_fixture("no_speakers.txt")
    assert_verbatim(source)
    assert [(s.name, s.role) for s in source.speakers] == [("unattributed", "participant")]
    assert len(source.turns) == 3
    assert source.turns[1].text == (
        "She found the photo upload confusing because the size limits were not shown until after the upload failed."
    )
    assert [p.severity for p in source.problems] == ["warning"]
    assert "no speaker lines" in source.problems[0].reason


def test_a_one_off_label_inside_a_turn_is_not_a_speaker(tmp_path):
    path = tmp_path / "oneoff.txt"
    path.write_text(
        "Interviewer: What went wrong?\nJo: The total changed.\nPrice: it went up at checkout.\n"
        "Interviewer: Anything else?\nJo: No, that was all.\n",
        encoding="utf-8",
    )
    source = transcripts.read(path, path.name, "txt")
    assert {s.name for s in source.speakers} == {"Interviewer", "Jo"}
    assert source.turns[1].text == "The total changed. Price: it went up at checkout."


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02binary\x00" * 20, "binary"),
    ],
)
def test_unreadable_text_is_an_input_error(content, reason, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        transcripts.read(path, "bad.txt", "txt")
    assert reason in caught.value.reason and caught.value.path == "bad.txt"


@pytest.mark.parametrize(
    "text, roles, answer",
    [
        (
            "[00:00:04] Jo (Researcher): How do you shop?\n[00:00:09] Cal: Online, mostly.\n",
            {"Jo (Researcher)": "interviewer", "Cal": "participant"},
            ("Online, mostly.", "00:00:09"),
        ),
        (
            "Jo (Researcher)  0:03\nHow do you shop?\n\nCal  0:09\nOnline, mostly.\n",
            {"Jo (Researcher)": "interviewer", "Cal": "participant"},
            ("Online, mostly.", "00:00:09"),
        ),
        (
            "Moderator: How do you shop?\nNote-taker: Cal is on mobile.\n"
            "Cal: Online, mostly.\nCal: Sometimes in store.\n",
            {"Moderator": "interviewer", "Note-taker": "interviewer", "Cal": "participant"},
            ("Online, mostly. Sometimes in store.", None),
        ),
        (
            "00:01:02 Ana: So, how did it go?\n00:01:09 Ben: Badly.\n",
            {"Ana": "participant", "Ben": "participant"},
            ("Badly.", "00:01:09"),
        ),
    ],
    ids=["role aside", "otter with aside", "note-taker", "bare timestamp"],
)
def test_more_label_styles(text, roles, answer, tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    source = transcripts.read(path, "t.txt", "txt")
    assert_verbatim(source)
    assert {s.name: s.role for s in source.speakers} == roles
    last = source.turns[-1]
    assert (last.text, last.timestamp) == answer


@pytest.mark.parametrize(
    "data, texts",
    [
        ("I: How did you pay?\nR: By card.\nI: Why?\nR: Habit.\n".encode("utf-16"), ["By card.", "Habit."]),
        ("Interviewer: Prix?\nJosé: Trop élevé.\nInterviewer: Et?\nJosé: Rien.\n".encode("utf-8-sig"),
         ["Trop élevé.", "Rien."]),
        ("Interviewer: Prix?\nJosé: Trop élevé.\nInterviewer: Et?\nJosé: Rien.\n".encode("cp1252"),
         ["Trop élevé.", "Rien."]),
    ],
    ids=["utf-16 with BOM, I/R labels", "utf-8 BOM", "windows-1252"],
)
def test_encodings(data, texts, tmp_path):
    path = tmp_path / "enc.txt"
    path.write_bytes(data)
    source = transcripts.read(path, "enc.txt", "txt")
    assert_verbatim(source)
    assert [t.text for t in source.turns if t.question] == texts


def test_undecodable_text_is_an_input_error(tmp_path):
    path = tmp_path / "enc.txt"
    path.write_bytes(b"Interviewer: \x81\x8d\x8f\x90\x9d hello\n" * 50)
    with pytest.raises(InputError) as caught:
        transcripts.read(path, "enc.txt", "txt")
    assert "encoding" in caught.value.reason


def test_documentation_files_are_skipped_with_a_notice(tmp_path):
    from synth.ingest import read_inputs

    (tmp_path / "README.txt").write_text("Interviewer: This folder holds the study.\nAnna: Read me first.\n")
    (tmp_path / "LICENSE").write_text("Permission is hereby granted, free of charge, to any person.\n")
    (tmp_path / "interview.txt").write_text((FIXTURES / "interview_colon.txt").read_text())
    sources, problems = read_inputs([tmp_path])
    assert [s.path for s in sources] == ["interview.txt"]
    assert sorted((p.path, p.severity) for p in problems) == [("LICENSE", "warning"), ("README.txt", "warning")]
    assert all("documentation file" in p.reason for p in problems)


def test_utf8_and_cp1252_lines_in_one_file_are_each_decoded_right():
    source = read_fixture("mixed_encoding.txt")
    texts = [t.text for t in source.turns if t.speaker == "Maria"]
    assert texts == ["At the café by the station, it is naïve to expect better.", "The crème brûlée was cold, which was a shame."]
    assert_verbatim(source)


def test_annotated_review_markup_is_warned_about():
    source = read_fixture("annotated_reviews.txt")
    (warning,) = [p for p in source.problems if "annotated review corpus" in p.reason]
    assert warning.severity == "warning" and "2 review(s)" in warning.reason and warning.hint
    assert not [p for p in read_fixture("interview_colon.txt").problems if "annotated" in p.reason]


def test_annotated_reviews_are_one_participant_each_without_markup():
    """Our own corpus in the feature[+2]## / [t] style, with an annotator header line: each [t] review is a
    participant, its sentences the turn, the title its heading; no markup and no header line in any quote."""
    source = read_fixture("annotated_phone_reviews.txt")
    assert [(s.name, s.role) for s in source.speakers] == [(f"Review {n}", "participant") for n in (1, 2, 3)]
    first = source.turns[0]
    assert first.heading == "great little phone for the price"
    assert first.text == ("The battery easily lasts two days even with maps on. The screen is hard to read in "
                          "direct sunlight. I bought it for my dad and he likes it.")
    assert [s.line for s in first.spans] == [4, 5, 6]  # the cited lines hold the sentences
    assert not any(re.search(r"\[[+-]\d\]|##|\[t\]|Annotated by", t.text) for t in source.turns)
    assert "3 line(s) without ## skipped" in source.problems[0].reason
    assert_verbatim(source)


def test_hash_headings_without_review_scores_are_not_reviews(tmp_path):
    text = "## Booking\nInterviewer: How did booking go?\nLea: Fine.\n## Arrival\nInterviewer: And the check-in?\n" \
           "Lea: Slow, the queue was long.\n## Leaving\nInterviewer: Anything else?\nLea: No.\n"
    path = tmp_path / "notes.txt"
    path.write_text(text, encoding="utf-8")
    source = transcripts.read(path, "notes.txt", "txt")
    assert {s.name for s in source.speakers} == {"Interviewer", "Lea"}
    assert not any("annotated review" in p.reason for p in source.problems)


def test_text_garbled_before_it_was_saved_is_reported_and_quoted_as_written(tmp_path):
    from synth.ingest import read_inputs

    (tmp_path / "interview.txt").write_text(
        "Interviewer: Where do you shop?\nAnna: The cafÃ© next to the station, I donâ€™t drive.\n"
        "Interviewer: Why?\nAnna: It is close and the naïve façade is nice.\n", encoding="utf-8")
    (tmp_path / "clean.txt").write_text("Interviewer: Hello?\nBen: Café crème, s'il vous plaît.\n", encoding="utf-8")
    sources, problems = read_inputs([tmp_path])
    assert sorted(s.path for s in sources) == ["clean.txt", "interview.txt"]
    garbled = [p for p in problems if "garbled" in p.reason]
    assert [(p.path, p.severity) for p in garbled] == [("interview.txt", "warning")]
    assert "line 2" in garbled[0].reason and "re-export" in garbled[0].hint
    interview = next(s for s in sources if s.path == "interview.txt")
    assert "cafÃ©" in interview.lines[1]  # quotes stay verbatim: the repair is the user's re-export
