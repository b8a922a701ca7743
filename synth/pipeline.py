"""The run as an ordered list of named stages sharing one context. Nothing else happens here.

`STAGES` is the order: validate, ingest, segment, embed, tag, cluster, synthesize, review, export.
Each stage reads and fills the `Context`; `run(settings, until="segment")` stops after a stage
(`synth inspect` uses it) and never touches the run folder. A full run holds the run folder's lock from the first
read of review.yaml to the last file written (`synth.workspace`).

After synthesis the draft map is written, the reviewer's decisions are applied
to it (`synth.reviewed`: `review.apply`, pure; re-synthesis of merged or relabelled
personas is `rebuild_personas`), and the exporters only render the result.

Each stage imports its modules inside its function: `synth inspect` runs the stages through segment
only, and the later stages' modules (embed, tagger, cluster with scikit-learn, synthesize, exporters)
take 1.5 s to import against 0.1 s for ingest and segment (measured 3 December 2026, load 2).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synth import __version__, manifest
from synth.allocator import release_free_memory
from synth.config import Settings
from synth.errors import InputError
from synth.records import Problem
from synth.workspace import DRAFT_NAME, RUN_NAME, Workspace

if TYPE_CHECKING:
    from synth.document import MapDocument
    from synth.reviewed import rebuild_personas as rebuild_personas
    from synth.reviewed import refresh as refresh
    from synth.reviewed import reviewed_map as reviewed_map

REEXPORTED = ("rebuild_personas", "refresh", "reviewed_map")  # the after-synthesis names stay importable from here


def __getattr__(name: str) -> Any:
    """`synth.pipeline.refresh` and the other after-synthesis names, imported when first asked for: the typed
    document (pydantic models) is not needed by `synth inspect`, which stops after segmenting."""
    if name in REEXPORTED:
        from synth import reviewed

        return getattr(reviewed, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


log = logging.getLogger(__name__)

RELEASE_LANGUAGE_MODELS_AT = 5000  # units: from here lingua's 330 MB matter more than reloading them (3 s) in a later run


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
    cached_stages: list[str] = field(default_factory=list)  # stages answered from the stage cache
    files: list[Path] = field(default_factory=list)
    clustering: Any = None  # synth.records.Clustering, for run.json's persona block
    quality: dict = field(default_factory=dict)  # saturation and agreement (synth.agreement.summary)
    join: Any = None  # synth.participant_join.JoinReport, for run.json and `synth inspect`


@dataclass
class Context:
    """What the stages share: settings in, then each stage's output."""

    settings: Settings
    reporter: Any
    result: RunResult
    workspace: Workspace
    review: Any = None
    previous: Any = None  # the previous run's draft map, or None
    codebook: Any = None
    examples: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    participants: list = field(default_factory=list)
    units: list = field(default_factory=list)
    embedder: Any = None
    vectors: Any = None
    tag_result: Any = None
    clustering: Any = None
    representativeness: dict = field(default_factory=dict)
    fit_warnings: list = field(default_factory=list)  # "the codebook may not fit", carried into map.json's run
    draft: MapDocument | None = None
    draft_text: Any = None  # the draft's JSON (map.draft.json) as synth.utf8.Deflated, made once
    reviewed: MapDocument | None = None
    cache: Any = None  # synth.stage_cache.StageCache: per-stage results kept between runs
    keys: dict[str, str] = field(default_factory=dict)  # stage -> its cache key (the next stage chains on it)


def _validate(ctx: Context) -> None:
    """Everything checkable before the slow steps: -o, review.yaml, the previous draft, codebook, labels."""
    from synth.tag.codebook import load_codebook

    ctx.workspace.check_writable_target()
    ctx.review = ctx.workspace.read_review()  # a broken review.yaml stops here, untouched
    ctx.previous = ctx.workspace.previous_draft()
    ctx.codebook = load_codebook(ctx.settings.codebook)
    if ctx.settings.train:  # pandas only when there is a training file (0.4 s)
        from synth.tag.labelled import cleaned_examples, read_labelled

        ctx.examples = cleaned_examples(read_labelled(ctx.settings.train))
    if ctx.settings.coded:
        from synth import agreement

        agreement.read_coded(ctx.settings.coded)  # a broken coded sample stops here, before the slow steps


def _ingest(ctx: Context) -> None:
    from synth.ingest import read_inputs

    ctx.sources, problems = read_inputs(
        ctx.settings.inputs, exclude=[ctx.settings.output, ctx.settings.embedding_cache, ctx.settings.cache_root / "stages"]
    )
    ctx.result.problems.extend(problems)
    if ctx.settings.strict and problems:
        first = problems[0]
        raise InputError(first.path, first.reason, hint=first.hint or "fix it, or run without --strict", line=first.line, row=first.row)


