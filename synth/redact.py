"""Kept for existing imports: redaction lives in `synth.privacy`."""

from synth.privacy.names import find_mentions, name_forms  # noqa: F401
from synth.privacy.numbers import find_pii  # noqa: F401
from synth.privacy.redactor import Redactor  # noqa: F401
from synth.privacy.words import INTERVIEWER, MENTIONED  # noqa: F401
