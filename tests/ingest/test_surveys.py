"""Survey exports written for the project: each tool's layout, roles, junk rows, verbatim answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from synth.ingest import read_inputs, surveys
from synth.records import COLUMN_ROLES
from tests.conftest import SAMPLE_INPUTS

DATA = Path(__file__).resolve().parents[1] / "data" / "surveys"


def read_one(path: Path):
    sources, problems = read_inputs([path])
    assert len(sources) == 1, [p.describe() for p in problems]
    return sources[0]


def roles(source) -> dict[str, str]:
    return {c.name: c.role for c in source.columns}


def assert_verbatim(source) -> None:
    """Every turn is its cell, cut from its row's line, and the row is the spreadsheet row."""
    for turn in source.turns:
        (span,) = turn.spans
        assert source.lines[span.line - 1][span.start : span.end] == turn.text
        cells = source.lines[span.line - 1].split("\t")
        assert turn.text in cells


def test_typeform_option_columns_become_one_multi_choice_answer():
    source = read_one(DATA / "typeform_responses.csv")
    assert source.format == "typeform"
    got = roles(source)
    assert got["#"] == "respondent_id"
    assert [got[n] for n in ("Website", "App", "Phone")] == ["multi_choice"] * 3  # "Phone" is a channel here
    assert got["Other"] == got["Other (2)"] == "open_text"
    assert got["Submit Date (UTC)"] == got["Network ID"] == "metadata"
    first = source.attributes["a7k2m9q1x3"]
    assert first["Options: Website / App / Phone"] == "Website; App"
    assert [s.name for s in source.speakers][:2] == ["a7k2m9q1x3", "b3n8p4r6t0"]
    assert_verbatim(source)


def test_typeform_junk_answers_give_no_turn():
    source = read_one(DATA / "typeform_responses.csv")
    texts = [t.text for t in source.turns]
    assert "n/a" not in texts and "-" not in texts and "none" not in texts
    said = {(t.speaker, t.column) for t in source.turns}
    assert ("c9v1w5y7z2", "What made you sign up for Basketful?") not in said  # answered "n/a"
    assert ("c9v1w5y7z2", "Other") in said  # "Smart speaker"


def test_ms_forms_export_with_bom_and_crlf():
    source = read_one(DATA / "ms_forms_responses.csv")
    assert source.format == "ms_forms"
    got = roles(source)
    assert got["ID"] == "respondent_id"
    assert got["Email"] == got["Name"] == "pii"
    assert got["Start time"] == got["Completion time"] == "metadata"
    assert got["How often do you order?"] == "single_choice"
    assert got["What could we do better?"] == "open_text"
    assert [s.name for s in source.speakers] == ["1", "2", "3", "4", "5"]
    assert source.lines[0].startswith("ID\tStart time")  # BOM gone, cells tab-joined
    assert {t.speaker for t in source.turns if t.column == "What could we do better?"} == {"1", "2", "4"}
    assert_verbatim(source)


def test_enterprise_latin1_semicolon_export_with_code_row():
    raw = (DATA / "enterprise_latin1.csv").read_bytes()
    assert b"\r\n" in raw and b";" in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    source = read_one(DATA / "enterprise_latin1.csv")
    assert source.format == "enterprise"
    got = roles(source)
    assert got["lfdn"] == "respondent_id" and got["dispcode"] == "metadata"
    assert [got[f"v_1{i}"] for i in range(1, 5)] == ["multi_choice"] * 4
    assert got["v_15"] == got["v_20"] == "open_text"
    assert got["v_17"] == "single_choice" and got["v_21"] == "ordinal"
    # the tester row and the row that answered nothing (only -77/-66 codes) are dropped
    assert [s.name for s in source.speakers] == ["101", "102", "105"]
    assert source.dropped_rows == 2
    assert source.attributes["101"] == {
        "Role": "Käufer", "Satisfaction": "Satisfied",
        "Which channels do you use to contact us?": "Telephone; Customer portal",
    }
    assert {t.text for t in source.turns} == {
        "Die Übergabe der Bestellung war schwierig", "Fax, seriously", "Rechnung fehlte; niemand rief zurück",
    }
    turn = next(t for t in source.turns if t.speaker == "105")
    assert turn.spans[0].line == 8 and turn.question == "Why did you last contact us?" and turn.column == "v_20"
    assert_verbatim(source)


