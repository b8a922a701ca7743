"""Start-up cost and throughput of redaction: the figures behind the gazetteer choice.

    PYTHONPATH=. python bench/privacy_load.py [FOLDER]

Prints the time and memory to load the first-name gazetteer and the English
lexicon, then the time to build a Redactor and redact every participant turn
of FOLDER (default: sample_inputs).
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path


def _mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "sample_inputs")
    from synth.ingest import read_inputs
    from synth.privacy import words
    from synth.privacy.redactor import Redactor
    from synth.segment import build_participants

    before, start = _mb(), time.perf_counter()
    words.is_first_name("sophie") and words.is_dictionary_word("apple")
    print(f"gazetteer + lexicon: {time.perf_counter() - start:.2f} s, +{_mb() - before} MB max RSS")
    sources, _ = read_inputs([folder])
    evidence = [s for s in sources if s.kind != "participants"]
    participants = build_participants(evidence)
    start = time.perf_counter()
    redactor = Redactor.from_sources(evidence, participants)
    built = time.perf_counter() - start
    turns = [t.text for s in evidence for t in s.turns]
    start = time.perf_counter()
    for text in turns:
        redactor.redact(text)
    print(f"{folder}: redactor built in {built:.2f} s ({len(redactor.aliases)} name forms); "
          f"{len(turns)} turns redacted in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
