"""Does the codebook fit the study? Warnings for a run whose tags say it does not.

Two signs, each measured over the run's units: most units get no stage at all
(the stages describe another journey), or one touchpoint lands on most units
(a channel word that means something else in this study, or a study that is all
one channel, where the touchpoint tells the reader nothing). Either way the fix
is a codebook written for the study: `--codebook`, starting from
`synth codebook init --domain NAME` (`synth codebook list`).

NO_STAGE_SHARE and TOUCHPOINT_SHARE were set by looking at the retail sample
(sample_inputs: the default fits) and an AMI product-design meeting
(../shared/data/qmsum-ami-product-meetings: it does not), see docs/tagging.md.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from synth.records import Problem, Tagging
from synth.tag.codebook import Codebook

NO_STAGE_SHARE = 0.5
TOUCHPOINT_SHARE = 0.5
MIN_UNITS = 20  # fewer units say too little to warn about
HINT = ("pass --codebook with a codebook written for this study; start from `synth codebook init --domain NAME` "
        "(`synth codebook list` shows the domains)")  # fmt: skip


def codebook_fit_warnings(taggings: Sequence[Tagging], codebook: Codebook) -> list[Problem]:
    """Warning records (severity "warning") when the codebook looks wrong for these units; [] when it fits."""
    n = len(taggings)
    if n < MIN_UNITS:
        return []
    where = codebook.path or "default codebook"
    out = []
    no_stage = sum(t.stage is None for t in taggings)
    if codebook.stages and no_stage / n > NO_STAGE_SHARE:
        out.append(Problem(where, f"the codebook may not fit this study: {no_stage} of {n} units "
                                  f"({no_stage / n:.0%}) match none of its stages", hint=HINT, severity="warning"))  # fmt: skip
    counts = Counter(tp.id for t in taggings for tp in t.touchpoints)
    labels = {c.id: c.label for c in codebook.touchpoints}
    for code_id, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:1]:
        if count / n > TOUCHPOINT_SHARE:
            out.append(Problem(where, f"the codebook may not fit this study: one touchpoint, {labels.get(code_id, code_id)}, "
                                      f"is on {count} of {n} units ({count / n:.0%})", hint=HINT, severity="warning"))  # fmt: skip
    return out
