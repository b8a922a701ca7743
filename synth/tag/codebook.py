"""The codebook: stages, kinds, touchpoints and sentiment words as data, validated on load.

A codebook is YAML, read with ruamel.yaml (which keeps every key's line) and
checked with the pydantic models below (`synth.yamlcheck` turns each error into a
sentence at its line). `check_codebook` collects every error; `load_codebook`
raises the first. The packaged default lives in
`synth/resources/codebook.yaml` (`synth codebook init` writes a copy to edit).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, Strict, ValidationInfo, field_validator

from synth.errors import ConfigError
from synth.yamlcheck import Shape, Wording, entry_line, line_of, load_yaml, validate

SECTIONS = ("stages", "kinds", "touchpoints")
LANE_KINDS = ("pain_point", "motivation", "action", "emotion")  # the journey map's lanes need these
SENTIMENT_KEYS = ("positive_words", "negative_words", "intensifiers", "positive_examples", "negative_examples", "neutral_examples")
# prior: share of a kind's meaning given to the zero-shot description prior (chosen on the NaPiRE and complaints dev halves)
DEFAULT_WEIGHTS = {"rules": 0.8, "similarity": 0.6, "classifier": 0.6, "question": 0.5, "prior": 0.4}
DEFAULT_THRESHOLDS = {"stages": 0.45, "kinds": 0.5, "touchpoints": 0.7}
DEFAULT_NEGATIONS = ("not", "no", "never", "without", "hardly", "barely", "nothing", "nobody", "neither", "nor")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Code:
    """One stage, kind or touchpoint: what it means and how to recognise it."""

    id: str
    label: str
    description: str = ""
    examples: tuple[str, ...] = ()
    negatives: tuple[str, ...] = ()  # sentences that look alike but must not match
    patterns: tuple[str, ...] = ()  # lemma phrases; `*` stands for any one word
    threshold: float = 0.5
    line: int | None = None


@dataclass(frozen=True)
class Competitor:
    """Another product or service participants compare with (`competitors:`, see synth.competitors)."""

    name: str
    aliases: tuple[str, ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class SentimentWords:
    """Word lists and example sentences for the sentiment score."""

    positive_words: tuple[str, ...] = ()
    negative_words: tuple[str, ...] = ()
    intensifiers: tuple[str, ...] = ()
    positive_examples: tuple[str, ...] = ()
    negative_examples: tuple[str, ...] = ()
    neutral_examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Codebook:
    """A validated codebook. `path` is None for the packaged default."""

    stages: tuple[Code, ...]
    kinds: tuple[Code, ...]
    touchpoints: tuple[Code, ...]
    sha256: str
    path: str | None
    sentiment: SentimentWords = SentimentWords()
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    negations: tuple[str, ...] = DEFAULT_NEGATIONS
    negation_window: int = 3
    neutral_band: float = 0.1
    none_examples: tuple[str, ...] = ()  # sentences with no kind: counter-examples for every kind
    competitors: tuple[Competitor, ...] = ()  # optional: named products and services to look for

    def section(self, name: str) -> tuple[Code, ...]:
        return getattr(self, name)


def default_codebook_text() -> str:
    """The packaged default codebook, as written by `synth codebook init`."""
    return resources.files("synth.resources").joinpath("codebook.yaml").read_text(encoding="utf-8")


def list_domains() -> list[tuple[str, str]]:
    """(name, first comment line) of each packaged domain codebook, sorted by name."""
    folder = resources.files("synth.resources").joinpath("codebooks")
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            first = entry.read_text(encoding="utf-8").split("\n", 1)[0].lstrip("# ").strip()
            out.append((entry.name[: -len(".yaml")], first))
    return out


def domain_codebook_text(name: str) -> str:
    """A packaged domain codebook's text; ConfigError naming the domains there are."""
    names = [n for n, _ in list_domains()]
    if name not in names:
        raise ConfigError(f"domain must be one of {', '.join(names)}. Got {name!r} instead.",
                          hint="see `synth codebook list`")  # fmt: skip
    return resources.files("synth.resources").joinpath("codebooks", f"{name}.yaml").read_text(encoding="utf-8")


