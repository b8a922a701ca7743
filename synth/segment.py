"""Participants and evidence units: who speaks, and what they said, in pieces.

`build_participants` gives every participant speaker of every source a readable
alias (P01, P02, ... in source order, then first-turn order; P001 once there are
more than 99) and a name-free `key`; `participant_index` maps (source id,
speaker name) back to that alias.

`segment_sources` cuts each participant turn into units of one to
`max_sentences` sentences and at most about `max_chars` characters. Interviewer
turns never become units. Every unit is traced to its source:
``" ".join(lines[s.line - 1][s.start:s.end] for s in unit.spans) == unit.text``,
and `unit.text` is a contiguous piece of its turn's text.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Mapping, Protocol, Sequence

from synth.clean import clean_for_model, says_nothing
from synth.language import UNDETERMINED, LinguaThread, detect_language
from synth.privacy.columns import PII_COLUMN_ROLES, is_name_key, is_private_key  # noqa: F401 (re-exported)
from synth.records import Participant, Source, Span, Turn, Unit

log = logging.getLogger(__name__)

Roster = Mapping[str, Mapping[str, str]]
SHORT_WORDS = 3  # a sentence with fewer words ("Yes.", "Oh, definitely.") joins its neighbour
OPENERS = "([{“‘«"
SHORT_SLACK = 60  # characters a short sentence may add beyond max_chars
_ASIDE = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*")


class TextRedactor(Protocol):
    def redact(self, text: str) -> str: ...


def normalize_name(name: str) -> str:
    """A speaker or roster name for matching: asides removed, case and spacing folded."""
    return " ".join(_ASIDE.sub(" ", name).casefold().split())


def participant_key(source_path: str, speaker: str) -> str:
    """The stable, name-free fingerprint of a participant: a hash of (source anchor, speaker).

    `source_path` is the source's anchor (`source_anchors`): its file name, so a file moved
    into a subfolder or edited keeps its participants' keys, and with them persona ids and the
    ids of their evidence units."""
    return hashlib.sha1(f"{source_path}\0{speaker}".encode()).hexdigest()[:12]


def source_anchors(sources: Sequence[Source]) -> dict[str, str]:
    """Source id -> what a participant key hangs on: the file name, which survives a move
    into a subfolder and any edit of the content; the whole relative path only where two
    sources share a file name (`wave1/interview.txt`, `wave2/interview.txt`)."""
    names: dict[str, int] = {}
    for source in sources:
        name = source.path.replace("\\", "/").rsplit("/", 1)[-1]
        names[name] = names.get(name, 0) + 1
    anchors = {}
    for source in sources:
        name = source.path.replace("\\", "/").rsplit("/", 1)[-1]
        anchors[source.id] = name if names[name] == 1 else source.path
    return anchors


def unit_id(participant_key_: str, text: str, occurrence: int) -> str:
    """A unit id anchored on content: the participant's key, the unit's text with case and
    spacing folded, and which repeat of that text by that participant it is (0 for the first).
    Adding a line above it or moving its file keeps the id; its location is data (`spans`)."""
    normal = " ".join(text.casefold().split())
    return "u-" + hashlib.sha1(f"{participant_key_}\0{normal}\0{occurrence}".encode()).hexdigest()[:10]


def find_roster_key(speaker: str, roster: Roster) -> str | None:
    """The roster row for a speaker: the same key, the same name ignoring case and asides
    ("Jo (Researcher)"), a row whose name attribute matches, or the one row whose full
    name starts with the speaker's first name ("Maya" -> "Maya Patel")."""
    if speaker in roster:
        return speaker
    wanted = normalize_name(speaker)
    if not wanted:
        return None
    names = {key: [key] + [v for k, v in row.items() if is_name_key(k) and v] for key, row in sorted(roster.items())}
    for key, candidates in names.items():
        if any(normalize_name(c) == wanted for c in candidates):
            return key
    first = wanted.split()[0]
    partial = [key for key, candidates in names.items() if any(_first_names_agree(c, first) for c in candidates)]
    return partial[0] if len(partial) == 1 else None


def _first_names_agree(candidate: str, first: str) -> bool:
    words = normalize_name(candidate).split()
    return bool(words) and words[0] == first and not any(ch.isdigit() for ch in first)


