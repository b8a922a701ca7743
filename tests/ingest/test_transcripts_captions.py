"""Caption formats: WebVTT (Zoom, Teams, YouTube), SRT, SBV, and the shared webvtt-py fixtures."""

from __future__ import annotations

import pytest

from synth.errors import InputError
from synth.ingest import transcripts
from tests.conftest import shared
from tests.ingest.transcript_builders import FIXTURES, assert_verbatim


def read(path, fmt=None):
    head = path.read_bytes()[:4096].decode("utf-8", errors="replace")
    return transcripts.read(path, path.name, fmt or transcripts.sniff(path, head))


def test_teams_voice_tags_blocks_bom_and_inline_tags():
    source = read(FIXTURES / "teams.vtt")
    assert_verbatim(source)
    assert source.format == "vtt" and source.problems == ()
    assert {s.name: s.role for s in source.speakers} == {"Lena Park": "interviewer", "Omar Haddad": "participant"}
    first_answer = source.turns[1]
    assert first_answer.text == "Every morning, before work. The graph in the app is the first thing I open."
    assert first_answer.timestamp == "00:00:04"
    assert first_answer.question == "How often do you check your energy usage?"
    assert not any("<" in t.text or "cue" in t.text or "Exported" in t.text for t in source.turns)
    assert source.turns[3].question == "Why the graph?"


def test_zoom_vtt_names_in_cue_text_and_same_speaker_cues_merge():
    source = read(FIXTURES / "zoom.vtt")
    assert_verbatim(source)
    assert {s.name: s.role for s in source.speakers} == {"Jordan Smith": "interviewer", "Lee Wong": "participant"}
    assert len(source.turns) == 6
    answer = source.turns[1]
    assert answer.text == "The old one closed my local branch. And their app logged me out every few minutes."
    assert (answer.timestamp, answer.question) == ("00:00:06", "What made you switch banks?")
    assert answer.spans[0].line == 9 and answer.spans[1].line == 13


def test_srt_with_role_labels_tags_and_coordinates():
    source = read(FIXTURES / "interview.srt")
    assert_verbatim(source)
    assert source.format == "srt"
    assert {s.name: s.role for s in source.speakers} == {"INTERVIEWER": "interviewer", "CUSTOMER": "participant"}
    assert source.turns[1].text == "I check the tracking page first, then I message the shop."
    assert source.turns[2].text == "Does the shop reply?"
    assert source.turns[3].question == "Does the shop reply?"


def test_sbv_without_speakers_is_one_participant_per_cue():
    source = read(FIXTURES / "captions.sbv")
    assert_verbatim(source)
    assert source.format == "sbv"
    assert [(s.name, s.role) for s in source.speakers] == [("Speaker", "participant")]
    assert [t.text for t in source.turns] == [
        "welcome back to the channel",
        "today I am unboxing the new smart doorbell",
        "the setup took me an hour",
    ]
    assert [t.timestamp for t in source.turns] == ["00:00:00", "00:00:03", "00:00:08"]


SHARED = {
    "captions_with_bom.vtt": (4, "Caption text #1", []),
    "comments.vtt": (3, "Ta en kopp varmt te. Det är inte varmt.", []),
    "cue_tags.vtt": (3, "When the moon hits your eye", []),
    "metadata_headers.vtt": (2, "Caption text #1", []),
    "sample.vtt": (16, "Caption text #1", []),
    "sample.srt": (5, "Caption text #1", []),
    "sample.sbv": (5, "Caption text #1", [("warning", 14)]),
    "styles.vtt": (1, "Hello world .", []),
    "using_identifiers.vtt": (6, "Caption text #1", []),
    "youtube_dl.vtt": (4, "yeah", []),
    "teams_timeframe.vtt": (2, "There you go.", []),
    "missing_caption_text.vtt": (4, "Caption text #1", [("warning", 6)]),
    "invalid_timeframe.vtt": (6, "Caption text #1", [("error", 6)]),
    "input_example.txt": (8, "How you doing?", []),
}


@pytest.mark.parametrize("name", sorted(SHARED))
def test_every_shared_caption_file_is_read_or_reported(name):
    source = read(shared("caption-formats", name))
    assert_verbatim(source)
    count, first, problems = SHARED[name]
    assert len(source.turns) == count
    assert source.turns[0].text == first
    assert [(p.severity, p.line) for p in source.problems] == problems


def test_shared_folder_has_no_unexpected_files():
    folder = shared("caption-formats")
    names = {p.name for p in folder.iterdir()} - {"LICENSE_webvtt-py"}
    assert names == set(SHARED)


def test_invalid_timing_skips_only_that_cue():
    source = read(shared("caption-formats", "invalid_timeframe.vtt"))
    texts = [t.text for t in source.turns]
    assert "Caption text #2" not in texts and "Caption text #3" in texts
    problem = source.problems[0]
    assert "timing" in problem.reason and problem.path == "invalid_timeframe.vtt"


def test_teams_unpadded_times_and_zoom_text_export():
    teams = read(shared("caption-formats", "teams_timeframe.vtt"))
    stamps = [(t.speaker, t.timestamp) for t in teams.turns]
    assert stamps == [("Yuri Bakulin", "00:00:00"), ("Adrian Petrescu", "00:00:00")]
    zoom = read(shared("caption-formats", "input_example.txt"))
    assert {s.name for s in zoom.speakers} == {"Johnny Doe", "Janet Dough"}
    assert zoom.turns[4].text == "Making sure. Okay. That's perfectly fine, and that makes sense."
    assert zoom.turns[4].timestamp == "11:02:14"


@pytest.mark.parametrize(
    "content, line",
    [
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello there\n\n00:00:0x.000 --> 00:00:05.000\nLost\n", 6),
        ("1\n00:00:01,000 -> 00:00:02,000\nNo arrow\n\n2\n00:00:03,000 --> 00:00:04,000\nKept\n", 1),
    ],
)
def test_malformed_cues_are_problems_with_their_line(content, line, tmp_path):
    path = tmp_path / ("bad.vtt" if content.startswith("WEBVTT") else "bad.srt")
    path.write_text(content, encoding="utf-8")
    source = read(path)
    assert_verbatim(source)
    assert source.problems and source.problems[0].line == line
    assert "Lost" not in [t.text for t in source.turns]


def test_captions_with_no_cue_at_all_are_an_input_error(tmp_path):
    path = tmp_path / "empty.vtt"
    path.write_text("WEBVTT\n\nNOTE nothing here\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read(path)
    assert caught.value.path == "empty.vtt" and "no transcript text" in caught.value.reason
