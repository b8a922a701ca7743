"""synth.parallel: chunks mapped in order, in forked workers or in process."""

from __future__ import annotations

import os

import pytest

from synth.parallel import can_fork, chunked, ordered_map, spare_core, workers


def _square_with_pid(state, chunk):
    return [(state[i] ** 2, os.getpid()) for i in chunk]


def test_chunked_covers_the_range_in_order():
    assert chunked(7, 3) == [range(0, 3), range(3, 6), range(6, 7)]
    assert chunked(0, 3) == []


@pytest.mark.parametrize("processes", [1, 2])
def test_results_come_back_in_chunk_order(processes):
    numbers = list(range(40))
    results = [r for part in ordered_map(_square_with_pid, numbers, chunked(40, 5), processes=processes) for r in part]
    assert [square for square, _ in results] == [n * n for n in numbers]
    pids = {pid for _, pid in results}
    if processes == 1 or not can_fork():
        assert pids == {os.getpid()}
    else:
        assert os.getpid() not in pids


def test_few_chunks_stay_in_this_process():
    results = [r for part in ordered_map(_square_with_pid, [1, 2], chunked(2, 1), processes=2) for r in part]
    assert {pid for _, pid in results} == {os.getpid()}


def test_workers_is_at_least_one_and_at_most_two():
    assert 1 <= workers() <= 2


def test_a_spare_core_is_a_yes_or_no():
    assert spare_core(0.01) in (True, False)
