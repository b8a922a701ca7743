"""The reader registry: a package adds a format family through `synth.ingest.readers` (or its
`synth_readers` entry points) and `read_inputs` uses it after the built-in families."""

from __future__ import annotations

from pathlib import Path

import catalogue

from synth.ingest import read_inputs, readers
from synth.records import Source, Speaker, Span, Turn


class KeyValueNotes:
    """A toy family: `.kv` files of `speaker = words` lines."""

    @staticmethod
    def sniff(path: Path, head: str) -> str | None:
        return "kv" if path.suffix == ".kv" else None

    @staticmethod
    def read(path: Path, rel: str, fmt: str) -> Source:
        lines = tuple(path.read_text(encoding="utf-8").splitlines())
        turns = []
        for number, line in enumerate(lines, start=1):
            speaker, _, words = line.partition(" = ")
            start = len(speaker) + 3
            turns.append(Turn(speaker=speaker, text=words, spans=(Span(number, start, start + len(words)),)))
        speakers = tuple(Speaker(name, "participant", "kv file") for name in dict.fromkeys(t.speaker for t in turns))
        return Source(id="", path=rel, kind="transcript", format=fmt, sha256="", lines=lines, turns=tuple(turns),
                      speakers=speakers)


def test_a_registered_family_reads_its_files_and_the_built_in_ones_still_come_first(tmp_path):
    (tmp_path / "notes.kv").write_text("Ana = The delivery slot was gone by Monday.\n", encoding="utf-8")
    (tmp_path / "call.txt").write_text("Interviewer: How was it?\nBen: Fine, quick.\n", encoding="utf-8")
    before, problems = read_inputs([tmp_path])
    assert [s.path for s in before] == ["call.txt"] and any(p.path == "notes.kv" for p in problems)
    readers.register("kv-notes", func=KeyValueNotes)
    try:
        sources, problems = read_inputs([tmp_path])
    finally:
        catalogue.REGISTRY.pop(("synth", "readers", "kv-notes"), None)
    by_path = {s.path: s for s in sources}
    assert set(by_path) == {"call.txt", "notes.kv"} and not [p for p in problems if p.severity == "error"]
    assert by_path["notes.kv"].format == "kv" and by_path["call.txt"].format != "kv"
    assert [t.text for t in by_path["notes.kv"].turns] == ["The delivery slot was gone by Monday."]
