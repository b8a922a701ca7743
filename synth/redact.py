"""Redaction of personal data in everything that leaves the tool.

A `Redactor` is built once per run (`Redactor.from_sources`) and knows:

- every speaker's name, full and first/last name separately, replaced by that
  participant's alias ("Maya Patel", "Maya", "Patel" -> "P03"); interviewers
  become "Interviewer";
- names in the participants roster (the row keys and name columns);
- other people participants mention: PERSON entities when the spaCy pipeline
  has "ner", otherwise a conservative rule ("my friend Harriet", "a guy called
  Dave", "Josh from support") -> "[name]";
- emails, phone, card and account numbers, IP addresses and URLs carrying a
  personal id (`synth.pii`) -> "[email]", "[phone]", ...

Names match whole words, case-sensitively, as written, Title-cased or in
capitals. A name that is also a common word ("Will", "May", "Mark") is only
replaced mid-sentence and not after "in", "since", "last" ... or before a number.
`redact` is deterministic and idempotent; when disabled it returns the text
unchanged. `aliases` (name -> alias) is for counting and reporting: names are
never logged.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Mapping, Sequence

from spacy.lang.en.stop_words import STOP_WORDS

from synth.pii import Found, find_pii
from synth.records import Participant, Source
from synth.segment import find_roster_key, is_name_key, participant_index

log = logging.getLogger(__name__)

INTERVIEWER = "Interviewer"
MENTIONED = "[name]"
ALIAS = re.compile(r"^(?:P\d{2,4}|Interviewer|\[\w+\])$")
ROLE_WORDS = frozenset(
    "interviewer interviewee moderator researcher facilitator host cohost co-host participant respondent customer "
    "user client candidate speaker guest observer note-taker notetaker unknown unattributed unidentified narrator "
    "question answer team everyone all audience".split()
)
JOB_WORDS = frozenset(
    "manager designer marketing interface engineer developer analyst lead director officer assistant support sales "
    "owner product project admin administrator staff agent representative consultant expert specialist coordinator "
    "executive founder chair chairperson secretary member presenter panelist panellist operator caller translator "
    "interpreter transcriber scribe recorder".split()
)
TITLES = frozenset("mr mrs ms miss mx dr prof sir dame lord lady rev".split())
PARTICLES = frozenset("van von de der den da di du la le del della bin al el st".split())
MONTHS = frozenset("january february march april may june july august september october november december".split())
DAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
NAME_WORDS = frozenset(
    "will may mark bill rose grace hope joy faith pat sue jack art dawn summer holly ivy ruby amber penny robin "
    "sky chase hunter guy frank ray rich sandy glen dale drew gene iris lily daisy jay kit max miles norman pearl "
    "sunny don bob rob crystal honey star river brook heather violet".split()
)
COMMON_WORDS = STOP_WORDS | MONTHS | DAYS | NAME_WORDS | ROLE_WORDS | JOB_WORDS
CAPITALISED_WORDS = frozenset(
    "mum mom dad mummy daddy nan gran grandma grandad god christmas easter english british american irish scottish "
    "welsh european french german spanish italian polish indian chinese scottish canadian australian muslim jewish "
    "christian catholic hindu vegan vegetarian ok okay yes yeah no thanks hello hi sorry oh well so anyway basically "
    "honestly".split()
)
DATE_CONTEXT = frozenset(
    "in since until till by from last next this early late mid of through during before after every".split()
)
SENTENCE_END = tuple(".!?\"“(:[")

UPPER, LOWER = "A-ZÀ-ÖØ-ÞĀ-Ž", "a-zß-öø-ÿā-ž"
NAME_WORD = (  # Ann, Zoë, McDonald, O'Brien, Anne-Marie
    rf"[{UPPER}](?:[{LOWER}]+(?:[{UPPER}][{LOWER}]+)?|['’][{UPPER}][{LOWER}]+)(?:-[{UPPER}][{LOWER}]+)?"
)
NAME = rf"{NAME_WORD}(?: {NAME_WORD})?"
RELATIONS = (
    r"husband|wife|partner|boyfriend|girlfriend|fianc[ée]e?|son|daughter|kid|child|children|mum|mom|mother|dad"
    r"|father|brother|sister|cousin|aunt|auntie|uncle|nan|nana|gran|granny|grandma|grandmother|grandad|grandpa"
    r"|grandfather|grandson|granddaughter|niece|nephew|friend|mate|pal|colleague|co-?worker|boss|manager"
    r"|neighbou?r|flatmate|housemate|roommate|landlord|landlady|carer"
)
PEOPLE = r"guy|man|woman|lady|bloke|chap|girl|boy|someone|somebody|person|driver|agent|advis[eo]r|rep|courier"
MENTION_RULES = (
    re.compile(rf"(?i:\b(?:{RELATIONS})s?,? (?:(?:called|named) )?)(?P<name>{NAME})"),
    re.compile(rf"(?i:\b(?:{PEOPLE})s? (?:called|named) )(?P<name>{NAME})"),
    re.compile(rf"(?i:\b(?:{PEOPLE})s?, )(?P<name>{NAME}),"),
    re.compile(rf"(?i:\b(?:my|your|our|his|her|their) (?:{PEOPLE}) )(?P<name>{NAME})"),
    re.compile(rf"(?i:\b(?:married to|engaged to|divorced from) )(?P<name>{NAME})"),
    re.compile(rf"(?i:\bmy name(?:'s|’s| is) |\bcall me )(?P<name>{NAME})"),
    re.compile(rf"\b(?:I'm|I’m|I am) (?P<name>{NAME})(?= ?[,.!]|(?i: and| here| speaking)\b)"),
    re.compile(
        rf"(?P<name>{NAME})(?i: from (?:the )?(?:customer )?(?:support|service|services|care|call cent(?:re|er)"
        r"|helpline|help ?desk)\b)"
    ),
)


def name_forms(label: str) -> tuple[str, list[str]] | None:
    """A speaker label or roster name as (full name, separate first/last names), or None
    when it is no person's name ("Interviewer 1", "Q", "Speaker 2", "R_2YPOQ6")."""
    tokens = re.sub(r"\s*[(\[][^()\[\]]*[)\]]\s*", " ", label).split()
    if not tokens or len(tokens) > 5 or any(_not_name_token(t) for t in tokens):
        return None
    full = " ".join(tokens)
    if len(full) < 2:
        return None
    parts = [t for t in tokens if len(t.strip(".")) >= 2 and t.lower().strip(".") not in TITLES | PARTICLES]
    return full, (parts if len(tokens) > 1 else [])


