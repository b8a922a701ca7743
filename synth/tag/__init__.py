"""Tagging: what each evidence unit is about, with a score and a reason a reviewer can check.

Public entry points: `tag_units` (the pipeline's tag stage), `LabelledExample`
and `read_labelled` (labelled CSVs for `--train` and `synth eval`). The codebook
lives in `synth.tag.codebook`, the scorer for `synth eval` in `synth.tag.evaluate`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from synth.tag.labelled import LabelledExample, read_labelled
    from synth.tag.tagger import tag_units

__all__ = ["LabelledExample", "read_labelled", "tag_units"]
_HOMES = {"LabelledExample": "synth.tag.labelled", "read_labelled": "synth.tag.labelled", "tag_units": "synth.tag.tagger"}


def __getattr__(name: str) -> Any:
    """Entry points load on first use (PEP 562): `synth codebook init/list/check` import
    `synth.tag.codebook` only, which needs neither spaCy nor torch (5.7 s -> well under 1 s)."""
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'synth.tag' has no attribute {name!r}")
