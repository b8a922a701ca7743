"""How the reviewer's decisions (`review.yaml`) apply to a run's draft.

`review.yaml` is created on a run's first pass and never overwritten by a run;
reading, checking and editing it is `synth.review_file`, and `synth.workspace`
does the file I/O under the run folder's lock. `apply(decisions, draft)` is pure: it turns the
machine's draft `MapDocument` into the reviewed one every export shows (typed entries updated
with `model_copy`, never a dict round trip), and leaves re-synthesis to the pipeline (the
`rebuild` it passes in).
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Mapping

from synth.competitors import refresh_map_extras
from synth.document import LabelEntry, MapDocument
from synth.review_file import (  # noqa: F401  (the file layer, re-exported for the CLI and workspace)
    PersonaDecision,
    Review,
    create_review_file,
    edit_review,
    edited_text,
    load_document_text,
    load_review,
    merge_cycle,
    parse_review,
    persona_entry,
    review_text,
    set_participant,
    unit_entry,
)
from synth.review_themes import merge_themes, rename_themes

log = logging.getLogger(__name__)

REVIEWER_REASON = "set by reviewer"

# ---------------------------------------------------------------- applying


def previous_memberships(draft: MapDocument | None) -> dict[str, set[str]]:
    """Persona id -> participant keys of the previous run's draft, for stable ids."""
    if draft is None:
        return {}
    keys = {p.id: p.key for p in draft.participants}
    return {p.id: {keys[i] for i in p.participant_ids if i in keys} for p in draft.personas}


def review_training(review: Review, draft: MapDocument | None) -> list:
    """Relabelled units of the previous run as training examples for the classifier."""
    if not review.units or draft is None:
        return []
    from synth.clean import clean_for_model
    from synth.tag import LabelledExample

    by_id = {u.id: u for u in draft.units}
    examples = []
    for uid, change in sorted(review.units.items()):
        unit = by_id.get(uid)
        if unit is None:
            continue
        kinds = change.get("kinds", [k.id for k in unit.kinds])
        stage = change["stage"] if "stage" in change else (unit.stage.id if unit.stage else None)
        text = clean_for_model(unit.text) or unit.text  # embedded as units are: cleaned
        examples.append(LabelledExample(text=text, stage=stage, kinds=tuple(kinds), question=unit.question))
    return examples


Rebuild = Callable[[MapDocument, Mapping[str, str]], MapDocument]
KEEP = "__keep__"


def apply(decisions: Review, draft: MapDocument, rebuild: Rebuild | None = None) -> tuple[MapDocument, list[str]]:
    """The reviewed document and notes on decisions that no longer apply; `draft` is not changed.

    Pure: no file, no synthesis. Each step returns a new (frozen) document. When a relabel,
    exclusion or merge changes what personas are made of, `rebuild(doc, merges)` (given by the
    pipeline: re-synthesis from the document's data) redraws personas and maps; without it they
    keep the draft's findings.
    """
    if decisions.is_empty():
        return draft, []
    notes: list[str] = []
    unit_ids = {u.id for u in draft.units}
    persona_ids = set(draft.persona_ids)
    doc, changed = _relabel_units(draft, decisions, unit_ids, notes)
    doc = rename_themes(doc, decisions.themes, notes)  # first: found by their draft units; a rebuild then carries the labels
    doc, excluded = _exclude_units(doc, decisions.excluded, unit_ids, notes)
    merges = _valid_merges(decisions, persona_ids, notes)
    doc, assigned = _assign_participants(doc, decisions, persona_ids, notes)
    doc, merged = merge_themes(doc, decisions.themes, notes)  # findings are recounted by the rebuild
    if (changed or excluded or assigned or merged or merges) and rebuild is not None:
        doc = rebuild(doc, merges)
    doc = _apply_persona_decisions(doc, decisions, notes)
    return refresh_map_extras(doc), notes  # competitors and the timeline follow exclusions, merges and assignments


def resolve_merge(review: Review, persona_id: str) -> str:
    """Where `persona_id` ends up after following merge_into chains (cycles are refused on load)."""
    target, seen = persona_id, {persona_id}
    while (decision := review.personas.get(target)) and decision.merge_into and decision.merge_into not in seen:
        target = decision.merge_into
        seen.add(target)
    return target


def _reviewer_label(code: str) -> LabelEntry:
    return LabelEntry(id=code, score=1.0, reason=REVIEWER_REASON)


