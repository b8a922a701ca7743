"""The reviewer's decisions (`review.yaml`) and how they apply to a run's draft.

`review.yaml` is created on a run's first pass and never overwritten by a run.
`synth review` commands edit it with ruamel.yaml round-tripping, so the user's
comments and order survive (`edited_text`); `synth.workspace` does the file I/O
under the run folder's lock. `apply(decisions, draft)` is pure: it turns the
machine's draft map into the reviewed map every export shows, and leaves
re-synthesis to the pipeline (the `rebuild` it passes in).
"""

from __future__ import annotations

import copy
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from synth.atomic import write_text
from synth.competitors import refresh_map_extras
from synth.document import MapDocument
from synth.errors import ReviewError
from synth.review_themes import THEMES_HEADER, ThemeDecision, merge_themes, parse_theme, rename_themes

log = logging.getLogger(__name__)

STATUSES = ("draft", "approved", "rejected")
REVIEWER_REASON = "set by reviewer"

HEADER = """\
# synth review file: your decisions about this run's persona drafts.
# synth never overwrites this file. Edit it by hand or with `synth review RUN_DIR ...`
# (those commands keep your comments). Every re-run keeps these decisions; one that no
# longer applies (a persona or unit that is gone) is reported in run.json, not dropped.
version: 1

# One entry per persona id (see personas/<id>.md):
#   status:     draft | approved | rejected
#   name:       your name for the persona (empty keeps the draft name)
#   merge_into: another persona id to fold this one into
#   pinned:     unit ids shown first among its quotes
#   excluded:   unit ids never shown or exported (in any persona)
personas:
"""

PARTICIPANTS_HEADER = """
# Participants you placed in a persona yourself (`synth review RUN_DIR assign P012 persona-3`):
#   P012: {persona: persona-3, key: <the participant's key in map.json>}
# The key finds the same person when ids shift because files were added.
participants: {}
"""

UNITS_HEADER = """
# Corrections to a unit's tags, e.g.  u-1a2b3c4d5e: {stage: purchase, kinds: [pain_point]}
# They override the tagger here and train its classifier on the next run.
units: {}
"""


@dataclass
class PersonaDecision:
    status: str = "draft"
    name: str | None = None
    merge_into: str | None = None
    pinned: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)


@dataclass
class ParticipantDecision:
    persona: str
    key: str | None = None


@dataclass
class Review:
    """Parsed review.yaml."""

    personas: dict[str, PersonaDecision] = field(default_factory=dict)
    units: dict[str, dict[str, Any]] = field(default_factory=dict)
    participants: dict[str, ParticipantDecision] = field(default_factory=dict)
    themes: dict[str, ThemeDecision] = field(default_factory=dict)

    @property
    def excluded(self) -> set[str]:
        return {u for d in self.personas.values() for u in d.excluded}

    @property
    def pinned(self) -> list[str]:
        return [u for d in self.personas.values() for u in d.pinned]

    def is_empty(self) -> bool:
        return not self.units and not self.participants and not self.themes and all(d == PersonaDecision() for d in self.personas.values())


# ---------------------------------------------------------------- reading

def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load_document(path: Path):
    """The round-trip YAML document, or ReviewError with the line at fault."""
    return load_document_text(Path(path).read_bytes(), str(path))


def load_document_text(data: bytes, path: str = "review.yaml"):
    """The round-trip YAML document of review.yaml's bytes, or ReviewError with the line at fault."""
    from ruamel.yaml.error import MarkedYAMLError

    try:
        doc = _yaml().load(data.decode("utf-8"))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ReviewError(
            f"is not valid YAML ({exc.problem or 'syntax error'})",
            path=str(path), line=line,
            hint="fix that line (the file was left untouched), or move it away to start a fresh review",
        ) from None
    except UnicodeDecodeError:
        raise ReviewError("is not UTF-8 text", path=str(path), hint="save it as UTF-8") from None
    return doc if doc is not None else {}


def _line_of(node, key) -> int | None:
    try:
        return node.lc.key(key)[0] + 1
    except Exception:
        return None


