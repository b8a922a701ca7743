"""Participants and evidence units, on hand-built sources."""

from __future__ import annotations

import hashlib

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from synth.records import Source, Span, Speaker, Turn
from synth.redact import Redactor
from synth.segment import (
    Segmenter,
    build_participants,
    describe_location,
    find_roster_key,
    participant_index,
    participant_key,
    segment_sources,
)
from synth.sentences import move_openers, trim
from tests.unit_builders import assert_traceable, survey, transcript

NLP = spacy.blank("en")
NLP.add_pipe("sentencizer")
OFF = Redactor(enabled=False)

INTERVIEW = transcript(
    "interviews/maya.txt",
    [
        ("Interviewer", "How did you hear about us?"),
        ("Maya Patel", "My friend Harriet posted her code. It was fifteen pounds off, um, your first shop."),
        ("Interviewer", "And then?"),
        ("Maya Patel", "Yes. The slots were always gone a week ahead, which was really annoying."),
        ("Maya Patel", "n/a"),
    ],
    header="Basketful interviews, 10 March 2026",
)


def units_of(*sources, redactor=OFF, roster=None, **options):
    participants = build_participants(sources, roster)
    return segment_sources(sources, participants, redactor=redactor, nlp=NLP, **options)


# --- participants -------------------------------------------------------------------------------


def test_participants_in_source_then_first_turn_order():
    focus = transcript("b_focus.md", [("Moderator", "Hi all?"), ("Tom", "Hello there."), ("Priya", "Hi."),
                                      ("Tom", "Again.")], interviewers=("Moderator",))  # fmt: skip
    people = build_participants([INTERVIEW, focus])
    assert [p.id for p in people] == ["P01", "P02", "P03"]
    assert [p.source_ids for p in people] == [(INTERVIEW.id,), (focus.id,), (focus.id,)]
    index = participant_index(people, [INTERVIEW, focus])
    assert index == {(INTERVIEW.id, "Maya Patel"): "P01", (focus.id, "Tom"): "P02", (focus.id, "Priya"): "P03"}


def test_participant_key_is_a_name_free_hash_of_path_and_speaker():
    (maya,) = build_participants([INTERVIEW])
    assert maya.key == hashlib.sha1(b"maya.txt\0Maya Patel").hexdigest()[:12]  # file name: survives a move
    assert "maya" not in maya.key.lower()


def test_speakers_without_turns_and_interviewers_are_not_participants():
    source = transcript("a.txt", [("Interviewer", "Hello?"), ("Sam", "Hi there.")])
    source = Source(**{**vars(source), "speakers": source.speakers + (Speaker("Ghost", "participant"),)})
    assert [p.id for p in build_participants([source])] == ["P01"]


def test_ids_widen_past_99_participants():
    rows = [{"ResponseId": f"R{i}", "Why": "It saves me time"} for i in range(120)]
    people = build_participants([survey("s.csv", rows, open_columns=["Why"])])
    assert people[0].id == "P001" and people[-1].id == "P120"


def test_attributes_merge_survey_answers_and_roster_without_names_or_contacts():
    rows = [{"ResponseId": "R1", "Email": "a@example.com", "Age": "25-34", "Why": "Cheap"}]
    source = survey("s.csv", rows, open_columns=["Why"], closed_columns=["Age"], pii_columns=["Email"])
    roster = {"R1": {"segment": "student", "First Name": "Isla", "phone number": "07700 900123", "empty": ""}}
    (person,) = build_participants([source], roster)
    assert dict(person.attributes) == {"Age": "25-34", "segment": "student"}


@pytest.mark.parametrize(
    ("speaker", "expected"),
    [("Maya Patel", "Maya Patel"), ("maya patel", "Maya Patel"), ("Callum (Participant)", "Callum"),
     ("Maya", "Maya Patel"), ("Brian", "B. Walsh"), ("Sam", None), ("Nobody", None), ("R_12", "R_12")],
)  # fmt: skip
def test_find_roster_key(speaker, expected):
    roster = {"Maya Patel": {}, "Callum": {}, "B. Walsh": {"name": "Brian Walsh"}, "Sam Okafor": {},
              "Sam Jones": {}, "R_12": {}}  # fmt: skip
    assert find_roster_key(speaker, roster) == expected


