"""synth.atomic: a file is replaced whole or not at all, and left alone when its bytes would not change."""

from __future__ import annotations

import os

import pytest

from synth.atomic import write_bytes, write_chunks


def test_chunks_are_written_whole_and_an_unchanged_file_is_not_rewritten(tmp_path):
    path = tmp_path / "out" / "map.json"
    assert write_chunks(path, iter([b"{", b'"a": 1', b"}\n"]))
    assert path.read_bytes() == b'{"a": 1}\n'
    os.utime(path, (1, 1))
    assert not write_chunks(path, [b'{"a": 1}', b"\n"]) and path.stat().st_mtime == 1
    assert not write_bytes(path, b'{"a": 1}\n')
    assert write_chunks(path, [b"{}\n"]) and path.read_bytes() == b"{}\n"
    assert [p.name for p in path.parent.iterdir()] == ["map.json"]  # no temporary file left


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "evidence.csv"
    path.write_bytes(b"old\n")

    def chunks():
        yield b"new"
        raise RuntimeError("renderer failed")

    with pytest.raises(RuntimeError):
        write_chunks(path, chunks())
    assert path.read_bytes() == b"old\n" and [p.name for p in tmp_path.iterdir()] == ["evidence.csv"]