def parse_review(doc, path: str = "review.yaml") -> Review:
    """Validate a loaded review document; errors name the line."""
    if not isinstance(doc, Mapping):
        raise ReviewError("must be a mapping with `personas:` and `units:`", path=path, line=1)
    unknown = sorted(set(doc) - {"version", "personas", "units", "participants", "themes"})
    if unknown:
        raise ReviewError(f"unknown top-level key {unknown[0]!r}; expected version, personas, participants, units, themes",
                          path=path, line=_line_of(doc, unknown[0]))
    for key in ("personas", "units", "participants", "themes"):
        if doc.get(key) is not None and not isinstance(doc.get(key), Mapping):
            raise ReviewError(f"`{key}:` must be a mapping of ids to entries, not a {type(doc[key]).__name__}",
                              path=path, line=_line_of(doc, key),
                              hint="write one `id:` per line under it, as in a fresh review.yaml")
    review = Review()
    for pid, entry in (doc.get("personas") or {}).items():
        review.personas[str(pid)] = _parse_persona(entry or {}, path, _line_of(doc["personas"], pid))
    for uid, entry in (doc.get("units") or {}).items():
        review.units[str(uid)] = _parse_unit(entry or {}, path, _line_of(doc["units"], uid))
    for pid, entry in (doc.get("participants") or {}).items():
        review.participants[str(pid)] = _parse_participant(entry, path, _line_of(doc["participants"], pid))
    for tid, entry in (doc.get("themes") or {}).items():
        review.themes[str(tid)] = parse_theme(entry, path, _line_of(doc["themes"], tid))
    cycle = merge_cycle({pid: d.merge_into for pid, d in review.personas.items()})
    if cycle:
        raise ReviewError(
            f"merge_into makes a cycle: {' -> '.join(cycle)}", path=path, line=_line_of(doc["personas"], cycle[0]),
            hint="clear merge_into on one of them (`synth review RUN merge` refuses cycles)",
        )
    return review


def _parse_persona(entry, path: str, line: int | None) -> PersonaDecision:
    if not isinstance(entry, Mapping):
        raise ReviewError("a persona entry must be a mapping (status, name, merge_into, pinned, excluded)", path=path, line=line)
    allowed = {"status", "name", "merge_into", "pinned", "excluded"}
    for key in entry:
        if key not in allowed:
            raise ReviewError(f"unknown persona field {key!r}; expected one of {sorted(allowed)}", path=path, line=_line_of(entry, key) or line)
    status = str(entry.get("status") or "draft")
    if status not in STATUSES:
        raise ReviewError(f"status must be one of {list(STATUSES)}. Got {status!r} instead.", path=path, line=_line_of(entry, "status") or line)
    for key in ("pinned", "excluded"):
        if entry.get(key) is not None and not isinstance(entry.get(key), list):
            raise ReviewError(f"{key} must be a list of unit ids", path=path, line=_line_of(entry, key) or line)
    return PersonaDecision(
        status=status,
        name=str(entry["name"]) if entry.get("name") else None,
        merge_into=str(entry["merge_into"]) if entry.get("merge_into") else None,
        pinned=[str(u) for u in entry.get("pinned") or []],
        excluded=[str(u) for u in entry.get("excluded") or []],
    )


def _parse_participant(entry, path: str, line: int | None) -> ParticipantDecision:
    if isinstance(entry, str):
        return ParticipantDecision(persona=entry)
    if not isinstance(entry, Mapping) or not entry.get("persona") or not set(entry) <= {"persona", "key"}:
        raise ReviewError("a participant entry must be a persona id or a mapping with `persona` (and `key`)", path=path, line=line)
    return ParticipantDecision(persona=str(entry["persona"]), key=str(entry["key"]) if entry.get("key") else None)


def _parse_unit(entry, path: str, line: int | None) -> dict[str, Any]:
    if not isinstance(entry, Mapping) or not set(entry) <= {"stage", "kinds"}:
        raise ReviewError("a unit entry must be a mapping with `stage` and/or `kinds`", path=path, line=line)
    out: dict[str, Any] = {}
    if "stage" in entry:
        out["stage"] = None if entry["stage"] in (None, "", "none") else str(entry["stage"])
    if "kinds" in entry:
        kinds = entry["kinds"] or []
        out["kinds"] = [str(k) for k in (kinds if isinstance(kinds, list) else [kinds])]
    return out


def load_review(path: Path) -> Review:
    path = Path(path)
    return parse_review(load_document(path), str(path)) if path.exists() else Review()


def load_or_create_review(path: Path) -> Review:
    """The review in `path`, or an empty one when it does not exist yet (created with outputs)."""
    return load_review(path)


def create_review_file(path: Path, draft: Mapping[str, Any]) -> bool:
    """Write a fresh review.yaml listing the draft's personas; never overwrites. True if written."""
    path = Path(path)
    if path.exists():
        return False
    write_text(path, review_text(draft))
    return True


def review_text(draft: MapDocument | Mapping[str, Any]) -> str:
    """The text of a fresh review.yaml listing the draft's personas as drafts."""
    lines = [HEADER]
    personas = draft["personas"] if isinstance(draft, Mapping) else [p.model_dump() for p in draft.personas]
    for persona in personas:
        lines.append(f"  {persona['id']}:  # {_comment_safe(persona['name'])}, {persona['size']} participants\n")
        lines.append("    status: draft\n    name:\n    merge_into:\n    pinned: []\n    excluded: []\n")
    if not personas:
        lines[-1] = lines[-1].rstrip("\n") + " {}\n"
    lines.append(PARTICIPANTS_HEADER)
    lines.append(UNITS_HEADER)
    lines.append(THEMES_HEADER)
    return "".join(lines)


