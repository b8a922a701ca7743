"""Agreement with the researcher: "can I trust the machine's coding?", per code.

Two sources of human labels, each scored against the machine's labels in the
*draft* map (the tagger's own output, before review.yaml overrides it):

- a coded sample, `synth run --coded FILE`: the same CSV as `synth eval` (text,
  stage, kinds, touchpoints; read by `synth.tag.labelled`). A row is matched to a
  unit by its `unit_id` (or `unit`) column when it has one and the id is in the
  run; otherwise by text: both sides casefolded, quotes and punctuation at the
  ends dropped and whitespace collapsed, and a row matches the unit whose text
  is equal. Rows that match no unit are counted and listed by row number (their
  words are never logged). A row whose text matches several units labels all.
- review.yaml relabels (`units:` section): each relabelled field (stage, kinds)
  of a unit is a human label for that field.

Per code (a stage, kind or touchpoint id), on the matched units, human and
machine become yes/no ("has this code"); Cohen's kappa is scikit-learn's
`cohen_kappa_score` on those two lists, with the machine's precision and
recall against the human labels and n, the number of units scored. Kappa is
undefined (null) when both sides give every unit the same answer. A code whose
kappa is below `THRESHOLD` (0.6, the lower bound of "substantial" in Landis &
Koch 1977 and of "moderate" in McHugh 2012) is flagged "check before sharing";
one scored on fewer than `MIN_UNITS` (10) units is marked "too few units to
judge" instead (one unit more or less swings kappa across the whole scale).

Relabels are mostly corrections (one rarely records a unit one agrees with), so
kappa on them reads low; on re-runs the tagger is also trained on them, so it
then reads how far it took the corrections in. A coded sample drawn at random
is the fair measure; docs/tagging.md says so.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from synth.document import MapDocument, UnitEntry

if TYPE_CHECKING:
    from synth.review_file import Review
    from synth.study_order import StudyOrder

THRESHOLD = 0.6
FLAG = "check before sharing"
MIN_UNITS = 10  # below this, kappa swings on one unit: reported, but marked FEW instead of judged
FEW = "too few units to judge"
FIELDS = ("stage", "kinds", "touchpoints")
ID_COLUMNS = ("unit_id", "unit")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def binary_kappa(human: Sequence[bool], machine: Sequence[bool]) -> float | None:
    """Cohen's kappa of two yes/no codings (scikit-learn); None when it is undefined (no variation)."""
    from sklearn.metrics import cohen_kappa_score

    if not human or len(set(human) | set(machine)) < 2:
        return None
    return float(cohen_kappa_score(list(human), list(machine), labels=[False, True]))


def code_scores(field: str, code: str, human: Sequence[bool], machine: Sequence[bool]) -> dict[str, Any]:
    """Kappa, precision, recall and n of one code; flagged when kappa is below the threshold."""
    tp = sum(h and m for h, m in zip(human, machine))
    kappa = binary_kappa(human, machine)
    return {
        "field": field, "code": code, "n": len(human), "human": sum(human), "machine": sum(machine),
        "kappa": None if kappa is None else round(kappa, 4),
        "precision": round(tp / sum(machine), 4) if sum(machine) else None,
        "recall": round(tp / sum(human), 4) if sum(human) else None,
        "flag": FEW if len(human) < MIN_UNITS else FLAG if kappa is not None and kappa < THRESHOLD else None,
    }  # fmt: skip


def normalise(text: str) -> str:
    """The text key rows and units are matched on (see the module docstring)."""
    return _EDGES.sub("", " ".join(str(text).casefold().split()))


def machine_labels(unit: UnitEntry, field: str) -> set[str]:
    if field == "stage":
        return {unit.stage.id} if unit.stage else set()
    labels = unit.kinds if field == "kinds" else unit.touchpoints
    return {label.id for label in labels}


def score(pairs: Sequence[tuple[UnitEntry, dict[str, set[str]]]], vocabulary: Mapping[str, Sequence[str]]) -> list[dict]:
    """Per-code scores over (draft unit, {field: human labels}) pairs; a field counts where the human gave it."""
    out = []
    for field in FIELDS:
        scored = [(unit, human[field]) for unit, human in pairs if field in human]
        if not scored:
            continue
        seen = set().union(*(h | machine_labels(u, field) for u, h in scored))
        for code in [c for c in vocabulary.get(field, ()) if c in seen] + sorted(seen - set(vocabulary.get(field, ()))):
            human = [code in h for _, h in scored]
            machine = [code in machine_labels(u, field) for u, _ in scored]
            out.append(code_scores(field, code, human, machine))
    return out


def vocabulary_of(doc: MapDocument) -> dict[str, list[str]]:
    return {"stage": [s.id for s in doc.stages], "kinds": [k.id for k in doc.kinds],
            "touchpoints": [t.id for t in doc.touchpoints]}  # fmt: skip


