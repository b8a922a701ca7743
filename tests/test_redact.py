"""Redaction: names to aliases, mentioned people, personal numbers; and what must stay."""

from __future__ import annotations

import logging

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from synth.pii import find_pii, luhn_valid
from synth.redact import Redactor, find_mentions, name_forms
from synth.segment import build_participants
from tests.unit_builders import transcript

MAYA = transcript(
    "01_maya.txt",
    [("Jo (Researcher)", "How did you find us?"), ("Maya Patel", "My friend told me."), ("Will Jones", "Same here.")],
    interviewers=("Jo (Researcher)",),
)
CALLUM = transcript("02_callum.txt", [("Interviewer", "Hi?"), ("Callum", "One of my housemates, Josh, said.")])
SOURCES = [MAYA, CALLUM]
PARTICIPANTS = build_participants(SOURCES)  # Maya Patel P01, Will Jones P02, Callum P03
ROSTER = {"Maya Patel": {"age_band": "35-44"}, "Callum": {"age_band": "18-24"}, "Priya Shah": {"age_band": "35-44"}}
REDACTOR = Redactor.from_sources(SOURCES, PARTICIPANTS, roster=ROSTER)

NAMES = [
    ("I'm Maya, Maya Patel.", "I'm P01, P01."),
    ("Patel is my surname", "P01 is my surname"),
    ("MAYA PATEL", "P01"),
    ("Maya's kids", "P01's kids"),
    ("Mayan ruins and Mayas", "Mayan ruins and Mayas"),
    ("Thanks, Jo.", "Thanks, Interviewer."),
    ("Jo asked me", "Interviewer asked me"),
    ("Callum here", "P03 here"),
    ("I told Will about it", "I told P02 about it"),
    ("Will you help? It will.", "Will you help? It will."),
    ("Will Jones said", "P02 said"),
    ("Priya said so, and Priya Shah agreed", "[name] said so, and [name] agreed"),
    ("Anne-Maya and Maya-Jane", "Anne-Maya and Maya-Jane"),
    ("P03 and Interviewer stay", "P03 and Interviewer stay"),
]

MENTIONS = [
    ("my friend Harriet posted", "my friend [name] posted"),
    ("My husband Vik works shifts", "My husband [name] works shifts"),
    ("One of my housemates, Josh, said", "One of my housemates, [name], said"),
    ("a guy called Dave Smith rang", "a guy called [name] rang"),
    ("the driver, Marek, was lovely", "the driver, [name], was lovely"),
    ("Ali from customer service rang. Ali was kind", "[name] from customer service rang. [name] was kind"),
    ("my name is Eileen", "my name is [name]"),
    ("I'm married to Claire, and Claire's colleague", "I'm married to [name], and [name]'s colleague"),
    ("\"your driver Ali is ten minutes away\"", "\"your driver [name] is ten minutes away\""),
    ("two kids, Arjun who's nine and Leela who's six", "two kids, [name] who's nine and [name] who's six"),
    ("my friend Zoë and my colleague Łukasz Nowak", "my friend [name] and my colleague [name]"),
    ("my neighbour Anne-Marie O'Brien's dog", "my neighbour [name]'s dog"),
    ("my boss McDonald", "my boss [name]"),
    ("Um I'm Sarah , the Project Manager", "Um I'm [name] , the Project Manager"),
    ("I'm Sarah and I shop weekly", "I'm [name] and I shop weekly"),
    ("I'm British. I'm Happy to help", "I'm British. I'm Happy to help"),
    ("an app called FreshDrop", "an app called FreshDrop"),
    ("my friend I think", "my friend I think"),
    ("my friends. The app", "my friends. The app"),
    ("my mum Sunday dinners", "my mum Sunday dinners"),
    ("the driver Basketful sent", "the driver Basketful sent"),
]

PII = [
    ("email me at b.walsh52@example.net.", "email me at [email]."),
    ("call 07700 900123 or +44 7700 900461", "call [phone] or [phone]"),
    ("helpline 0808 157 0192, open 9 to 5", "helpline [phone], open 9 to 5"),
    ("(020) 7946 0018 and +44 (0)20 7946 0018", "[phone] and [phone]"),
    ("my old US number 617-555-0142", "my old US number [phone]"),
    ("calling my old number 555-0176 from", "calling my old number [phone] from"),
    ("call 07700 900123 10 times", "call [phone] 10 times"),
    ("card 4111 1111 1111 1111 expired", "card [card] expired"),
    ("card 4111-1111-1111-1112 typo", "card 4111-1111-1111-1112 typo"),
    ("IBAN GB82 WEST 1234 5698 7654 32 ok", "IBAN [account] ok"),
    ("account number 31926819, sort code 60-16-13", "account number [account], sort code [account]"),
    ("from 192.168.0.12 and 2001:db8::8a2e:370:7334", "from [ip] and [ip]"),
    ("see https://basketful.example/orders?id=448213&ref=x", "see [url]"),
    ("go to www.example.com/account/reset?token=abc123.", "go to [url]."),
    ("my profile basketful.co.uk/u/mpatel then", "my profile [url] then"),
    ("tracking https://example.com/track/8f3k29x1q7", "tracking [url]"),
    ("link https://shop.example/basket?userId=9&page=2 ok", "link [url] ok"),
    ("reset https://shop.example/r#access_token=abc", "reset [url]"),
]