def _comment_safe(text: str) -> str:
    return " ".join(text.split())[:80]


# ---------------------------------------------------------------- editing

def edit_review(path: Path, change) -> None:
    """Load review.yaml round-trip, apply `change(doc)`, validate, write atomically."""
    path = Path(path)
    if not path.exists():
        raise ReviewError("does not exist", path=str(path), hint="run `synth run` first; it creates review.yaml")
    write_text(path, edited_text(path.read_bytes(), change, str(path)))


def edited_text(data: bytes, change, path: str = "review.yaml") -> str:
    """review.yaml text after `change(doc)` on its round-trip document; both sides validated."""
    doc = load_document_text(data, path)
    parse_review(doc, path)
    change(doc)
    parse_review(doc, path)
    buffer = io.StringIO()
    _yaml().dump(doc, buffer)
    return buffer.getvalue()


def persona_entry(doc, persona_id: str):
    from ruamel.yaml.comments import CommentedMap

    if doc.get("personas") is None:
        doc["personas"] = CommentedMap()
    personas = doc["personas"]
    if persona_id not in personas or personas[persona_id] is None:
        personas[persona_id] = CommentedMap([("status", "draft")])
    return personas[persona_id]


def set_participant(doc, participant_id: str, persona_id: str, key: str | None) -> None:
    """Record that `participant_id` (found again by `key`) belongs in `persona_id`."""
    from ruamel.yaml.comments import CommentedMap

    if doc.get("participants") is None:
        doc["participants"] = CommentedMap()
    entry = CommentedMap([("persona", persona_id)])
    if key:
        entry["key"] = key
    doc["participants"][participant_id] = entry


def unit_entry(doc, unit_id: str):
    from ruamel.yaml.comments import CommentedMap

    if doc.get("units") is None:
        doc["units"] = CommentedMap()
    if unit_id not in doc["units"] or doc["units"][unit_id] is None:
        doc["units"][unit_id] = CommentedMap()
    return doc["units"][unit_id]


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


Rebuild = Callable[[dict, Mapping[str, str]], dict]


def apply(decisions: Review, draft: MapDocument, rebuild: Rebuild | None = None) -> tuple[MapDocument, list[str]]:
    """The reviewed document and notes on decisions that no longer apply; `draft` is not changed.

    Pure: no file, no synthesis. When a relabel, exclusion or merge changes what personas
    are made of, `rebuild(doc, merges)` (given by the pipeline: re-synthesis from the
    document's data) redraws personas and maps; without it they keep the draft's findings.
    """
    if decisions.is_empty():
        return draft, []
    doc, notes = apply_to_dict(decisions, draft.to_dict(), rebuild)
    return MapDocument.from_dict(doc, where="the reviewed map"), notes


def apply_to_dict(decisions: Review, draft: Mapping[str, Any], rebuild: Rebuild | None = None) -> tuple[dict, list[str]]:
    """`apply` on the map's JSON data (a copy: `draft` is not changed)."""
    doc = copy.deepcopy(dict(draft))
    notes: list[str] = []
    unit_ids = {u["id"] for u in doc["units"]}
    persona_ids = {p["id"] for p in doc["personas"]}
    changed = _relabel_units(doc, decisions, unit_ids, notes)
    rename_themes(doc, decisions.themes, notes)  # first: found by their draft units; a rebuild then carries the labels
    changed |= _exclude_units(doc, decisions.excluded, unit_ids, notes)
    merges = _valid_merges(decisions, persona_ids, notes)
    changed |= _assign_participants(doc, decisions, persona_ids, notes)
    changed |= merge_themes(doc, decisions.themes, notes)  # findings are recounted by the rebuild
    if (changed or merges) and rebuild is not None:
        doc = rebuild(doc, merges)
    _apply_persona_decisions(doc, decisions, notes)
    refresh_map_extras(doc)  # competitors and the timeline follow exclusions, merges and assignments
    return doc, notes


def merge_cycle(merges: Mapping[str, str | None]) -> list[str] | None:
    """The first merge cycle (`[a, b, a]`) among persona -> merge_into, or None."""
    for start in sorted(merges):
        path, seen = [start], {start}
        target = merges.get(start)
        while target:
            if target in seen:
                return path[path.index(target):] + [target]
            path.append(target)
            seen.add(target)
            target = merges.get(target)
    return None


