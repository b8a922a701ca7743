"""MapDocument: the typed form of map.json (contract `synth.map/2`).

Up to synthesis the data is records (`synth.records`); after it, one document:
run info, sources, participants, personas, vocabulary (stages, kinds,
touchpoints), themes, journey maps and evidence units. `MapDocument.from_json`
parses and validates map.json / map.draft.json, `to_json` writes the same text
back (`MapDocument.from_json(doc.to_json()) == doc`, key order included).

The models are pydantic (frozen): validation with field paths in the errors
comes from the library. Unknown keys are kept (`extra="allow"`), so a field a
newer stage adds survives a round trip through older code instead of vanishing.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any, Literal, Mapping, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from synth.errors import WorkspaceError

ALL_MAP = "all"  # the journey map of every participant (persona_id of the all-participants map)

SCHEMA_ID: Literal["synth.map/2"] = "synth.map/2"
OLDER_SCHEMAS = ("synth.map/1",)  # read for persona ids on a re-run only (see `from_dict`)
Number = int | float


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow")

    def json_data(self) -> dict[str, Any]:
        """This entry as map.json holds it: plain JSON data (what a user template is given)."""
        return self.model_dump(mode="json", exclude_unset=True)


class Codebook(_Model):
    path: str
    sha256: str


class ClusteringInfo(_Model):
    method: str
    k: int
    overall_stability: Number
    warnings: tuple[str, ...]
    source_association: Number | None = None  # Cramér's V, persona x source kind (None: one persona or kind)
    source_association_warn_at: Number = 0.3


class RunInfo(_Model):
    synth_version: str
    model: str
    codebook: Codebook
    seed: int
    redacted: bool
    personas_requested: int | str
    clustering: ClusteringInfo
    warnings: tuple[str, ...] = ()  # run-level warnings, e.g. the codebook does not fit (synth.tag.fit)


class SourceEntry(_Model):
    id: str
    path: str
    kind: str
    format: str
    sha256: str
    language: str
    participants: tuple[str, ...]
    units: int


class ParticipantEntry(_Model):
    id: str
    key: str
    source_ids: tuple[str, ...]
    attributes: dict[str, str]
    persona_id: str | None
    units: int
    unassigned_reason: str | None = None  # why persona_id is null (a reviewer can assign them)


class Finding(_Model):
    label: str
    count: int
    participants: int
    unit_ids: tuple[str, ...]
    ref: str | None = None


class Attribute(_Model):
    name: str
    value: str
    share: Number
    overall: Number
    lift: Number


class PersonaEntry(_Model):
    id: str
    name: str
    status: Literal["draft", "approved", "rejected"]
    participant_ids: tuple[str, ...]
    size: int
    share: Number
    stability: Number
    confidence: Number
    flags: tuple[str, ...]
    attributes: tuple[Attribute, ...]
    motivations: tuple[Finding, ...]
    pain_points: tuple[Finding, ...]
    touchpoints: tuple[Finding, ...]
    emotional_high: str | None
    emotional_low: str | None
    quotes: tuple[str, ...]
    summary: str = ""


class StageEntry(_Model):
    id: str
    label: str
    description: str = ""


class VocabularyEntry(_Model):
    id: str
    label: str


class ThemeEntry(_Model):
    id: str
    stage: str | None
    kind: str
    label: str
    unit_ids: tuple[str, ...]
    headline: str | None = None  # unit id of the theme's most representative substantive quote


class Emotion(_Model):
    mean: Number | None
    count: int


class Opportunity(_Model):
    text: str
    theme_id: str | None
    draft: bool
    kind: Literal["pain_point", "motivation"] = "pain_point"
    participants: int = 0
    score: Number = 0
    unit_ids: tuple[str, ...] = ()


class Evidence(_Model):
    """How strong a map cell is: who and how much backs it; `thin` when one participant alone does."""

    participants: int
    units: int
    share: Number = 0
    quotes: int = 0
    thin: bool = False


class ChannelPath(_Model):
    touchpoints: tuple[str, ...]
    labels: tuple[str, ...]
    text: str
    participants: int
    unit_ids: tuple[str, ...]


class StageCell(_Model):
    stage: str
    label: str
    actions: tuple[Finding, ...]
    touchpoints: tuple[Finding, ...]
    motivations: tuple[Finding, ...]
    pain_points: tuple[Finding, ...]
    emotion: Emotion
    quotes: tuple[str, ...]
    opportunities: tuple[Opportunity, ...]
    evidence: Evidence


class JourneyEntry(_Model):
    persona_id: str
    name: str
    participants: int
    stages: tuple[StageCell, ...]
    paths: tuple[ChannelPath, ...] = ()


class LabelEntry(_Model):
    id: str
    score: Number
    reason: str


class Sentiment(_Model):
    score: Number
    reason: str


class UnitEntry(_Model):
    id: str
    participant_id: str
    source_id: str
    source: str
    location: str
    spans: tuple[tuple[int, int, int], ...]
    speaker_role: str
    question: str | None
    heading: str | None
    text: str
    language: str
    stage: LabelEntry | None
    kinds: tuple[LabelEntry, ...]
    touchpoints: tuple[LabelEntry, ...]
    sentiment: Sentiment
    themes: tuple[str, ...]
    persona_id: str | None
    representativeness: Number


class CompetitorMention(_Model):
    persona_id: str | None
    stage: str | None
    count: int
    participants: int
    unit_ids: tuple[str, ...]


class CompetitorEntry(_Model):
    """Another product or service participants mention (synth.competitors)."""

    name: str
    source: Literal["codebook", "detected"]
    participants: int
    unit_ids: tuple[str, ...]
    mentions: tuple[CompetitorMention, ...]
    liked: tuple[str, ...]
    disliked: tuple[str, ...]


class TimelineEntry(_Model):
    """One persona's day in the life: time bucket -> unit ids (synth.timeline)."""

    persona_id: str
    buckets: dict[str, tuple[str, ...]]


