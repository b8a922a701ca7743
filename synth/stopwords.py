"""spaCy's English stop words, without importing spaCy.

`from spacy.lang.en.stop_words import STOP_WORDS` runs `spacy/__init__.py`,
which imports thinc and torch: 1.3 s of a 9.6 s warm demo re-run went to that
one import (`python -X importtime -m synth run ...`), and `synth review` paid it
too. The list itself is a plain module with no imports, so it is executed here
straight from spaCy's installed file: the words stay spaCy's (a maintained
list, updated with spaCy), and nothing else of spaCy is loaded.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path


def _load() -> frozenset[str]:
    spec = importlib.util.find_spec("spacy")  # finds the package folder without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("spaCy is not installed; synth needs it (pip install spacy)")
    path = Path(next(iter(spec.submodule_search_locations))) / "lang" / "en" / "stop_words.py"
    namespace: dict[str, object] = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)  # noqa: S102 - spaCy's own file
    words = namespace["STOP_WORDS"]
    assert isinstance(words, set)
    return frozenset(words)


STOP_WORDS: frozenset[str] = _load()
