"""Speaker roles: labels, who asks the questions, overrides and sidecar files, questions attached to answers."""

from __future__ import annotations

import pytest

from synth.ingest import transcripts
from synth.ingest.roles import apply_overrides, assign_roles, attach_questions, label_role
from synth.records import Span, Turn


def turn(speaker: str, text: str, heading: str | None = None) -> Turn:
    return Turn(speaker, text, (Span(1, 0, len(text)),), heading=heading)


@pytest.mark.parametrize(
    "label, role",
    [
        ("Interviewer", "interviewer"),
        ("Interviewer 2", "interviewer"),
        ("Moderator", "interviewer"),
        ("UX Researcher", "interviewer"),
        ("Facilitator", "interviewer"),
        ("Host", "interviewer"),
        ("Q", "interviewer"),
        ("Interviewee", "participant"),
        ("A", "participant"),
        ("Participant 3", "participant"),
        ("P03", "participant"),
        ("Respondent", "participant"),
        ("Customer", "participant"),
        ("Jane Doe", None),
        ("Speaker 1", None),
        ("Project Manager", None),
        ("User Interface", None),
        ("Ghost", None),
    ],
)
def test_roles_from_labels(label, role):
    found = label_role(label)
    assert (found[0] if found else None) == role


def test_two_speakers_the_one_who_asks_most_and_speaks_first_interviews():
    turns = [
        turn("Ann", "Hi, thanks for coming. How do you travel to work?"),
        turn("Ben", "By bus, mostly."),
        turn("Ann", "Why the bus?"),
        turn("Ben", "It is cheaper than parking. Do you drive?"),
        turn("Ann", "Sometimes. What would make the bus better?"),
        turn("Ben", "More reliable times."),
    ]
    roles = {s.name: (s.role, s.role_reason) for s in assign_roles(turns)}
    assert roles["Ann"] == ("interviewer", "asks 3 of 4 questions and speaks first")
    assert roles["Ben"][0] == "participant"


def test_two_speakers_with_balanced_questions_are_both_participants():
    turns = [turn("Ann", "Tea?"), turn("Ben", "Yes. Sugar?"), turn("Ann", "No. Milk?"), turn("Ben", "Please.")]
    assert {s.role for s in assign_roles(turns)} == {"participant"}


def test_three_or_more_unlabelled_speakers_are_all_participants():
    turns = [turn(n, "What do we think?") for n in ("Ana", "Bo", "Cy", "Ana", "Ana")]
    speakers = assign_roles(turns)
    assert [s.role for s in speakers] == ["participant"] * 3
    assert "meeting or focus group" in speakers[0].role_reason


def test_a_labelled_moderator_makes_the_others_participants():
    turns = [turn("Moderator", "Welcome."), turn("Ana", "Hi?"), turn("Bo", "Hello?"), turn("Ana", "Where?")]
    assert {s.name: s.role for s in assign_roles(turns)} == {
        "Moderator": "interviewer", "Ana": "participant", "Bo": "participant"
    }


def test_overrides_win_over_labels_and_questions():
    turns = [turn("Interviewer", "What happened?"), turn("Kim", "I lost my card.")]
    speakers = assign_roles(turns, overrides={"Interviewer": "participant", "Kim": "interviewer"})
    assert [(s.name, s.role, s.role_reason) for s in speakers] == [
        ("Interviewer", "participant", "set by override"),
        ("Kim", "interviewer", "set by override"),
    ]


def test_question_is_the_last_prompt_ending_in_a_question_mark():
    turns = [
        turn("I", "How did you find the new menu?"),
        turn("I", "Take your time."),
        turn("P", "It was hard to find the search."),
        turn("P", "And the font was small."),
        turn("I", "Thanks. Tell me about checkout."),
        turn("P", "Checkout was fine."),
    ]
    speakers = assign_roles(turns, overrides={"I": "interviewer", "P": "participant"})
    questions = [t.question for t in attach_questions(turns, speakers)]
    assert questions == [
        None,
        None,
        "How did you find the new menu?",
        "How did you find the new menu?",
        None,
        "Thanks. Tell me about checkout.",
    ]


def test_question_never_crosses_a_heading():
    turns = [turn("R", "Why?", "Topic A"), turn("P", "Because.", "Topic A"), turn("P", "Other topic.", "Topic B")]
    speakers = assign_roles(turns, overrides={"R": "interviewer", "P": "participant"})
    assert [t.question for t in attach_questions(turns, speakers)] == [None, "Why?", None]


