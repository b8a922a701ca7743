"""Run settings: data with defaults, validated once at the boundary.

Stage code never reads files or the environment; it gets a `Settings`.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from synth.embed import DEFAULT_MODEL, HASHING_MODEL, STATIC_MODEL
from synth.errors import ConfigError

DOWNLOAD_ENV = "SYNTH_ALLOW_DOWNLOAD"  # "1": let sentence-transformers fetch a model not on this machine

# Tag profiles weigh little: on the AMI meetings (docs/quality.md) they cost persona-vs-role
# agreement quickly (ARI 0.73 at 0, 0.71 at 0.1, 0.33 at 0.2), since what people talk
# about in one room varies more by moment than by person.
DEFAULT_WEIGHTS = {"text": 1.0, "tags": 0.1, "attributes": 1.0}


@dataclass(frozen=True)
class Settings:
    """Everything that shapes a run's outputs (recorded in run.json)."""

    inputs: tuple[Path, ...]
    output: Path
    codebook: Path | None = None
    model: str = DEFAULT_MODEL
    personas: int | None = None  # None = chosen from the data
    seed: int = 0
    redact: bool = True
    strict: bool = False
    train: Path | None = None
    cache_dir: Path | None = None  # default: <output>/../.cache/embeddings
    resamples: int = 20
    models_dir: Path = Path("models")  # where `--model static` keeps its distilled model
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def __post_init__(self) -> None:
        if not self.inputs:
            raise ConfigError("at least one INPUT folder or file is needed")
        for path in self.inputs:
            if not Path(path).exists():
                raise ConfigError(f"input {str(path)!r} does not exist", hint="check the path and try again")
        if self.personas is not None and not 1 <= self.personas <= 50:
            raise ConfigError(f"--personas must be 'auto' or an integer from 1 to 50. Got {self.personas} instead.")
        if self.codebook is not None and not Path(self.codebook).is_file():
            raise ConfigError(f"codebook {str(self.codebook)!r} does not exist", hint="run `synth codebook init` to write one")
        if self.train is not None and not Path(self.train).is_file():
            raise ConfigError(f"training file {str(self.train)!r} does not exist")
        if Path(self.output).exists() and not Path(self.output).is_dir():
            raise ConfigError(f"-o {str(self.output)!r} is a file, not a folder", hint="give -o a folder (it is created if missing)")
        check_model(self.model)
        unknown = set(self.weights) - set(DEFAULT_WEIGHTS)
        if unknown:
            raise ConfigError(f"unknown feature weight(s) {sorted(unknown)}; must be one of {sorted(DEFAULT_WEIGHTS)}")

    @property
    def embedding_cache(self) -> Path:
        return Path(self.cache_dir) if self.cache_dir else Path(self.output).parent / ".cache" / "embeddings"

    def to_dict(self) -> dict:
        """Settings as recorded in run.json (paths as given, not resolved: outputs stay portable)."""
        data = asdict(self)
        data["inputs"] = [str(p) for p in self.inputs]
        for key in ("output", "codebook", "train", "cache_dir", "models_dir"):
            data[key] = None if data[key] is None else str(data[key])
        data["personas"] = "auto" if self.personas is None else self.personas
        return data


def parse_personas(value: str) -> int | None:
    """`auto` or a positive integer, as given to --personas."""
    if value.strip().lower() == "auto":
        return None
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"--personas must be 'auto' or an integer. Got {value!r} instead.") from None


def check_model(name: str) -> None:
    """Refuse, at once and offline, a --model that cannot load without the network.

    Accepted: the packaged default, `static`, `hashing[-DIM]`, a folder, or a name already
    in the Hugging Face cache; anything else only with SYNTH_ALLOW_DOWNLOAD=1 (otherwise
    the hub client would retry for minutes before failing).
    """
    if name in (DEFAULT_MODEL, STATIC_MODEL, HASHING_MODEL) or re.fullmatch(rf"{HASHING_MODEL}-\d+", name):
        return
    if Path(name).is_dir() or os.environ.get(DOWNLOAD_ENV) == "1" or _in_hub_cache(name):
        return
    raise ConfigError(
        f"--model {name!r} is not on this machine (not {DEFAULT_MODEL}, static or hashing, not a folder, "
        "not in the Hugging Face cache)",
        hint=f"give the folder of a sentence-transformers model, or set {DOWNLOAD_ENV}=1 to download it",
    )


def _in_hub_cache(name: str) -> bool:
    from huggingface_hub.constants import HF_HUB_CACHE

    names = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    return any((Path(HF_HUB_CACHE) / ("models--" + n.replace("/", "--"))).is_dir() for n in names)
