"""The reviewer's theme labels (review.yaml `themes:`) and how they find their theme again.

A theme id (`theme-<stage>-<kind>-<n>`) numbers a theme by its size among the
themes of one stage and kind. Same inputs give the same ids, but a re-run with
one more transcript, or a relabelled unit, can renumber them. So a rename is
anchored on what the theme is made of: `synth review RUN rename-theme` stores
the theme's member unit ids (content-hashed, stable across runs) beside the
label, and on every run the label goes to the theme that shares the most of
those units (at least MIN_OVERLAP of the union). An entry written by hand with
no `units:` applies to the theme with that id.

Applying is pure, like `synth.review.apply`: it edits the map's JSON data. The
new label replaces the old one everywhere the map repeats it (findings that
reference the theme, the "How might we" drafts of its opportunities), so every
export shows it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Mapping

from synth.errors import ReviewError

MIN_OVERLAP = 0.5  # Jaccard of stored and current member units for "the same theme"

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
        raise ReviewError("a theme entry must be a label, or a mapping with `label` and/or `merge_into` (and `units`)",
                          path=path, line=line)
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


def match_theme(decision_id: str, decision: ThemeDecision, themes: list[dict]) -> dict | None:
    """The current theme a decision is about: most shared units (exact id breaks ties), else by id."""
    if not decision.units:
        return next((t for t in themes if t["id"] == decision_id), None)
    stored = set(decision.units)
    best, best_score = None, MIN_OVERLAP - 1e-9
    for theme in themes:
        members = set(theme["unit_ids"])
        score = len(stored & members) / len(stored | members)
        if score > best_score or (best is not None and score == best_score and theme["id"] == decision_id):
            best, best_score = theme, score
    return best


def rename_themes(doc: dict, decisions: Mapping[str, ThemeDecision], notes: list[str]) -> None:
    """Put the reviewer's labels on the map's themes and wherever the map repeats a theme's label."""
    themes = doc["themes"]
    for decision_id, decision in sorted(decisions.items()):
        if not decision.label:
            continue
        theme = match_theme(decision_id, decision, themes)
        if theme is None:
            notes.append(f"label of theme {decision_id}: no theme of this run has its units (kept in review.yaml)")
            continue
        old, theme["label"] = theme["label"], decision.label
        for key in ("personas", "maps"):
            _relabel(doc[key], theme["id"], old, decision.label)
        _rename_in_names(doc["personas"], old, decision.label)


def _rename_in_names(personas: list[dict], old: str, new: str) -> None:
    """A draft persona name built from the theme's label follows the rename.

    The draft composes names as "Who (theme label)", or the label alone with a capital
    (`synth.synthesize._compose`); either form is rewritten. A name the reviewer gave
    (`synth review RUN rename`) is applied after this, so it still wins.
    """
    for persona in personas:
        name = persona.get("name") or ""
        if f"({old})" in name:
            persona["name"] = name.replace(f"({old})", f"({new})")
        elif old and name.casefold() == old.casefold():
            persona["name"] = new[:1].upper() + new[1:]


def merge_themes(doc: dict, decisions: Mapping[str, ThemeDecision], notes: list[str]) -> bool:
    """Fold each theme a reviewer merged into its target (same kind); True if any was merged.

    The target keeps its id, label and headline and gains the other's units; the
    pipeline's rebuild then recounts the findings of personas and maps from the themes.
    """
    merged = False
    for decision_id, decision in sorted(decisions.items()):
        if not decision.merge_into:
            continue
        themes = doc["themes"]
        source = match_theme(decision_id, decision, themes)
        target_decision = decisions.get(decision.merge_into, ThemeDecision())
        target = match_theme(decision.merge_into, target_decision, themes) if target_decision.units else \
            next((t for t in themes if t["id"] == decision.merge_into), None)  # fmt: skip
        if source is None or target is None or source is target or source["kind"] != target["kind"]:
            notes.append(f"merge of theme {decision_id} into {decision.merge_into}: not two themes of one kind "
                         "in this run (kept in review.yaml)")  # fmt: skip
            continue
        target["unit_ids"] = list(target["unit_ids"]) + [u for u in source["unit_ids"] if u not in target["unit_ids"]]
        doc["themes"] = [t for t in themes if t is not source]
        for unit in doc["units"]:
            if source["id"] in unit["themes"]:
                unit["themes"] = list(dict.fromkeys(target["id"] if t == source["id"] else t for t in unit["themes"]))
        merged = True
    return merged


def _relabel(node: Any, theme_id: str, old: str, new: str) -> None:
    """Findings with `ref` = the theme get the new label; its opportunities' wording too."""
    if isinstance(node, list):
        for item in node:
            _relabel(item, theme_id, old, new)
    elif isinstance(node, dict):
        if node.get("ref") == theme_id and "label" in node:
            node["label"] = new
        if node.get("theme_id") == theme_id and isinstance(node.get("text"), str):
            node["text"] = node["text"].replace(f"\u201c{old}\u201d", f"\u201c{new}\u201d")
        for value in node.values():
            if isinstance(value, (list, dict)):
                _relabel(value, theme_id, old, new)
