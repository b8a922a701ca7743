"""Column roles of a survey table, inferred from headers and answers, each with its reason.

Order of evidence: the header names what a column is (an id, an email, a
timestamp); then groups of option columns (one column per choice, the answer
being the option's name or "quoted"/"1"); then the answers themselves:
", "-joined answers built from a small repeated option set are multi choice,
numbers are numeric, agreement/satisfaction/frequency scales are ordinal, long
or mostly distinct answers are open text, and the rest single choice.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from synth.privacy.columns import EMAIL_VALUE as EMAIL
from synth.privacy.columns import NAME_HEADER, PII_HEADER
from synth.privacy.columns import PHONE_VALUE as PHONE

ID_HEADERS = {
    "responseid",
    "response id",
    "respondent id",
    "respondentid",
    "respondent",
    "#",
    "id",
    "lfdn",
    "participant id",
    "participant",
    "response_id",
    "respondent_id",
    "submission id",
    "token",
    "_recordid",
}
RANGE = re.compile(r"^(?:\d+\s*[-–]\s*\d+|\d+\s*\+|(?:under|over|below|above) \d+)$", re.IGNORECASE)
META_HEADER = re.compile(
    r"timestamp|date|time\b|duration|status|progress|finished|\bcompleted?\b|disposition|last ?page|tester"
    r"|\bquality\b|browser|user ?agent|referr?er|useragent|language|distribution ?channel|external ?(?:data )?ref"
    r"|network id|collector|custom data|session|page history|device|quota|flip|javascript|flash|output mode"
    r"|datacleaning|\btags?\b|external lfdn|participant_|\bos\b|\bcountry code\b|response type|recorded"
    r"|response ?set|location",
    re.IGNORECASE,
)
AFFILIATION_HEADER = re.compile(
    r"institution|university|organi[sz]ation|employer|company|school|college|department|faculty|affiliation"
    r"|subjects? (?:you )?(?:teach|taught)|subject area|discipline|field of (?:study|work)|job title|which city"
    r"|which country|country of|city of",
    re.IGNORECASE,
)
TEXT_IQ = re.compile(r" - (?:Topics|Sentiment(?: Polarity| Score)?|Parent Topics|Actionability)$")
CHOSEN = {"quoted", "1", "yes", "true", "selected", "checked", "x", "ja", "oui", "sí"}
UNCHOSEN = {"not quoted", "0", "no", "false", "not selected", "unchecked", "nein", "non"}
LIKERT = re.compile(
    r"agree|disagree|satisf|likely|unlikely|important|neutral|appl(?:y|ies)|always|often|sometimes|rarely|never"
    r"|excellent|\bgood\b|\bpoor\b|\bfair\b|\bbad\b|\bvery\b|somewhat|extremely|not at all|moderately|slightly",
    re.IGNORECASE,
)
OTHER_HEADER = re.compile(r"^other\b(?: \(please specify\))?(?: \(\d+\))?$", re.IGNORECASE)
NPS_HEADER = re.compile(r"recommend|nps|likely", re.IGNORECASE)
IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
NUMBER = re.compile(r"^[-+]?\d+(?:[.,]\d+)?$")


@dataclass(frozen=True)
class Inferred:
    role: str
    reason: str
    group: str | None = None  # multi-choice option columns: the question they share
    option: str | None = None  # ... and the option this column stands for
    separator: str | None = None  # multi-choice options joined in one cell by this


@dataclass(frozen=True)
class ColumnFacts:
    """What a column's header says, and its answers (empty where not answered)."""

    name: str
    question: str
    label: str
    code: str
    answers: tuple[str, ...]


def header_role(facts: ColumnFacts) -> Inferred | None:
    """A role the header alone settles: id, PII, metadata, or Text iQ output."""
    words = {facts.name.strip().lower(), facts.question.strip().lower()}
    if words & ID_HEADERS or facts.code == "_recordId":
        return Inferred("respondent_id", f"header says {facts.name!r}")
    shown = short(facts.question or facts.name)
    if _says(facts, PII_HEADER, 60) or _says(facts, NAME_HEADER, 30):
        return Inferred("pii", f"header says {shown!r}")
    if TEXT_IQ.search(facts.name):
        return Inferred("ignored", "added by Qualtrics Text iQ, not an answer")
    asked = bool(facts.label) and facts.label != facts.question  # the export shows a question above a label
    if _says(facts, META_HEADER, 40) and "?" not in facts.question and not asked:
        return Inferred("metadata", f"header says {shown!r}")
    return None


def _says(facts: ColumnFacts, pattern: re.Pattern, limit: int) -> bool:
    """A short header (name, label or question) matching `pattern`; long questions only mention things."""
    return any(len(text) <= limit and pattern.search(text) for text in {facts.name, facts.question} if text)