def test_surveymonkey_csv_groups_option_columns_and_hides_contact_details():
    source = read_one(DATA / "surveymonkey_responses.csv")
    assert source.format == "surveymonkey"
    columns = {c.name: c for c in source.columns}
    grouped = [c for c in source.columns if c.question == "Which of these do you use to order?"]
    assert [c.name for c in grouped] == [
        "Which of these do you use to order? - Website", "Which of these do you use to order? - App",
        "Which of these do you use to order? - Phone", "Which of these do you use to order? - Other (please specify)",
    ]
    assert [c.role for c in grouped] == ["multi_choice"] * 3 + ["open_text"]
    for name, shown in (("Email Address", "[email]"), ("IP Address", "[ip address]"), ("First Name", "[name]")):
        assert columns[name].role == "pii" and columns[name].example == shown
    assert source.attributes["11800000003"]["Which of these do you use to order?"] == "Website; Phone"
    assert not any("@" in v for a in source.attributes.values() for v in a.values())
    assert_verbatim(source)


def test_repeated_respondent_id_is_reported_and_both_rows_kept():
    source = read_one(DATA / "surveymonkey_responses.csv")
    assert [s.name for s in source.speakers][-2:] == ["11800000004", "11800000004 (row 7)"]
    (problem,) = source.problems
    assert problem.severity == "warning" and problem.row == 7 and problem.column == "Respondent ID"


def test_qualtrics_tsv_in_utf16_drops_preview_responses(tmp_path):
    rows = [
        ["StartDate", "Status", "IPAddress", "ResponseId", "RecipientEmail", "Q1", "Q2", "Q3_TEXT"],
        ["Start Date", "Response Type", "IP Address", "Response ID", "Recipient Email",
         "How satisfied are you with the app?", "Which store do you use?", "What should we fix first?"],
        ['{"ImportId":"startDate"}', '{"ImportId":"status"}', '{"ImportId":"ipAddress"}', '{"ImportId":"_recordId"}',
         '{"ImportId":"recipientEmail"}', '{"ImportId":"QID1"}', '{"ImportId":"QID2"}', '{"ImportId":"QID3_TEXT"}'],
        ["2026-02-01 09:00:00", "Survey Preview", "", "R_prev1", "", "Satisfied", "North", "just testing the flow"],
        ["2026-02-02 10:00:00", "IP Address", "198.51.100.7", "R_aaa1", "a@example.com", "Very satisfied", "North",
         "Search"],
        ["2026-02-02 11:00:00", "IP Address", "198.51.100.8", "R_bbb2", "b@example.com", "Dissatisfied", "South",
         "The barcode scanner never focuses"],
    ]
    path = tmp_path / "export.tsv"
    path.write_text("\r\n".join("\t".join(r) for r in rows) + "\r\n", encoding="utf-16")
    source = read_one(path)
    assert source.format == "qualtrics"
    got = roles(source)
    assert got["ResponseId"] == "respondent_id" and got["IPAddress"] == got["RecipientEmail"] == "pii"
    assert got["Q3_TEXT"] == "open_text"  # a one-word answer too: the ImportId says text entry
    assert [s.name for s in source.speakers] == ["R_aaa1", "R_bbb2"]
    assert source.dropped_rows == 1
    turn = next(t for t in source.turns if t.speaker == "R_bbb2")
    assert turn.question == "What should we fix first?" and turn.spans[0].line == 6
    assert source.attributes["R_aaa1"] == {
        "How satisfied are you with the app?": "Very satisfied", "Which store do you use?": "North",
    }
    assert_verbatim(source)


def make_workbook(path: Path) -> None:
    """A two-sheet workbook: a small summary first, the responses second."""
    import openpyxl

    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "Summary"
    summary.append(["Survey", "Basketful pulse"])
    summary.append(["Responses", 4])
    responses = book.create_sheet("Responses")
    responses.append(["Respondent", "Age", "Plan", "Why did you cancel?"])
    for row in (["r1", 34, "Plus", "Moved out of the delivery area"], ["r2", 27, "Free", None],
                ["r3", 61, "Plus", "The fees went up twice in a year"], ["r4", 45.0, "Free", "Found a cheaper box"]):
        responses.append(row)
    book.save(path)


