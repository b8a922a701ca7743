"""Report context for the saturation curve and the agreement tables (`_report_saturation.html.j2`).

The report renders from the map only: both come from map.json's `saturation` and
`agreement` blocks (synth.saturation, synth.agreement); this module only formats.
"""

from __future__ import annotations

from typing import Any, Mapping

from synth.document import MapDocument

TITLES = {"coded": "Coded sample", "review": "Review relabels"}


def quality_context(doc: MapDocument) -> dict[str, Any]:
    from synth.agreement import THRESHOLD
    from synth.saturation import svg_points

    block = doc.saturation
    saturation = {**svg_points(block), "order": block.get("order", ""), "window": block.get("window", 5)} if block.get("curve") else {}
    labels = {s.id: s.label for s in doc.stages} | {v.id: v.label for v in (*doc.kinds, *doc.touchpoints)}
    tables = [_table(key, value, labels) for key, value in sorted(doc.agreement.items()) if value]
    return {"saturation": saturation, "agreement": tables, "threshold": THRESHOLD}


def _table(key: str, block: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
    def fmt(value):
        return "–" if value is None else f"{value:.2f}"

    codes = [{**c, "label": labels.get(c["code"], c["code"]), "kappa": fmt(c["kappa"]), "precision": fmt(c["precision"]),
              "recall": fmt(c["recall"])} for c in block.get("codes", ())]  # fmt: skip
    note = ""
    if key == "coded":
        note = f"{block.get('matched', 0)} of {block.get('rows', 0)} rows of {block.get('file', 'the sample')} matched a unit"
        if block.get("unmatched_rows"):
            note += f"; rows matching no unit: {', '.join(str(r) for r in block['unmatched_rows'][:20])}"
            note += "…" if len(block["unmatched_rows"]) > 20 else ""
    elif key == "review":
        note = f"{block.get('units', 0)} relabelled units; relabels are mostly corrections, so kappa here reads low."
    return {"title": TITLES.get(key, key), "codes": codes, "flagged": [labels.get(c, c) for c in block.get("flagged", ())],
            "note": note}  # fmt: skip