KEPT = [
    "it was £12.99, then $40 and €5.50",
    "back in 2023, or was it 2019-2021?",
    "the 10:30 slot, or 10:30:15 exactly",
    "on 10/03/2026 or 2026-03-10 or 10.03.2026",
    "my order 448213 and order number 451907",
    "P03 said 3 out of 10",
    "rated it 4.5 stars, version 2.1.0",
    "see https://www.basketful.example/help/delivery-slots",
    "image https://cdn.example/img/banner.png?width=300&page=2",
    "between 100 200 and 300 calories",
    "The Basketful app",
]


@pytest.mark.parametrize(("text", "expected"), NAMES + MENTIONS + PII)
def test_redact(text, expected):
    assert REDACTOR.redact(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_not_personal_data_is_kept(text):
    assert REDACTOR.redact(text) == text
    assert find_pii(text) == []


@pytest.mark.parametrize(("text", "expected"), NAMES + MENTIONS + PII + [(t, t) for t in KEPT])
def test_redact_is_idempotent(text, expected):
    assert REDACTOR.redact(REDACTOR.redact(text)) == REDACTOR.redact(text)


def test_disabled_redactor_returns_text_unchanged():
    off = Redactor.from_sources(SOURCES, PARTICIPANTS, enabled=False, roster=ROSTER)
    text = "Maya Patel, b.walsh52@example.net, 07700 900123"
    assert off.redact(text) == text and not off.aliases


def test_aliases_map_every_name_form():
    aliases = REDACTOR.aliases
    assert {aliases["Maya Patel"], aliases["Maya"], aliases["Patel"], aliases["MAYA"]} == {"P01"}
    assert aliases["Jo"] == "Interviewer" and aliases["Callum"] == "P03" and aliases["Priya"] == "[name]"
    assert "Josh" in aliases  # mentioned in Callum's turn: redacted in every unit, not only the first
    assert "Researcher" not in aliases and "Interviewer" not in aliases


def test_a_first_name_shared_by_two_participants_becomes_name():
    a = transcript("a.txt", [("Interviewer", "Hi?"), ("Sam Okafor", "Hello there.")])
    b = transcript("b.txt", [("Interviewer", "Hi?"), ("Sam Reid", "Hello there.")])
    redactor = Redactor.from_sources([a, b], build_participants([a, b]))
    assert redactor.redact("Sam Okafor, Sam Reid and Sam") == "P01, P02 and [name]"


def test_roster_names_match_speakers_by_first_name():
    source = transcript("c.txt", [("Interviewer", "Hi?"), ("Ellie", "I cycle to the lockers.")])
    roster = {"r1": {"name": "Ellie Brooks", "age": "25-34"}}
    redactor = Redactor.from_sources([source], build_participants([source], roster), roster=roster)
    assert redactor.redact("Ellie Brooks, Brooks, Ellie") == "P01, P01, P01"


def test_trained_pipeline_entities_are_used_when_present():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Arjun"}, {"label": "PERSON", "pattern": "Maya Patel"},
                        {"label": "ORG", "pattern": "Basketful"}])  # fmt: skip
    redactor = Redactor.from_sources(SOURCES, PARTICIPANTS, nlp=nlp)
    text = "Maya Patel: two kids, Arjun who's nine. Basketful is fine."
    assert redactor.redact(text) == "P01: two kids, [name] who's nine. Basketful is fine."


@pytest.mark.parametrize(
    ("label", "expected"),
    [("Maya Patel", ("Maya Patel", ["Maya", "Patel"])), ("Jo (Researcher)", ("Jo", [])),
     ("Dr. Ann de Vries", ("Dr. Ann de Vries", ["Ann", "Vries"])), ("Interviewer 1", None), ("Q", None),
     ("Speaker 2", None), ("R_2YPOQ602ER1jkf1", None), ("P03", None), ("isla@example.com", None),
     ("Project Manager", None), ("Industrial Designer", None), ("Marketing", None)],
)  # fmt: skip
def test_name_forms(label, expected):
    assert name_forms(label) == expected


