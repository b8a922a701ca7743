"""After synthesis: the reviewer's decisions applied to a draft, and a run folder's outputs refreshed.

`reviewed_document` is the review stage's work (`review.apply`, pure, with `rebuild_personas`
re-synthesizing merged or relabelled personas); `reviewed_map` and `refresh` do the same for a
run folder already written (`synth export`, `synth review`), under the run folder's lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from synth.document import MapDocument
from synth.workspace import DRAFT_NAME, Workspace

if TYPE_CHECKING:
    from synth.review_file import Review


def reviewed_document(draft: MapDocument, decisions) -> tuple[MapDocument, list[str]]:
    """The draft with the reviewer's decisions applied (merged or relabelled personas re-synthesized)."""
    from synth.agreement import annotate_reviewed
    from synth.review import apply

    reviewed, notes = apply(decisions, draft, rebuild=rebuild_personas)
    return annotate_reviewed(reviewed, draft, decisions), notes


def rebuild_personas(doc: MapDocument, merges: Mapping[str, str]) -> MapDocument:
    """Re-synthesize personas and maps from a (relabelled, filtered, merged) map document."""
    from synth.document import JourneyEntry, PersonaEntry
    from synth.export.mapjson import journey_dict, persona_dict, records_from_map
    from synth.synthesize import build_maps, synthesize_personas

    records = records_from_map(doc)
    target_ids = [pid for pid in records.persona_ids if pid not in merges]
    index = {pid: i for i, pid in enumerate(target_ids)}
    old = {p.id: p for p in doc.personas}
    persona_of = {p.id: p.persona_id for p in doc.participants}
    assignments = {pid: index.get(merges.get(was, was), -1) if was else -1 for pid, was in persona_of.items()}
    clustering = replace(
        records.clustering, assignments=assignments, k=len(target_ids), stability=tuple(old[pid].stability for pid in target_ids)
    )
    keys = {p.id: p.key for p in records.participants}
    previous = {pid: {keys[x] for x, a in assignments.items() if a == i} for pid, i in index.items()}
    voc = records.vocabulary
    personas = synthesize_personas(
        records.participants,
        records.units,
        records.tag_result,
        clustering,
        stage_ids=voc.stage_ids,
        labels=voc.labels,
        representativeness=records.representativeness,
        previous=previous,
    )
    maps = build_maps(personas, records.participants, records.units, records.tag_result, stage_ids=voc.stage_ids, labels=voc.labels)
    member = {pid: p.id for p in personas for pid in p.participant_ids}
    participants = tuple(p.model_copy(update={
        "persona_id": member.get(p.id),
        "unassigned_reason": None if member.get(p.id) else p.unassigned_reason or "in no persona",
    }) for p in doc.participants)  # fmt: skip
    units = tuple(u.model_copy(update={"persona_id": member.get(u.participant_id)}) for u in doc.units)
    run = doc.run.model_copy(update={"clustering": doc.run.clustering.model_copy(update={"k": len(personas)})})
    return doc.model_copy(update={
        "personas": tuple(PersonaEntry.model_validate(persona_dict(p)) for p in personas),
        "maps": tuple(JourneyEntry.model_validate(journey_dict(m, voc.labels)) for m in maps),
        "participants": participants, "units": units, "run": run,
    })  # fmt: skip


def reviewed_map(run_dir: Path) -> tuple[MapDocument, list[str]]:
    """The reviewed map of a run folder: its draft with review.yaml applied."""
    ws = Workspace(run_dir)
    return reviewed_document(ws.read_draft(), ws.read_review())


def refresh(run_dir: Path, change: Callable[[Any], None] | None = None) -> tuple[list[Path], list[str]]:
    """Apply a review edit (if any) and re-render a run's outputs, all under the run folder's lock."""
    ws = Workspace(run_dir)
    ws.require_run()
    from synth.export.outputs import generated_files

    with ws.lock():
        if change is not None:
            ws.edit_review(change)
        review = ws.read_review()
        reviewed, notes = reviewed_document(ws.read_draft(), review)
        made = made_from(ws.read_generated(DRAFT_NAME), review)
        files = ws.write_generated(generated_files(reviewed), prune=True, made_from=made)
    return files, notes + ws.notes


def made_from(draft: str | bytes | Iterable[bytes], review: Review) -> str:
    """What the generated files render from: the draft (its text, its UTF-8 bytes or those bytes in
    chunks: same hash), the reviewer's decisions (the reviewed map is a pure function of both,
    `reviewed_document`) and synth's code (an upgrade re-renders). Hashing these, not the reviewed
    map's JSON, saves serialising 1.5 MB on the demo; the draft is hashed as it is, not copied into one string."""
    import hashlib

    from synth.stage_cache import code_fingerprint, fingerprint

    digest = hashlib.sha256(f"{code_fingerprint()}\n{fingerprint(review.decided())}\n".encode())
    if isinstance(draft, (str, bytes)):
        digest.update(draft.encode() if isinstance(draft, str) else draft)
    else:
        for chunk in draft:
            digest.update(chunk)
    return digest.hexdigest()