def test_workbook_response_sheet_is_found(tmp_path):
    make_workbook(tmp_path / "pulse.xlsx")
    source = read_one(tmp_path / "pulse.xlsx")
    assert [s.name for s in source.speakers] == ["r1", "r2", "r3", "r4"]
    assert source.lines[0] == "Respondent\tAge\tPlan\tWhy did you cancel?"
    assert source.lines[4].split("\t")[1] == "45"  # a whole float shows as a spreadsheet shows it
    assert roles(source)["Age"] == "numeric"
    assert [t.speaker for t in source.turns] == ["r1", "r3", "r4"]
    assert surveys.read_table(tmp_path / "pulse.xlsx").sheets == ("Summary", "Responses")
    assert_verbatim(source)


def test_survey_yaml_chooses_the_sheet(tmp_path):
    make_workbook(tmp_path / "pulse.xlsx")
    (tmp_path / "survey.yaml").write_text("sheet: Summary\n")
    source = read_one(tmp_path)
    assert source.lines == ("Survey\tBasketful pulse", "Responses\t4")


def test_survey_yaml_naming_a_missing_sheet_lists_the_sheets(tmp_path):
    make_workbook(tmp_path / "pulse.xlsx")
    (tmp_path / "survey.yaml").write_text("sheet: Answers\n")
    sources, (problem,) = read_inputs([tmp_path])
    assert sources == [] and "'Answers'" in problem.reason and problem.hint == "sheets: Summary, Responses"


def test_survey_yaml_overrides_roles_id_and_segment():
    source = read_one(DATA / "override")
    got = roles(source)
    assert got == {"Ref": "respondent_id", "Customer type": "single_choice", "Store": "ignored", "Comment": "open_text"}
    assert [c.reason for c in source.columns if c.name in ("Ref", "Store", "Comment")] == ["set in survey.yaml"] * 3
    assert [s.name for s in source.speakers] == ["c-101", "c-102", "c-103", "c-104", "c-105"]
    assert source.attributes["c-104"] == {"Customer type": "Retired", "segment": "Retired"}
    assert "Store" not in source.attributes["c-101"]
    assert [t.text for t in source.turns] == [
        "Parking is hard on Saturdays", "The self checkout keeps freezing", "Staff are helpful", "Too expensive",
    ]


def test_a_yaml_column_that_does_not_exist_is_a_warning(tmp_path):
    (tmp_path / "export.csv").write_text("id,Plan,Comment\n1,Free,Great service overall\n2,Plus,Slots run out\n")
    (tmp_path / "survey.yaml").write_text("columns:\n  Comments: open_text\n")
    source = read_one(tmp_path)
    (problem,) = source.problems
    assert problem.severity == "warning" and "'Comments'" in problem.reason


def test_participants_roster_is_keyed_by_name():
    source = read_one(SAMPLE_INPUTS / "participants.csv")
    assert source.kind == "participants" and source.turns == () and source.speakers == ()
    assert len(source.attributes) == 13
    assert source.attributes["Maya Patel"] == {
        "age_band": "35-44", "household": "Family with children", "customer_since": "2023-09",
    }
    assert source.attributes["Patricia Evans"]["household"] == "Couple, no children at home"


def test_roster_contact_columns_never_become_attributes(tmp_path):
    path = tmp_path / "participants.csv"
    path.write_text("participant,email,phone,segment\nP1,p1@example.com,07700 900001,Family\n")
    source = read_one(path)
    assert source.attributes == {"P1": {"segment": "Family"}}
    assert {c.name: c.role for c in source.columns}["email"] == "pii"


def test_sample_survey_reads_as_the_demo_needs():
    source = read_one(SAMPLE_INPUTS / "survey")
    assert source.format == "google_forms"
    # 181 data rows (the last is interviewee Daniel Hughes), of which the 2 pre-launch "test test" rows are dropped
    assert len(source.lines) == 182 and len(source.speakers) == 179 and source.dropped_rows == 2
    got = roles(source)
    assert got["Timestamp"] == "metadata" and got["Email Address"] == "pii"
    assert got["Which Basketful features do you use? (tick all that apply)"] == "multi_choice"
    assert got["Which best describes your household?"] == "single_choice"  # "Couple, no children at home" is one
    assert got["Overall, how satisfied are you with Basketful?"] == "ordinal"
    assert got["How likely are you to recommend Basketful to a friend or colleague?"] == "numeric"
    assert got["What is the main reason you use Basketful?"] == "open_text"
    assert len({t.speaker for t in source.turns}) >= 150
    assert not {t.text.strip().lower() for t in source.turns} & {"n/a", "-", "nothing", "test test", ""}
    features = [a["Which Basketful features do you use? (tick all that apply)"] for a in source.attributes.values()]
    options = {o for value in features for o in value.split("; ")}
    assert options == {"Delivery slots", "Click & collect", "Substitutions", "Basketful Plus", "Favourites list",
                       "Promo codes"}
    nps = {a["How likely are you to recommend Basketful to a friend or colleague?"] for a in source.attributes.values()}
    assert nps <= {"promoter (9-10)", "passive (7-8)", "detractor (0-6)"}
    assert not any("@" in v for a in source.attributes.values() for v in a.values())
    assert_verbatim(source)


