"""How a person's name is written, and where a text names someone.

- `name_forms(label)`: a speaker label or roster name as (full name, parts), or None
  when it is no person's name ("Interviewer 1", "R_2YPOQ6").
- `name_variants(form)`: the other ways people write that name: nicknames and
  full forms from the `nicknames` package (Dan <-> Daniel, Bill -> William),
  lower case for a name that is not also a word ("sophie").
- `find_mentions(text)`: people named without being known to the study, by the
  context that marks a name: relations ("my husband Vik"), titles ("Mr
  Henderson"), address and sign-offs ("Thanks, Daniel", "Bye, Bill"),
  self-introductions ("it's Brian Walsh"), roles ("the driver Mohammed"), and
  first names from the gazetteer ("José Álvarez").
- `names_in_path(path)`: the names a file name holds ("Sophie Turner interview.txt").
"""

from __future__ import annotations

import functools
import re
from functools import lru_cache
from typing import Iterable

from synth.privacy.numbers import Found
from synth.privacy.words import (
    CAPITALISED_WORDS,
    COMMON_WORDS,
    JOB_WORDS,
    JOBS,
    MENTION_RULES,
    MENTIONED,
    NAME,
    NAME_WORD,
    NAME_WORDS,
    PARTICLES,
    PEOPLE,
    ROLE_WORDS,
    STOP_WORDS,
    TITLES,
    is_dictionary_word,
    is_first_name,
)  # fmt: skip

TITLE_RULE = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Rev)\.? (?P<name>{NAME})")
ADDRESS = (
    r"thanks|thank you|thankyou|cheers|bye|bye bye|goodbye|hi|hiya|hello|hey|dear|morning|good morning"
    r"|good afternoon|good evening|evening|night|goodnight|regards|best|best wishes|kind regards|love|sorry"
    r"|welcome|ta|see you|take care|congratulations|well done|nice to meet you|great to meet you"
)
ADDRESS_RULE = re.compile(rf"(?i:\b(?:{ADDRESS})),? (?P<name>{NAME})(?=\s*(?:[.,!?;:)\]\"”…-]|$))")
PLACE_WORDS = (  # "Alan Turing Institute", "Florence Nightingale Hospital": an organisation or a place, not a person
    r"(?:Institute|University|College|Foundation|Trust|Hospital|School|Academy|Centre|Center|Street|Road|Avenue"
    r"|Lane|Park|Square|Station|Airport|Ltd|Inc|Group|Council|Society|Museum|Library|Bank|Hotel|Prize|Award)\b"
)
CUED_RULES = (  # these need the first word to be a gazetteer first name and (but after a role) no ordinary word
    re.compile(rf"(?i:\b(?:it's|it’s|it is|this is|i'm|i’m|i am)) (?P<name>{NAME})(?=\s*(?:[.,!?;:]|$)|(?i: here| speaking| and| from)\b)"),
    re.compile(rf"(?i:\b(?:the|a|an|this|that|our|my|your|his|her|their) (?:{JOBS}|{PEOPLE}),? )(?P<name>{NAME})"),
    re.compile(rf"(?<![\w'’-])(?P<name>{NAME_WORD} {NAME_WORD})(?![\w'’-]| {PLACE_WORDS})"),  # José Álvarez
    re.compile(rf"(?<![\w'’-])(?P<name>{NAME_WORD})(?![\w'’-]| [A-Z])"),  # Sophie (a capitalised next word: the rule above)
)
FILE_WORDS = frozenset(
    "interview interviews transcript transcripts notes note session sessions call calls recording recordings "
    "meeting meetings survey export exports follow followup final draft copy edited clean raw part day week "
    "focus group usability test tests study round wave batch".split()
)
PATH_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


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
    return token.lower() in ROLE_WORDS | JOB_WORDS or any(ch.isdigit() for ch in token) or not re.match(r"^[^\W\d_][\w'’.-]*$", token)


def case_variants(form: str) -> list[str]:
    """The name as written, Title-cased, in capitals, and in lower case where that is no word."""
    variants = [form]
    if form.islower() or form.isupper():
        variants.append(form.title())
    if not is_common(form):
        variants.append(form.upper())
        if all(not is_dictionary_word(word) for word in form.split()):
            variants.append(form.lower())
    return sorted(set(variants))


