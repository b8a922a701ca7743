"""Issue 13: any sequence of review commands, interleaved with re-runs on changed inputs.

Property: review.yaml stays valid, every decision a command accepted is still there
at the end (the last word on each persona or unit wins), a re-run never changes
review.yaml, a decision whose target left the run is noted in run.json, and no
command hangs (each under a time bound, enforced with SIGALRM).
"""

from __future__ import annotations

import json
import shutil
import signal
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from synth.cli import app
from synth.review import load_review
from tests.conftest import SAMPLE_INPUTS

runner = CliRunner()
FILES = ("interview_01.txt", "interview_03_qa.txt", "interview_04_otter.txt", "interview_02_timestamped.txt")
BOUND_S = 120  # generous for a loaded 2-core machine; a hang is unbounded


@contextmanager
def time_bound(seconds: int):
    def fail(*_):
        raise TimeoutError(f"command took over {seconds} s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def invoke(*args: str):
    with time_bound(BOUND_S):
        return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = tmp_path_factory.mktemp("seq")
    inputs = root / "inputs"
    inputs.mkdir()
    for name in FILES:
        shutil.copy(SAMPLE_INPUTS / name, inputs / name)
    common = ["--model", "hashing", "--personas", "3", "--cache-dir", str(root / "cache")]
    assert invoke("run", str(inputs), "-o", str(root / "out"), *common).exit_code == 0
    return root, common


command = st.one_of(
    st.tuples(st.sampled_from(["approve", "reject"]), st.integers(0, 3)),
    st.tuples(st.just("rename"), st.integers(0, 3), st.sampled_from(["Planner", "Ad hoc", "Café régulier"])),
    st.tuples(st.just("merge"), st.integers(0, 3), st.integers(0, 3)),
    st.tuples(st.sampled_from(["exclude", "pin"]), st.integers(0, 400)),
    st.tuples(st.just("relabel"), st.integers(0, 400), st.sampled_from(["support", "purchase", "none"])),
    st.tuples(st.just("rerun"), st.sampled_from(["line-above", "drop-file", "restore"])),
)


def _ids(out):
    draft = json.loads((out / "map.draft.json").read_text())
    return [p["id"] for p in draft["personas"]] + ["persona-9"], [u["id"] for u in draft["units"]]


def _change_inputs(inputs, how: str) -> None:
    target = inputs / FILES[1]
    if how == "line-above" and target.exists():
        target.write_text("Typed up again.\n" + target.read_text())
    elif how == "drop-file" and target.exists():
        target.unlink()
    elif how == "restore":
        shutil.copy(SAMPLE_INPUTS / FILES[1], target)


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(command, min_size=2, max_size=6))
def test_review_sequences_lose_nothing(base, tmp_path_factory, steps):
    root, common = base
    work = tmp_path_factory.mktemp("case")
    inputs, out = work / "inputs", work / "out"
    shutil.copytree(root / "inputs", inputs)
    shutil.copytree(root / "out", out)
    expected: dict[tuple[str, str], object] = {}
    excluded, pinned = set(), set()
    for step in steps:
        personas, units = _ids(out)
        verb = step[0]
        if verb == "rerun":
            before = (out / "review.yaml").read_bytes()
            _change_inputs(inputs, step[1])
            result = invoke("run", str(inputs), "-o", str(out), *common)
            assert result.exit_code == 0, result.output
            assert (out / "review.yaml").read_bytes() == before
            notes = " ".join(json.loads((out / "run.json").read_text())["review"])
            now = {u["id"] for u in json.loads((out / "map.draft.json").read_text())["units"]}
            assert all(u in notes for u in excluded - now), "a vanished exclusion was not noted"
            continue
        if verb in ("approve", "reject", "rename"):
            pid = personas[step[1] % len(personas)]
            args = [verb, pid] + ([step[2]] if verb == "rename" else [])
        elif verb == "merge":
            pid, into = personas[step[1] % len(personas)], personas[step[2] % len(personas)]
            args = ["merge", pid, into]
        elif verb in ("exclude", "pin"):
            uid = units[step[1] % len(units)]
            args = [verb, uid]
        else:
            uid = units[step[1] % len(units)]
            args = ["relabel", uid, "--stage", step[2]]
        result = invoke("review", str(out), *args)
        assert result.exit_code in (0, 2), result.output  # 2: an unknown id, a self-merge or a cycle, refused
        load_review(out / "review.yaml")  # always valid
        if result.exit_code != 0:
            assert "Error:" in result.output
            continue
        if verb in ("approve", "reject"):
            expected[(pid, "status")] = "approved" if verb == "approve" else "rejected"
        elif verb == "rename":
            expected[(pid, "name")] = step[2]
        elif verb == "merge":
            expected[(pid, "merge_into")] = into
        elif verb == "exclude":
            excluded.add(uid)
        elif verb == "pin":
            pinned.add(uid)
        else:
            expected[(uid, "stage")] = None if step[2] == "none" else step[2]
    review = load_review(out / "review.yaml")
    for (key, field), value in expected.items():
        got = review.units[key].get("stage") if field == "stage" else getattr(review.personas[key], field)
        assert got == value, (key, field)
    assert excluded <= review.excluded and pinned <= set(review.pinned)
