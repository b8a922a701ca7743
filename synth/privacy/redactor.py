"""Redaction of personal data in everything that leaves the tool.

A `Redactor` is built once per run (`Redactor.from_sources`) and knows every
name the study holds, each bound to an alias that stays the same for that
person wherever the name appears:

- every speaker's name, full and first/last name separately, with the other
  forms of the first name ("Dan" also stands for "Daniel" and "Danny"), replaced
  by that participant's alias ("Maya Patel", "Maya", "MAYA", "maya" -> "P03");
  interviewers become "Interviewer";
- names in the participants roster (the row keys and name columns) and in a
  survey's name columns (a respondent's own row names that respondent);
- names in file names ("Sophie Turner interview.txt") and self-introductions
  ("it's Brian Walsh", said by the participant), bound to the source's
  participant when it has one;
- other people: by the context rules of `synth.privacy.names` (relations, titles,
  address and sign-offs, roles, gazetteer first names) and, when the spaCy
  pipeline has "ner", its PERSON entities too -> "[name]";
- emails, phone, card and account numbers, IP addresses and URLs carrying a
  personal id (`synth.privacy.numbers`) -> "[email]", "[phone]", ...

A name that is also a common word ("Will", "May", "Mark") is only replaced
mid-sentence and not after "in", "since", "last" ... or before a number.
`redact` is deterministic and idempotent; when disabled it returns the text
unchanged. `redact_path` gives a source path with its names replaced.
`aliases` (name -> alias) is for counting and reporting: names are never logged.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Iterable, Iterator, Mapping, Sequence

from synth.parallel import chunked, ordered_map
from synth.privacy.columns import is_name_header, is_name_key
from synth.privacy.names import (
    case_variants,
    cued_names,
    find_mentions,
    is_common,
    longest_first,
    name_forms,
    name_variants,
    names_in_path,
)  # fmt: skip
from synth.privacy.numbers import Found, find_pii
from synth.privacy.words import ALIAS, DATE_CONTEXT, INTERVIEWER, MENTIONED, ROLE_WORDS, SENTENCE_END
from synth.records import Participant, Source
from synth.segment import find_roster_key, participant_index

log = logging.getLogger(__name__)
PATH_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


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


class Claims:
    """Which alias each name form stands for, gathered from every place a study names people.

    Levels say how sure a claim is (0: a speaker label; 1: a part of one, a file name, a
    self-introduction; 2+: variants, the unmatched roster, address; 4: mentioned people).
    """

    def __init__(self) -> None:
        self.forms: dict[str, list[tuple[int, str]]] = {}

    def add(self, label: str, alias: str, *, level: int, variants: bool = True) -> None:
        """A name (full: `level`, its parts: `level + 1`, other forms of its first name: `level + 2`)."""
        forms = name_forms(label)
        if forms is None:
            return
        full, parts = forms
        found = [(full, level)] + [(part, level + 1) for part in parts]
        if variants:
            first = parts[0] if parts else full
            found += [(variant, level + 2) for variant in name_variants(first)]
        for form, form_level in found:
            for variant in case_variants(form):
                self.forms.setdefault(variant, []).append((form_level, alias))

    def add_speakers(self, sources: Sequence[Source], index, roster) -> set[str]:
        """Speakers, and the roster rows they match; returns the matched row keys."""
        matched = set()
        for source in sources:
            for speaker in source.speakers:
                alias = index.get((source.id, speaker.name)) or _role_alias(speaker.role)
                self.add(speaker.name, alias, level=0)
                row = find_roster_key(speaker.name, roster) if alias not in (INTERVIEWER, MENTIONED) else None
                if row is not None:
                    matched.add(row)
                    for name in _roster_names(row, roster[row]):
                        self.add(name, alias, level=0)
        return matched

    def add_survey_names(self, sources: Sequence[Source], index) -> None:
        """Each survey row's name columns ("Full name": "Olu Adeyemi") name that row's respondent."""
        for source in sources:
            columns = [i for i, c in enumerate(source.columns) if c.role == "pii" and is_name_header(c.name)]
            if source.kind != "survey" or not columns:
                continue
            rows = {turn.spans[0].line: turn.speaker for turn in source.turns if turn.spans}
            for number, line in enumerate(source.lines, 1):
                cells = line.split("\t")
                alias = index.get((source.id, rows.get(number, "")), MENTIONED)
                for column in columns:
                    if column < len(cells) and number > 1:
                        self.add(cells[column].strip(), alias, level=1 if alias != MENTIONED else 3)

    def add_source_names(self, sources: Sequence[Source], index) -> None:
        """Names in file names and self-introductions, bound to the source's one participant."""
        for source in sources:
            own = sorted({pid for (sid, _), pid in index.items() if sid == source.id})
            alias = own[0] if len(own) == 1 else MENTIONED
            for name in names_in_path(source.path):
                self.add(name, alias, level=1)
            if source.kind == "survey":
                continue
            for turn in source.turns:
                speaker_alias = index.get((source.id, turn.speaker))
                for name in sorted(cued_names(turn.text)):
                    if speaker_alias and _introduces(turn.text, name):
                        self.add(name, speaker_alias, level=1)
                    elif speaker_alias is None and len(own) == 1 and _addresses(turn.text, name):
                        self.add(name, alias, level=3)