def is_common(form: str) -> bool:
    return " " not in form and form.lower() in COMMON_WORDS


@lru_cache(maxsize=1)
def _namer():
    from nicknames import NickNamer

    return NickNamer()


def name_variants(first: str) -> list[str]:
    """Other forms of a first name: its nicknames and the names it is short for (Dan -> Daniel,
    Danny; Daniel -> Dan, Danny), Title-cased; never a common word ("Will", "Pat")."""
    if " " in first or len(first) < 2:
        return []
    lower = first.casefold()
    found = _namer().nicknames_of(lower) | _namer().canonicals_of(lower)
    return sorted(v.title() for v in found if v != lower and v not in STOP_WORDS and len(v) >= 3)


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
    names.update(cued_names(text))
    if not names:
        return []
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in longest_first(names)) + r")(?![\w]|-\w)")
    return [Found(m.start(), m.end(), MENTIONED) for m in pattern.finditer(text)]


def cued_names(text: str) -> set[str]:
    """Names a title or an address marks ("Dr Okonkwo", "Thanks, Gina"), and gazetteer first
    names a self-introduction, a role or a surname confirms ("it's Brian Walsh", "the driver
    Mohammed", "José Álvarez"), with each of their words."""
    names: set[str] = set()
    for rule in (TITLE_RULE, ADDRESS_RULE):
        for match in rule.finditer(text):
            _add_name(names, match.group("name"), text, allow=NAME_WORDS)
    for number, rule in enumerate(CUED_RULES):
        for match in rule.finditer(text):
            candidate = match.group("name")
            first = candidate.split()[0]
            ordinary = is_dictionary_word(first) if number != 1 else first.lower() in COMMON_WORDS | CAPITALISED_WORDS
            if is_first_name(first) and not ordinary:
                _add_name(names, candidate, text)
    return names


def names_in_path(path: str) -> list[str]:
    """Names a file path holds: a gazetteer first name that is no ordinary word, with the
    capitalised word after it ("Sophie Turner interview 2026-03-10.txt" -> "Sophie Turner")."""
    tokens = PATH_TOKEN.findall(path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path)
    found = []
    for index, token in enumerate(tokens):
        if is_first_name(token) and not is_dictionary_word(token) and len(token) >= 3:
            after = tokens[index + 1] if index + 1 < len(tokens) else ""
            surname = after[:1].isupper() and after.lower() not in COMMON_WORDS | CAPITALISED_WORDS | FILE_WORDS
            found.append(f"{token.title()} {after.title()}" if surname else token.title())
    return found


def _add_name(names: set[str], candidate: str, text: str, allow: frozenset[str] = frozenset()) -> None:
    name = _plausible_name(candidate, text, allow)
    if name:
        names.update([name, *name.split()])


def _plausible_name(candidate: str, text: str, allow: frozenset[str] = frozenset()) -> str | None:
    """The capitalised words of a candidate that are not common words (else None)."""
    kept = []
    for word in candidate.split():
        lower = word.lower().rstrip("'’")
        written_lower = _written_lower(lower, text)
        if (lower in COMMON_WORDS and lower not in allow) or lower in CAPITALISED_WORDS | TITLES or written_lower:
            break
        kept.append(word)
    return " ".join(kept) or None


@functools.lru_cache(maxsize=512)  # texts are at most one turn (100,000 characters): <= ~50 MB held
def _written_lower(word: str, text: str) -> bool:
    """Whether `word` occurs written in lower case in `text` (then it is a word, not a name).

    Cached: one long turn holds thousands of cued candidates, mostly the same few words, and
    each search scans the whole text (20 s of a 2.4 MB turn's run before, bench/huge_turn.py).
    The text's hash is computed once per string object, so a hit costs no scan."""
    return re.search(rf"(?<![\w-]){re.escape(word)}(?!\w)", text) is not None


def longest_first(forms: Iterable[str]) -> list[str]:
    return sorted(forms, key=lambda f: (-len(f), f))