def _participant_speakers(source: Source) -> list[str]:
    """Participant speakers with at least one turn, in first-turn order; in a survey every
    kept respondent with a turn or a closed answer, in row order (closed answers alone
    make a participant: they are the usual basis of a segmentation)."""
    roles = {s.name: s.role for s in source.speakers}
    spoke = {turn.speaker for turn in source.turns}
    if source.kind == "survey":
        return [
            s.name
            for s in source.speakers
            if s.role == "participant" and (s.name in spoke or any(str(v).strip() for v in source.attributes.get(s.name, {}).values()))
        ]
    seen: dict[str, None] = {}
    for turn in source.turns:
        if roles.get(turn.speaker) == "participant":
            seen.setdefault(turn.speaker, None)
    return list(seen)


def build_participants(sources: Sequence[Source], roster: Roster | None = None) -> list[Participant]:
    """One participant per person: per (source, participant speaker with a turn), in source
    order then first-turn order, with the roster rows joined on and one person in several
    sources merged (`synth.participant_join`, which also reports the join)."""
    from synth.participant_join import join_participants

    return join_participants(sources, roster=roster)[0]


def participant_index(participants: Sequence[Participant], sources: Sequence[Source]) -> dict[tuple[str, str], str]:
    """(source id, speaker name) -> participant id, matched through the name-free keys."""
    by_key = {key: p.id for p in participants for key in (p.key, *p.member_keys)}
    anchors = source_anchors(sources)
    index = {}
    for source in sources:
        for speaker in source.speakers:
            pid = by_key.get(participant_key(anchors[source.id], speaker.name))
            if pid is not None and speaker.role == "participant":
                index[(source.id, speaker.name)] = pid
    return index


def turn_text(source: Source, turn: Turn) -> str:
    """The turn's verbatim text rebuilt from its spans (what `turn.text` must equal)."""
    return " ".join(source.lines[s.line - 1][s.start : s.end] for s in turn.spans)


