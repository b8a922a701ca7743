"""The reviewer's theme labels (review.yaml `themes:`) and how they find their theme again.

A theme id (`theme-<stage>-<kind>-<n>`) numbers a theme by its size among the
themes of one stage and kind. Same inputs give the same ids, but a re-run with
one more transcript, or a relabelled unit, can renumber them. So a rename is
anchored on what the theme is made of: `synth review RUN rename-theme` stores
the theme's member unit ids (content-hashed, stable across runs) beside the
label, and on every run the label goes to the theme that shares the most of
those units (at least MIN_OVERLAP of the union). An entry written by hand with
no `units:` applies to the theme with that id.

Applying is pure, like `synth.review.apply`: it returns a new `MapDocument`. The
new label replaces the old one everywhere the map repeats it (findings that
reference the theme, the "How might we" drafts of its opportunities), so every
export shows it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from synth.document import Finding, JourneyEntry, MapDocument, PersonaEntry, ThemeEntry
from synth.errors import ReviewError

MIN_OVERLAP = 0.5  # Jaccard of stored and current member units for "the same theme"
PERSONA_LANES = ("motivations", "pain_points", "touchpoints")  # the findings that can name a theme (`ref`)
CELL_LANES = ("actions", "touchpoints", "motivations", "pain_points")

THEMES_HEADER = """
# Your labels for themes (`synth review RUN_DIR rename-theme THEME_ID "label"`):
#   theme-purchase-pain_point-1: {label: Slow checkout, units: [u-1a2b3c4d5e, ...]}
# `units` are the theme's units when you named it; a re-run that renumbers themes finds it by them.
themes: {}
"""


@dataclass
class ThemeDecision:
    label: str | None = None
    units: list[str] = field(default_factory=list)
    merge_into: str | None = None  # another theme id (same kind) to fold this one into


def parse_theme(entry, path: str, line: int | None) -> ThemeDecision:
    """One `themes:` entry: a label, or a mapping with `label` and/or `merge_into` (and `units`)."""
    if isinstance(entry, str) and entry.strip():
        return ThemeDecision(label=entry.strip())
    label = str(entry.get("label") or "").strip() if isinstance(entry, Mapping) else ""
    merge = str(entry.get("merge_into") or "").strip() if isinstance(entry, Mapping) else ""
    if not isinstance(entry, Mapping) or not set(entry) <= {"label", "units", "merge_into"} or not (label or merge):
        raise ReviewError(
            "a theme entry must be a label, or a mapping with `label` and/or `merge_into` (and `units`)", path=path, line=line
        )
    units = entry.get("units") or []
    if not isinstance(units, list):
        raise ReviewError("a theme's `units` must be a list of unit ids", path=path, line=line)
    return ThemeDecision(label=label or None, units=[str(u) for u in units], merge_into=merge or None)


def set_theme(doc, theme_id: str, unit_ids, **values: str) -> None:
    """Record the reviewer's `label` / `merge_into` for `theme_id`, anchored on its member units."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if doc.get("themes") is None:
        doc["themes"] = CommentedMap()
    old = doc["themes"].get(theme_id)
    entry = old if isinstance(old, CommentedMap) else CommentedMap([("label", old)] if isinstance(old, str) else [])
    entry.update(values)
    units = CommentedSeq(list(unit_ids))
    units.fa.set_flow_style()
    entry["units"] = units
    doc["themes"][theme_id] = entry


def close_ids(theme_id: str, known) -> list[str]:
    """Theme ids that look like `theme_id` (for the error hint), best first."""
    known = sorted(known)
    close = difflib.get_close_matches(theme_id, known, n=5, cutoff=0.6)
    return close or [t for t in known if t.startswith(theme_id.rsplit("-", 1)[0])][:5]


def match_theme(decision_id: str, decision: ThemeDecision, themes: Sequence[ThemeEntry]) -> ThemeEntry | None:
    """The current theme a decision is about: most shared units (exact id breaks ties), else by id."""
    if not decision.units:
        return next((t for t in themes if t.id == decision_id), None)
    stored = set(decision.units)
    best, best_score = None, MIN_OVERLAP - 1e-9
    for theme in themes:
        members = set(theme.unit_ids)
        score = len(stored & members) / len(stored | members)
        if score > best_score or (best is not None and score == best_score and theme.id == decision_id):
            best, best_score = theme, score
    return best


