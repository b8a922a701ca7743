"""run.json: the manifest of a run (what produced these outputs, and how long it took)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from synth.hashing import sha256_of
from synth.ingest import limits


def model_fingerprint(embedder) -> str:
    """sha256 of the model's weights when they are local files, else of its id."""
    inner = getattr(embedder, "inner", embedder)
    path = getattr(inner, "resolved_path", None)
    if path:
        weights = sorted(Path(path).glob("*.safetensors")) or sorted(Path(path).glob("*.bin")) or sorted(Path(path).glob("*.onnx"))
        if weights:
            return sha256_of(*weights)
    return hashlib.sha256(embedder.model_id.encode()).hexdigest()


SOURCE_ASSOCIATION_WARN = 0.3  # = synth.cluster.SOURCE_DEPENDENCE_WARN: the report warns at or above it


def map_run_info(settings, embedder, codebook, clustering, version: str) -> dict:
    """The `run` block of map.json: only what is deterministic for the same inputs."""
    return {
        "synth_version": version,
        "model": embedder.model_id,
        "codebook": {"path": codebook.path or "default", "sha256": codebook.sha256},
        "seed": settings.seed,
        "redacted": settings.redact,
        "personas_requested": "auto" if settings.personas is None else settings.personas,
        "clustering": {
            "method": clustering.method,
            "k": clustering.k,
            "overall_stability": round(float(clustering.overall_stability), 4),
            "warnings": list(clustering.warnings),
            "source_association": clustering.source_dependence,
            "source_association_warn_at": SOURCE_ASSOCIATION_WARN,
        },
    }


def run_json_text(settings, result, sources, embedder, codebook, version: str) -> str:
    """The text of run.json (the workspace writes it)."""
    doc = {
        "synth_version": version,
        "model": {"id": embedder.model_id, "sha256": model_fingerprint(embedder)},
        "codebook": {"path": codebook.path or "default", "sha256": codebook.sha256},
        "seed": settings.seed,
        "redacted": settings.redact,
        "settings": settings.to_dict(),
        "limits": limits.as_dict(),
        "inputs": [{"path": s.path, "sha256": s.sha256, "kind": s.kind, "format": s.format} for s in sources],
        "counts": {
            "sources": result.sources,
            "participants": result.participants,
            "units": result.units,
            "personas": result.personas,
            "embedded_new": result.embedded_new,
            "embedded_cached": result.embedded_cached,
        },
        "personas": persona_block(result.clustering, sources, getattr(result, "join", None)),
        "participants_join": result.join.as_dict() if getattr(result, "join", None) is not None else {},
        **(getattr(result, "quality", None) or {}),  # saturation, agreement (synth.agreement.summary)
        "problems": [{k: v for k, v in vars(p).items() if v is not None} | {"message": p.describe()} for p in result.problems],
        "warnings": result.warnings,
        "review": result.review_notes,
        "timings_s": result.timings,
        "cached_stages": list(result.cached_stages),  # stages answered from the stage cache (synth.stage_cache)
        "outputs": sorted(str(Path(f).relative_to(settings.output)) for f in result.files),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def persona_block(clustering, sources, join=None) -> dict:
    """run.json's account of who is in a persona: respondents, participants, who was left
    out and why, how much membership depends on source kind, and attribute mappings."""
    if clustering is None:
        return {}
    assigned = sum(1 for v in clustering.assignments.values() if v >= 0)
    return {
        "survey_respondents": sum(len(s.speakers) + s.dropped_rows for s in sources if s.kind == "survey"),
        "survey_rows_dropped_as_junk": sum(s.dropped_rows for s in sources if s.kind == "survey"),
        "participants": len(clustering.assignments),
        "assigned": assigned,
        "unassigned": [{"participant": pid, "reason": why} for pid, why in clustering.unassigned.items()],
        "source_kind_cramers_v": clustering.source_dependence,
        # mapped when participants were joined (`synth.participant_join`), then any the clustering found
        "attribute_mapping": {name: kept for name, (kept, _, _) in (join.mapping if join else {}).items()}
        | dict(clustering.attribute_mapping),
    }
