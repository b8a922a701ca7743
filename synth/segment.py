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
from itertools import chain
from typing import Any, Mapping, Protocol, Sequence

from synth.clean import clean_for_model, says_nothing
from synth.language import UNDETERMINED, LinguaThread, detect_language, quick_language
from synth.parallel import chunked, ordered_map
from synth.privacy.columns import PII_COLUMN_ROLES, is_name_key, is_private_key  # noqa: F401 (re-exported)
from synth.records import Participant, Source, Span, Turn, Unit
from synth.sentences import cut_long, move_openers, one_sentence, trim, unneeded_pipes

log = logging.getLogger(__name__)

Roster = Mapping[str, Mapping[str, str]]
Piece = tuple[str, str, tuple[Span, ...], "str | None", str, str]  # a unit before its id: see Segmenter.turn_pieces
SHORT_WORDS = 3  # a sentence with fewer words ("Yes.", "Oh, definitely.") joins its neighbour
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
            trimmed = trim(text, start, end)
            if trimmed:
                ranges.extend(cut_long(text, *trimmed, self.max_chars))
        return ranges

    def _sentences(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        piece = text[start:end]
        procs, terminals = self._splitter
        if terminals is not None and one_sentence(piece, terminals):
            return [(start, start + len(piece))]
        doc = self.nlp.make_doc(piece)  # = nlp(piece, disable=unneeded_pipes(nlp)), without its per-call set-up
        for proc in procs:
            doc = proc(doc)
        if not doc.has_annotation("SENT_START"):
            return [(start, start + len(piece))]
        sentences = move_openers(piece, [(s.start_char, s.end_char) for s in doc.sents])
        return [(start + a, start + b) for a, b in sentences]

    @cached_property
    def _splitter(self) -> tuple[list, frozenset[str] | None]:
        """The components sentence splitting runs, and the sentencizer's split characters (None without one)."""
        unneeded = unneeded_pipes(self.nlp)
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

    def turn_pieces(self, source: Source, turn: Turn, detect: bool = True) -> list[Piece]:
        """The turn's units before ids and languages are given: (text, cleaned, spans, the language
        scripts and function words tell (None: lingua's to tell, or `detect` is off), quote, location).
        Pure, so turns can be cut in other processes (`segment_sources`)."""
        text = turn_text(source, turn)
        if text != turn.text:
            log.warning("%s, line %d: a turn's text does not match its spans; using the spans", source.path,
                        turn.spans[0].line)  # fmt: skip
        pieces = []
        for start, end in self.group_sentences(text, self.split_sentences(text)):
            piece = text[start:end]
            cleaned = clean_for_model(piece)
            if says_nothing(cleaned) or len(cleaned.split()) < 2:
                continue
            told = quick_language(cleaned) if detect else None
            spans = map_spans(source, turn, start, end)
            pieces.append((piece, cleaned, spans, told, self.redactor.redact(piece), describe_location(turn, spans)))
        return pieces

    def turn_units(self, source: Source, turn: Turn, participant_id: str, language: str, detect: bool = True,
                   pieces: list[Piece] | None = None) -> list[Unit]:  # fmt: skip
        """The turn's units (from its `turn_pieces`, when given); each gets its own language unless
        `detect` is off (the caller named it).

        A unit's own language is the one its text tells (a Portuguese answer in an English survey),
        else its source's (`language`): "Weak in this area" says too little to tell by itself. Where
        lingua decides, the unit has its source's language until `settle_languages`."""
        units = []
        for piece, cleaned, spans, told, quote, location in self.turn_pieces(source, turn, detect) if pieces is None else pieces:
            own = (told if told is not None else self.lingua.detect(cleaned)) if detect else language
            known = own if isinstance(own, str) and own != UNDETERMINED else language
            units.append(self._unit(source, turn, participant_id, known, (piece, cleaned, spans, quote, location)))
            if not isinstance(own, str):
                self.pending.append((units[-1], own))
        return units

    def settle_languages(self, units: list[Unit]) -> list[Unit]:
        """`units` with the languages lingua told on its thread (see `turn_units`)."""
        told = {id(unit): future.result() for unit, future in self.pending}
        self.pending.clear()
        told = {key: language for key, language in told.items() if language != UNDETERMINED}
        return [replace(u, language=told[id(u)]) if id(u) in told else u for u in units] if told else units

    def _unit(self, source, turn, participant_id, language, piece) -> Unit:
        text, cleaned, spans, quote, location = piece
        key = self.keys.get(participant_id, participant_id)
        normal = " ".join(text.casefold().split())
        occurrence = self.seen.get((key, normal), 0)
        self.seen[(key, normal)] = occurrence + 1
        return Unit(
            id=unit_id(key, text, occurrence),
            participant_id=participant_id,
            source_id=source.id,
            text=text,
            quote=quote,
            clean_text=cleaned,
            spans=spans,
            location=location,
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


TURNS_PER_CHUNK = 500  # turns cut per task in a worker process (synth.parallel)


def segment_sources(
    sources: Sequence[Source],
    participants: Sequence[Participant],
    *,
    redactor: TextRedactor,
    nlp,
    max_sentences: int = 3,
    max_chars: int = 400,
    languages: Mapping[str, str] | None = None,
    processes: int | None = None,
) -> list[Unit]:
    """Every participant turn cut into evidence units, in source order then turn order.

    Units that say nothing (`is_non_answer`) or have fewer than two words after
    cleaning are dropped. `languages` (source id -> code) skips detection.

    Turns are cut (`Segmenter.turn_pieces`: sentences, cleaning, redaction) in `processes`
    forked workers (default `synth.parallel.workers()`, when there are enough turns); ids and
    languages are given here, in order, so the units are the same as in one process.
    `segment_sources` on 20,000 answers: 13.0-16.4 s before this, 9.6-11.4 s in one process, 6.0 s
    with two workers while a core was free (load 1.7-2.2, docs/performance.md).
    """
    if max_sentences < 1 or max_chars < 20:
        raise ValueError(f"max_sentences must be >= 1 and max_chars >= 20. Got {max_sentences} and {max_chars}.")
    index = participant_index(participants, sources)
    segmenter = Segmenter(nlp, redactor, max_sentences, max_chars, keys={p.id: p.key for p in participants})
    jobs = _turn_jobs(sources, index, languages or {})
    languages_of: dict[str, tuple[str, bool]] = {}  # source id -> (its language, whether units detect their own)
    units: list[Unit] = []
    try:
        cut = ordered_map(_cut_turns, (segmenter, jobs), chunked(len(jobs), TURNS_PER_CHUNK), processes=processes)
        for (source, turn, participant_id, _), pieces in zip(jobs, chain.from_iterable(cut)):
            if source.id not in languages_of:
                given = (languages or {}).get(source.id)  # the caller's language holds for every unit: no detection
                languages_of[source.id] = (given or source_language(source, index, segmenter.lingua.detect_now), not given)
            language, detect = languages_of[source.id]
            units.extend(segmenter.turn_units(source, turn, participant_id, language, detect, pieces))
        units = segmenter.settle_languages(units)
    finally:
        segmenter.lingua.close()
    log.info("segmented %d sources into %d units", len(sources), len(units))
    return units


def _turn_jobs(sources: Sequence[Source], index, languages: Mapping[str, str]) -> list[tuple[Source, Turn, str, bool]]:
    """(source, turn, participant id, detect) of every turn to cut, in order. A coding workbook
    repeating a survey export's answer is one piece of evidence: only the first survey's turn is cut."""
    jobs = []
    answered: dict[tuple[str, str], str] = {}  # (participant, survey answer) -> the survey source it came from
    for source in sources:
        for turn in source.turns:
            participant_id = index.get((source.id, turn.speaker))
            if participant_id is None or not turn.spans:
                continue
            if source.kind == "survey" and answered.setdefault((participant_id, turn.text), source.id) != source.id:
                continue
            jobs.append((source, turn, participant_id, not languages.get(source.id)))
    return jobs


def _cut_turns(state: tuple[Segmenter, list], turns: range) -> list[list[Piece]]:
    segmenter, jobs = state
    return [segmenter.turn_pieces(jobs[i][0], jobs[i][1], jobs[i][3]) for i in turns]
