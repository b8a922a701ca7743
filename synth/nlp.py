"""The one spaCy pipeline synth uses: a trained English pipeline when installed,
otherwise `spacy.blank("en")` with a sentencizer and the lookup lemmatizer.

Loaded once per process (`get_nlp()`); spaCy `Doc`s never leave segment/tag code.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

TRAINED_PIPELINES = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg")


@lru_cache(maxsize=4)
def get_nlp(name: str | None = None):
    """Return the spaCy Language; `name` forces a pipeline, None picks the best installed."""
    import spacy

    for candidate in ([name] if name else TRAINED_PIPELINES):
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


def has_entities(nlp) -> bool:
    """True when the pipeline can find PERSON entities (a trained pipeline)."""
    return "ner" in nlp.pipe_names


def pipeline_id(nlp) -> str:
    meta = nlp.meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', 'pipeline')}-{meta.get('version', '0')}"
