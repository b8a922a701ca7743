"""Tagging: what each evidence unit is about, with a score and a reason a reviewer can check.

Public entry points: `tag_units` (the pipeline's tag stage), `LabelledExample`
and `read_labelled` (labelled CSVs for `--train` and `synth eval`). The codebook
lives in `synth.tag.codebook`, the scorer for `synth eval` in `synth.tag.evaluate`.
"""

from synth.tag.labelled import LabelledExample, read_labelled
from synth.tag.tagger import tag_units

__all__ = ["LabelledExample", "read_labelled", "tag_units"]
