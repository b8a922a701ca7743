"""Thematic saturation: "have we talked to enough people?", answered from the map itself.

Participants are taken in study order (`synth.study_order`): by date when every
participant has one (a survey's submission-date column, a transcript's date in its
file name or header), else map.json order, which is source file order (sorted
paths) and, inside a source, order of first turn, with a survey's respondents in
export row order. `order` (a label) and `by` ("date" or "file") say which was used;
the dates themselves are never written. A participant's themes are the themes (map.json `themes`)
holding at least one of their units. Walking the participants in that order
gives the cumulative curve: at step i, how many distinct themes the first i
participants brought, and how many of them were new at step i.

The saturation point follows the "fewer than one new theme per five
participants" rule, read as a rate over the rest of the study. For a candidate
participant i, look at every tail of the study that starts after it: the
participants after j, for each j from i to n-5 (so each tail holds at least
`WINDOW` = 5 participants). Participant i is the saturation point when every
such tail brings new themes at a rate below one per five participants
(`new themes after j * 5 < participants after j`), and i is the first
participant for which that holds. Checking every later tail, not only the one
right after i, keeps a late burst of new themes from hiding behind a long
quiet stretch; the last tail is the last five participants, so a study whose
last five participants still bring a new theme has not reached saturation, and
`reason` says so ("the last five participants still brought 2 new themes").
With five or fewer participants there is no tail to judge and the point is
null. A single new theme later than the point is allowed as long as the rate
stays below the bar: that is what "fewer than one per five" means.

Computed after synthesis on the draft and again on the reviewed map (an
excluded unit can take a theme with it, and the draft's order is kept); stored as map.json's top-level
`saturation` and summarised in run.json.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from synth.document import MapDocument

WINDOW = 5
ORDER = "file order (sorted source paths, then first turn; survey rows in export order)"


def saturation(doc: MapDocument | Mapping[str, Any], order: Sequence[str] = (), by: str = "file", label: str = ORDER) -> dict[str, Any]:
    """The saturation block of a map: curve, point (or null with a reason) and a one-line reading.

    `doc` is the MapDocument; map-shaped JSON data (participants, units and themes with their ids)
    is read too. `order` lists participant ids in study order (`synth.study_order`); ids it lacks
    follow in map.json order.
    """
    ids, owner, themes = _study(doc)
    participants = _ordered(ids, order)
    themes_of: dict[str, set[str]] = {pid: set() for pid in participants}
    for theme_id, unit_ids in themes:
        for uid in unit_ids:
            pid = owner.get(uid)
            if pid in themes_of:
                themes_of[pid].add(theme_id)
    curve: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, pid in enumerate(participants, start=1):
        new = themes_of[pid] - seen
        seen |= new
        curve.append({"index": index, "participant": pid, "new": len(new), "cumulative": len(seen)})
    point, reason = saturation_point([step["new"] for step in curve])
    return {
        "order": label,
        "by": by,
        "window": WINDOW,
        "participants": len(participants),
        "themes": len(seen),
        "curve": curve,
        "point": None if point is None else {"index": point, "participant": participants[point - 1]},
        "reason": reason,
        "reading": reading(point, len(participants), reason),
    }


def _study(doc: MapDocument | Mapping[str, Any]) -> tuple[list[str], dict[str, str], list[tuple[str, Sequence[str]]]]:
    """(participant ids, unit id -> participant id, (theme id, unit ids)) in map.json order."""
    if isinstance(doc, MapDocument):
        return ([p.id for p in doc.participants], {u.id: u.participant_id for u in doc.units},
                [(t.id, t.unit_ids) for t in doc.themes])  # fmt: skip
    return ([p["id"] for p in doc.get("participants", ())], {u["id"]: u["participant_id"] for u in doc.get("units", ())},
            [(t["id"], t.get("unit_ids", ())) for t in doc.get("themes", ())])  # fmt: skip


def _ordered(ids: list[str], order: Sequence[str]) -> list[str]:
    present = set(ids)
    first = [pid for pid in dict.fromkeys(order) if pid in present]
    chosen = set(first)
    return first + [pid for pid in ids if pid not in chosen]


def previous_order(block: Mapping[str, Any] | None) -> dict[str, Any]:
    """The order a saturation block used, as keyword arguments for `saturation` (review keeps the draft's)."""
    if not block or not block.get("curve"):
        return {}
    return {"order": [s["participant"] for s in block["curve"]], "by": block.get("by", "file"), "label": block.get("order", ORDER)}


def saturation_point(new: list[int], window: int = WINDOW) -> tuple[int | None, str | None]:
    """(1-based index of the saturation point, None) or (None, why not reached); see the module docstring."""
    n = len(new)
    if n <= window:
        return None, f"not reached: {n} participant(s); the rule needs at least {window + 1}"
    if not any(new):
        return None, "not reached: no themes were found"
    after = [0] * (n + 1)  # after[j]: new themes brought by participants j+1..n
    for j in range(n - 1, -1, -1):
        after[j] = after[j + 1] + new[j]
    point, holds = None, True
    for j in range(n - window, 0, -1):  # j = n-5 .. 1; holds: every tail from j on is below the rate
        holds = holds and after[j] * window < n - j
        if holds:
            point = j
    if point is not None:
        return point, None
    tail = after[n - window]
    return None, f"not reached: the last {window} participants still brought {tail} new theme{'s' if tail != 1 else ''}"


def reading(point: int | None, total: int, reason: str | None) -> str:
    """The report's one line."""
    if point is not None:
        return f"Saturation reached after {point} of {total} participants"
    return f"Saturation {reason}"


def summary(block: Mapping[str, Any] | None) -> dict[str, Any]:
    """run.json's account: the point and the reading, without the curve (map.json has it)."""
    if not block:
        return {}
    keys = ("order", "by", "participants", "themes", "window", "point", "reason", "reading")
    return {key: block[key] for key in keys if key in block}


def svg_points(block: Mapping[str, Any], width: int = 560, height: int = 180, pad: int = 32) -> dict[str, Any]:
    """Coordinates for the report's inline SVG curve (the template only draws them)."""
    curve = block.get("curve") or []
    n, top = max(len(curve), 1), max(block.get("themes") or 0, 1)

    def x(i: int) -> float:
        return round(pad + (width - 2 * pad) * (i - 1) / max(n - 1, 1), 1)

    def y(v: int) -> float:
        return round(height - pad - (height - 2 * pad) * v / top, 1)

    points = [{"x": x(s["index"]), "y": y(s["cumulative"]), **s} for s in curve]
    point = block.get("point")
    marker = next((p for p in points if point and p["index"] == point["index"]), None)
    return {"width": width, "height": height, "pad": pad, "points": points, "marker": marker,
            "polyline": " ".join(f"{p['x']},{p['y']}" for p in points), "top": top, "n": len(curve),
            "reading": block.get("reading", ""), "reached": point is not None}  # fmt: skip
