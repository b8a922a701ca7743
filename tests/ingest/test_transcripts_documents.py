"""Word and PDF transcripts, built in the test (python-docx; a hand-written PDF)."""

from __future__ import annotations

import re

import pytest

from synth.errors import InputError
from synth.ingest import transcripts
from tests.ingest.transcript_builders import assert_verbatim, make_docx, make_pdf

B, P = True, False  # run is bold / plain


def read(path, fmt):
    assert transcripts.sniff(path, "") == fmt
    return transcripts.read(path, path.name, fmt)


DOCX_STYLES = [
    (
        "bold name and colon (Rev)",
        [[("Interviewer:", B), (" How do you track deliveries?", P)],
         [("Mei Chen:", B), (" I refresh the courier page.", P)],
         [("Interviewer", B), (": Why that page?", P)],
         [("Mei Chen", B), (": It shows the van on a map.", P)]],
        {"Interviewer": "interviewer", "Mei Chen": "participant"},
        (3, "It shows the van on a map.", None, "Why that page?"),
    ),
    (
        "bold name alone, text below",
        [[("Moderator", B)], [("What did you expect to happen?", P)],
         [("Raj", B)], [("A confirmation email.", P)], [("It never came.", P)],
         [("Moderator", B)], [("What did you do then?", P)], [("Raj", B)], [("I called them.", P)]],
        {"Moderator": "interviewer", "Raj": "participant"},
        (1, "A confirmation email. It never came.", None, "What did you expect to happen?"),
    ),
    (
        "Name 00:00:05 paragraph (Teams, Otter)",
        [[("Sofia Rossi 00:00:05", P)], [("What do you order most often?", P)],
         [("Liam Byrne 00:00:09", P)], [("Pizza, on Fridays.", P)],
         [("Sofia Rossi 00:00:15", P)], [("Why Fridays?", P)],
         [("Liam Byrne 00:00:18", P)], [("End of the week treat.", P)],
         [("Sofia Rossi 00:00:25", P)], [("Anything you would change?", P)],
         [("Liam Byrne 00:00:28", P)], [("Faster delivery.", P)]],
        {"Sofia Rossi": "interviewer", "Liam Byrne": "participant"},
        (1, "Pizza, on Fridays.", "00:00:09", "What do you order most often?"),
    ),
    (
        "bold name with time (Otter docx)",
        [[("Speaker 1", B), ("  0:03", P)], [("Can you hear me?", P)],
         [("Speaker 2", B), ("  0:07", P)], [("Yes, fine.", P)]],
        {"Speaker 1": "participant", "Speaker 2": "participant"},
        (1, "Yes, fine.", "00:00:07", None),
    ),
]


@pytest.mark.parametrize("title, paragraphs, roles, expected", DOCX_STYLES, ids=[d[0] for d in DOCX_STYLES])
def test_docx_speaker_styles(title, paragraphs, roles, expected, tmp_path):
    source = read(make_docx(tmp_path / "t.docx", paragraphs), "docx")
    assert_verbatim(source)
    assert source.format == "docx"
    assert {s.name: s.role for s in source.speakers} == roles
    index, text, stamp, question = expected
    turn = source.turns[index]
    assert (turn.text, turn.timestamp, turn.question) == (text, stamp, question)


def test_docx_lines_are_paragraphs_then_table_cells(tmp_path):
    paragraphs = [
        [("Interview 9", B)],
        [("Interviewer:", B), (" What went wrong?", P)],
        [("Ola:", B), (" The app crashed.", P)],
    ]
    path = make_docx(tmp_path / "t.docx", paragraphs, table=[["Interviewer: Then?", "Ola: I reinstalled it."]])
    source = read(path, "docx")
    assert_verbatim(source)
    assert source.lines == ("Interview 9", "Interviewer: What went wrong?", "Ola: The app crashed.",
                            "Interviewer: Then?", "Ola: I reinstalled it.")
    last = source.turns[-1]
    assert (last.text, last.spans[0].line, last.question) == ("I reinstalled it.", 5, "Then?")
    assert source.turns[0].spans[0].line == 2


