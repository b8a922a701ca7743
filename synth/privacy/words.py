"""The words and patterns that tell a person's name from an ordinary word.

`COMMON_WORDS` are words a name may also be ("Will", "May", "Mark"): such a
name is only replaced where it reads as a name. `is_dictionary_word` asks
spaCy's English lemma index and lookup table (83,000 words and 41,000 inflected
forms from spacy-lookups-data, 0.15 s to load) whether a lower-case word is an ordinary word; `is_first_name` asks the
first-name gazetteer (`resources/first_names.txt`: 47,633 names ranked in the
top 1,000 of any country in `names-dataset`, built by
`scripts/build_name_gazetteer.py`; 0.03 s and about 5 MB, where names-dataset
itself takes 6.3 s and 880 MB for its first names alone).
"""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from importlib import resources

from synth.stopwords import STOP_WORDS

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
    "honestly um umm uh uhm erm er hmm hm mm mmm mhm ah aha eh oh ooh wow yep yup nope nah lol ha haha huh gosh "
    "cheers bye hiya hey".split()
)
DATE_CONTEXT = frozenset("in since until till by from last next this early late mid of through during before after every".split())
SENTENCE_END = tuple('.!?"“(:[')

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
JOBS = (  # "the driver Mohammed", "our nurse Abena": a role word right before a gazetteer first name
    r"driver|nurse|doctor|gp|dentist|teacher|tutor|coach|trainer|manager|boss|engineer|technician|plumber|electrician"
    r"|builder|receptionist|cashier|waiter|waitress|barista|chef|cleaner|nanny|childminder|carer|caretaker|porter"
    r"|postman|postwoman|courier|agent|advis[eo]r|consultant|banker|accountant|lawyer|solicitor|landlord|landlady"
    r"|pharmacist|vet|midwife|therapist|counsellor|counselor|officer|guard|rep|assistant|colleague|neighbou?r"
)
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


@lru_cache(maxsize=1)
def _gazetteer() -> frozenset[str]:
    text = (resources.files("synth") / "resources" / "first_names.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


@lru_cache(maxsize=1)
def _lexicon() -> frozenset[str]:
    try:
        import spacy_lookups_data
    except ImportError:  # the lookups are a declared dependency; without them, no word counts as a dictionary word
        return frozenset()
    folder = resources.files(spacy_lookups_data) / "data"
    with gzip.open(str(folder / "en_lemma_index.json.gz")) as handle:
        index = json.load(handle)
    with gzip.open(str(folder / "en_lemma_lookup.json.gz")) as handle:
        inflected = json.load(handle)  # "states" -> "state": inflected forms are words too
    return frozenset(word for words in index.values() for word in words) | frozenset(inflected)


def is_first_name(word: str) -> bool:
    """A first name people commonly carry ("Sophie", "José", "Łukasz"), in any case."""
    return word.casefold() in _gazetteer()


def is_dictionary_word(word: str) -> bool:
    """An ordinary English word ("apple", "turner", "will") or a common word a name may also be."""
    lower = word.casefold().rstrip("'’")
    return lower in COMMON_WORDS or lower in CAPITALISED_WORDS or lower in _lexicon()
