"""Issue 17: a re-run redoes only what changed, and gives the bytes a cold run gives."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from synth.config import Settings
from synth.persona_ids import _hungarian, jaccard, match_ids
from synth.pipeline import context, refresh, run
from synth.records import Participant
from synth.rerun import warm_start_applies
from synth.stage_cache import DB_NAME, StageCache
from tests.conftest import ROOT, SAMPLE_INPUTS

CACHED = ["segment", "tag", "cluster", "synthesize"]
VARYING = {"run.json", ".synth-files.json"}  # timings and cache counts; everything else must match


def outputs(folder: Path) -> dict[str, str]:
    """sha256 of every output file but the manifest (its timings differ run to run)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file() and p.name not in VARYING and p.name != ".synth.lock"
    }


def settings(inputs: Path, out: Path, cache: Path, **more) -> Settings:
    return Settings(inputs=(inputs,), output=out, model="hashing", cache_dir=cache, **more)


@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    """One cold run of the demo (empty cache)."""
    base = tmp_path_factory.mktemp("rerun")
    s = settings(SAMPLE_INPUTS, base / "cold", base / "cache")
    result = run(s)
    assert result.cached_stages == []
    return s, base


def test_a_warm_run_answers_every_stage_from_the_cache_with_the_cold_bytes(cold):
    s, base = cold
    again = run(settings(SAMPLE_INPUTS, base / "warm", s.cache_dir))
    assert again.cached_stages == CACHED
    assert outputs(base / "warm") == outputs(s.output)
    manifest = json.loads((base / "warm" / "run.json").read_text())
    assert manifest["cached_stages"] == CACHED


def test_a_rerun_into_the_same_folder_is_cached_and_rewrites_nothing(cold, tmp_path):
    s, _ = cold
    out = tmp_path / "run"
    shutil.copytree(s.output, out)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name not in VARYING}
    result = run(settings(SAMPLE_INPUTS, out, s.cache_dir))
    # the previous draft is the cold run's: warm start and persona ids give the same clusters
    assert result.cached_stages == CACHED
    assert outputs(out) == outputs(s.output)
    assert {p: p.stat().st_mtime_ns for p in before} == before, "unchanged outputs must not be rewritten"


def test_the_first_rerun_after_a_cold_run_renders_no_output_again(tmp_path, monkeypatch):
    """The cold run reads no review.yaml and then creates one listing every persona with nothing decided;
    the re-run reads that file. Both mean "no decision", so the re-run must not render the exports again
    (at 20,000 answers rendering them costs 12 s of a 28 s re-run)."""
    from synth.export import outputs as export_outputs

    s = settings(SAMPLE_INPUTS, tmp_path / "run", tmp_path / "cache")
    run(s)
    assert "persona-1:" in (s.output / "review.yaml").read_text(encoding="utf-8")
    rendered: list[str] = []
    real = export_outputs.generated_files

    def counting(doc):
        def spy(rel, writer):
            return lambda path: (rendered.append(rel), writer(path))[1]

        return {rel: spy(rel, writer) for rel, writer in real(doc).items()}

    monkeypatch.setattr(export_outputs, "generated_files", counting)
    result = run(s)
    assert result.cached_stages == CACHED
    assert rendered == [], f"re-rendered with nothing changed: {rendered}"


def test_a_review_decision_reuses_every_stage_and_rerenders_only_what_it_changes(cold, tmp_path):
    s, _ = cold
    out = tmp_path / "run"
    shutil.copytree(s.output, out)

    def approve(doc):  # what `synth review RUN approve persona-1` does
        from synth.review import persona_entry

        persona_entry(doc, "persona-1")["status"] = "approved"

    refresh(out, approve)
    persona = json.loads((out / "map.json").read_text())["personas"]
    assert [p["id"] for p in persona if p.get("status") == "approved"] == ["persona-1"], "the decision reached map.json"
    after_review = outputs(out)
    result = run(settings(SAMPLE_INPUTS, out, s.cache_dir))
    assert result.cached_stages == CACHED
    assert outputs(out) == after_review  # the run shows the same reviewed map as `synth review` did


