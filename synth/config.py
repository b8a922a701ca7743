"""Run settings: data with defaults, validated once at the boundary.

Stage code never reads files or the environment; it gets a `Settings`.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from synth.embed import DEFAULT_MODEL, check_model
from synth.errors import ConfigError

# Tag profiles are off by default (a study can turn them on with `weights`): on the AMI dev
# meetings (ES2004, ES2011, IS1003; docs/quality.md), with the current tagger and content-word
# profiles, K=4 personas agree with role at ARI 0.889 with tags at 0 and 0.557 at 0.1. In a
# room the stage/kind mix of a person's turns varies more by moment and manner than by person.
DEFAULT_WEIGHTS = {"text": 1.0, "tags": 0.0, "attributes": 1.0}


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
    cache_dir: Path | None = None  # embeddings and models; default: default_cache_dir()
    resamples: int = 20
    models_dir: Path | None = None  # distilled/exported models; default: <cache_dir>/models
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    coded: Path | None = None  # a coded sample (synth eval's columns) to measure agreement on

    def __post_init__(self) -> None:
        if not self.inputs:
            raise ConfigError("at least one INPUT folder or file is needed")
        for path in self.inputs:
            if not Path(path).exists():
                raise ConfigError(f"input {str(path)!r} does not exist", hint="check the path and try again")
        if self.personas is not None and not 1 <= self.personas <= 50:
            raise ConfigError(f"--personas must be 'auto' or an integer from 1 to 50. Got {self.personas} instead.")
        if self.codebook is not None and not Path(self.codebook).is_file() and not _is_domain_name(self.codebook):
            raise ConfigError(
                f"codebook {str(self.codebook)!r} does not exist",
                hint="run `synth codebook init` to write one, or name a packaged one (`synth codebook list`)",
            )
        if self.train is not None and not Path(self.train).is_file():
            raise ConfigError(f"training file {str(self.train)!r} does not exist")
        if self.coded is not None and not Path(self.coded).is_file():
            raise ConfigError(f"coded sample {str(self.coded)!r} does not exist", hint="--coded takes a CSV with synth eval's columns")
        if Path(self.output).exists() and not Path(self.output).is_dir():
            raise ConfigError(f"-o {str(self.output)!r} is a file, not a folder", hint="give -o a folder (it is created if missing)")
        check_model(self.model)  # offline, before any work: an unknown name is one clear line
        unknown = set(self.weights) - set(DEFAULT_WEIGHTS)
        if unknown:
            raise ConfigError(f"unknown feature weight(s) {sorted(unknown)}; must be one of {sorted(DEFAULT_WEIGHTS)}")

    @property
    def cache_root(self) -> Path:
        return Path(self.cache_dir) if self.cache_dir else default_cache_dir()

    @property
    def embedding_cache(self) -> Path:
        return self.cache_root / "embeddings"

    @property
    def model_folder(self) -> Path:
        return Path(self.models_dir) if self.models_dir else self.cache_root / "models"

    def to_dict(self) -> dict:
        """Settings as recorded in run.json (paths as given, not resolved: outputs stay portable)."""
        data = asdict(self)
        data["inputs"] = [str(p) for p in self.inputs]
        for key in ("output", "codebook", "train", "cache_dir", "models_dir", "coded"):
            data[key] = None if data[key] is None else str(data[key])
        data["personas"] = "auto" if self.personas is None else self.personas
        return data


CACHE_ENV = "SYNTH_CACHE_DIR"


def default_cache_dir() -> Path:
    """synth's per-user cache (embeddings, distilled models): $SYNTH_CACHE_DIR, else the platform's
    user cache folder (`~/.cache/synth` on Linux), never relative to the working directory."""
    moved = os.environ.get(CACHE_ENV)
    if moved:
        return Path(moved).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("synth", appauthor=False))


def default_models_dir() -> Path:
    return default_cache_dir() / "models"


def parse_personas(value: str) -> int | None:
    """`auto` or a positive integer, as given to --personas."""
    if value.strip().lower() == "auto":
        return None
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"--personas must be 'auto' or an integer. Got {value!r} instead.") from None


def _is_domain_name(name: Path | str) -> bool:
    """A packaged codebook's name; imported only when a codebook is named (the codebook module and its YAML
    checks are 23 ms of `synth inspect`'s imports, which names none)."""
    from synth.tag.codebook import is_domain_name

    return is_domain_name(name)