def _segment(ctx: Context) -> None:
    """Redact and segment; from the stage cache when the ingested sources and settings are unchanged."""
    from synth.participant_join import join_participants
    from synth.rerun import pack, unpack

    rosters = [s for s in ctx.sources if s.kind == "participants"]
    evidence = [s for s in ctx.sources if s.kind != "participants"]
    ctx.participants, join = join_participants(evidence, rosters)
    from synth.stage_cache import records_fingerprint

    read = records_fingerprint((ctx.sources, ctx.result.problems))
    key = ctx.keys["segment"] = ctx.cache.key("segment", read, ctx.settings.redact)
    stored = ctx.cache.get("segment", key)
    restored = unpack(stored, ctx.sources) if stored is not None else None
    if restored is None:
        restored = _segment_afresh(ctx, rosters, evidence)
        ctx.cache.put("segment", key, pack(*restored))
    ctx.sources, ctx.participants, ctx.units, ctx.result.problems = restored
    ctx.result.sources, ctx.result.participants, ctx.result.units = len(ctx.sources), len(ctx.participants), len(ctx.units)
    ctx.result.join = join.locate(ctx.participants, ctx.sources)


def _segment_afresh(ctx: Context, rosters: list, evidence: list) -> tuple[list, list, list, list]:
    from synth.language import release_detector
    from synth.nlp import get_nlp
    from synth.privacy.paths import alias_sources
    from synth.redact import Redactor
    from synth.segment import languages_by_units, segment_sources

    nlp = get_nlp(lemmas=False)  # segmentation only splits sentences
    roster = {k: v for s in rosters for k, v in s.attributes.items()}
    redactor = Redactor.from_sources(evidence, ctx.participants, enabled=ctx.settings.redact, nlp=nlp, roster=roster)
    units = segment_sources(evidence, ctx.participants, redactor=redactor, nlp=nlp)
    if len(units) >= RELEASE_LANGUAGE_MODELS_AT:  # no stage detects languages again
        release_detector()
    sources = languages_by_units(ctx.sources, units)  # a source's language follows its units
    # file names holding a name are shown by alias from here on
    return alias_sources(sources, ctx.participants, units, ctx.result.problems, redactor)


def _require_evidence(ctx: Context) -> None:
    """A run that found no evidence stops before writing: the previous outputs stay as they were.
    Participants known only by closed survey answers are evidence for personas too."""
    if ctx.units or any(p.attributes for p in ctx.participants):
        return
    if ctx.result.problems:
        first = ctx.result.problems[0]
        raise InputError(
            first.path,
            f"no evidence could be read from the inputs ({len(ctx.result.problems)} problem(s); first: {first.reason})",
            hint="fix the files listed by `synth inspect`; nothing in the output folder was replaced",
        )
    raise InputError(
        ", ".join(str(p) for p in ctx.settings.inputs),
        "holds no transcript or survey answers to read",
        hint="point synth at the folder with your transcripts and survey exports; nothing in the output folder was replaced",
    )


def _embed(ctx: Context) -> None:
    from synth.embed import CachingEmbedder, EmbeddingCache, make_embedder

    _require_evidence(ctx)
    cache = EmbeddingCache(ctx.settings.embedding_cache)
    ctx.embedder = CachingEmbedder(make_embedder(ctx.settings.model, models_dir=ctx.settings.model_folder), cache)
    ctx.vectors = ctx.embedder.encode([u.clean_text for u in ctx.units], progress=ctx.reporter.stage("embed", len(ctx.units)))
    ctx.reporter.done("embed")


def _tag(ctx: Context) -> None:
    from synth.review import review_training
    from synth.tag.fit import codebook_fit_warnings

    examples = ctx.examples + review_training(ctx.review, ctx.previous)
    key = ctx.keys["tag"] = ctx.cache.key(
        "tag", ctx.keys["segment"], ctx.embedder.model_id, ctx.codebook.path, ctx.codebook.sha256, examples, ctx.settings.seed
    )
    ctx.tag_result = ctx.cache.get("tag", key)
    if ctx.tag_result is None:
        from synth.nlp import get_nlp
        from synth.tag import tag_units

        ctx.tag_result = tag_units(
            ctx.units, ctx.vectors, ctx.codebook, ctx.embedder, nlp=get_nlp(), training=examples, seed=ctx.settings.seed
        )
        ctx.cache.put("tag", key, ctx.tag_result)
    ctx.fit_warnings = [p.describe() for p in codebook_fit_warnings(ctx.tag_result.taggings, ctx.codebook)]
    ctx.result.warnings.extend(ctx.fit_warnings)
    ctx.result.embedded_new, ctx.result.embedded_cached = ctx.embedder.misses, ctx.embedder.hits