def test_read_accepts_an_overrides_mapping(tmp_path):
    path = tmp_path / "call.txt"
    path.write_text("Ann: Hello.\nBen: How are you?\nAnn: Fine.\nBen: Why?\nAnn: Sun.\n", encoding="utf-8")
    source = transcripts.read(path, "call.txt", "txt", overrides={"Ben": "interviewer"})
    assert {s.name: s.role for s in source.speakers} == {"Ann": "participant", "Ben": "interviewer"}
    assert [t.question for t in source.turns if t.speaker == "Ann"] == [None, "How are you?", "Why?"]


@pytest.mark.parametrize(
    "sidecar",
    ["call.roles.yaml", "call.txt.roles.yaml", "speakers.yaml"],
)
def test_sidecar_files_set_roles(sidecar, tmp_path):
    path = tmp_path / "call.txt"
    path.write_text("Ann: Hello.\nBen: Hi.\nAnn: Tell me more.\nBen: Sure.\n", encoding="utf-8")
    (tmp_path / sidecar).write_text("Ann: moderator\nBen: participant\n", encoding="utf-8")
    source = transcripts.read(path, "call.txt", "txt")
    assert {s.name: (s.role, s.role_reason) for s in source.speakers} == {
        "Ann": ("interviewer", "set by override"),
        "Ben": ("participant", "set by override"),
    }
    assert source.turns[3].question == "Tell me more."


def test_the_transcripts_own_sidecar_wins_over_speakers_yaml(tmp_path):
    path = tmp_path / "call.txt"
    path.write_text("Ann: Hello.\nBen: Hi.\n", encoding="utf-8")
    (tmp_path / "speakers.yaml").write_text("Ann: interviewer\n", encoding="utf-8")
    (tmp_path / "call.roles.yaml").write_text("Ann: participant\n", encoding="utf-8")
    source = transcripts.read(path, "call.txt", "txt")
    assert {s.name: s.role for s in source.speakers}["Ann"] == "participant"


@pytest.mark.parametrize("marked", ["Ben: staff\n", "Ben: {role: employee}\n", "Ben:\n  role: Staff\n"])
def test_speakers_yaml_marks_a_staff_member_as_a_participant_with_the_staff_role(marked, tmp_path):
    path = tmp_path / "call.txt"
    path.write_text("Ann: How does packing work?\nBen: We pick from the back.\n", encoding="utf-8")
    (tmp_path / "speakers.yaml").write_text("Ann: interviewer\n" + marked, encoding="utf-8")
    source = transcripts.read(path, "call.txt", "txt")
    assert {s.name: s.role for s in source.speakers} == {"Ann": "interviewer", "Ben": "participant"}
    assert source.attributes == {"Ben": {"role": "staff"}} and source.problems == ()


@pytest.mark.parametrize(
    "content, reason, line",
    [
        ("Ann: boss\n", "Got 'boss' instead", 1),  # each problem names its line
        ("- Ann\n- Ben\n", "must map speaker names to roles", 1),
        ("Ann: [interviewer\n", "could not be read", 2),
    ],
)
def test_a_bad_sidecar_is_a_problem_not_a_crash(content, reason, line, tmp_path):
    path = tmp_path / "call.txt"
    path.write_text("Ann: Hello.\nBen: Hi.\n", encoding="utf-8")
    (tmp_path / "call.roles.yaml").write_text(content, encoding="utf-8")
    source = transcripts.read(path, "sub/call.txt", "txt")
    [problem] = source.problems
    assert reason in problem.reason and problem.path == "sub/call.roles.yaml" and problem.line == line


def test_read_overrides_keep_the_questions_notes_give(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text(
        "## Did checkout work?\n\n- It failed twice\n- (R d): Why twice?\n- (**P** d): “the card timed out”\n",
        encoding="utf-8",
    )
    source = transcripts.read(path, "notes.md", "md")
    assert [t.question for t in source.turns] == ["Did checkout work?", None, "Why twice?"]
    changed = transcripts.read(path, "notes.md", "md", overrides={"R": "participant"})
    assert {s.name: s.role for s in changed.speakers}["R"] == "participant"
    assert [t.question for t in changed.turns] == ["Did checkout work?"] * 3


def test_apply_overrides_redoes_roles_and_questions():
    from tests.ingest.transcript_builders import FIXTURES

    source = transcripts.read(FIXTURES / "qa.txt", "qa.txt", "txt")
    swapped = apply_overrides(source, {"Q": "participant", "A": "interviewer"})
    assert {s.name: s.role for s in swapped.speakers} == {"Q": "participant", "A": "interviewer"}
    assert swapped.turns[0].question is None and swapped.turns[1].question is None
    assert swapped.turns[2].question == "Mostly review sites, and then I book directly with the hotel."
    assert apply_overrides(source, {}) is source
