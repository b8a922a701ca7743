"""Write every output of a run directory from the draft map and the review."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from synth.atomic import write_text
from synth.export.mapjson import dumps_map
from synth.review import Review, apply_review, create_review_file, load_review

DRAFT_NAME = "map.draft.json"


def write_outputs(out: Path, draft: Mapping[str, Any], review: Review) -> tuple[list[Path], list[str], dict]:
    """map.draft.json, then the reviewed map.json and every export; review.yaml if new."""
    out = Path(out)
    write_text(out / DRAFT_NAME, dumps_map(draft))
    reviewed, notes = apply_review(draft, review)
    files = [out / DRAFT_NAME, *render_all(out, reviewed)]
    create_review_file(out / "review.yaml", draft)
    files.append(out / "review.yaml")
    return files, notes, reviewed


def render_all(out: Path, reviewed: Mapping[str, Any]) -> list[Path]:
    """map.json, evidence.csv, personas/*.md, journey_map.xlsx and report.html."""
    from synth.export import write_evidence_csv, write_persona_markdown, write_report_html, write_xlsx

    out = Path(out)
    write_text(out / "map.json", dumps_map(reviewed))
    files = [out / "map.json"]
    write_evidence_csv(reviewed, out / "evidence.csv")
    files.append(out / "evidence.csv")
    folder = out / "personas"
    written = write_persona_markdown(reviewed, folder)
    keep = {Path(p).name for p in written}
    for stale in folder.glob("*.md"):
        if stale.name not in keep:
            stale.unlink()
    files.extend(Path(p) for p in written)
    write_xlsx(reviewed, out / "journey_map.xlsx")
    files.append(out / "journey_map.xlsx")
    write_report_html(reviewed, out / "report.html")
    files.append(out / "report.html")
    return files


def reviewed_map(run_dir: Path) -> tuple[dict, list[str]]:
    """The reviewed map of a run directory: its draft with review.yaml applied."""
    run_dir = Path(run_dir)
    draft_path = run_dir / DRAFT_NAME
    if not draft_path.exists():
        from synth.errors import SynthError

        raise SynthError(f"{run_dir} is not a synth run folder (no {DRAFT_NAME})", hint="pass the -o folder of a `synth run`")
    draft = json.loads(draft_path.read_text(encoding="utf-8"))
    return apply_review(draft, load_review(run_dir / "review.yaml"))


def refresh(run_dir: Path) -> tuple[list[Path], list[str]]:
    """Re-render a run's outputs after review.yaml changed (no re-embedding)."""
    reviewed, notes = reviewed_map(run_dir)
    return render_all(run_dir, reviewed), notes