def _cluster(ctx: Context) -> None:
    s = ctx.settings
    previous = _previous_assignments(ctx)
    from synth.rerun import warm_start_applies

    warm = previous if warm_start_applies(ctx.participants, ctx.units, previous, s.personas) else None
    key = ctx.keys["cluster"] = ctx.cache.key("cluster", ctx.keys["tag"], s.personas, s.seed, s.weights, s.resamples, warm)
    stored = ctx.cache.get("cluster", key)
    if stored is None:
        from synth.cluster import cluster_participants
        from synth.representativeness import representativeness

        clustering = cluster_participants(
            ctx.participants,
            ctx.units,
            ctx.vectors,
            ctx.tag_result,
            k=s.personas,
            seed=s.seed,
            weights=s.weights,
            resamples=s.resamples,
            progress=ctx.reporter.stage("cluster", s.resamples),
            kinds={src.id: src.kind for src in ctx.sources},
            previous=previous,
        )
        stored = (clustering, representativeness(ctx.units, ctx.vectors, clustering))
        ctx.cache.put("cluster", key, stored)
    ctx.clustering, ctx.representativeness = stored
    ctx.vectors = None  # read by tag and cluster only (at 100,000 answers 110 MB): gone before synthesis
    ctx.reporter.done("cluster")
    ctx.result.warnings.extend(ctx.clustering.warnings)
    ctx.result.clustering = ctx.clustering


def _previous_assignments(ctx: Context) -> dict[str, str]:
    """Participant id -> the persona it had in the previous draft ("" for none), for the warm start."""
    if ctx.previous is None:
        return {}
    before = {p.key: p.persona_id or "" for p in ctx.previous.participants}
    return {p.id: before[p.key] for p in ctx.participants if p.key in before}


def _synthesize(ctx: Context) -> None:
    """The draft map; from the stage cache when clustering, the previous draft's ids and --coded are unchanged."""
    import json

    from synth.document import MapDocument
    from synth.persona_ids import cluster_groups, match_ids
    from synth.review import previous_memberships
    from synth.stage_cache import file_fingerprint
    from synth.utf8 import Deflated

    previous = previous_memberships(ctx.previous)
    run_info = manifest.map_run_info(ctx.settings, ctx.embedder, ctx.codebook, ctx.clustering, __version__)
    run_info["warnings"] = list(ctx.fit_warnings)  # the report renders from map.json only
    coded = file_fingerprint(ctx.settings.coded)
    ids = match_ids(cluster_groups(ctx.participants, ctx.clustering), previous)  # all the previous draft decides here
    key = ctx.keys["synthesize"] = ctx.cache.key("synthesize", ctx.keys["cluster"], ids, run_info, coded)
    stored = ctx.cache.get("synthesize", key)
    if isinstance(stored, Deflated):
        ctx.draft, ctx.draft_text = MapDocument.from_built(json.loads(stored.inflated()), where="the cached draft map"), stored
        _release_evidence(ctx)
        return
    ctx.draft = _draft(ctx, previous, run_info)
    _release_evidence(ctx)  # before the draft's text is made, the stage's peak
    ctx.draft_text = Deflated.of(ctx.draft.json_chunks())  # to_json().encode(), entry by entry, held deflated
    ctx.cache.put("synthesize", key, ctx.draft_text)


def _draft(ctx: Context, previous: dict, run_info: dict) -> MapDocument:
    from synth.agreement import annotate_draft
    from synth.competitors import add_map_extras
    from synth.document import MapDocument
    from synth.export.mapjson import Vocabulary, build_map
    from synth.nlp import get_nlp
    from synth.study_order import study_order
    from synth.synthesize import build_maps, synthesize_personas

    vocabulary = Vocabulary.from_codebook(ctx.codebook)
    personas = synthesize_personas(
        ctx.participants,
        ctx.units,
        ctx.tag_result,
        ctx.clustering,
        stage_ids=vocabulary.stage_ids,
        labels=vocabulary.labels,
        representativeness=ctx.representativeness,
        previous=previous,
    )
    maps = build_maps(personas, ctx.participants, ctx.units, ctx.tag_result, stage_ids=vocabulary.stage_ids, labels=vocabulary.labels)
    draft = MapDocument.from_built(  # the plain map is let go entry by entry as it is validated
        add_map_extras(
            build_map(
                run=run_info,
                sources=ctx.sources,
                participants=ctx.participants,
                units=ctx.units,
                tag_result=ctx.tag_result,
                personas=personas,
                maps=maps,
                vocabulary=vocabulary,
                representativeness=ctx.representativeness,
                unassigned=ctx.clustering.unassigned,
            ),
            ctx.codebook,
            get_nlp(),  # segmentation's pipeline, with its lemmas
        ),
        where="the draft map",
    )
    return annotate_draft(draft, coded=ctx.settings.coded, order=study_order(ctx.participants, ctx.sources))