def _not_name_token(token: str) -> bool:
    return (
        token.lower() in ROLE_WORDS | JOB_WORDS
        or any(ch.isdigit() for ch in token)
        or not re.match(r"^[^\W\d_][\w'’.-]*$", token)
    )


def _case_variants(form: str) -> list[str]:
    variants = [form]
    if form.islower() or form.isupper():
        variants.append(form.title())
    if not _is_common(form):
        variants.append(form.upper())
    return sorted(set(variants))


def _is_common(form: str) -> bool:
    return " " not in form and form.lower() in COMMON_WORDS


def find_mentions(text: str) -> list[Found]:
    """People a speaker mentions, by the conservative rule: "my husband Vik", "one of my
    housemates, Josh,", "a guy called Dave", "Josh from support", "married to Claire",
    and a name coordinated with one of those ("Arjun who's nine and Leela"); every
    use of the same names in the text too."""
    names: set[str] = set()
    for rule in MENTION_RULES:
        for match in rule.finditer(text):
            _add_name(names, match.group("name"), text)
    for _ in range(2):
        for name in sorted(names):
            coordinated = rf"\b{re.escape(name)}(?:['’]s)?(?: [a-z'’-]+){{0,3}},? and (?P<name>{NAME})"
            for match in re.finditer(coordinated, text):
                _add_name(names, match.group("name"), text)
    if not names:
        return []
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in _longest_first(names)) + r")(?![\w]|-\w)")
    return [Found(m.start(), m.end(), MENTIONED) for m in pattern.finditer(text)]


def _add_name(names: set[str], candidate: str, text: str) -> None:
    name = _plausible_name(candidate, text)
    if name:
        names.update([name, *name.split()])


def _plausible_name(candidate: str, text: str) -> str | None:
    """The capitalised words of a candidate that are not common words (else None)."""
    kept = []
    for word in candidate.split():
        lower = word.lower().rstrip("'’")
        written_lower = re.search(rf"(?<![\w-]){re.escape(lower)}(?!\w)", text)
        if lower in COMMON_WORDS or lower in CAPITALISED_WORDS or written_lower:
            break
        kept.append(word)
    return " ".join(kept) or None


def _longest_first(forms: Iterable[str]) -> list[str]:
    return sorted(forms, key=lambda f: (-len(f), f))


def _resolve(claims: Mapping[str, list[tuple[int, str]]]) -> dict[str, str]:
    """One alias per name form: the strongest claim wins; a tie between aliases is "[name]"."""
    aliases = {}
    for form in sorted(claims):
        best = min(level for level, _ in claims[form])
        winners = {alias for level, alias in claims[form] if level == best}
        aliases[form] = winners.pop() if len(winners) == 1 else MENTIONED
    return aliases


def _ner_pipes(nlp) -> list[str]:
    return [name for name in nlp.pipe_names if name not in ("tok2vec", "transformer", "ner", "entity_ruler")]