def test_changing_the_codebook_recomputes_from_tagging_on_and_matches_a_cold_run(cold, tmp_path):
    s, base = cold
    warm = run(settings(SAMPLE_INPUTS, tmp_path / "warm", s.cache_dir, codebook="retail"))
    assert warm.cached_stages == ["segment"]
    fresh = run(settings(SAMPLE_INPUTS, tmp_path / "fresh", tmp_path / "empty-cache", codebook="retail"))
    assert fresh.cached_stages == []
    assert outputs(tmp_path / "warm") == outputs(tmp_path / "fresh")
    assert outputs(tmp_path / "warm") != outputs(s.output)


def test_changing_one_source_recomputes_segmentation_and_shows_the_new_words(cold, tmp_path):
    s, _ = cold
    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    (inputs / "interview_01.txt").write_text(
        (inputs / "interview_01.txt").read_text(encoding="utf-8")
        + "\nMaya Patel: The parking meter app charged me twice, which was maddening.\n", encoding="utf-8",
    )
    result = run(settings(inputs, tmp_path / "run", s.cache_dir))
    assert "segment" not in result.cached_stages
    quotes = [u["text"] for u in json.loads((tmp_path / "run" / "map.json").read_text())["units"]]
    assert any("parking meter app charged me twice" in q for q in quotes)


def test_a_damaged_stage_cache_is_recomputed_not_a_crash(cold, tmp_path):
    s, _ = cold
    cache = tmp_path / "cache"
    shutil.copytree(s.cache_dir, cache)
    (cache / "stages" / DB_NAME).write_bytes(b"this is not a database" * 100)
    result = run(settings(SAMPLE_INPUTS, tmp_path / "run", cache))
    assert result.cached_stages == []
    assert outputs(tmp_path / "run") == outputs(s.output)
    assert run(settings(SAMPLE_INPUTS, tmp_path / "again", cache)).cached_stages == CACHED  # stored afresh


def test_a_fully_cached_run_imports_neither_spacy_nor_torch_nor_sklearn(cold, tmp_path):
    s, _ = cold
    code = (
        "import sys; from pathlib import Path; from synth.config import Settings; from synth.pipeline import run; "
        f"r = run(Settings(inputs=(Path({str(SAMPLE_INPUTS)!r}),), output=Path({str(tmp_path / 'run')!r}), "
        f"model='hashing', cache_dir=Path({str(s.cache_dir)!r}))); "
        "print(r.cached_stages, sorted(m for m in ('spacy', 'torch', 'sklearn', 'thinc') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.stdout.strip() == f"{CACHED} []"


def test_stage_cache_keys_are_salted_and_values_round_trip(tmp_path):
    words = "my neighbour Alice hates the checkout"
    one, two = StageCache(tmp_path / "a"), StageCache(tmp_path / "b")
    assert one.key("tag", words) != two.key("tag", words)  # each cache folder has its own salt
    assert one.key("tag", words) != one.key("cluster", words) != one.key("tag", words + ".")
    one.put("tag", one.key("tag", words), {"value": [1, 2]})
    assert one.get("tag", one.key("tag", words)) == {"value": [1, 2]}
    raw = (tmp_path / "a" / DB_NAME).read_bytes()
    assert hashlib.sha256(words.encode()).digest() not in raw and words.encode() not in raw


def test_sets_do_not_change_keys_across_processes(tmp_path):
    cache = StageCache(tmp_path / "c")
    key = cache.key("cluster", {"persona-1": {"k1", "k2", "k3"}}, [1.5, None])
    code = (
        "from pathlib import Path; from synth.stage_cache import StageCache; "
        f"print(StageCache(Path({str(tmp_path / 'c')!r})).key('cluster', {{'persona-1': {{'k3', 'k1', 'k2'}}}}, [1.5, None]))"
    )
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                              env={"PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"})
        assert done.stdout.strip() == key