def _review(ctx: Context) -> None:
    from synth import agreement
    from synth.reviewed import reviewed_document

    assert ctx.draft is not None
    ctx.reviewed, notes = reviewed_document(ctx.draft, ctx.review)
    ctx.result.review_notes.extend(notes)
    ctx.result.personas = len(ctx.reviewed.personas)
    ctx.result.quality = agreement.summary(ctx.reviewed)


def _release_evidence(ctx: Context) -> None:
    """Once the draft is built only it is read: drop its records (hundreds of MB at 100,000 answers,
    before the draft's text and the exports are made). run.json still gets each source's path, kind,
    hash and speakers."""
    ctx.units, ctx.vectors, ctx.tag_result, ctx.representativeness, ctx.participants = [], None, None, {}, []
    ctx.previous = None  # the previous draft map (a re-run): read by tag, cluster and synthesize only
    ctx.sources = [replace(s, lines=(), turns=(), attributes={}, identities={}, dates={}, respondent_keys={}) for s in ctx.sources]


def _export(ctx: Context) -> None:
    from synth.atomic import write_chunks
    from synth.export.outputs import generated_files
    from synth.reviewed import made_from

    assert ctx.draft is not None and ctx.reviewed is not None
    ws, text = ctx.workspace, ctx.draft_text  # made by synthesize (synth.utf8.Deflated)
    files = ws.write_generated({DRAFT_NAME: lambda path: write_chunks(path, text.chunks())})
    made = made_from(text.chunks(), ctx.review)
    review_file = ws.create_review(ctx.draft)  # lists the draft just written; never overwrites one
    outputs = generated_files(ctx.reviewed)  # the writers hold the reviewed map's plain data from here
    if ctx.reviewed is ctx.draft:  # no decision applied: map.json is the draft's own bytes, not serialised again
        outputs["map.json"] = lambda path: write_chunks(path, text.chunks())
    ctx.draft = ctx.reviewed = None  # the typed documents are not read again (at 100,000 answers ~0.7 GB)
    files += ws.write_generated(outputs, prune=True, made_from=made)
    files.append(review_file)
    ctx.result.files = files
    ctx.result.review_notes.extend(ws.notes)


Stage = Callable[[Context], None]
STAGES: tuple[tuple[str, Stage], ...] = (
    ("validate", _validate),
    ("ingest", _ingest),
    ("segment", _segment),
    ("embed", _embed),
    ("tag", _tag),
    ("cluster", _cluster),
    ("synthesize", _synthesize),
    ("review", _review),
    ("export", _export),
)
STAGE_NAMES = tuple(name for name, _ in STAGES)


def run_stages(ctx: Context, until: str | None = None) -> Context:
    """Run the stages in order (through `until`), timing each."""
    if until is not None and until not in STAGE_NAMES:
        raise ValueError(f"until must be one of {STAGE_NAMES}. Got {until!r} instead.")
    for name, stage in STAGES:
        if until is not None and name == "validate" and until != "validate":
            continue  # a partial run (inspect) reads no run folder
        start = time.perf_counter()
        ctx.reporter.stage(name)  # every phase shows progress, not only embed and cluster
        stage(ctx)
        release_free_memory()  # what the stage freed goes back to the system before the next one (synth.allocator)
        ctx.reporter.done(name)
        ctx.result.timings[name] = round(time.perf_counter() - start, 3)
        if name == until:
            break
    return ctx


def run(settings: Settings, reporter=None, *, until: str | None = None) -> RunResult:
    """Read, clean, segment, embed, tag, cluster, synthesize, review and write one run.

    With `until`, stop after that stage and write nothing (`context` gives the data).
    """
    return context(settings, reporter, until=until).result


def context(settings: Settings, reporter=None, *, until: str | None = None) -> Context:
    """The shared context after running the stages (through `until`)."""
    from synth.progress import SilentReporter
    from synth.stage_cache import StageCache

    ctx = Context(settings, reporter or SilentReporter(), RunResult(output=Path(settings.output)), Workspace(settings.output))
    ctx.cache = StageCache(settings.cache_root / "stages", store=settings.redact)
    ctx.result.cached_stages = ctx.cache.hits  # filled as stages hit
    if until is not None:
        return run_stages(ctx, until)
    ctx.workspace.check_writable_target()
    with ctx.workspace.lock():
        run_stages(ctx)
        text = manifest.run_json_text(ctx.settings, ctx.result, ctx.sources, ctx.embedder, ctx.codebook, __version__)
        ctx.workspace.write_text(RUN_NAME, text)
    return ctx
