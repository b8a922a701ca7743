"""JSON transcripts: Whisper, AWS Transcribe, Otter-style lists, escapes, and the AMI meetings (QMSum)."""

from __future__ import annotations

import pytest

from synth.errors import InputError
from synth.ingest import transcripts
from tests.conftest import shared
from tests.ingest.transcript_builders import FIXTURES, assert_verbatim

AMI_ROLES = {"Project Manager", "Marketing", "Industrial Designer", "User Interface"}


def read_json(path, rel=None):
    return transcripts.read(path, rel or path.name, "json")


# file, speakers in order, turns, (turn index, text, timestamp, question), first span line
CASES = [
    ("whisper.json", ["SPEAKER_00", "SPEAKER_01"], 6,
     (3, "The reminders. They stop me missing my pills.", "00:00:06", "What do you like most?"), 4),
    ("whisper_min.json", ["Speaker"], 2, (1, "It is easy.", "00:00:03", None), 1),
    ("aws.json", ["spk_0", "spk_1"], 2, (1, "Yes , every week .", "00:00:02", None), 19),
    ("aws_segments.json", ["spk_0", "spk_1"], 2, (1, "From a podcast ad.", "00:00:02", None), 7),
    ("otter_list.json", ["Host", "Bea"], 4,
     (1, "My landlord raised the rent and I want to understand my options. The council website was no help.",
      "00:00:09", "What brought you to the workshop today?"), 2),
    ("meeting.json", ["Project Manager", "Marketing", "Industrial Designer", "User Interface"], 5,
     (1, "Users said the remote is too {disfmarker} too complicated .", None, None), 4),
]


@pytest.mark.parametrize("name, speakers, count, expected, first_line", CASES, ids=[c[0] for c in CASES])
def test_json_shapes(name, speakers, count, expected, first_line):
    source = read_json(FIXTURES / name)
    assert_verbatim(source)
    assert source.format == "json" and source.problems == ()
    assert [s.name for s in source.speakers] == speakers
    assert len(source.turns) == count
    index, text, stamp, question = expected
    turn = source.turns[index]
    assert (turn.text, turn.timestamp, turn.question) == (text, stamp, question)
    assert source.turns[0].spans[0].line == first_line


def test_whisper_roles_from_questions():
    source = read_json(FIXTURES / "whisper.json")
    roles = {s.name: (s.role, s.role_reason) for s in source.speakers}
    assert roles["SPEAKER_00"] == ("interviewer", "asks 3 of 3 questions and speaks first")
    assert roles["SPEAKER_01"][0] == "participant"


def test_minified_json_spans_are_offsets_in_line_one():
    source = read_json(FIXTURES / "whisper_min.json")
    assert len(source.lines) == 1
    assert all(s.line == 1 for t in source.turns for s in t.spans)


def test_escapes_stay_as_written_with_a_warning():
    source = read_json(FIXTURES / "escaped.json")
    assert_verbatim(source)
    answer = source.turns[1]
    assert answer.text == 'It said \\"closed\\" \\u2013 on a Tuesday. So I left.'
    assert answer.speaker == "Zoé" and answer.question == "What did the sign say?"
    assert [p.severity for p in source.problems] == ["warning"]
    assert "closed" not in source.problems[0].reason


@pytest.mark.parametrize(
    "content, reason, line",
    [
        ('{"segments": [\n  {"text": "unclosed"\n', "not valid JSON", 3),
        ('{"config": {"debug": true}}', "no transcript segments", None),
        ('{"segments": []}', "no transcript segments", None),
        ("[" * 5000 + "]" * 5000, "nested too deeply", None),
    ],
)
def test_json_that_is_no_transcript_is_an_input_error(content, reason, line, tmp_path):
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_json(path)
    assert reason in caught.value.reason and caught.value.line == line


@pytest.mark.parametrize("meeting", ["ES2004a", "IS1003c", "TS3011d"])
def test_ami_meeting_has_four_participants_named_by_role(meeting):
    source = read_json(shared("qmsum-ami-product-meetings", f"{meeting}.json"))
    assert_verbatim(source)
    assert {s.name for s in source.speakers} == AMI_ROLES
    assert all(s.role == "participant" for s in source.speakers)
    assert all(t.question is None for t in source.turns)
    assert any("{vocalsound}" in t.text for t in source.turns)


def test_all_ami_meetings_parse_without_problems():
    folder = shared("qmsum-ami-product-meetings")
    files = sorted(folder.glob("*.json"))
    assert len(files) == 20
    for path in files:
        source = read_json(path)
        assert source.problems == (), path.name
        assert {s.name for s in source.speakers} == AMI_ROLES, path.name
        assert_verbatim(source)


def test_ami_spans_point_at_the_content_value_on_its_line():
    source = read_json(shared("qmsum-ami-product-meetings", "ES2004a.json"))
    first = source.turns[0]
    line = source.lines[first.spans[0].line - 1]
    assert line.strip() == f'"content": "{first.text}"'