def content_role(facts: ColumnFacts) -> Inferred:
    """A role from the answers, for a column the header did not settle."""
    answers = [a.strip() for a in facts.answers if a.strip()]
    if not answers:
        return Inferred("ignored", "no answers")
    pii = _pii_content(answers)
    if pii:
        return Inferred("pii", pii)
    if facts.code.endswith("_TEXT"):
        return Inferred("open_text", f"text entry field ({facts.code})")
    if any(OTHER_HEADER.match(text) for text in (facts.label, facts.name)):
        return Inferred("open_text", "free text for an 'Other' choice")
    distinct = Counter(a.casefold() for a in answers)
    if len(distinct) == 1 and len(answers) >= 5 and len(answers[0].split()) <= 3:
        return Inferred("ignored", f"the same answer from all {len(answers)} respondents")
    numeric = _numeric(answers, facts)
    if numeric:
        return numeric
    separator = multi_separator(answers)
    if separator:
        options = OptionSplitter.of(answers, separator).options()
        return Inferred(
            "multi_choice",
            f"answers combine {len(options)} options joined by {separator!r}: " + short(" | ".join(options), 160),
            separator=separator,
        )
    return _affiliation(facts, answers, distinct) or _text_or_choice(answers, distinct)


def _affiliation(facts: ColumnFacts, answers: list[str], distinct: Counter) -> Inferred | None:
    """A short-answer column the header says names an institution, employer or subject: an
    attribute when few values repeat, else metadata (a name list is no one's opinion)."""
    if not _says(facts, AFFILIATION_HEADER, 80):
        return None
    words = sum(len(a.split()) for a in answers) / len(answers)
    if words > 6:
        return None
    shown = short(facts.question or facts.name)
    if len(distinct) <= min(12, len(answers) // 3):
        return Inferred("single_choice", f"header says {shown!r}: an affiliation, {len(distinct)} values")
    return Inferred("metadata", f"header says {shown!r}: names of places or subjects, not an answer to read")


def _pii_content(answers: list[str]) -> str | None:
    for pattern, what in ((EMAIL, "email addresses"), (IPV4, "IP addresses")):
        if sum(bool(pattern.match(a)) for a in answers) >= 0.5 * len(answers):
            return f"answers are {what}"
    if sum(bool(PHONE.match(a)) and sum(c.isdigit() for c in a) >= 9 for a in answers) >= 0.5 * len(answers):
        return "answers are phone numbers"
    return None


def _numeric(answers: list[str], facts: ColumnFacts) -> Inferred | None:
    numbers = [a for a in answers if NUMBER.match(a)]
    if len(numbers) < 0.9 * len(answers):
        return None
    values = sorted({float(n.replace(",", ".")) for n in numbers})
    if len(values) <= 7 and values[0] >= 0 and values[-1] <= 7 and LIKERT.search(facts.question):
        return Inferred("ordinal", f"a {int(values[-1])}-point scale")
    span = f"{_fmt(values[0])} to {_fmt(values[-1])}"
    return Inferred("numeric", f"{len(numbers)} of {len(answers)} answers are numbers ({span})")


def _fmt(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:g}"


def _text_or_choice(answers: list[str], distinct: Counter) -> Inferred:
    words = sum(len(a.split()) for a in answers) / len(answers)
    ratio = len(distinct) / len(answers)
    counts = f"{len(distinct)} distinct values over {len(answers)} answers"
    if len(distinct) <= 12 and all(RANGE.match(v) for v in distinct):
        return Inferred("ordinal", f"ranges of numbers ({counts})")
    if len(distinct) <= 11 and sum(bool(LIKERT.search(v)) for v in distinct) >= 0.6 * len(distinct) and words < 6:
        return Inferred("ordinal", f"a rating scale ({counts})")
    if len(answers) >= 20 and (ratio <= 0.1 or (len(distinct) <= 15 and ratio <= 0.25)):
        return Inferred("single_choice", counts)
    if words >= 6:
        return Inferred("open_text", f"answers average {words:.0f} words ({counts})")
    few = len(answers) < 5
    if (few and words >= 2) or (ratio >= 0.5 and words >= 2 and not few) or (ratio >= 0.8 and len(answers) >= 10):
        return Inferred("open_text", f"mostly distinct answers ({counts})")
    if ratio >= 0.35 and len(distinct) > 30:
        return Inferred("open_text", f"many distinct short answers ({counts})")
    return Inferred("single_choice", counts)


def option_group_roles(columns: Sequence[ColumnFacts]) -> dict[int, Inferred]:
    """Multi-choice option columns: runs under one question (or Typeform runs whose answers
    are their own header) where every answer is the option's name or a chosen/unchosen mark."""
    found: dict[int, Inferred] = {}
    start = 0
    while start < len(columns):
        end = start + 1
        while end < len(columns) and _same_group(columns[start], columns[end]):
            end += 1
        run = [i for i in range(start, end) if _option_column(columns[i])]
        if len(run) >= 2 and any(_chosen_answers(columns[i]) for i in run):
            question = _group_question(columns, run)
            for i in run:
                found[i] = Inferred(
                    "multi_choice",
                    f"one of {len(run)} option columns of one question",
                    group=question,
                    option=columns[i].label or columns[i].name,
                )
        start = end
    return found


def _same_group(first: ColumnFacts, other: ColumnFacts) -> bool:
    if first.label and first.question:
        return other.question == first.question
    return _option_column(first) and _own_name_answers(first) and _own_name_answers(other)


def _option_column(facts: ColumnFacts) -> bool:
    answers = {a.strip().casefold() for a in facts.answers if a.strip()}
    own = {facts.label.casefold(), facts.name.casefold()} - {""}
    return bool(answers) and answers <= CHOSEN | UNCHOSEN | own and len(answers) <= 2


def _own_name_answers(facts: ColumnFacts) -> bool:
    answers = {a.strip() for a in facts.answers if a.strip()}
    return answers == {facts.name} or answers == {facts.label}


def _chosen_answers(facts: ColumnFacts) -> bool:
    return any(is_chosen(a, facts) for a in facts.answers)


def is_chosen(answer: str, facts: ColumnFacts) -> bool:
    """True when an option column's cell marks the option as chosen."""
    text = answer.strip().casefold()
    return bool(text) and (text in CHOSEN or text in {facts.label.casefold(), facts.name.casefold()} - {""})


def _group_question(columns: Sequence[ColumnFacts], run: list[int]) -> str:
    question = columns[run[0]].question
    if question and columns[run[0]].label:
        return question
    options = " / ".join(columns[i].name for i in run)
    return f"Options: {short(options, 80)}"


def multi_separator(answers: Sequence[str]) -> str | None:
    """ ", " (Google Forms) or "," (Qualtrics) when the answers join options from a small,
    repeated option set with it; None when they do not."""
    for separator in (", ", ","):
        if _joins_options(answers, separator):
            return separator
    return None


def _joins_options(answers: Sequence[str], separator: str) -> bool:
    joined = sorted({a for a in answers if separator in a})
    if len(joined) < 2:
        return False
    alone = {a.strip() for a in answers if separator not in a and a.strip()}
    if len(alone) > 40:  # each is an option of its own, already more than an option set holds (free text)
        return False
    splitter = OptionSplitter.of(answers, separator)
    options = splitter.options()
    if len(options) > 40 or len(options) > max(12, len(splitter.whole) // 2):
        return False
    users = Counter(part for a in splitter.whole for part in set(splitter.split(a)))
    combos = [a for a in joined if all(users[p] >= 2 for p in splitter.split(a))]
    return len(combos) >= 0.5 * len(joined)


@dataclass(frozen=True)
class OptionSplitter:
    """Splits joined multi-choice answers into options, knowing every answer given.

    A piece is glued back to the piece before when together they are an answer someone
    gave alone, and the piece is used in no other answer ("Couple, no children at home")
    or starts in lower case and never appears except right after that piece ("Printing,
    scanning and copying", chosen with other options too); a separator inside brackets never splits
    ("Data management (GitHub, R)").
    """

    whole: frozenset[str]
    usage: Mapping[str, int]
    separator: str = ", "
    before: Mapping[str, frozenset[str]] = field(default_factory=dict)  # piece -> the pieces it follows ("" first)

    @classmethod
    def of(cls, answers: Sequence[str], separator: str = ", ") -> "OptionSplitter":
        whole = frozenset(a.strip() for a in answers if a.strip())
        usage = Counter(p.strip() for a in whole for p in set(split_outside_brackets(a, separator)))
        before: dict[str, set[str]] = {}
        for answer in whole:
            parts = [p.strip() for p in split_outside_brackets(answer, separator)]
            for previous, part in zip(["", *parts], parts):
                before.setdefault(part, set()).add(previous)
        return cls(whole, usage, separator, {k: frozenset(v) for k, v in before.items()})

    def split(self, answer: str) -> list[str]:
        pieces: list[str] = []
        previous = ""
        for part in split_outside_brackets(answer.strip(), self.separator):
            glued = f"{pieces[-1]}{self.separator}{part}" if pieces else ""
            tied = self.usage.get(part.strip(), 0) <= 1 or (
                part.strip()[:1].islower() and self.before.get(part.strip()) == {previous.strip()}
            )
            if pieces and tied and glued in self.whole:
                pieces[-1] = glued
            else:
                pieces.append(part)
            previous = part
        return [p.strip() for p in pieces if p.strip()]

    def options(self) -> list[str]:
        return sorted({p for a in self.whole for p in self.split(a)})


def split_outside_brackets(text: str, separator: str) -> list[str]:
    """`text.split(separator)`, except where the separator sits inside (), [] or {}."""
    if "(" not in text and "[" not in text and "{" not in text:  # nothing opens: the same as split, 20x faster
        return text.split(separator)
    pieces, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        depth += (ch in "([{") - (ch in ")]}" and depth > 0)
        if depth == 0 and text.startswith(separator, i):
            pieces.append(text[start:i])
            i += len(separator)
            start = i
            continue
        i += 1
    return pieces + [text[start:]]


def short(text: str, limit: int = 60) -> str:
    """Header text shortened for a reason or a key (never participant words)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