def test_find_mentions_redacts_every_use_in_the_text():
    text = "My friend Harriet posted it. Harriet was right."
    assert [text[f.start : f.end] for f in find_mentions(text)] == ["Harriet", "Harriet"]


@pytest.mark.parametrize(("digits", "valid"), [("4111111111111111", True), ("4111111111111112", False),
                                               ("79927398713", True)])  # fmt: skip
def test_luhn(digits, valid):
    assert luhn_valid(digits) is valid


def test_names_are_never_logged(caplog):
    with caplog.at_level(logging.DEBUG):
        redactor = Redactor.from_sources(SOURCES, PARTICIPANTS, roster=ROSTER)
        redactor.redact("Maya Patel met Harriet")
    assert caplog.records and not any(name in caplog.text for name in ("Maya", "Patel", "Harriet", "Priya", "Josh"))


PIECES = st.sampled_from(
    ["Maya", "Patel", "Maya Patel", "Jo", "Will", "my friend", "Harriet", "called", "a guy", "07700 900123", "£12.99",
     "2023", "10:30", "P03", "b.walsh52@example.net", "4111 1111 1111 1111", "from support", ",", ".", "the", "and",
     "https://x.example/u/42?id=1", "192.168.0.1", "Interviewer", "[name]", "MAYA", "Josh", "555-0176", "number"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=14).map(" ".join))
def test_redact_is_idempotent_on_generated_text(text):
    once = REDACTOR.redact(text)
    assert REDACTOR.redact(once) == once
    assert "Maya" not in once and "07700" not in once and "@" not in once


GROUP = transcript(
    "group.txt",
    [("Moderator", "Welcome."), ("Dan", "I plan on Sunday."), ("William Ross", "I order on Friday."),
     ("Moderator", "Thanks, Daniel. Bye, Bill.")],
    interviewers=("Moderator",),
)  # fmt: skip
GROUP_REDACTOR = Redactor.from_sources([GROUP], build_participants([GROUP]))  # Dan P01, William Ross P02


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks, Daniel. Bye, Bill.", "Thanks, P01. Bye, P02."),
        ("dan and william said so", "P01 and P02 said so"),
        ("Thank you, Gina!", "Thank you, [name]!"),
        ("Mr Henderson and Dr Okonkwo", "Mr [name] and Dr [name]"),
        ("the driver Mohammed rang", "the driver [name] rang"),
        ("I read that José Álvarez had it too", "I read that [name] had it too"),
        ("yes, it's Brian Walsh here", "yes, it's [name] here"),
        ("The Apple Store and Paris were shut", "The Apple Store and Paris were shut"),
        ("Um I think so", "Um I think so"),
        ("Thanks, everyone.", "Thanks, everyone."),
        ("ring tel:07700900124 or phone:07700 900456", "ring tel:[phone] or phone:[phone]"),
        ("mobile#07700900789 or WhatsApp/+447700900321", "mobile#[phone] or WhatsApp/[phone]"),
        ("iban gb82-west-1234-5698-7654-32 then", "iban [account] then"),
        ("card 4111.1111.1111.1111 ok", "card [card] ok"),
        ("write to jürgen.müller@beispiel.de today", "write to [email] today"),
    ],
)
def test_names_in_address_titles_variants_and_glued_numbers(text, expected):
    assert GROUP_REDACTOR.redact(text) == expected
    assert GROUP_REDACTOR.redact(expected) == expected


def test_a_self_introduction_names_the_speaker():
    qa = transcript("qa.txt", [("Q", "Who are you?"), ("A", "Yes, it's Brian Walsh, I bake."), ("Q", "Thank you, Brian.")],
                    interviewers=("Q",))  # fmt: skip
    redactor = Redactor.from_sources([qa], build_participants([qa]))
    assert redactor.redact("Thank you, Brian. Brian Walsh, yes.") == "Thank you, P01. P01, yes."


def test_file_names_holding_a_name_are_shown_by_alias():
    source = transcript("Sophie Turner interview 2026-03-10.txt", [("Interviewer", "Hi?"), ("Sophie", "Hello there.")])
    redactor = Redactor.from_sources([source], build_participants([source]))
    assert redactor.redact_path(source.path) == "P01 interview 2026-03-10.txt"
    assert redactor.redact_path("sophie_notes.md") == "P01_notes.md"
    assert redactor.redact_path("round 2/notes.md") == "round 2/notes.md"
    off = Redactor.from_sources([source], build_participants([source]), enabled=False)
    assert off.redact_path(source.path) == source.path
