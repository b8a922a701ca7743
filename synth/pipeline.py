"""Wire the stages of one run. Nothing else happens here."""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from synth import __version__
from synth.config import Settings
from synth.records import Problem

log = logging.getLogger(__name__)


@dataclass
class RunResult:
    """What a run did, for the CLI's summary and for run.json."""

    output: Path
    sources: int = 0
    participants: int = 0
    units: int = 0
    personas: int = 0
    embedded_new: int = 0
    embedded_cached: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    review_notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    clustering: object = None  # synth.records.Clustering, for run.json's persona block


@contextmanager
def _timed(result: RunResult, name: str):
    start = time.perf_counter()
    yield
    result.timings[name] = round(time.perf_counter() - start, 3)


def run(settings: Settings, reporter=None) -> RunResult:
    """Read, clean, segment, embed, tag, cluster, synthesize and write one run."""
    from synth.embed import CachingEmbedder, EmbeddingCache, make_embedder
    from synth.export.outputs import write_outputs
    from synth.ingest import read_inputs
    from synth.nlp import get_nlp
    from synth.progress import SilentReporter
    from synth.review import load_or_create_review, previous_memberships, review_training
    from synth.segment import build_participants, segment_sources
    from synth.redact import Redactor
    from synth import manifest
    from synth.tag import tag_units

    reporter = reporter or SilentReporter()
    result = RunResult(output=Path(settings.output))
    review = load_or_create_review(settings.output / "review.yaml")  # a broken review.yaml stops here, untouched
    codebook, examples = _load_tagging_inputs(settings)
    with _timed(result, "ingest"):
        sources, problems = read_inputs(settings.inputs)
        result.problems.extend(problems)
    if settings.strict and result.problems:
        from synth.errors import InputError

        first = result.problems[0]
        raise InputError(first.path, first.reason, hint=first.hint or "fix it, or run without --strict", line=first.line, row=first.row)
    with _timed(result, "segment"):
        nlp = get_nlp()
        roster = {k: v for s in sources if s.kind == "participants" for k, v in s.attributes.items()}
        evidence_sources = [s for s in sources if s.kind != "participants"]
        participants = build_participants(evidence_sources, roster)
        redactor = Redactor.from_sources(evidence_sources, participants, enabled=settings.redact, nlp=nlp, roster=roster)
        units = segment_sources(evidence_sources, participants, redactor=redactor, nlp=nlp)
    result.sources, result.participants, result.units = len(sources), len(participants), len(units)
    with _timed(result, "embed"):
        cache = EmbeddingCache(settings.embedding_cache)
        embedder = CachingEmbedder(make_embedder(settings.model, models_dir=settings.models_dir), cache)
        vectors = embedder.encode([u.clean_text for u in units], progress=reporter.stage("embed", len(units)))
        reporter.done("embed")
    with _timed(result, "tag"):
        examples += review_training(review, settings.output / "map.draft.json")
        tag_result = tag_units(units, vectors, codebook, embedder, training=examples, seed=settings.seed)
    result.embedded_new, result.embedded_cached = embedder.misses, embedder.hits
    with _timed(result, "cluster"):
        clustering, rep = _cluster(participants, units, vectors, tag_result, settings, reporter, sources)
        result.warnings.extend(clustering.warnings)
        result.clustering = clustering
    with _timed(result, "synthesize"):
        previous = previous_memberships(settings.output / "map.draft.json")
        run_info = manifest.map_run_info(settings, embedder, codebook, clustering, __version__)
        draft = _synthesize(sources, participants, units, tag_result, clustering, rep, codebook, run_info, previous)
    with _timed(result, "export"):
        result.files, notes, reviewed = write_outputs(settings.output, draft, review)
        result.review_notes.extend(notes)
        result.personas = len(reviewed["personas"])
    manifest.write_run_json(settings, result, sources, embedder, codebook, __version__)
    return result


def _load_tagging_inputs(settings: Settings):
    """The codebook and any labelled training file: checked before the slow steps."""
    from synth.tag import read_labelled
    from synth.tag.codebook import load_codebook

    codebook = load_codebook(settings.codebook)
    examples = list(read_labelled(settings.train)) if settings.train else []
    return codebook, examples


def _cluster(participants, units, vectors, tag_result, settings: Settings, reporter, sources):
    from synth.cluster import cluster_participants, representativeness
    from synth.synthesize import previous_assignments

    before = previous_assignments(settings.output / "map.draft.json")
    clustering = cluster_participants(
        participants,
        units,
        vectors,
        tag_result,
        k=settings.personas,
        seed=settings.seed,
        weights=settings.weights,
        resamples=settings.resamples,
        progress=reporter.stage("cluster", settings.resamples),
        kinds={s.id: s.kind for s in sources},
        previous={p.id: before[p.key] for p in participants if p.key in before},
    )
    reporter.done("cluster")
    return clustering, representativeness(units, vectors, clustering)


def _synthesize(sources, participants, units, tag_result, clustering, rep, codebook, run_info, previous) -> dict:
    from synth.export.mapjson import Vocabulary, build_map
    from synth.synthesize import build_maps, synthesize_personas

    vocabulary = Vocabulary.from_codebook(codebook)
    personas = synthesize_personas(
        participants, units, tag_result, clustering,
        stage_ids=vocabulary.stage_ids, labels=vocabulary.labels, representativeness=rep, previous=previous,
    )
    maps = build_maps(personas, participants, units, tag_result, stage_ids=vocabulary.stage_ids, labels=vocabulary.labels)
    return build_map(
        run=run_info, sources=sources, participants=participants, units=units, tag_result=tag_result,
        personas=personas, maps=maps, vocabulary=vocabulary, representativeness=rep,
    )
