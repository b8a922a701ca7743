"""One read-only view of the reviewed `MapDocument` that every export format renders from.

The document is map.json (contract `synth.map/2`) after the reviewer's decisions
were applied; exporters read its typed entries (`synth.document`), never its JSON
data. This module answers the questions every format asks: which maps and
personas to show (`persona` / `approved_only` filters), which quotes sit in a
stage cell, and the display text of a finding, an emotion or a quote. A unit id
that is not among the document's units (for example a quote the reviewer
excluded) is skipped silently everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from synth.document import ALL_MAP, Attribute, Emotion, Finding, JourneyEntry, MapDocument, Opportunity, PersonaEntry, StageCell, UnitEntry
from synth.errors import ConfigError

EVERYONE = "All participants"  # the same words as synthesize.ALL_NAME
LANES: tuple[tuple[str, str], ...] = (
    ("actions", "Actions"),
    ("touchpoints", "Touchpoints"),
    ("motivations", "Motivations"),
    ("pain_points", "Pain points"),
    ("emotion", "Emotions"),
    ("quotes", "Quotes"),
    ("opportunities", "Opportunities"),
)
LANE_IDS = tuple(lane for lane, _ in LANES)
FINDING_LANES = ("actions", "touchpoints", "motivations", "pain_points")
EMOTION_WORDS = ((0.5, "very positive"), (0.15, "positive"), (-0.15, "mixed"), (-0.5, "negative"))


@dataclass(frozen=True)
class MapView:
    """A document with lookups, restricted to the maps and personas to show."""

    doc: MapDocument
    maps: tuple[JourneyEntry, ...]
    personas: tuple[PersonaEntry, ...]
    units: Mapping[str, UnitEntry]
    stage_labels: Mapping[str, str]
    kind_labels: Mapping[str, str]
    touchpoint_labels: Mapping[str, str]
    persona_by_id: Mapping[str, PersonaEntry]

    def persona_of(self, journey: JourneyEntry) -> PersonaEntry | None:
        """The persona behind a map; None for the everyone map."""
        return self.persona_by_id.get(journey.persona_id)

    def map_title(self, journey: JourneyEntry) -> str:
        if journey.persona_id == ALL_MAP:
            return journey.name or EVERYONE
        return journey.name or journey.persona_id

    def known(self, ids: Sequence[str]) -> list[UnitEntry]:
        """The units of `ids` that exist, in the given order, without repeats."""
        seen: set[str] = set()
        out = []
        for uid in ids:
            if uid in self.units and uid not in seen:
                seen.add(uid)
                out.append(self.units[uid])
        return out

    def stage_quotes(self, journey: JourneyEntry, cell: StageCell) -> list[UnitEntry]:
        """Quotes of a stage cell: the persona's own ranked quotes of that stage first, then the cell's."""
        persona = self.persona_of(journey)
        ranked = [] if persona is None else [u.id for u in self.known(persona.quotes) if unit_stage(u) == cell.stage]
        return self.known([*ranked, *cell.quotes])

    def shown_unit_ids(self) -> list[str]:
        """Every unit a shown map or persona cites (quotes and findings), in map.json unit order."""
        cited: set[str] = set()
        for journey in self.maps:
            for cell in journey.stages:
                cited.update(cell.quotes)
                for lane in FINDING_LANES:
                    cited.update(uid for f in cell_findings(cell, lane) for uid in f.unit_ids)
        for persona in self.personas:
            cited.update(persona.quotes)
            for findings in (persona.motivations, persona.pain_points, persona.touchpoints):
                cited.update(uid for f in findings for uid in f.unit_ids)
        return [uid for uid in self.units if uid in cited]

    def evidence_units(self) -> list[UnitEntry]:
        """Units behind the shown maps: all of them when the everyone map is shown."""
        if any(m.persona_id == ALL_MAP for m in self.maps):
            return list(self.units.values())
        shown = {p.id for p in self.personas}
        return [u for u in self.units.values() if u.persona_id in shown]


def as_document(doc: MapDocument | Mapping[str, Any]) -> MapDocument:
    """`doc` itself, or the MapDocument its JSON data (map.json's content) validates to."""
    return doc if isinstance(doc, MapDocument) else MapDocument.from_dict(doc, where="the map")


def build_view(doc: MapDocument | Mapping[str, Any], *, persona: str | None = None, approved_only: bool = False) -> MapView:
    """The view of `doc` (a MapDocument, or its JSON data) restricted by the export filters.

    `persona` keeps only that persona (its card and its map). `approved_only`
    keeps only personas a reviewer approved; the everyone map stays, because it
    describes the whole sample rather than a persona draft.
    """
    document = as_document(doc)
    by_id = {p.id: p for p in document.personas}
    if persona is not None and persona not in by_id:
        known = ", ".join(sorted(by_id)) or "none"
        raise ConfigError(f"no persona {persona!r} in this map (personas: {known})", hint="see `synth review RUN_DIR list` for persona ids")
    personas = [p for p in document.personas if _keep(p, persona, approved_only)]
    keep_ids = {p.id for p in personas}
    maps = [m for m in document.maps if m.persona_id in keep_ids or (persona is None and m.persona_id == ALL_MAP)]
    return MapView(
        doc=document,
        maps=tuple(maps),
        personas=tuple(personas),
        units={u.id: u for u in document.units},
        stage_labels={s.id: s.label for s in document.stages},
        kind_labels={k.id: k.label for k in document.kinds},
        touchpoint_labels={t.id: t.label for t in document.touchpoints},
        persona_by_id=by_id,
    )


def _keep(persona: PersonaEntry, only: str | None, approved_only: bool) -> bool:
    if only is not None and persona.id != only:
        return False
    return not approved_only or persona.status == "approved"


def cell_findings(cell: StageCell, lane: str) -> tuple[Finding, ...]:
    """The findings of one of a cell's `FINDING_LANES` (actions, touchpoints, motivations, pain points)."""
    if lane not in FINDING_LANES:
        raise KeyError(lane)
    findings: tuple[Finding, ...] = getattr(cell, lane)
    return findings


# ---------------------------------------------------------------- display text


def unit_stage(unit: UnitEntry) -> str | None:
    return unit.stage.id if unit.stage else None


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def finding_text(finding: Finding) -> str:
    """'Fees revealed at checkout (2 units, 2 participants)'."""
    return f"{finding.label} ({plural(finding.count, 'unit')}, {plural(finding.participants, 'participant')})"


def emotion_word(mean: float | None) -> str:
    """A plain word for a mean sentiment in [-1, 1]; 'no data' for None."""
    if mean is None:
        return "no data"
    for floor, word in EMOTION_WORDS:
        if mean >= floor:
            return word
    return "very negative"


def emotion_text(emotion: Emotion) -> str:
    """'negative (mean -0.37, 3 units)' or 'no data'."""
    if emotion.mean is None or not emotion.count:
        return "no data"
    return f"{emotion_word(emotion.mean)} (mean {emotion.mean:+.2f}, {plural(emotion.count, 'unit')})"


def quote_text(unit: UnitEntry) -> str:
    """'“text” — P03, source, location' (the quote verbatim between curly quotes)."""
    return f"“{unit.text}” — {unit.participant_id}, {unit.source}, {unit.location}"


def opportunity_text(opportunity: Opportunity) -> str:
    return f"Draft: {opportunity.text}" if opportunity.draft else opportunity.text


def percent(share: float | None) -> str:
    return "" if share is None else f"{round(100 * share)}%"


def attribute_text(attribute: Attribute) -> str:
    """'age band: 18-24 — 62% vs 31% overall'."""
    name = attribute.name.replace("_", " ")
    return f"{name}: {attribute.value} — {percent(attribute.share)} vs {percent(attribute.overall)} overall"


def lane_texts(view: MapView, journey: JourneyEntry, cell: StageCell, lane: str) -> list[str]:
    """The display lines of one lane of one stage cell."""
    if lane in FINDING_LANES:
        return [finding_text(f) for f in cell_findings(cell, lane)]
    if lane == "emotion":
        return [] if not cell.emotion.count else [emotion_text(cell.emotion)]
    if lane == "quotes":
        return [quote_text(u) for u in view.stage_quotes(journey, cell)]
    if lane == "opportunities":
        return [opportunity_text(o) for o in cell.opportunities]
    raise KeyError(lane)


def run_summary(doc: MapDocument) -> dict[str, Any]:
    """Counts and settings for a report header."""
    run, clustering = doc.run, doc.run.clustering
    return {
        "sources": len(doc.sources),
        "participants": len(doc.participants),
        "units": len(doc.units),
        "personas": len(doc.personas),
        "model": run.model,
        "redacted": bool(run.redacted),
        "synth_version": run.synth_version,
        "seed": run.seed,
        "method": clustering.method,
        "stability": clustering.overall_stability,
        "warnings": list(clustering.warnings) + list(run.warnings),
    }