@dataclass(frozen=True)
class Segmenter:
    """Cuts participant turns into units; see `segment_sources`."""

    nlp: Any  # a spaCy Language
    redactor: TextRedactor
    max_sentences: int = 3
    max_chars: int = 400
    context_cache: dict = field(default_factory=dict, compare=False, repr=False)
    keys: Mapping[str, str] = field(default_factory=dict)  # participant id -> key (unit ids hang on it)
    seen: dict = field(default_factory=dict, compare=False, repr=False)  # (key, text) -> repeats so far
    lingua: LinguaThread = field(default_factory=LinguaThread, compare=False, repr=False)
    pending: list = field(default_factory=list, compare=False, repr=False)  # (unit, lingua's future language)

    def split_sentences(self, text: str) -> list[tuple[int, int]]:
        """Sentence ranges in `text` (whitespace trimmed), long sentences cut at a comma or space.

        A text over the pipeline's `max_length` (ingest splits turns far below it) is
        read in windows of that length, so spaCy's E088 never stops a run.
        """
        window = getattr(self.nlp, "max_length", 0) or len(text) or 1
        bounds = [b for at in range(0, len(text), window) for b in self._sentences(text, at, at + window)]
        ranges = []
        for start, end in bounds:
            trimmed = _trim(text, start, end)
            if trimmed:
                ranges.extend(_cut_long(text, *trimmed, self.max_chars))
        return ranges

    def _sentences(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        piece = text[start:end]
        procs, terminals = self._splitter
        if terminals is not None and _one_sentence(piece, terminals):
            return [(start, start + len(piece))]
        doc = self.nlp.make_doc(piece)  # = nlp(piece, disable=_unneeded_pipes(nlp)), without its per-call set-up
        for proc in procs:
            doc = proc(doc)
        if not doc.has_annotation("SENT_START"):
            return [(start, start + len(piece))]
        sentences = _move_openers(piece, [(s.start_char, s.end_char) for s in doc.sents])
        return [(start + a, start + b) for a, b in sentences]

    @cached_property
    def _splitter(self) -> tuple[list, frozenset[str] | None]:
        """The components sentence splitting runs, and the sentencizer's split characters (None without one)."""
        unneeded = _unneeded_pipes(self.nlp)
        kept = [(name, proc) for name, proc in self.nlp.pipeline if name not in unneeded]
        if [name for name, _ in kept] != ["sentencizer"]:
            return [proc for _, proc in kept], None
        chars = self.nlp.get_pipe("sentencizer").punct_chars
        return [proc for _, proc in kept], frozenset(chars) if all(len(c) == 1 for c in chars) else None

    def group_sentences(self, text: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Consecutive sentences packed into groups of at most `max_sentences` and `max_chars`;
        a short sentence does not count towards the limit and joins its neighbour."""
        groups: list[list[int]] = []  # [start, end, sentences that count]
        for start, end in ranges:
            short = len(text[start:end].split()) < SHORT_WORDS
            if groups:
                g_start, _, count = groups[-1]
                limit = self.max_chars + (SHORT_SLACK if short or count == 0 else 0)
                if end - g_start <= limit and (short or count < self.max_sentences):
                    groups[-1] = [g_start, end, count + (not short)]
                    continue
            groups.append([start, end, 0 if short else 1])
        return [(g[0], g[1]) for g in groups]

    def turn_units(self, source: Source, turn: Turn, participant_id: str, language: str, detect: bool = True) -> list[Unit]:
        """The turn's units; each gets its own language unless `detect` is off (the caller named it).

        A unit's own language is the one its text tells (a Portuguese answer in an English survey),
        else its source's (`language`): "Weak in this area" says too little to tell by itself. Where
        lingua decides, the unit has its source's language until `settle_languages`."""
        text = turn_text(source, turn)
        if text != turn.text:
            log.warning("%s, line %d: a turn's text does not match its spans; using the spans", source.path,
                        turn.spans[0].line)  # fmt: skip
        units = []
        for start, end in self.group_sentences(text, self.split_sentences(text)):
            piece = text[start:end]
            cleaned = clean_for_model(piece)
            if says_nothing(cleaned) or len(cleaned.split()) < 2:
                continue
            spans = map_spans(source, turn, start, end)
            own = self.lingua.detect(cleaned) if detect else language
            told = own if isinstance(own, str) and own != UNDETERMINED else language
            units.append(self._unit(source, turn, participant_id, told, piece, cleaned, spans))
            if not isinstance(own, str):
                self.pending.append((units[-1], own))
        return units

    def settle_languages(self, units: list[Unit]) -> list[Unit]:
        """`units` with the languages lingua told on its thread (see `turn_units`)."""
        told = {id(unit): future.result() for unit, future in self.pending}
        self.pending.clear()
        told = {key: language for key, language in told.items() if language != UNDETERMINED}
        return [replace(u, language=told[id(u)]) if id(u) in told else u for u in units] if told else units

    def _unit(self, source, turn, participant_id, language, text, cleaned, spans) -> Unit:
        key = self.keys.get(participant_id, participant_id)
        normal = " ".join(text.casefold().split())
        occurrence = self.seen.get((key, normal), 0)
        self.seen[(key, normal)] = occurrence + 1
        return Unit(
            id=unit_id(key, text, occurrence),
            participant_id=participant_id,
            source_id=source.id,
            text=text,
            quote=self.redactor.redact(text),
            clean_text=cleaned,
            spans=spans,
            location=describe_location(turn, spans),
            speaker_role="participant",
            question=self._redacted_context(turn.question),
            heading=self._redacted_context(turn.heading),
            language=language,
        )

    def _redacted_context(self, text: str | None) -> str | None:
        """The question or heading a unit sits under, redacted like its quote (an interviewer
        greets people by name); cached, since every unit of a turn shares it."""
        if text is None:
            return None
        if text not in self.context_cache:
            self.context_cache[text] = self.redactor.redact(text)
        return self.context_cache[text]


def _unneeded_pipes(nlp) -> list[str]:
    """Components sentence splitting does not need (NER, lemmatizer, tagger ...)."""
    if "sentencizer" in nlp.pipe_names:
        return [name for name in nlp.pipe_names if name != "sentencizer"]
    keep = ("tok2vec", "transformer", "parser", "senter")
    return [name for name in nlp.pipe_names if name not in keep]


def _one_sentence(piece: str, terminals: frozenset[str]) -> bool:
    """Whether spaCy's sentencizer finds one sentence (bar trailing spaces, which `split_sentences`
    trims) in `piece`: it has no split character ("." "?" "!" ...) but in the run that ends it
    ("Why not?!"). The sentencizer starts a sentence only at a token after such a character, so
    such a piece needs no tokenising: 36% of 20,000 survey answers (bench/scale.py's inputs);
    tests/test_segment.py compares this with the sentencizer."""
    body = piece.rstrip()
    while body and body[-1] in terminals:
        body = body[:-1]
    return bool(body.strip()) and terminals.isdisjoint(body)


def _move_openers(text: str, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """An opening bracket or quote left at a sentence's end ("... click. (") begins the next sentence."""
    moved = list(bounds)
    for k in range(len(moved) - 1):
        start, end = moved[k]
        cut = len(text[start:end].rstrip().rstrip(OPENERS + " "))
        if 0 < cut and start + cut < end:
            moved[k] = (start, start + cut)
            moved[k + 1] = (start + cut, moved[k + 1][1])
    return moved


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _cut_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """A sentence longer than `max_chars` cut after its last comma or semicolon that
    fits (else at the last space), so a run-on transcript still gives short units."""
    pieces = []
    while end - start > max_chars:
        window = text[start : start + max_chars]
        cut = max(window.rfind(", "), window.rfind("; "))
        cut = cut + 1 if cut > max_chars // 3 else window.rfind(" ")
        if cut <= 0:
            cut = max_chars
        trimmed = _trim(text, start, start + cut)
        if trimmed:
            pieces.append(trimmed)
        rest = _trim(text, start + cut, end)
        if rest is None:  # only spaces after the cut (cannot happen on a trimmed sentence)
            return pieces
        start = rest[0]
    pieces.append((start, end))
    return pieces


def map_spans(source: Source, turn: Turn, start: int, end: int) -> tuple[Span, ...]:
    """The source spans of `[start, end)` in the turn's text (its spans' pieces joined
    by single spaces): each overlapping span, cut to the overlap."""
    spans, offset = [], 0
    for span in turn.spans:
        length = span.end - span.start
        lo, hi = max(start, offset), min(end, offset + length)
        if lo < hi or (length == 0 and start < offset < end):
            spans.append(Span(span.line, span.start + lo - offset, span.start + hi - offset))
        offset += length + 1
    return tuple(spans)


def describe_location(turn: Turn, spans: Sequence[Span]) -> str:
    """ "line 12", "lines 12-14", "00:01:02, line 14", or for surveys "row 5, column Q3"."""
    first, last = min(s.line for s in spans), max(s.line for s in spans)
    if turn.column is not None:
        return f"row {first}, column {turn.column}"
    where = f"line {first}" if first == last else f"lines {first}-{last}"
    return f"{turn.timestamp}, {where}" if turn.timestamp else where


def languages_by_units(sources: Sequence[Source], units: Sequence[Unit]) -> list[Source]:
    """Each source with the language most of its units' characters are in (the language that
    `inspect` and map.json show); a source without units keeps the one it was read with."""
    weight: dict[str, dict[str, int]] = {}
    for unit in units:
        if unit.language != UNDETERMINED:
            per = weight.setdefault(unit.source_id, {})
            per[unit.language] = per.get(unit.language, 0) + len(unit.text)
    return [replace(s, language=max(sorted(weight[s.id].items()), key=lambda kv: kv[1])[0]) if s.id in weight else s for s in sources]


def source_language(source: Source, index: Mapping[tuple[str, str], str], detect=detect_language) -> str:
    """The language of what a source's participants say (the first 20,000 characters)."""
    text, size = [], 0
    for turn in source.turns:
        if (source.id, turn.speaker) in index and size < 20000:
            text.append(turn.text)
            size += len(turn.text) + 1
    return detect(" ".join(text))


def segment_sources(
    sources: Sequence[Source],
    participants: Sequence[Participant],
    *,
    redactor: TextRedactor,
    nlp,
    max_sentences: int = 3,
    max_chars: int = 400,
    languages: Mapping[str, str] | None = None,
) -> list[Unit]:
    """Every participant turn cut into evidence units, in source order then turn order.

    Units that say nothing (`is_non_answer`) or have fewer than two words after
    cleaning are dropped. `languages` (source id -> code) skips detection.
    """
    if max_sentences < 1 or max_chars < 20:
        raise ValueError(f"max_sentences must be >= 1 and max_chars >= 20. Got {max_sentences} and {max_chars}.")
    index = participant_index(participants, sources)
    segmenter = Segmenter(nlp, redactor, max_sentences, max_chars, keys={p.id: p.key for p in participants})
    units: list[Unit] = []
    answered: dict[tuple[str, str], str] = {}  # (participant, survey answer) -> the survey source it came from
    try:
        for source in sources:
            given = (languages or {}).get(source.id)  # the caller's language holds for every unit: no detection
            language = given or source_language(source, index, segmenter.lingua.detect_now)
            for turn in source.turns:
                participant_id = index.get((source.id, turn.speaker))
                if participant_id is None or not turn.spans:
                    continue
                if source.kind == "survey":  # a coding workbook repeating the export's answer is one piece of evidence
                    if answered.setdefault((participant_id, turn.text), source.id) != source.id:
                        continue
                units.extend(segmenter.turn_units(source, turn, participant_id, language, detect=not given))
        units = segmenter.settle_languages(units)
    finally:
        segmenter.lingua.close()
    log.info("segmented %d sources into %d units", len(sources), len(units))
    return units