def _block(source: str, codes: list[dict], **extra: Any) -> dict[str, Any]:
    flagged = [c["code"] for c in codes if c["flag"] == FLAG]
    return {"source": source, **extra, "threshold": THRESHOLD, "codes": codes, "flagged": flagged}


# ---------------------------------------------------------------- the coded sample


def read_coded(path: Path) -> tuple[tuple[str, ...], list, list[str | None], list[int]]:
    """(label columns, examples, unit id per row or None, file row numbers), via the `synth eval` reader."""
    from synth.tag.labelled import _decode, _row_numbers, read_csv_frame, read_labelled_table

    present, examples = read_labelled_table(path)
    frame = read_csv_frame(Path(path), _decode(Path(path)))
    column = next((c for c in ID_COLUMNS if c in frame.columns), None)
    ids: list[str | None] = [(str(v).strip() or None) for v in frame[column]] if column else [None] * len(examples)
    return present, examples, ids, _row_numbers(frame)


def coded_agreement(doc: MapDocument, path: Path) -> dict[str, Any]:
    """Agreement of the draft's tags with a coded sample (see the module docstring)."""
    present, examples, ids, rows = read_coded(path)
    units = {u.id: u for u in doc.units}
    by_text: dict[str, list[UnitEntry]] = {}
    for unit in doc.units:
        by_text.setdefault(normalise(unit.text), []).append(unit)
    pairs: list[tuple[UnitEntry, dict[str, set[str]]]] = []
    unmatched, by = [], {"unit_id": 0, "text": 0}
    for example, uid, row in zip(examples, ids, rows):
        if uid and uid in units:
            hits, how = [units[uid]], "unit_id"
        else:
            hits, how = by_text.get(normalise(example.text), []), "text"
        if not hits:
            unmatched.append(row)
            continue
        by[how] += 1
        human = {f: _example_labels(example, f) for f in FIELDS if f in present}
        pairs += [(unit, human) for unit in hits]
    return _block("coded sample", score(pairs, vocabulary_of(doc)), file=Path(path).name, rows=len(examples),
                  matched=len(examples) - len(unmatched), matched_by=by, units=len({u.id for u, _ in pairs}),
                  unmatched_rows=unmatched)  # fmt: skip


def _example_labels(example, field: str) -> set[str]:
    if field == "stage":
        return {example.stage} if example.stage else set()
    return set(getattr(example, field))


# ---------------------------------------------------------------- review relabels


def review_agreement(draft: MapDocument, review: Review) -> dict[str, Any]:
    """Agreement of the draft's tags with the reviewer's relabels ({} when there are none)."""
    units = {u.id: u for u in draft.units}
    pairs = []
    for uid, change in sorted(review.units.items()):
        if uid not in units:
            continue
        human: dict[str, set[str]] = {}
        if "stage" in change:
            human["stage"] = {change["stage"]} if change["stage"] else set()
        if "kinds" in change:
            human["kinds"] = set(change["kinds"])
        if human:
            pairs.append((units[uid], human))
    if not pairs:
        return {}
    return _block("review relabels", score(pairs, vocabulary_of(draft)), units=len(pairs))


# ---------------------------------------------------------------- the pipeline's hooks


def annotate_draft(draft: MapDocument, coded: Path | None = None, order: StudyOrder | None = None) -> MapDocument:
    """The draft with its `saturation` (in `order`, a `synth.study_order.StudyOrder`; file order
    without one) and (with --coded) `agreement.coded` blocks."""
    from synth.saturation import saturation

    how: dict[str, Any] = {} if order is None else {"order": order.participant_ids, "by": order.by, "label": order.label}
    agreement = {"coded": coded_agreement(draft, coded)} if coded is not None else {}
    return draft.model_copy(update={"saturation": saturation(draft, **how), "agreement": agreement})


def annotate_reviewed(reviewed: MapDocument, draft: MapDocument, review: Review) -> MapDocument:
    """The reviewed map with saturation recomputed (exclusions can drop themes) and the relabels' agreement."""
    from synth.saturation import previous_order, saturation

    if reviewed is draft:  # nothing to apply: the draft's blocks stand
        return reviewed
    agreement = {k: v for k, v in draft.agreement.items() if k != "review"}
    relabels = review_agreement(draft, review)
    return reviewed.model_copy(update={
        "saturation": saturation(reviewed, **previous_order(draft.saturation)),
        "agreement": {**agreement, **({"review": relabels} if relabels else {})},
    })  # fmt: skip


def summary(doc: MapDocument) -> dict[str, Any]:
    """run.json's `quality` block: saturation (without the curve) and agreement per code."""
    from synth.saturation import summary as saturation_summary

    return {"saturation": saturation_summary(doc.saturation), "agreement": doc.agreement}