@dataclass(frozen=True)
class Redactor:
    """Replaces personal data; see the module docstring. `aliases`: name form -> alias."""

    aliases: Mapping[str, str] = field(default_factory=dict)
    enabled: bool = True
    nlp: object = None
    _pattern: re.Pattern | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.aliases:
            forms = "|".join(re.escape(f) for f in _longest_first(self.aliases))
            object.__setattr__(self, "_pattern", re.compile(rf"(?<![\w-])(?:{forms})(?![\w]|-\w)"))

    @classmethod
    def from_sources(
        cls,
        sources: Sequence[Source],
        participants: Sequence[Participant],
        *,
        enabled: bool = True,
        nlp=None,
        roster: Mapping[str, Mapping[str, str]] | None = None,
    ) -> Redactor:
        """A redactor knowing every speaker, roster name and mentioned person of a run."""
        if not enabled:
            return cls({}, enabled=False, nlp=nlp)
        claims: dict[str, list[tuple[int, str]]] = {}
        roster = roster or {}
        index = participant_index(participants, sources)
        matched_rows = set()
        for source in sources:
            for speaker in source.speakers:
                alias = index.get((source.id, speaker.name)) or _role_alias(speaker.role)
                _claim(claims, speaker.name, alias, level=0)
                row = find_roster_key(speaker.name, roster) if alias not in (INTERVIEWER, MENTIONED) else None
                if row is not None:
                    matched_rows.add(row)
                    for name in _roster_names(row, roster[row]):
                        _claim(claims, name, alias, level=0)
        for row in sorted(set(roster) - matched_rows):
            for name in _roster_names(row, roster[row]):
                _claim(claims, name, MENTIONED, level=2)
        for name in _mentioned_names(sources, index):
            _claim(claims, name, MENTIONED, level=4)
        redactor = cls(_resolve(claims), enabled=True, nlp=nlp)
        log.info("redactor knows %d name forms (%d roster rows)", len(redactor.aliases), len(roster))
        return redactor

    def redact(self, text: str) -> str:
        """`text` with personal data replaced; unchanged when redaction is disabled.

        Numbers and addresses go first, known names second, mentioned people last,
        each on the text the step before left. The steps repeat until nothing
        changes (a number found inside a longer run can reveal another one), so
        redacting redacted text changes nothing.
        """
        if not self.enabled or not text:
            return text
        for _ in range(4):
            redacted = self._redact_once(text)
            if redacted == text:
                break
            text = redacted
        return text

    def _redact_once(self, text: str) -> str:
        text = _replace(text, find_pii(text))
        text = _replace(text, self._known_names(text))
        return _replace(text, self._mentions(text))

    def _known_names(self, text: str) -> Iterator[Found]:
        if self._pattern is None:
            return
        for match in self._pattern.finditer(text):
            form = match.group()
            if _is_common(form) and _reads_as_word(text, match.start(), match.end()):
                continue
            yield Found(match.start(), match.end(), self.aliases[form])

    def _mentions(self, text: str) -> list[Found]:
        if self.nlp is None or "ner" not in self.nlp.pipe_names:
            return find_mentions(text)
        doc = self.nlp(text, disable=_ner_pipes(self.nlp))
        return [
            Found(ent.start_char, ent.end_char, self.aliases.get(ent.text, MENTIONED))
            for ent in doc.ents
            if ent.label_ == "PERSON" and not ALIAS.match(ent.text) and ent.text.lower() not in ROLE_WORDS
        ]


def _replace(text: str, found: Iterable[Found]) -> str:
    """Replace each match by its placeholder; an earlier match wins where two overlap."""
    taken: list[Found] = []
    for item in found:
        if all(item.end <= t.start or item.start >= t.end for t in taken):
            taken.append(item)
    pieces, cursor = [], 0
    for item in sorted(taken):
        pieces += [text[cursor : item.start], item.placeholder]
        cursor = item.end
    return "".join(pieces) + text[cursor:]


def _role_alias(role: str) -> str:
    return INTERVIEWER if role == "interviewer" else MENTIONED


def _claim(claims: dict[str, list[tuple[int, str]]], label: str, alias: str, *, level: int) -> None:
    """Record that a name (full: `level`, its parts: `level + 1`) stands for `alias`."""
    forms = name_forms(label)
    if forms is None:
        return
    full, parts = forms
    for form, form_level in [(full, level)] + [(part, level + 1) for part in parts]:
        for variant in _case_variants(form):
            claims.setdefault(variant, []).append((form_level, alias))


def _roster_names(key: str, row: Mapping[str, str]) -> list[str]:
    return [key] + [str(value) for name, value in sorted(row.items()) if is_name_key(name) and value]


def _mentioned_names(sources: Sequence[Source], index: Mapping[tuple[str, str], str]) -> list[str]:
    """Names the mention rule finds anywhere in participant speech, so that a name
    introduced in one unit ("my friend Harriet") is redacted in the next one too."""
    names = set()
    for source in sources:
        for turn in source.turns:
            if (source.id, turn.speaker) in index:
                names.update(turn.text[f.start : f.end] for f in find_mentions(turn.text))
    return sorted(names)


def _reads_as_word(text: str, start: int, end: int) -> bool:
    """True when a name that is also a word ("Will", "May") is more likely the word:
    at a sentence start, after "in"/"since"/"last" ..., or before a number."""
    before = text[:start].rstrip()
    if not before or before.endswith(SENTENCE_END):
        return True
    previous = re.findall(r"[\w']+$", before)
    if previous and previous[0].lower() in DATE_CONTEXT:
        return True
    return bool(re.match(r"\s*\d", text[end:]))
