"""Kept for existing imports: the detectors live in `synth.privacy.numbers`."""

from synth.privacy.numbers import DETECTORS, Found, find_pii, luhn_valid  # noqa: F401