def is_domain_name(path: Path | str) -> bool:
    """`--codebook retail`: the name of a packaged codebook, where no such file exists."""
    return not Path(path).exists() and str(path) in {name for name, _ in list_domains()}


def load_codebook(path: Path | None) -> Codebook:
    """Load and validate a codebook (None = the packaged default); raise the first error."""
    if path is None:
        data = default_codebook_text().encode("utf-8")
        shown = None
    elif is_domain_name(path):
        data = domain_codebook_text(str(path)).encode("utf-8")
        shown = str(path)
    else:
        data = _read_bytes(Path(path))
        shown = str(path)
    codebook, errors = _parse(data, shown)
    if errors or codebook is None:
        raise errors[0]
    return codebook


def check_codebook(path: Path) -> list[ConfigError]:
    """Every error in a codebook file, each with its line (empty list = valid)."""
    try:
        data = _read_bytes(Path(path))
    except ConfigError as error:
        return [error]
    return _parse(data, str(path))[1]


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read codebook: {exc.strerror}", path=str(path)) from None


def _parse(data: bytes, path: str | None) -> tuple[Codebook | None, list[ConfigError]]:
    where = path or "default codebook"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [ConfigError("is not UTF-8 text", path=where, hint="save the codebook as UTF-8")]
    root, errors = load_yaml(text, where)
    if errors:
        return None, errors
    if root is None:
        return None, [ConfigError("is empty", path=where, hint="start from `synth codebook init`")]
    book, errors = _Builder(where, root).codebook(hashlib.sha256(data).hexdigest(), path)
    errors = sorted(errors, key=lambda e: e.line or 0)
    return (None if errors else book), errors