@pytest.mark.parametrize("content", [b"PK\x03\x04 not really a zip", b"plain text pretending to be docx"])
def test_corrupt_docx_is_an_input_error(content, tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        transcripts.read(path, "broken.docx", "docx")
    assert caught.value.path == "broken.docx" and "Word file" in caught.value.reason
    assert caught.value.hint


def test_pdf_lines_are_numbered_across_pages(tmp_path):
    pages = [
        ["Customer interview 12", "Interviewer: How do you pay for parking (usually)?", "Nia: With the app."],
        ["Interviewer: Why the app?", "Nia: The machines never take cards.", "It is so annoying."],
    ]
    source = read(make_pdf(tmp_path / "t.pdf", pages), "pdf")
    assert_verbatim(source)
    assert source.format == "pdf"
    assert {s.name: s.role for s in source.speakers} == {"Interviewer": "interviewer", "Nia": "participant"}
    last = source.turns[-1]
    assert last.text == "The machines never take cards. It is so annoying."
    assert [s.line for s in last.spans] == [5, 6]
    assert last.question == "Why the app?"
    assert source.turns[0].text == "How do you pay for parking (usually)?"


def test_pdf_without_text_layer_asks_for_ocr(tmp_path):
    path = make_pdf(tmp_path / "scan.pdf", [[]])
    with pytest.raises(InputError) as caught:
        transcripts.read(path, "scan.pdf", "pdf")
    assert "no text layer" in caught.value.reason and "OCR" in caught.value.hint


def test_damaged_pdf_is_an_input_error(tmp_path):
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")
    with pytest.raises(InputError) as caught:
        transcripts.read(path, "bad.pdf", "pdf")
    assert caught.value.path == "bad.pdf"


def test_docx_bold_from_a_character_style_is_read_per_style(tmp_path):
    """A name alone in the bold "Strong" style is a speaker line; a line in "Emphasis" (not bold) is not,
    even after "Strong" runs: boldness is looked up once per style id, never carried over to another."""
    import docx

    document = docx.Document()
    for style, text in [
        ("Strong", "Interviewer"), (None, "How did booking go?"),
        ("Strong", "Mei Chen"), (None, "It was fine, I found the page."),
        ("Emphasis", "Long Pause"), (None, "Then I paid."),
        ("Strong", "Interviewer"), (None, "Anything else?"),
        ("Strong", "Mei Chen"), (None, "No, that was all."),
        ("Emphasis", "Long Pause"), (None, "Really."),
    ]:
        document.add_paragraph().add_run(text, style=style)
    document.save(str(tmp_path / "styled.docx"))
    source = read(tmp_path / "styled.docx", "docx")
    assert_verbatim(source)
    assert [t.speaker for t in source.turns] == ["Interviewer", "Mei Chen", "Interviewer", "Mei Chen"]
    assert source.turns[1].text == "It was fine, I found the page. Long Pause Then I paid."
    assert source.turns[3].text == "No, that was all. Long Pause Really."


def test_pdf_line_numbers_and_page_counters_stay_out_of_turns(tmp_path):
    pages = [
        ["1 Interviewer: How did you find the new booking page?", "2 Kofi: Quite slow, to be honest, the map",
         "3 took ages to load on my phone.", "4 Interviewer: What did you do then?", "5 1 2 3 4 5 6 7 8 9 10",
         "6 Kofi: I gave up and rang them.", "1/2"],
        ["2/2 Interviewer: Anything else?", "7 Kofi: The confirmation email never came.", "Page 2 of 2"],
    ]
    source = read(make_pdf(tmp_path / "numbered.pdf", pages), "pdf")
    assert_verbatim(source)
    texts = [t.text for t in source.turns if t.speaker == "Kofi"]
    assert texts == ["Quite slow, to be honest, the map took ages to load on my phone.", "I gave up and rang them.",
                     "The confirmation email never came."]  # fmt: skip
    assert source.lines[0].startswith("1 Interviewer")  # the verbatim line is kept; only the spans skip the number
    assert [t.text for t in source.turns if t.speaker == "Interviewer"][-1] == "Anything else?"


@pytest.mark.parametrize(
    ("pages", "participant"),
    [
        # a line-number column that the PDF text layer gives as lines of their own
        ([["Usability session 4", "Interviewer: What did you expect to see here?", "41",
           "Tomas: A list of my past orders, with", "42", "the dates next to them.", "43",
           "Interviewer: And this page?", "44", "Tomas: Confusing, honestly.", "3/6"]], "Tomas"),
        # line numbers in the right margin
        ([["Interviewer: Where would you click first? 17", "Ines: Probably the search box at the top 18",
           "because that is where I always look. 19", "Interviewer: Why there? 20", "Ines: Habit, I suppose. 21"]],
         "Ines"),
    ],
)
def test_pdf_line_number_columns_of_other_layouts_stay_out_of_quotes(tmp_path, pages, participant):
    source = read(make_pdf(tmp_path / "layout.pdf", pages), "pdf")
    assert_verbatim(source)
    for turn in source.turns:
        assert not re.search(r"(?<![\w.])\d{1,3}(?![\w.])", turn.text), turn.text  # no line number, no counter
        for span in turn.spans:  # each cited line holds the quoted words
            assert source.lines[span.line - 1][span.start:span.end] in turn.text
    said = [t.text for t in source.turns if t.speaker == participant]
    assert said[0] in ("A list of my past orders, with the dates next to them.",
                       "Probably the search box at the top because that is where I always look.")
