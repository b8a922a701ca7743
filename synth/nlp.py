"""The one spaCy pipeline synth uses: a trained English pipeline when installed,
otherwise `spacy.blank("en")` with a sentencizer and the lookup lemmatizer.

Loaded once per process (`get_nlp()`); spaCy `Doc`s never leave segment/tag code.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from types import ModuleType
from typing import Any
from weakref import WeakKeyDictionary, WeakSet

log = logging.getLogger(__name__)

TRAINED_PIPELINES = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg")


def import_spacy() -> ModuleType:
    """Import spaCy without letting thinc import torch, and without spaCy's command line.

    thinc (under spaCy) imports torch when it is installed, only to offer torch-backed
    layers. The pipelines synth loads (blank English, en_core_web_sm/md/lg) are CNN or
    rule pipelines that never use them, and importing torch cost 2.3 s of the 5.3 s of
    `synth inspect` on one 8.7 KB transcript (`python -X importtime`, load 1.6), and the
    same in every `--model static/fast/hashing` run, which need no torch at all.
    So while spaCy is first imported, `torch` is marked as not importable; thinc then
    records that torch is absent. A later `import torch` (sentence-transformers) works
    as usual. If torch is already imported, spaCy is imported normally.

    spaCy's `__init__` also imports `spacy.cli` for the one name `spacy.info`; the command
    line pulls in weasel, requests, typer's adapters and jinja2, 0.35-0.40 s of the 1.0 s
    that `import spacy` takes (`python -X importtime`, load 2.6-3.3).
    So `spacy.cli.info` is stood in for, during that import only, by a module whose `info`
    imports the real one when called; afterwards `import spacy.cli` loads the real package.
    """
    if "spacy" in sys.modules:
        import spacy

        return spacy
    stand_ins = _cli_stand_ins()
    blocked = "torch" not in sys.modules
    if blocked:
        sys.modules["torch"] = None  # type: ignore[assignment]
    sys.modules.update(stand_ins)
    try:
        import spacy
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
        if blocked and sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return spacy


def _cli_stand_ins() -> dict[str, ModuleType]:
    """Stand-ins for `spacy.cli` and `spacy.cli.info` while spaCy is imported (see `import_spacy`)."""

    def info(*args: Any, **kwargs: Any) -> Any:
        from spacy.cli.info import info as real

        return real(*args, **kwargs)

    package = ModuleType("spacy.cli")
    package.__path__ = []  # a package, so that `spacy.cli.info` resolves to the stand-in below
    module = ModuleType("spacy.cli.info")
    module.info = info  # type: ignore[attr-defined]
    return {"spacy.cli": package, "spacy.cli.info": module}


def get_nlp(name: str | None = None, *, lemmas: bool = True):
    """Return the spaCy Language; `name` forces a pipeline, None picks the best installed.

    `lemmas=False` is for callers that only split sentences (segmentation disables every pipe but the
    sentencizer): the blank pipeline's lookup lemmatizer is then left unloaded, since reading its
    41,582-entry table is 58 ms of the ~1 s of `synth inspect` on one transcript (issue 17). The same
    Language is returned either way; the first call with `lemmas=True` loads the table, and an unloaded
    lookup lemmatizer refuses to run (spaCy's E1004), so no lemma is ever silently missing."""
    nlp = _pipeline(name)
    if lemmas and nlp in _UNLOADED:
        _UNLOADED.discard(nlp)
        try:
            nlp.get_pipe("lemmatizer").initialize()
        except Exception:  # spacy-lookups-data missing: lemmas fall back to lower-case text
            nlp.remove_pipe("lemmatizer")
            log.warning("spacy-lookups-data is not installed; lemmas fall back to lower-case words")
    return nlp


_UNLOADED: WeakSet[Any] = WeakSet()  # blank pipelines whose lookup lemmatizer has not read its table yet


@lru_cache(maxsize=4)
def _pipeline(name: str | None):
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
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    _UNLOADED.add(nlp)
    return nlp


def pipe_docs(nlp, texts: Iterable[str], *, batch_size: int = 256, disable: Sequence[str] = ()) -> Iterator[Any]:
    """`nlp.pipe(texts, batch_size=..., disable=...)`, with the lookup lemmatizer's work done from a cache.

    spaCy's lookup lemmatizer hashes each token's text twice and builds a list per token: it was
    2.5 of 3.5 s of tokenising 22,000 units for the tagging rules (the lemma of a word depends on
    its text only, so one lookup per distinct word gives the same lemmas). Only for a lookup
    lemmatizer that runs last and is ready; any other pipeline is piped as it is."""
    lemmatizer = _lookup_lemmatizer(nlp, disable)
    if lemmatizer is None:
        yield from nlp.pipe(texts, batch_size=batch_size, disable=list(disable))
        return
    cache = _LEMMAS.setdefault(lemmatizer, {})
    table = lemmatizer.lookups.get_table("lemma_lookup", {})
    for doc in nlp.pipe(texts, batch_size=batch_size, disable=[*disable, "lemmatizer"]):
        strings = doc.vocab.strings
        for token in doc:
            if token.lemma == 0:
                lemma = cache.get(token.orth)
                if lemma is None:
                    found = table.get(token.text, token.text)
                    lemma = cache[token.orth] = strings.add(found if isinstance(found, str) else found[0])
                token.lemma = lemma
        yield doc


_LEMMAS: WeakKeyDictionary[Any, dict[int, int]] = WeakKeyDictionary()  # lemmatizer -> word hash -> lemma hash


def _lookup_lemmatizer(nlp, disable: Sequence[str]):
    if not nlp.pipe_names or nlp.pipe_names[-1] != "lemmatizer" or "lemmatizer" in disable:
        return None
    lemmatizer = nlp.get_pipe("lemmatizer")
    ready = getattr(lemmatizer, "mode", None) == "lookup" and not getattr(lemmatizer, "overwrite", True)
    return lemmatizer if ready and getattr(lemmatizer, "_validated", False) else None