class MapDocument(_Model):
    """One run's map: what every stage after synthesis, the review and the exporters share."""

    schema_: Literal["synth.map/2"] = SCHEMA_ID
    run: RunInfo
    sources: tuple[SourceEntry, ...]
    participants: tuple[ParticipantEntry, ...]
    personas: tuple[PersonaEntry, ...]
    stages: tuple[StageEntry, ...]
    kinds: tuple[VocabularyEntry, ...]
    touchpoints: tuple[VocabularyEntry, ...]
    themes: tuple[ThemeEntry, ...]
    maps: tuple[JourneyEntry, ...]
    units: tuple[UnitEntry, ...]
    # after synthesis (synth.saturation, synth.agreement); empty in maps written before them
    saturation: dict[str, Any] = Field(default_factory=dict)
    agreement: dict[str, Any] = Field(default_factory=dict)
    competitors: tuple[CompetitorEntry, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()

    model_config = ConfigDict(frozen=True, extra="allow", populate_by_name=True)

    # ---------------------------------------------------------- conversions

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str = "map.json", upgrade: bool = False) -> "MapDocument":
        """Validate a map dict; a WorkspaceError naming the first bad field otherwise.

        A map of an older contract (OLDER_SCHEMAS) is refused with a "re-run" hint, since its
        maps lack what this version's exports show. With `upgrade` (the previous draft a re-run
        reads for persona ids) it is read as the current contract: every field added since has
        a default, so its personas, participants and units load unchanged.
        """
        if not isinstance(data, Mapping):
            raise WorkspaceError(f"{where} is not a synth map (a JSON object is expected)", hint="re-run `synth run`")
        body = dict(data)
        if "schema" in body:
            body["schema_"] = body.pop("schema")
        if body.get("schema_") in OLDER_SCHEMAS:
            if not upgrade:
                raise WorkspaceError(
                    f"{where} was written by an older synth ({body['schema_']}); this version reads {SCHEMA_ID}",
                    hint="re-run `synth run` on the same inputs to rewrite it (review.yaml and persona ids are kept)",
                )
            body["schema_"] = SCHEMA_ID
        try:
            return cls.model_validate(body)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]).replace("schema_", "schema")
            raise WorkspaceError(
                f"{where} is not a valid synth map: {field}: {first['msg']} ({exc.error_count()} problem(s))",
                hint="re-run `synth run` to rewrite it (review.yaml is kept)",
            ) from None

    @classmethod
    def from_built(cls, data: dict[str, Any], *, where: str) -> "MapDocument":
        """`from_dict` for a map just built (or read), emptying its lists as it goes: each entry is
        validated and its plain dict let go before the next, so the plain map and the typed one are
        never both held whole (at 100,000 answers each is several hundred MB). The typed entries
        are then taken by the document as they are (pydantic does not validate an instance again)."""
        for name, entry_type in _entry_lists().items():
            items = data.get(name)
            if type(items) is list:
                data[name] = _validated_entries(items, entry_type, where, name)
        return cls.from_dict(data, where=where)

    @classmethod
    def from_json(cls, text: str, *, where: str = "map.json") -> "MapDocument":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise WorkspaceError(f"{where} is not valid JSON ({exc.__class__.__name__})", hint="re-run `synth run`") from None
        return cls.from_dict(data, where=where)

    def to_dict(self) -> dict[str, Any]:
        """The map as plain JSON data, keys in map.json order (what the renderers read)."""
        data = self.model_dump(mode="json", exclude_unset=True)
        data.pop("schema_")
        return {"schema": self.schema_, **data}

    def to_json(self) -> str:
        """Canonical, deterministic map.json text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def json_chunks(self) -> Iterator[bytes]:
        """`to_json().encode()` a piece at a time: each top-level field, and each entry of the long
        lists on its own, so neither the whole plain data (`to_dict`) nor the whole text is held."""
        from synth.utf8 import json_bytes, nested_json

        yield b'{\n  "schema": ' + json_bytes(self.schema_, newline=False)
        lists = _entry_lists()
        for name in self._dumped_names():
            value = getattr(self, name)
            yield b",\n  " + json_bytes(name, newline=False) + b": "
            if name in lists and value:
                for index, entry in enumerate(value):
                    yield (b",\n    " if index else b"[\n    ") + nested_json(entry.json_data(), 2)
                yield b"\n  ]"
            else:
                yield nested_json(self.model_dump(mode="json", exclude_unset=True, include={name})[name], 1)
        yield b"\n}\n"

    def _dumped_names(self) -> list[str]:
        """The fields `to_dict` holds after "schema", in its order: the set ones, then unknown keys."""
        names = [name for name in type(self).model_fields if name in self.model_fields_set and name != "schema_"]
        return names + list(self.__pydantic_extra__ or {})

    # ---------------------------------------------------------- lookups

    def unit(self, unit_id: str) -> UnitEntry | None:
        return next((u for u in self.units if u.id == unit_id), None)

    def persona(self, persona_id: str) -> PersonaEntry | None:
        return next((p for p in self.personas if p.id == persona_id), None)

    @property
    def persona_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.personas)


@functools.cache
def _entry_lists() -> dict[str, type[_Model]]:
    """MapDocument's fields that are tuples of entries (units, participants, maps, ...) -> the entry type."""
    out = {}
    for name, info in MapDocument.model_fields.items():
        args = get_args(info.annotation)
        if get_origin(info.annotation) is tuple and len(args) == 2 and args[1] is Ellipsis and issubclass(args[0], _Model):
            out[name] = args[0]
    return out


def _validated_entries(items: list[Any], entry_type: type[_Model], where: str, name: str) -> tuple[_Model, ...]:
    """The entries validated in order, `items` emptied (from its end, once reversed) on the way."""
    typed = []
    items.reverse()
    while items:
        try:
            typed.append(entry_type.model_validate(items.pop()))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in (name, len(typed), *first["loc"]))
            raise WorkspaceError(
                f"{where} is not a valid synth map: {field}: {first['msg']}", hint="re-run `synth run` to rewrite it (review.yaml is kept)"
            ) from None
    return tuple(typed)
