"""synth: the first, slowest part of customer-journey mapping, offline."""

__version__ = "0.1.0"