# --- units --------------------------------------------------------------------------------------


def test_only_participant_speech_becomes_units():
    units = units_of(INTERVIEW)
    assert units and all(u.participant_id == "P01" and u.speaker_role == "participant" for u in units)
    assert not any("hear about us" in u.text for u in units)
    assert_traceable([INTERVIEW], units)


def test_unit_fields():
    first = units_of(INTERVIEW)[0]
    assert first.text == "My friend Harriet posted her code. It was fifteen pounds off, um, your first shop."
    assert first.clean_text == "My friend Harriet posted her code. It was fifteen pounds off, your first shop."
    assert first.question == "How did you hear about us?"
    assert first.location == "line 3"
    assert first.spans == (Span(3, 12, 12 + len(first.text)),)
    key = participant_key("maya.txt", "Maya Patel")
    normal = " ".join(first.text.casefold().split())
    assert first.id == "u-" + hashlib.sha1(f"{key}\x00{normal}\x000".encode()).hexdigest()[:10]
    assert first.language == "en" and first.source_id == INTERVIEW.id


def test_quote_is_the_redacted_text():
    participants = build_participants([INTERVIEW])
    redactor = Redactor.from_sources([INTERVIEW], participants)
    (first, *_) = segment_sources([INTERVIEW], participants, redactor=redactor, nlp=NLP)
    assert first.quote == "My friend [name] posted her code. It was fifteen pounds off, um, your first shop."
    assert "Harriet" in first.text


def test_a_short_sentence_joins_its_neighbour_and_non_answers_are_dropped():
    texts = [u.text for u in units_of(INTERVIEW)]
    assert "Yes. The slots were always gone a week ahead, which was really annoying." in texts
    assert "n/a" not in texts and len(texts) == 2


def test_a_monologue_becomes_several_units_of_at_most_three_sentences():
    sentences = [f"Sentence number {i} is about the delivery slots." for i in range(1, 9)]
    source = transcript("mono.txt", [("Interviewer", "Tell me?"), ("Ann", " ".join(sentences))])
    units = units_of(source)
    assert [len(list(NLP(u.text).sents)) for u in units] == [3, 3, 2]
    assert " ".join(u.text for u in units) == " ".join(sentences)


def test_units_stay_under_max_chars_even_without_punctuation():
    run_on = " ".join(["and then we went to the shop and it was closed so we ordered online instead"] * 20)
    source = transcript("runon.txt", [("Interviewer", "What happened?"), ("Ann", run_on)])
    units = units_of(source, max_chars=200)
    assert len(units) > 5 and all(len(u.text) <= 200 for u in units)
    assert_traceable([source], units)


def test_a_turn_over_several_lines_maps_back_to_each_line():
    pieces = ["The app logged me out", "every single time I opened it.", "So I stopped using it."]
    source = transcript("wrap.vtt", [("Interviewer", "Why?"), ("Ann", pieces)], timestamps=True)
    (unit,) = units_of(source)
    assert unit.spans == (Span(2, 16, 37), Span(3, 4, 34), Span(4, 4, 26))
    assert unit.location == "00:00:01, lines 2-4"
    assert_traceable([source], [unit])


def test_a_unit_can_start_and_end_inside_lines():
    pieces = ["First point here. Second", "point goes on. Third point is", "long enough. Fourth point ends."]
    source = transcript("cut.txt", [("Interviewer", "Why?"), ("Ann", pieces)])
    units = units_of(source, max_sentences=1)
    assert [u.text for u in units] == ["First point here.", "Second point goes on.", "Third point is long enough.",
                                      "Fourth point ends."]  # fmt: skip
    assert units[1].spans == (Span(2, 23, 29), Span(3, 4, 18)) and units[1].location == "lines 2-3"
    assert_traceable([source], units)


