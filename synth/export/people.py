"""The report's "Who is in no persona" section: unassigned participants and how personas relate to source kind.

Built from map.json only (the report renders from the map): participants whose
`persona_id` is null, each with `unassigned_reason` and the `synth review` command that
assigns them; and `run.clustering.source_association`, Cramér's V between persona
membership and source kind. V near 0 means interviewees, focus-group members and survey
respondents mix in the personas; at or above `source_association_warn_at` (0.3, a
"moderate" association in the usual reading of V) the personas may be describing the
kind of source rather than the people, and the report says so.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from synth.document import MapDocument, ParticipantEntry
from synth.export.view import MapView

_CANDIDATE = re.compile(r"candidate (\d+)")


def people_context(view: MapView) -> dict[str, Any]:
    """The include's context: `unassigned` rows, `association` (None without a figure) and a persona x kind table."""
    doc = view.doc
    persona_ids = [p.id for p in doc.personas]
    kinds = {s.id: s.kind for s in doc.sources}
    rows = [_row(p, persona_ids) for p in doc.participants if not p.persona_id]
    clustering = doc.run.clustering
    value, warn_at = clustering.source_association, clustering.source_association_warn_at
    association = None if value is None else {"value": value, "warn_at": warn_at, "high": value >= warn_at}
    return {"unassigned": rows, "association": association, "persona_ids": persona_ids, "by_kind": _by_kind(doc, kinds, persona_ids)}


def _row(participant: ParticipantEntry, persona_ids: list[str]) -> dict[str, Any]:
    """One unassigned participant: why, and a command assigning them (to the persona their reason names, if any)."""
    reason = participant.unassigned_reason or "in no persona"
    named = _CANDIDATE.search(reason)
    target = f"persona-{named.group(1)}" if named and f"persona-{named.group(1)}" in persona_ids else None
    target = target or (persona_ids[0] if persona_ids else "persona-1")
    return {
        "id": participant.id,
        "reason": reason,
        "units": participant.units,
        "command": f"synth review RUN assign {participant.id} {target}",
    }


def _by_kind(doc: MapDocument, kinds: Mapping[str, str], persona_ids: list[str]) -> dict[str, Any]:
    """Participants per persona and source kind (a participant's first source), for the association table."""
    columns = sorted({kinds.get(p.source_ids[0], "unknown") for p in doc.participants if p.source_ids})
    counts: dict[str, dict[str, int]] = {pid: dict.fromkeys(columns, 0) for pid in persona_ids}
    for p in doc.participants:
        if p.persona_id in counts and p.source_ids:
            counts[p.persona_id][kinds.get(p.source_ids[0], "unknown")] += 1
    return {"columns": columns, "rows": [{"persona": pid, "counts": [counts[pid][c] for c in columns]} for pid in persona_ids]}
