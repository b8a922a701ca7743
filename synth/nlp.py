"""The one spaCy pipeline synth uses: a trained English pipeline when installed,
otherwise `spacy.blank("en")` with a sentencizer and the lookup lemmatizer.

Loaded once per process (`get_nlp()`); spaCy `Doc`s never leave segment/tag code.
"""

from __future__ import annotations

import logging
import sys
from functools import lru_cache
from types import ModuleType
from typing import Any

log = logging.getLogger(__name__)

TRAINED_PIPELINES = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg")


def import_spacy() -> ModuleType:
    """Import spaCy without letting thinc import torch, unless torch is already loaded.

    thinc (under spaCy) imports torch when it is installed, only to offer torch-backed
    layers. The pipelines synth loads (blank English, en_core_web_sm/md/lg) are CNN or
    rule pipelines that never use them, and importing torch cost 2.3 s of the 5.3 s of
    `synth inspect` on one 8.7 KB transcript (`python -X importtime`, load 1.6), and the
    same in every `--model static/fast/hashing` run, which need no torch at all.
    So while spaCy is first imported, `torch` is marked as not importable; thinc then
    records that torch is absent. A later `import torch` (sentence-transformers) works
    as usual. If torch is already imported, spaCy is imported normally.
    """
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return spacy


@lru_cache(maxsize=4)
def get_nlp(name: str | None = None):
    """Return the spaCy Language; `name` forces a pipeline, None picks the best installed."""
    spacy = import_spacy()

    for candidate in [name] if name else TRAINED_PIPELINES:
        try:
            nlp = spacy.load(candidate)
        except (OSError, ImportError):
            continue
        if "senter" not in nlp.pipe_names and "parser" not in nlp.pipe_names:
            nlp.add_pipe("sentencizer", first=True)
        log.info("using spaCy pipeline %s", candidate)
        return nlp
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    try:
        lemmatizer: Any = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        lemmatizer.initialize()
    except Exception:  # spacy-lookups-data missing: lemmas fall back to lower-case text
        log.warning("spacy-lookups-data is not installed; lemmas fall back to lower-case words")
    return nlp