def test_survey_answers_become_units_located_by_row_and_column():
    rows = [
        {"ResponseId": "R1", "Frustration": "The delivery fee is hidden until checkout", "Reason": "n/a"},
        {"ResponseId": "R2", "Frustration": "test test", "Reason": "Saves time, kids at home"},
        {"ResponseId": "R3", "Frustration": "-", "Reason": "asdf"},
    ]
    source = survey("survey.csv", rows, open_columns=["Frustration", "Reason"])
    units = units_of(source)
    assert [(u.participant_id, u.location) for u in units] == [("P01", "row 2, column Frustration"),
                                                               ("P02", "row 3, column Reason")]  # fmt: skip
    assert units[0].question == "Frustration"
    assert_traceable([source], units)


def test_language_is_detected_once_per_source_or_taken_from_the_caller():
    german = transcript("de.txt", [("Interviewer", "Warum?"), ("Anna", "Die Lieferung kam zu spät und ich war sehr "
                                   "ärgerlich, weil das nicht das erste Mal war.")])  # fmt: skip
    assert {u.language for u in units_of(german)} == {"de"}
    assert {u.language for u in units_of(german, languages={german.id: "fr"})} == {"fr"}


def test_a_short_answer_gets_the_language_lingua_tells_and_else_its_sources():
    answers = ["Delivery was late again, and nobody told me why it was late.", "Nadie contesta el teléfono", "Weak area"]
    rows = [{"ResponseId": f"R{i}", "Reason": answer} for i, answer in enumerate(answers)]
    assert [u.language for u in units_of(survey("answers.csv", rows, open_columns=["Reason"]))] == ["en", "es", "en"]


def test_heading_and_question_are_carried():
    source = transcript("notes.md", [("Ann", "The filters never remember my choices.")])
    turn = source.turns[0]
    source = Source(**{**vars(source), "turns": (Turn(turn.speaker, turn.text, turn.spans, heading="Search"),)})
    (unit,) = units_of(source)
    assert unit.heading == "Search" and unit.question is None


def test_ids_are_stable_and_unique():
    first, second = units_of(INTERVIEW), units_of(INTERVIEW)
    assert [u.id for u in first] == [u.id for u in second]
    assert first == second
    assert len({u.id for u in first}) == len(first)


def test_spans_not_matching_turn_text_fall_back_to_the_spans(caplog):
    source = transcript("bad.txt", [("Ann", "The checkout hid the fees from me.")])
    turn = source.turns[0]
    broken = Source(**{**vars(source), "turns": (Turn("Ann", "Something else entirely here.", turn.spans),)})
    (unit,) = units_of(broken)
    assert unit.text == "The checkout hid the fees from me."
    assert "checkout" not in caplog.text and "bad.txt" in caplog.text


@pytest.mark.parametrize(
    ("turn", "spans", "expected"),
    [(Turn("A", "x", ()), (Span(5, 0, 1),), "line 5"),
     (Turn("A", "x", ()), (Span(5, 0, 1), Span(7, 0, 1)), "lines 5-7"),
     (Turn("A", "x", (), timestamp="00:01:02"), (Span(14, 0, 1),), "00:01:02, line 14"),
     (Turn("A", "x", (), column="Q3"), (Span(5, 0, 1),), "row 5, column Q3")],
)  # fmt: skip
def test_describe_location(turn, spans, expected):
    assert describe_location(turn, spans) == expected


def test_bad_limits_are_rejected():
    with pytest.raises(ValueError, match="max_sentences must be >= 1"):
        units_of(INTERVIEW, max_sentences=0)


# --- the hard invariant, on generated turns -----------------------------------------------------

WORD = st.sampled_from(["the", "app", "Basketful", "um,", "slots", "(laughs)", "fee", "I", "was", "really", "£12.99",
                        "don't", "café", "it", "[crosstalk]", "so", "okay"])  # fmt: skip