def _relabel_units(doc: MapDocument, review: Review, unit_ids: set[str], notes: list[str]) -> tuple[MapDocument, bool]:
    stage_ids = {s.id for s in doc.stages}
    kind_ids = {k.id for k in doc.kinds}
    changed = False
    updates: dict[str, dict[str, Any]] = {}
    for uid, change in sorted(review.units.items()):
        if uid not in unit_ids:
            notes.append(f"relabel of unit {uid}: the unit is not in this run (kept in review.yaml)")
            continue
        update: dict[str, Any] = {}
        stage = change.get("stage", KEEP)
        if stage not in (KEEP, None) and stage not in stage_ids:
            notes.append(f"relabel of unit {uid}: stage {stage!r} is not in the codebook (ignored)")
        elif stage != KEEP:
            update["stage"] = None if stage is None else _reviewer_label(stage)
            changed = True
        if "kinds" in change:
            bad = [k for k in change["kinds"] if k not in kind_ids]
            if bad:
                notes.append(f"relabel of unit {uid}: kind(s) {bad} not in the codebook (ignored)")
            update["kinds"] = tuple(_reviewer_label(k) for k in change["kinds"] if k in kind_ids)
            changed = True
        updates[uid] = {**update, "review": {"relabelled": True}}
    if not updates:
        return doc, changed
    units = tuple(u.model_copy(update=updates[u.id]) if u.id in updates else u for u in doc.units)
    return doc.model_copy(update={"units": units}), changed


def _assign_participants(doc: MapDocument, review: Review, persona_ids: set[str], notes: list[str]) -> tuple[MapDocument, bool]:
    """Move each participant the reviewer placed into their persona (found by key first, then id)."""
    by_key = {p.key: p.id for p in doc.participants}
    current = {p.id: p.persona_id for p in doc.participants}
    moved: dict[str, str] = {}
    for pid, decision in sorted(review.participants.items()):
        participant = by_key.get(decision.key) if decision.key else (pid if pid in current else None)
        target = resolve_merge(review, decision.persona)
        if participant is None:
            notes.append(f"assignment of {pid}: the participant is not in this run (kept in review.yaml)")
        elif target not in persona_ids:
            notes.append(f"assignment of {pid} to {decision.persona}: the persona is not in this run (kept in review.yaml)")
        elif current[participant] != target:
            current[participant] = moved[participant] = target
    if not moved:
        return doc, False
    participants = tuple(  # placed by the reviewer: no longer unassigned
        p.model_copy(update={"persona_id": moved[p.id], "unassigned_reason": None}) if p.id in moved else p for p in doc.participants
    )
    units = tuple(u.model_copy(update={"persona_id": moved[u.participant_id]}) if u.participant_id in moved else u for u in doc.units)
    return doc.model_copy(update={"participants": participants, "units": units}), True


def _exclude_units(doc: MapDocument, excluded: set[str], unit_ids: set[str], notes: list[str]) -> tuple[MapDocument, bool]:
    for uid in sorted(excluded - unit_ids):
        notes.append(f"exclusion of unit {uid}: the unit is not in this run (kept in review.yaml)")
    hit = excluded & unit_ids
    if not hit:
        return doc, False
    themes = []
    for theme in doc.themes:
        update: dict[str, Any] = {"unit_ids": tuple(u for u in theme.unit_ids if u not in hit)}
        if theme.headline in hit:  # an excluded quote never leads a theme
            update["headline"] = None
        if update["unit_ids"]:
            themes.append(theme.model_copy(update=update))
    kept = {t.id for t in themes}
    units = tuple(
        u if all(t in kept for t in u.themes) else u.model_copy(update={"themes": tuple(t for t in u.themes if t in kept)})
        for u in doc.units
        if u.id not in hit
    )
    return doc.model_copy(update={"units": units, "themes": tuple(themes)}), True


def _valid_merges(review: Review, persona_ids: set[str], notes: list[str]) -> dict[str, str]:
    merges = {}
    for pid, decision in sorted(review.personas.items()):
        if not decision.merge_into:
            continue
        target = resolve_merge(review, pid)  # follow chains a -> b -> c
        if pid not in persona_ids or target not in persona_ids or target == pid:
            notes.append(f"merge of {pid} into {decision.merge_into}: one of them is not in this run (kept in review.yaml)")
            continue
        merges[pid] = target
    return merges


def _apply_persona_decisions(doc: MapDocument, review: Review, notes: list[str]) -> MapDocument:
    personas = {p.id: p for p in doc.personas}
    owner = {u.id: u.persona_id for u in doc.units}
    names: dict[str, str] = {}
    for pid, decision in sorted(review.personas.items()):
        persona = personas.get(pid)
        if persona is None:
            if decision.merge_into is None and (decision.status != "draft" or decision.name):
                notes.append(f"decision on {pid}: the persona is not in this run (kept in review.yaml)")
            continue
        update: dict[str, Any] = {"status": decision.status}
        if decision.name:
            update["name"] = names[pid] = decision.name
        personas[pid] = persona.model_copy(update=update)
    for uid in review.pinned:
        owner_id = owner.get(uid)
        if owner_id is None or owner_id not in personas:
            notes.append(f"pin of unit {uid}: the unit is not in any persona of this run (kept in review.yaml)")
            continue
        quotes = personas[owner_id].quotes
        personas[owner_id] = personas[owner_id].model_copy(update={"quotes": (uid, *(q for q in quotes if q != uid))})
    maps = tuple(m.model_copy(update={"name": names[m.persona_id]}) if m.persona_id in names else m for m in doc.maps)
    return doc.model_copy(update={"personas": tuple(personas.values()), "maps": maps})