def _introduces(text: str, name: str) -> bool:
    return bool(re.search(rf"(?i:\b(?:it's|it’s|it is|this is|i'm|i’m|i am|my name is|my name's|call me)) {re.escape(name)}\b", text))


def _addresses(text: str, name: str) -> bool:
    from synth.privacy.names import ADDRESS

    return bool(re.search(rf"(?i:\b(?:{ADDRESS})),? {re.escape(name)}\b", text))


@dataclass(frozen=True)
class Redactor:
    """Replaces personal data; see the module docstring. `aliases`: name form -> alias."""

    aliases: Mapping[str, str] = field(default_factory=dict)
    enabled: bool = True
    nlp: Any = None
    mentions: Mapping[str, list[Found]] = field(default_factory=dict, repr=False, compare=False)  # text -> find_mentions(text)
    _pattern: re.Pattern | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.aliases:
            forms = "|".join(re.escape(f) for f in longest_first(self.aliases))
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
        """A redactor knowing every speaker, roster name, file name and mentioned person of a run."""
        if not enabled:
            return cls({}, enabled=False, nlp=nlp)
        roster = roster or {}
        index = participant_index(participants, sources)
        claims = Claims()
        matched_rows = claims.add_speakers(sources, index, roster)
        for row in sorted(set(roster) - matched_rows):
            for name in _roster_names(row, roster[row]):
                claims.add(name, MENTIONED, level=2)
        claims.add_survey_names(sources, index)
        claims.add_source_names(sources, index)
        mentions: dict[str, list[Found]] = {}
        for name in _mentioned_names(sources, index, mentions):
            claims.add(name, MENTIONED, level=4, variants=False)
        redactor = cls(_resolve(claims.forms), enabled=True, nlp=nlp, mentions=mentions)
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

    def redact_path(self, path: str) -> str:
        """A source path with every word that is a known name replaced by its alias
        ("Sophie_Turner-interview.txt" -> "P01_P01-interview.txt" -> "P01-interview.txt");
        unchanged when disabled or when it holds no name."""
        if not self.enabled:
            return path
        shown = PATH_WORD.sub(lambda m: self._path_word(m.group()), path)
        shown = re.sub(r"(P\d{2,4}|\[name\])(?:[ _.-]+\1)+", r"\1", shown)
        return self.redact(shown) if shown == path else shown

    def _path_word(self, word: str) -> str:
        alias = self.aliases.get(word) or self.aliases.get(word.title())
        return alias if alias and not is_common(word) else word

    def _redact_once(self, text: str) -> str:
        text = _replace(text, find_pii(text))
        text = _replace(text, self._known_names(text))
        return _replace(text, self._mentions(text))

    def _known_names(self, text: str) -> Iterator[Found]:
        if self._pattern is None:
            return
        for match in self._pattern.finditer(text):
            form = match.group()
            if is_common(form) and _reads_as_word(text, match.start(), match.end()):
                continue
            yield Found(match.start(), match.end(), self.aliases[form])

    def _mentions(self, text: str) -> list[Found]:
        found = self.mentions.get(text)
        if found is None:
            found = find_mentions(text)
        if self.nlp is not None and "ner" in self.nlp.pipe_names:
            doc = self.nlp(text, disable=_ner_pipes(self.nlp))
            found = [
                Found(ent.start_char, ent.end_char, self.aliases.get(ent.text, MENTIONED))
                for ent in doc.ents
                if ent.label_ == "PERSON" and not ALIAS.match(ent.text) and ent.text.lower() not in ROLE_WORDS
            ] + found
        return found


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


def _roster_names(key: str, row: Mapping[str, str]) -> list[str]:
    return [key] + [str(value) for name, value in sorted(row.items()) if is_name_key(name) and value]


def _mentioned_names(sources: Sequence[Source], index: Mapping[tuple[str, str], str], found: dict[str, list[Found]]) -> list[str]:
    """Names the mention rules find anywhere in participant speech, so that a name
    introduced in one unit ("my friend Harriet") is redacted in the next one too.

    Each turn's mentions are kept in `found` (text -> mentions): a survey answer is
    mostly one unit, whose redaction then need not run the mention rules again (they
    were 10% of segmenting 20,000 answers, bench/scale.py). The turns are read in
    forked workers when there are many (`synth.parallel`)."""
    texts = list(dict.fromkeys(turn.text for source in sources for turn in source.turns if (source.id, turn.speaker) in index))
    names: set[str] = set()
    for text, mentions in zip(texts, chain.from_iterable(ordered_map(_find_mentions_in, texts, chunked(len(texts), 1000)))):
        found[text] = mentions
        names.update(text[f.start : f.end] for f in mentions)
    return sorted(names)


def _find_mentions_in(texts: list[str], chunk: range) -> list[list[Found]]:
    return [find_mentions(texts[i]) for i in chunk]


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