SENTENCE = st.builds(
    lambda words, end: " ".join(words) + end, st.lists(WORD, min_size=1, max_size=12), st.sampled_from([".", "?", "!", "", "..."])
)
PIECE = st.lists(SENTENCE, min_size=1, max_size=4).map(" ".join)
TURNS = st.lists(st.lists(PIECE, min_size=1, max_size=4), min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(TURNS, st.integers(min_value=1, max_value=4), st.integers(min_value=40, max_value=300))
def test_every_unit_is_traceable_to_its_source(turns, max_sentences, max_chars):
    script = [part for pieces in turns for part in (("Interviewer", "And?"), ("Ann", pieces))]
    source = transcript("gen.txt", script)
    units = units_of(source, max_sentences=max_sentences, max_chars=max_chars)
    assert_traceable([source], units)
    for unit in units:
        assert len(unit.text) <= max_chars + 60
        assert len(unit.clean_text.split()) >= 2


TEXT = st.lists(st.sampled_from([*"ab .?!…。\n\"'()“[", "etc.", "e.g.", "3.5", "U.S.", ":)", "  ", "x.co/?a=1."]),
                max_size=14).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.one_of(TEXT, PIECE))
def test_pieces_that_skip_tokenising_split_as_the_sentencizer_splits_them(text):
    segmenter = Segmenter(NLP, OFF)
    doc = NLP(text)
    bounds = [(s.start_char, s.end_char) for s in doc.sents] if doc.has_annotation("SENT_START") else [(0, len(text))]
    trimmed = [t for t in (trim(text, *b) for b in move_openers(text, bounds)) if t]
    assert [t for t in (trim(text, *b) for b in segmenter._sentences(text, 0, len(text))) if t] == trimmed


def test_unit_ids_survive_a_line_above_and_a_move_into_a_subfolder():
    """Issue 13 #3: ids hang on content and participant, not on path and line."""
    speech = [("Interviewer", "How was it?"), ("Maya Patel", "The van came late. I waited two hours.")]
    before = units_of(transcript("maya.txt", speech))
    moved = units_of(transcript("wave1/maya.txt", [("Interviewer", "Hello there.")] + speech))
    assert [u.id for u in before] == [u.id for u in moved]
    assert before[0].location != moved[0].location  # the location is data, it moved


def test_repeated_words_get_distinct_ids_and_same_name_files_stay_apart():
    speech = [("Maya Patel", "It was fine really."), ("Interviewer", "And then?"), ("Maya Patel", "It was fine really.")]
    units = units_of(transcript("a.txt", speech))
    assert len(units) == 2 and len({u.id for u in units}) == 2
    one, two = transcript("wave1/a.txt", speech[:1]), transcript("wave2/a.txt", speech[:1])
    keys = {p.key for p in build_participants([one, two])}
    assert len(keys) == 2


def test_inspecting_a_transcript_loads_spacy_without_torch(tmp_path):
    """`synth inspect` and runs with a torch-free model pay no 2 s torch import for spaCy, nor spaCy's command
    line (0.4 s), nor the PII libraries when nothing is redacted (synth.nlp.import_spacy, synth.privacy.numbers)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    transcript = tmp_path / "interview.txt"
    transcript.write_text("Interviewer: How do you shop?\nAna: I order online. It is quick.\n", encoding="utf-8")
    code = (
        "import sys; from synth.cli import app\n"
        f"sys.argv = ['synth', 'inspect', {str(transcript)!r}]\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print('MODULES', sorted(m for m in ('spacy', 'torch', 'spacy.cli', 'weasel', 'phonenumbers') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert "MODULES ['spacy']" in done.stdout
    assert "1 participants · 1 units" in done.stdout  # the transcript was really segmented with spaCy


def test_spacy_command_line_still_loads_after_the_light_import():
    """spaCy's own `info` and `spacy.cli` work after synth imported spaCy without its command line."""
    from synth.nlp import import_spacy

    spacy = import_spacy()
    assert spacy.info()["spacy_version"] == spacy.__version__
    import spacy.cli

    assert callable(spacy.cli.download)


def test_turns_cut_in_forked_workers_give_the_same_units(monkeypatch):
    import synth.segment

    monkeypatch.setattr(synth.segment, "TURNS_PER_CHUNK", 2)
    answers = [f"Answer {i}: the slots were gone again, um, so I rang Harriet. Then it {i}." for i in range(12)]
    answers += ["Nadie contesta el teléfono", "Weak area", "n/a"]
    source = survey("many.csv", [{"ResponseId": f"R{i}", "Reason": a} for i, a in enumerate(answers)], open_columns=["Reason"])
    one = units_of(source, processes=1)
    assert len(one) == 14 and units_of(source, processes=2) == one
