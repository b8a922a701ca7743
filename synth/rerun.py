"""What the stage cache stores for segmentation and how a re-run puts it back; when the warm start counts.

Segmentation is cached as one result for the whole study, not per source: the
redactor is built from every source (a name known from one transcript or the
roster is redacted in all of them) and participants are joined across sources,
so one changed source can change any other source's units. Its key is the
ingested sources themselves (text, turns, speakers, columns, roster), the redact
setting and `stage_cache.code_fingerprint()` (synth's code, spaCy and its
pipelines' versions).

What is stored holds no unredacted participant text: each unit's `text` (the
verbatim words) and `clean_text` (made from them, for the model) are blanked and
rebuilt on restore from the freshly read source lines through `Unit.spans`
(`synth.segment` keeps `" ".join(lines[s.line - 1][s.start:s.end] for s in
spans) == text`, and `clean_text == clean_for_model(text)`). Source records are
not stored at all, only what segmentation changed in them (the shown path and
id, language and problems).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping, Sequence

from synth.records import Participant, Problem, Source, Unit


@dataclass(frozen=True)
class SegmentResult:
    """The segment stage's output without participant words (see the module docstring)."""

    units: tuple[Unit, ...]  # `text` blanked
    shown: tuple[tuple[str, str, str, tuple[Problem, ...]], ...]  # per ingested source: id, path, language, problems
    participants: tuple[Participant, ...]
    problems: tuple[Problem, ...]


def pack(
    sources: Sequence[Source], participants: Sequence[Participant], units: Sequence[Unit], problems: Sequence[Problem]
) -> SegmentResult:
    """The stage's output, ready to store (`sources` in ingest order, after aliasing)."""
    return SegmentResult(
        units=tuple(replace(u, text="", clean_text="") for u in units),
        shown=tuple((s.id, s.path, s.language, tuple(s.problems)) for s in sources),
        participants=tuple(participants),
        problems=tuple(problems),
    )


def unpack(stored: SegmentResult, ingested: Sequence[Source]) -> tuple[list[Source], list[Participant], list[Unit], list[Problem]] | None:
    """Sources, participants, units and problems as the stage made them; None when `stored`
    does not fit the ingested sources (then the stage recomputes)."""
    if not isinstance(stored, SegmentResult) or len(stored.shown) != len(ingested):
        return None
    sources = [replace(s, id=i, path=p, language=lang, problems=probs) for s, (i, p, lang, probs) in zip(ingested, stored.shown)]
    from synth.clean import clean_for_model

    lines = {shown.id: original.lines for shown, original in zip(sources, ingested)}
    units = []
    for unit in stored.units:
        text = _text(lines.get(unit.source_id), unit)
        if text is None:
            return None
        units.append(replace(unit, text=text, clean_text=clean_for_model(text)))
    return sources, list(stored.participants), units, list(stored.problems)


def _text(lines: Sequence[str] | None, unit: Unit) -> str | None:
    if lines is None or not unit.spans or any(not 1 <= s.line <= len(lines) for s in unit.spans):
        return None
    return " ".join(lines[s.line - 1][s.start : s.end] for s in unit.spans)


def warm_start_applies(participants: Sequence[Participant], units: Sequence[Unit], previous: Mapping[str, str], k: int | None) -> bool:
    """Whether `cluster_participants` would warm-start from `previous` (the rule of
    `synth.cluster._warm_labels`, tested to agree). When it would not, the previous draft does
    not change the clustering and stays out of its cache key, so the first re-run of unchanged
    inputs is answered from the cache too. Here, not in synth.cluster: importing that module
    costs scikit-learn, which a fully cached run never needs."""
    from synth.staff import is_staff

    speaking = {u.participant_id for u in units}
    ids = [
        p.id
        for p in participants
        if (p.id in speaking or any(str(v).strip() for v in p.attributes.values())) and not is_staff(p.attributes)
    ]
    personas = sorted({previous[pid] for pid in ids if previous.get(pid)})
    if len(personas) < 2 or (k is not None and k != len(personas)):
        return False
    here = set(ids)
    return not (here <= set(previous) and all(pid in here for pid, persona in previous.items() if persona))