def rename_themes(doc: MapDocument, decisions: Mapping[str, ThemeDecision], notes: list[str]) -> MapDocument:
    """Put the reviewer's labels on the map's themes and wherever the map repeats a theme's label."""
    themes, personas, maps = list(doc.themes), list(doc.personas), list(doc.maps)
    for decision_id, decision in sorted(decisions.items()):
        if not decision.label:
            continue
        theme = match_theme(decision_id, decision, themes)
        if theme is None:
            notes.append(f"label of theme {decision_id}: no theme of this run has its units (kept in review.yaml)")
            continue
        old, new = theme.label, decision.label
        themes = [t.model_copy(update={"label": new}) if t is theme else t for t in themes]
        personas = [_renamed(_relabel_persona(p, theme.id, old, new), old, new) for p in personas]
        maps = [_relabel_map(m, theme.id, old, new) for m in maps]
    if themes == list(doc.themes):
        return doc
    return doc.model_copy(update={"themes": tuple(themes), "personas": tuple(personas), "maps": tuple(maps)})


def _renamed(persona: PersonaEntry, old: str, new: str) -> PersonaEntry:
    """A draft persona name built from the theme's label follows the rename.

    The draft composes names as "Who (theme label)", or the label alone with a capital
    (`synth.synthesize._compose`); either form is rewritten. A name the reviewer gave
    (`synth review RUN rename`) is applied after this, so it still wins.
    """
    name = persona.name or ""
    if f"({old})" in name:
        return persona.model_copy(update={"name": name.replace(f"({old})", f"({new})")})
    if old and name.casefold() == old.casefold():
        return persona.model_copy(update={"name": new[:1].upper() + new[1:]})
    return persona


def merge_themes(doc: MapDocument, decisions: Mapping[str, ThemeDecision], notes: list[str]) -> tuple[MapDocument, bool]:
    """Fold each theme a reviewer merged into its target (same kind); True if any was merged.

    The target keeps its id, label and headline and gains the other's units; the
    pipeline's rebuild then recounts the findings of personas and maps from the themes.
    """
    merged = False
    for decision_id, decision in sorted(decisions.items()):
        if not decision.merge_into:
            continue
        themes = doc.themes
        source = match_theme(decision_id, decision, themes)
        target_decision = decisions.get(decision.merge_into, ThemeDecision())
        target = match_theme(decision.merge_into, target_decision, themes) if target_decision.units else \
            next((t for t in themes if t.id == decision.merge_into), None)  # fmt: skip
        if source is None or target is None or source is target or source.kind != target.kind:
            notes.append(f"merge of theme {decision_id} into {decision.merge_into}: not two themes of one kind "
                         "in this run (kept in review.yaml)")  # fmt: skip
            continue
        gained = tuple(u for u in source.unit_ids if u not in target.unit_ids)
        grown = target.model_copy(update={"unit_ids": (*target.unit_ids, *gained)})
        units = tuple(
            u.model_copy(update={"themes": tuple(dict.fromkeys(target.id if t == source.id else t for t in u.themes))})
            if source.id in u.themes else u
            for u in doc.units
        )  # fmt: skip
        doc = doc.model_copy(update={"themes": tuple(grown if t is target else t for t in themes if t is not source),
                                     "units": units})  # fmt: skip
        merged = True
    return doc, merged


def _relabel_findings(findings: tuple[Finding, ...], theme_id: str, new: str) -> tuple[Finding, ...]:
    """Findings with `ref` = the theme get the new label."""
    if all(f.ref != theme_id for f in findings):
        return findings
    return tuple(f.model_copy(update={"label": new}) if f.ref == theme_id else f for f in findings)


def _relabel_persona(persona: PersonaEntry, theme_id: str, old: str, new: str) -> PersonaEntry:
    lanes = {lane: _relabel_findings(getattr(persona, lane), theme_id, new) for lane in PERSONA_LANES}
    changed = {lane: f for lane, f in lanes.items() if f is not getattr(persona, lane)}
    return persona.model_copy(update=changed) if changed else persona


def _relabel_map(journey: JourneyEntry, theme_id: str, old: str, new: str) -> JourneyEntry:
    """Findings naming the theme get its new label; its opportunities' wording too."""
    cells = []
    for cell in journey.stages:
        update: dict[str, Any] = {lane: _relabel_findings(getattr(cell, lane), theme_id, new) for lane in CELL_LANES}
        update = {lane: f for lane, f in update.items() if f is not getattr(cell, lane)}
        if any(o.theme_id == theme_id for o in cell.opportunities):
            update["opportunities"] = tuple(
                o.model_copy(update={"text": o.text.replace(f"\u201c{old}\u201d", f"\u201c{new}\u201d")})
                if o.theme_id == theme_id else o
                for o in cell.opportunities
            )  # fmt: skip
        cells.append(cell.model_copy(update=update) if update else cell)
    return journey.model_copy(update={"stages": tuple(cells)})