def test_every_role_is_a_known_role_with_a_reason():
    sources, _ = read_inputs([DATA, SAMPLE_INPUTS / "survey"])
    for source in sources:
        for column in source.columns:
            assert column.role in COLUMN_ROLES and column.reason


@pytest.mark.parametrize("name", ["notes.txt", "interview.md"])
def test_prose_with_commas_is_not_claimed(tmp_path, name):
    path = tmp_path / name
    path.write_text("Interviewer: So, what happened next?\nMaya: Well, I ordered, and it came late, again.\n")
    assert surveys.sniff(path, path.read_text()) is None


def test_sniff_names_the_tool_from_the_head():
    for name, expected in (("typeform_responses.csv", "typeform"), ("ms_forms_responses.csv", "ms_forms"),
                           ("surveymonkey_responses.csv", "surveymonkey"), ("enterprise_latin1.csv", "enterprise")):
        path = DATA / name
        head = path.read_bytes().decode("latin-1").lstrip("\ufeff").replace("ï»¿", "")
        assert surveys.sniff(path, head) == expected, name
    assert surveys.sniff(SAMPLE_INPUTS / "participants.csv", "name,age\nMaya,35\n") == "participants"


def test_header_without_responses_is_an_input_error(tmp_path):
    (tmp_path / "empty.csv").write_text("Timestamp,What could we improve?\n")
    sources, problems = read_inputs([tmp_path])
    assert sources == [] and "no responses" in problems[0].reason


def test_a_participant_column_first_with_open_answers_is_still_a_survey(tmp_path):
    path = tmp_path / "feedback.csv"
    path.write_text("participant,What did you think of the new checkout?\nP1,It hid the delivery fee until the end\n"
                    "P2,Much faster than before but the button is tiny\n")
    source = read_one(path)
    assert source.kind == "survey" and [t.speaker for t in source.turns] == ["P1", "P2"]


