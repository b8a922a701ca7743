"""review.yaml as a file: its fresh text, reading it with every error at its line, and editing it.

Read with ruamel.yaml round-tripping, so `synth review` commands keep the user's comments and order
(`edited_text`), and checked with the pydantic models below (`synth.yamlcheck` turns an error into a
sentence at its line). `synth.workspace` does the file I/O under the run folder's lock; `synth.review`
applies the decisions.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from pydantic import field_validator

from synth.atomic import write_text
from synth.document import MapDocument
from synth.errors import ReviewError
from synth.review_themes import THEMES_HEADER, ThemeDecision, parse_theme
from synth.yamlcheck import M, Scalar, Shape, Wording, line_of, validate

STATUSES = ("draft", "approved", "rejected")

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

    def decided(self) -> Review:
        """The same decisions without the personas listed with nothing decided (what `create_review` writes
        for every draft persona): the reviewed map is the same either way, so a fresh review.yaml and no
        review.yaml give the same fingerprint, and the first re-run after a cold run renders nothing."""
        personas = {pid: d for pid, d in self.personas.items() if d != PersonaDecision()}
        return Review(personas=personas, units=self.units, participants=self.participants, themes=self.themes)


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
            path=str(path),
            line=line,
            hint="fix that line (the file was left untouched), or move it away to start a fresh review",
        ) from None
    except UnicodeDecodeError:
        raise ReviewError("is not UTF-8 text", path=str(path), hint="save it as UTF-8") from None
    return doc if doc is not None else {}


def _line_of(node, key) -> int | None:
    return line_of(node, (key,), key=True)


class _TopIn(Shape):
    version: int | None = None
    personas: dict[Scalar, Any] | None = None
    units: dict[Scalar, Any] | None = None
    participants: dict[Scalar, Any] | None = None
    themes: dict[Scalar, Any] | None = None


class _PersonaIn(Shape):
    status: str | None = None
    name: Scalar | None = None
    merge_into: Scalar | None = None
    pinned: list[Scalar] | None = None
    excluded: list[Scalar] | None = None

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str | None) -> str | None:
        if value and value not in STATUSES:
            raise ValueError(f"status must be one of {list(STATUSES)}. Got {value!r} instead.")
        return value


class _ParticipantIn(Shape):
    persona: Scalar
    key: Scalar | None = None


class _UnitIn(Shape):
    stage: Scalar | None = None
    kinds: list[Scalar] | Scalar | None = None


SECTIONS = ("personas", "units", "participants", "themes")
TOP = Wording(
    "review.yaml",
    unknown="unknown top-level key {key!r}; expected version, personas, participants, units, themes",
    messages={s: f"`{s}:` must be a mapping of ids to entries, not a {{type}}" for s in SECTIONS},
    hints={s: "write one `id:` per line under it, as in a fresh review.yaml" for s in SECTIONS},
)
PERSONA = Wording(
    "a persona entry",
    unknown="unknown persona field {key!r}; expected one of " + str(sorted(_PersonaIn.model_fields)),
    shapes={"pinned": "a list of unit ids", "excluded": "a list of unit ids"},
)
PARTICIPANT_SHAPE = "a participant entry must be a persona id or a mapping with `persona` (and `key`)"
UNIT_SHAPE = "a unit entry must be a mapping with `stage` and/or `kinds`"


def _checked(model: type[M], value: Any, wording: Wording, doc: Any, at: tuple, path: str) -> M:
    """`model` from `value`, or the first error (with its line) raised as ReviewError."""
    built, errors = validate(model, value, where=path, wording=wording, document=doc, at=at, error=ReviewError)
    if built is None:
        raise errors[0]
    return built


def parse_review(doc, path: str = "review.yaml") -> Review:
    """Validate a loaded review document (pydantic models above, lines from ruamel); errors name the line."""
    if not isinstance(doc, Mapping):
        raise ReviewError("must be a mapping with `personas:` and `units:`", path=path, line=1)
    _checked(_TopIn, dict(doc), TOP, doc, (), path)
    review = Review()
    for pid, entry in (doc.get("personas") or {}).items():
        if entry is not None and not isinstance(entry, Mapping):
            raise ReviewError("a persona entry must be a mapping (status, name, merge_into, pinned, excluded)",
                              path=path, line=_line_of(doc["personas"], pid))  # fmt: skip
        persona = _checked(_PersonaIn, dict(entry or {}), PERSONA, doc, ("personas", pid), path)
        review.personas[str(pid)] = PersonaDecision(
            status=persona.status or "draft",
            name=_text(persona.name),
            merge_into=_text(persona.merge_into),
            pinned=[str(u) for u in persona.pinned or []],
            excluded=[str(u) for u in persona.excluded or []],
        )
    for uid, entry in (doc.get("units") or {}).items():
        review.units[str(uid)] = _parse_unit(entry or {}, path, _line_of(doc["units"], uid))
    for pid, entry in (doc.get("participants") or {}).items():
        review.participants[str(pid)] = _parse_participant(entry, path, _line_of(doc["participants"], pid))
    for tid, entry in (doc.get("themes") or {}).items():
        review.themes[str(tid)] = parse_theme(entry, path, _line_of(doc["themes"], tid))
    cycle = merge_cycle({pid: d.merge_into for pid, d in review.personas.items()})
    if cycle:
        raise ReviewError(
            f"merge_into makes a cycle: {' -> '.join(cycle)}",
            path=path,
            line=_line_of(doc["personas"], cycle[0]),
            hint="clear merge_into on one of them (`synth review RUN merge` refuses cycles)",
        )
    return review


def _text(value: Scalar | None) -> str | None:
    return str(value) if value not in (None, "") else None


def _parse_participant(entry, path: str, line: int | None) -> ParticipantDecision:
    if isinstance(entry, str) and entry:
        return ParticipantDecision(persona=entry)
    built, _ = validate(_ParticipantIn, entry, where=path, wording=Wording("a participant entry"), document=None)
    if built is None or _text(built.persona) is None:
        raise ReviewError(PARTICIPANT_SHAPE, path=path, line=line)
    return ParticipantDecision(persona=str(built.persona), key=_text(built.key))


def _parse_unit(entry, path: str, line: int | None) -> dict[str, Any]:
    built, _ = validate(_UnitIn, entry, where=path, wording=Wording("a unit entry"), document=None)
    if built is None:
        raise ReviewError(UNIT_SHAPE, path=path, line=line)
    out: dict[str, Any] = {}
    if "stage" in entry:
        out["stage"] = None if built.stage in (None, "", "none") else str(built.stage)
    if "kinds" in entry:
        kinds = built.kinds or []
        out["kinds"] = [str(k) for k in (kinds if isinstance(kinds, list) else [kinds])]
    return out


def load_review(path: Path) -> Review:
    path = Path(path)
    return parse_review(load_document(path), str(path)) if path.exists() else Review()


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


def merge_cycle(merges: Mapping[str, str | None]) -> list[str] | None:
    """The first merge cycle (`[a, b, a]`) among persona -> merge_into, or None."""
    for start in sorted(merges):
        path, seen = [start], {start}
        target = merges.get(start)
        while target:
            if target in seen:
                return path[path.index(target) :] + [target]
            path.append(target)
            seen.add(target)
            target = merges.get(target)
    return None