def _strip_all(values: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
    """Entries are stripped; an entry that is only spaces is an error, not a silent gap."""
    if any(not v.strip() for v in values):
        raise ValueError(f"{info.field_name} has an empty entry")
    return tuple(v.strip() for v in values)


Number = Annotated[float, Strict()]  # strict: `true` is not a threshold, nor is a quoted "0.5"
Phrases = tuple[str, ...]


class _CodeIn(Shape):
    """One `- id: ...` entry of stages, kinds or touchpoints."""

    id: str
    label: str | None = None
    description: str | None = None
    examples: Phrases = ()
    negatives: Phrases = ()
    patterns: Phrases = ()
    threshold: Number | None = None

    _phrases = field_validator("examples", "negatives", "patterns")(_strip_all)

    @field_validator("id")
    @classmethod
    def _snake_case(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"id must be snake_case (a-z, 0-9, _). Got {value!r} instead.")
        return value

    @field_validator("threshold")
    @classmethod
    def _in_range(cls, value: float | None) -> float | None:
        if value is not None and not 0 < value <= 1:
            raise ValueError(f"threshold must be a number in (0, 1]. Got {value} instead.")
        return value


class _WeightsIn(Shape):
    rules: Number | None = None
    similarity: Number | None = None
    classifier: Number | None = None
    question: Number | None = None
    prior: Number | None = None  # share of a kind's meaning from its description (synth.tag.similarity)

    @field_validator("*")
    @classmethod
    def _unit_range(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None and not 0 <= value <= 1:
            raise ValueError(f"weight {info.field_name} must be in [0, 1]. Got {value} instead.")
        return value


class _SettingsIn(Shape):
    weights: _WeightsIn | None = None
    negations: Phrases | None = None
    neutral_band: Number | None = None
    negation_window: Annotated[int, Strict()] | None = None

    @field_validator("neutral_band")
    @classmethod
    def _band(cls, value: float | None) -> float | None:
        if value is not None and not 0 <= value < 1:
            raise ValueError(f"neutral_band must be in [0, 1). Got {value} instead.")
        return value

    @field_validator("negation_window")
    @classmethod
    def _window(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= 10:
            raise ValueError(f"negation_window must be 1..10. Got {value} instead.")
        return value


class _SentimentIn(Shape):
    positive_words: Phrases = ()
    negative_words: Phrases = ()
    intensifiers: Phrases = ()
    positive_examples: Phrases = ()
    negative_examples: Phrases = ()
    neutral_examples: Phrases = ()

    _phrases = field_validator("*")(_strip_all)


class _CompetitorIn(Shape):
    name: str
    aliases: Phrases = ()

    _phrases = field_validator("aliases")(_strip_all)


class _TopIn(Shape):
    """The codebook's top level; each code entry is checked on its own (`_CodeIn`), so that one bad
    entry does not hide the errors of the others."""

    version: Annotated[int, Strict()] | None = None
    settings: _SettingsIn | None = None
    stages: Any = None
    kinds: Any = None
    touchpoints: Any = None
    none_examples: Phrases = ()
    sentiment: _SentimentIn | None = None
    competitors: list[Any] = []

    _phrases = field_validator("none_examples")(_strip_all)

    @field_validator("version")
    @classmethod
    def _version(cls, value: int | None) -> int | None:
        if value not in (1, None):
            raise ValueError("version must be 1")
        return value


PHRASE_LISTS = {k: "a list of quoted sentences or phrases" for k in (
    "examples", "negatives", "patterns", "negations", "none_examples", "aliases", *SENTIMENT_KEYS)}  # fmt: skip
SHAPES = {**PHRASE_LISTS, "competitors": "a list of names or '- name: X' entries"}


class _Builder:
    """Checks the YAML document with the models above and turns it into a Codebook, every error with its line."""

    def __init__(self, where: str, root: Any) -> None:
        self.where, self.root = where, root
        self.errors: list[ConfigError] = []

    def check(self, model: type[BaseModel], value: Any, what: str, at: tuple = ()) -> Any:
        hints = {"": f"allowed keys: {', '.join(model.model_fields)}", "id": "add e.g. 'id: my_stage' (snake_case)",
                 "name": "add e.g. 'name: FreshDrop'"}  # fmt: skip
        wording = Wording(what, shapes=SHAPES, hints=hints)
        built, errors = validate(model, value, where=self.where, wording=wording, document=self.root, at=at)
        self.errors.extend(errors)
        return built

    def error(self, message: str, line: int | None, hint: str = "") -> None:
        self.errors.append(ConfigError(message, path=self.where, line=line, hint=hint))

    def codebook(self, sha256: str, path: str | None) -> tuple[Codebook | None, list[ConfigError]]:
        if not isinstance(self.root, Mapping):
            self.error("the codebook must be a mapping (key: value lines)", line_of(self.root, ()))
            return None, self.errors
        top = self.check(_TopIn, dict(self.root), "the codebook") or _TopIn.model_construct()
        sections = {name: self.codes(name, required=name != "touchpoints") for name in SECTIONS}
        self.check_ids(sections)
        sentiment = top.sentiment or _SentimentIn()
        book = Codebook(
            stages=sections["stages"],
            kinds=sections["kinds"],
            touchpoints=sections["touchpoints"],
            sha256=sha256,
            path=path,
            sentiment=SentimentWords(**sentiment.model_dump()),
            none_examples=top.none_examples if isinstance(top.none_examples, tuple) else (),
            competitors=self.competitors(),
            **self.settings(top.settings),
        )
        return book, self.errors

    def codes(self, section: str, *, required: bool) -> tuple[Code, ...]:
        if section not in self.root:
            if required:
                self.error(f"has no {section!r} section", None, hint=f"add a list of {section} (see `synth codebook init`)")
            return ()
        entries, key_line = self.root[section], line_of(self.root, (section,), key=True)
        if not isinstance(entries, list) or (required and not entries):
            self.error(f"{section} must be a non-empty list of codes (lines starting with '- id:')", key_line)
            return ()
        codes = tuple(c for i, entry in enumerate(entries) if (c := self.code(section, i, entry)) is not None)
        if section == "kinds" and codes:
            missing = [k for k in LANE_KINDS if k not in {c.id for c in codes}]
            if missing:
                self.error(f"kinds must include {', '.join(missing)}", key_line,
                           hint="the journey map's lanes are built from these kinds")  # fmt: skip
        return codes

    def code(self, section: str, index: int, entry: Any) -> Code | None:
        line = entry_line(self.root, (section, index))
        if not isinstance(entry, Mapping):
            self.error(f"a {section} entry must be a mapping (key: value lines)", line)
            return None
        if not entry:
            return None
        if not _is_phrases(entry.get("examples")) and not _is_phrases(entry.get("patterns")) and "id" in entry:
            self.error(f"{section} {entry['id']!r} needs examples or patterns", line, hint="it could never match otherwise")
        built = self.check(_CodeIn, dict(entry), f"a {section} entry", (section, index))
        if built is None:  # reported; its id still counts for the checks across entries (lane kinds, twice)
            code_id = entry.get("id")
            return Code(id=code_id, label=code_id, line=line) if isinstance(code_id, str) else None
        return Code(
            id=built.id,
            label=built.label or built.id.replace("_", " ").capitalize(),
            description=built.description or "",
            examples=built.examples,
            negatives=built.negatives,
            patterns=built.patterns,
            threshold=DEFAULT_THRESHOLDS[section] if built.threshold is None else built.threshold,
            line=line,
        )

    def check_ids(self, sections: dict[str, tuple[Code, ...]]) -> None:
        seen: dict[str, str] = {}
        for section, codes in sections.items():
            for code in codes:
                if code.id in seen:
                    self.error(f"id {code.id!r} is used twice (in {seen[code.id]} and {section})", code.line,
                               hint="ids must be unique")  # fmt: skip
                seen.setdefault(code.id, section)

    def competitors(self) -> tuple[Competitor, ...]:
        """`competitors:` entries: a plain name, or `{name: X, aliases: [...]}`; names unique ignoring case."""
        entries = self.root.get("competitors")
        if not isinstance(entries, list):
            return ()  # reported by the top-level check
        out: list[Competitor] = []
        seen: set[str] = set()
        for index, item in enumerate(entries):
            line = entry_line(self.root, ("competitors", index))
            if isinstance(item, str):
                name, aliases = item, ()
            else:
                built = self.check(_CompetitorIn, dict(item) if isinstance(item, Mapping) else item,
                                   "a competitors entry", ("competitors", index))  # fmt: skip
                if built is None:
                    continue
                name, aliases = built.name, built.aliases
            if not name.strip():
                continue
            keys = {n.strip().lower() for n in (name, *aliases)}
            if keys & seen:
                self.error(f"competitor {name.strip()!r} (or an alias) is listed twice", line)
            seen |= keys
            out.append(Competitor(name=name.strip(), aliases=aliases, line=line))
        return tuple(out)

    @staticmethod
    def settings(settings: _SettingsIn | None) -> dict:
        if settings is None:
            return {}
        out: dict = {}
        if settings.weights is not None:
            given = {k: v for k, v in settings.weights.model_dump().items() if v is not None}
            out["weights"] = {**DEFAULT_WEIGHTS, **given}
        if settings.negations is not None:
            out["negations"] = tuple(w.lower() for w in settings.negations)
        if settings.neutral_band is not None:
            out["neutral_band"] = settings.neutral_band
        if settings.negation_window is not None:
            out["negation_window"] = settings.negation_window
        return out


def _is_phrases(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(v, str) and v.strip() for v in value)