def test_the_warm_start_rule_agrees_with_the_clusterer(cold):
    """The cluster key leaves out a previous draft that `cluster_participants` would ignore."""
    from synth import cluster

    s, _ = cold
    ctx = context(settings(SAMPLE_INPUTS, s.output, s.cache_dir), until="segment")
    rows = [r for r in cluster._with_evidence(ctx.participants, ctx.units)
            if not cluster.is_staff(ctx.participants[r].attributes)]
    ids = [ctx.participants[r].id for r in rows]
    matrix = np.random.default_rng(0).normal(size=(len(ids), 8))
    everyone = {pid: f"persona-{i % 3 + 1}" for i, pid in enumerate(ids)}
    cases = [
        {}, everyone, {pid: "persona-1" for pid in ids}, dict(list(everyone.items())[:-1]),
        {**everyone, ids[0]: ""}, {**dict(list(everyone.items())[1:]), ids[0]: ""},
    ]
    for previous in cases:
        expected = cluster._warm_labels(matrix, ids, previous, None) is not None
        assert warm_start_applies(ctx.participants, ctx.units, previous, None) == expected, previous


def test_persona_ids_skip_scipy_only_when_the_answer_is_the_same():
    rng = random.Random(3)
    people = [Participant(id=f"P{i:02d}", key=f"k{i}", source_ids=("s",)) for i in range(30)]
    for _ in range(200):
        shuffled = rng.sample(people, len(people))
        cuts = sorted(rng.sample(range(1, 30), rng.randint(1, 5)))
        groups = [shuffled[a:b] for a, b in zip([0, *cuts], [*cuts, 30])]
        previous = {f"persona-{rng.randint(1, 9)}": {p.key for p in g} for g in groups if rng.random() < 0.8}
        if rng.random() < 0.3:
            previous[f"persona-{rng.randint(1, 9)}"] = {p.key for p in rng.sample(people, 5)}
        ordered = sorted([g for g in groups if g], key=lambda g: (-len(g), min(p.id for p in g)))
        old = sorted(previous)
        reference = list(match_ids(groups, previous))
        if old:
            overlap = [[jaccard(g, previous[o]) for o in old] for g in ordered]
            pairs = dict(_hungarian(overlap))
            for r, c in pairs.items():
                if overlap[r][c] >= 0.3:
                    assert reference[r] == old[c]


def test_the_stage_cache_holds_no_unredacted_participant_words(cold):
    """Every stored value, decompressed, lacks a name the redactor removes (it is in the source)."""
    import pickle
    import sqlite3
    import zlib

    from synth.stage_cache import FORMAT

    s, _ = cold
    assert "Maya Patel" in (SAMPLE_INPUTS / "interview_01.txt").read_text(encoding="utf-8")
    assert "Patel" not in (s.output / "map.json").read_text(encoding="utf-8")
    with sqlite3.connect(s.cache_dir / "stages" / DB_NAME) as db:
        blobs = [bytes(b) for (b,) in db.execute("SELECT value FROM results")]
    assert len(blobs) >= 4
    for blob in blobs:
        raw = zlib.decompress(blob[len(FORMAT):])
        pickle.loads(raw)  # a real value, not noise
        assert b"Patel" not in raw and "Patel".encode("utf-16-le") not in raw


def test_a_run_without_redaction_stores_no_stage_results(tmp_path):
    run(settings(SAMPLE_INPUTS, tmp_path / "run", tmp_path / "cache", redact=False))
    db = tmp_path / "cache" / "stages" / DB_NAME
    assert not db.exists() or not sqlite3_rows(db)


def sqlite3_rows(path: Path) -> list:
    import sqlite3

    with sqlite3.connect(path) as db:
        return db.execute("SELECT stage FROM results").fetchall()


def test_a_stage_cache_locked_by_another_run_is_kept_not_started_afresh(tmp_path, monkeypatch):
    """A busy cache file (another run writing) is not damage: the store is skipped, nothing is deleted."""
    import sqlite3

    monkeypatch.setattr("synth.sqlitedb.LOCK_TIMEOUT_S", 0.2)
    cache = StageCache(tmp_path)
    cache.put("tag", cache.key("tag", "first"), {"kept": True})
    other = sqlite3.connect(tmp_path / DB_NAME)
    other.execute("BEGIN IMMEDIATE")  # another run holds the write lock
    try:
        cache.put("cluster", cache.key("cluster", "second"), {"stored": "later"})
    finally:
        other.rollback()
        other.close()
    assert cache.get("tag", cache.key("tag", "first")) == {"kept": True}
    assert cache.get("cluster", cache.key("cluster", "second")) is None  # only stored by the next run