def resolve_merge(review: Review, persona_id: str) -> str:
    """Where `persona_id` ends up after following merge_into chains (cycles are refused on load)."""
    target, seen = persona_id, {persona_id}
    while (decision := review.personas.get(target)) and decision.merge_into and decision.merge_into not in seen:
        target = decision.merge_into
        seen.add(target)
    return target


def _relabel_units(doc, review: Review, unit_ids: set[str], notes: list[str]) -> bool:
    stage_ids = {s["id"] for s in doc["stages"]}
    kind_ids = {k["id"] for k in doc["kinds"]}
    changed = False
    by_id = {u["id"]: u for u in doc["units"]}
    for uid, change in sorted(review.units.items()):
        if uid not in unit_ids:
            notes.append(f"relabel of unit {uid}: the unit is not in this run (kept in review.yaml)")
            continue
        unit = by_id[uid]
        stage = change.get("stage", "__keep__")
        if stage not in ("__keep__", None) and stage not in stage_ids:
            notes.append(f"relabel of unit {uid}: stage {stage!r} is not in the codebook (ignored)")
        elif stage != "__keep__":
            unit["stage"] = None if stage is None else {"id": stage, "score": 1.0, "reason": REVIEWER_REASON}
            changed = True
        if "kinds" in change:
            bad = [k for k in change["kinds"] if k not in kind_ids]
            if bad:
                notes.append(f"relabel of unit {uid}: kind(s) {bad} not in the codebook (ignored)")
            unit["kinds"] = [{"id": k, "score": 1.0, "reason": REVIEWER_REASON} for k in change["kinds"] if k in kind_ids]
            changed = True
        unit["review"] = {"relabelled": True}
    return changed


def _assign_participants(doc, review: Review, persona_ids: set[str], notes: list[str]) -> bool:
    """Move each participant the reviewer placed into their persona (found by key first, then id)."""
    by_key = {p["key"]: p for p in doc["participants"]}
    by_id = {p["id"]: p for p in doc["participants"]}
    changed = False
    for pid, decision in sorted(review.participants.items()):
        participant = by_key.get(decision.key) if decision.key else by_id.get(pid)
        target = resolve_merge(review, decision.persona)
        if participant is None:
            notes.append(f"assignment of {pid}: the participant is not in this run (kept in review.yaml)")
        elif target not in persona_ids:
            notes.append(f"assignment of {pid} to {decision.persona}: the persona is not in this run (kept in review.yaml)")
        elif participant["persona_id"] != target:
            participant["persona_id"] = target
            participant["unassigned_reason"] = None  # placed by the reviewer: no longer unassigned
            for unit in doc["units"]:
                if unit["participant_id"] == participant["id"]:
                    unit["persona_id"] = target
            changed = True
    return changed


def _exclude_units(doc, excluded: set[str], unit_ids: set[str], notes: list[str]) -> bool:
    for uid in sorted(excluded - unit_ids):
        notes.append(f"exclusion of unit {uid}: the unit is not in this run (kept in review.yaml)")
    hit = excluded & unit_ids
    if not hit:
        return False
    doc["units"] = [u for u in doc["units"] if u["id"] not in hit]
    for theme in doc["themes"]:
        theme["unit_ids"] = [u for u in theme["unit_ids"] if u not in hit]
        if theme.get("headline") in hit:  # an excluded quote never leads a theme
            theme["headline"] = None
    doc["themes"] = [t for t in doc["themes"] if t["unit_ids"]]
    for unit in doc["units"]:
        unit["themes"] = [t for t in unit["themes"] if any(th["id"] == t for th in doc["themes"])]
    return True


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


def _apply_persona_decisions(doc: dict, review: Review, notes: list[str]) -> None:
    personas = {p["id"]: p for p in doc["personas"]}
    owner = {u["id"]: u["persona_id"] for u in doc["units"]}
    for pid, decision in sorted(review.personas.items()):
        persona = personas.get(pid)
        if persona is None:
            if decision.merge_into is None and (decision.status != "draft" or decision.name):
                notes.append(f"decision on {pid}: the persona is not in this run (kept in review.yaml)")
            continue
        persona["status"] = decision.status
        if decision.name:
            persona["name"] = decision.name
            for m in doc["maps"]:
                if m["persona_id"] == pid:
                    m["name"] = decision.name
    for uid in review.pinned:
        owner_id = owner.get(uid)
        if owner_id is None or owner_id not in personas:
            notes.append(f"pin of unit {uid}: the unit is not in any persona of this run (kept in review.yaml)")
            continue
        quotes = personas[owner_id]["quotes"]
        personas[owner_id]["quotes"] = [uid] + [q for q in quotes if q != uid]