def test_a_participant_column_first_without_open_answers_is_a_roster(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("participant,segment,age_band\nMaya,Family,35-44\nTom,Eco,45-54\n")
    source = read_one(path)
    assert source.kind == "participants" and source.attributes["Tom"] == {"segment": "Eco", "age_band": "45-54"}


def test_examples_never_show_contact_details(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id,Anything else?\n1,Call me on 07700 900461 or write to jo.bloggs@example.com please\n"
                    "2,The app keeps crashing when I pay\n")
    source = read_one(path)
    example = {c.name: c.example for c in source.columns}["Anything else?"]
    assert "900461" not in example and "jo.bloggs" not in example and example.startswith("Call me on ")


def test_qualtrics_workbook_with_comma_joined_choices(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ResponseId", "Status", "Q4", "Q5"])
    sheet.append(["Response ID", "Response Type", "Where do you order from?", "Tell us about your last order"])
    sheet.append(['{"ImportId":"_recordId"}', '{"ImportId":"status"}', '{"ImportId":"QID4"}',
                  '{"ImportId":"QID5_TEXT"}'])
    for row in (["R_1", "IP Address", "App,Website", "Late again, and cold"], ["R_2", "IP Address", "App", "Fine"],
                ["R_3", "IP Address", "Website,Phone", "The driver was lovely"],
                ["R_4", "Survey Test", "App,Phone", "test"], ["R_5", "IP Address", "Phone,App", ""]):
        sheet.append(row)
    book.save(tmp_path / "qualtrics.xlsx")
    source = read_one(tmp_path / "qualtrics.xlsx")
    assert source.format == "qualtrics" and source.dropped_rows == 1
    assert roles(source)["Q4"] == "multi_choice" and roles(source)["Q5"] == "open_text"
    assert source.attributes["R_3"] == {"Where do you order from?": "Website; Phone"}
    assert [(t.speaker, t.spans[0].line) for t in source.turns] == [("R_1", 4), ("R_2", 5), ("R_3", 6)]
    assert_verbatim(source)


def test_google_form_options_keep_commas_inside_brackets_and_institutions_are_not_text():
    source = read_one(DATA / "google_form_tools.csv")
    got = roles(source)
    assert got["Which tools do you use for your work?"] == "multi_choice"
    assert got["Which institution are you at?"] == "metadata"  # twelve different names, no opinion
    assert got["What would make your research easier?"] == "open_text"
    options = {v for a in source.attributes.values() for v in a.get("Which tools do you use for your work?", "").split("; ")}
    assert options == {"Data management (GitHub, R)", "Statistics software", "Spreadsheets (Excel, Sheets)"}
    assert not any("University" in t.text for t in source.turns)
    reason = next(c.reason for c in source.columns if c.role == "multi_choice")  # `synth inspect` shows the set
    assert reason.endswith("Data management (GitHub, R) | Spreadsheets (Excel, Sheets) | Statistics software")


def test_test_rows_are_dropped_with_their_reason():
    source = read_one(DATA / "google_form_tools.csv")
    assert source.dropped_rows == 2 and len(source.speakers) == 10
    (note,) = [p for p in source.problems if p.reason.startswith("rows left out")]
    assert note.severity == "warning" and "2 hold only test answers" in note.reason and "row 6, 9" in note.reason
    assert not any(t.text in ("adf asdf", "test") for t in source.turns)


def test_a_stray_nul_byte_and_a_huge_cell_do_not_drop_the_file(tmp_path):
    text = (DATA / "google_form_tools.csv").read_text()
    lines = text.splitlines(keepends=True)
    lines[2] = lines[2].replace("shared place", "shared\x00 place")
    lines[3] = lines[3].replace("Clearer guidance", "Clearer guidance " + "very " * 40000)  # a 200 KB answer
    path = tmp_path / "damaged.csv"
    path.write_text("".join(lines))
    source = read_one(path)
    assert len(source.speakers) == 10
    assert any(t.text.startswith("A shared place") for t in source.turns)
    # the 200 KB answer is all there, split into consecutive turns at the per-turn limit (docs/limits.md)
    huge = [t for t in source.turns if "very very" in t.text]
    assert sum(len(t.text) for t in huge) > 200_000 and len({t.speaker for t in huge}) == 1


def test_qualtrics_without_importid_row_is_recognised_by_its_question_row():
    source = read_one(DATA / "qualtrics_no_importid.csv")
    assert source.format == "qualtrics" and len(source.speakers) == 8  # the question row is no respondent
    assert not any(t.text.startswith("What made you choose") for t in source.turns)
    turn = next(t for t in source.turns if t.column == "Q3")
    assert turn.question == "What made you choose us over the other banks?" and turn.spans[0].line >= 3
    assert {"How old are you?", "Which region do you live in?"} <= set(source.attributes["R3"])
    assert_verbatim(source)


def test_the_response_sheet_wins_over_a_coders_sheet_of_the_same_respondents(tmp_path):
    """A coding workbook: all responses, then a coder's sheet with one answer column and many 0/1 codes."""
    import openpyxl

    book = openpyxl.Workbook()
    coder = book.active
    coder.title = "N3 (primary)"
    coder.append(["ResponseId", "Why did you cancel?", *[f"code {n}" for n in range(1, 13)]])
    answers = {"R_1": "Moved away", "R_2": "Fees went up", "R_3": "Cheaper box", "R_4": "Too much packaging"}
    for n, (rid, text) in enumerate(answers.items()):
        coder.append([rid, text, *[int((n + k) % 3 == 0) for k in range(12)]])
    responses = book.create_sheet("All Responses")
    responses.append(["ResponseId", "Age band", "Plan", "Why did you cancel?", "Anything else?"])
    for n, (rid, text) in enumerate(answers.items()):
        responses.append([rid, ["25-34", "35-44"][n % 2], ["Plus", "Free"][n % 2], text, f"Note {n}"])
    book.save(tmp_path / "coding.xlsx")
    table = surveys.read_table(tmp_path / "coding.xlsx")
    assert table.sheet == "All Responses" and table.sheets == ("N3 (primary)", "All Responses")
