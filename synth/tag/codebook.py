"""The codebook: stages, kinds, touchpoints and sentiment words as data, validated on load.

A codebook is YAML. `check_codebook` walks the YAML *nodes* (not the loaded
values) so every error carries the line it sits on, and it collects all of them;
`load_codebook` raises the first. The packaged default lives in
`synth/resources/codebook.yaml` (`synth codebook init` writes a copy to edit).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable

import yaml

from synth.errors import ConfigError

SECTIONS = ("stages", "kinds", "touchpoints")
LANE_KINDS = ("pain_point", "motivation", "action", "emotion")  # the journey map's lanes need these
CODE_KEYS = ("id", "label", "description", "examples", "negatives", "patterns", "threshold")
TOP_KEYS = ("version", "settings", *SECTIONS, "none_examples", "sentiment", "competitors")
COMPETITOR_KEYS = ("name", "aliases")
SENTIMENT_KEYS = ("positive_words", "negative_words", "intensifiers", "positive_examples", "negative_examples",
                  "neutral_examples")
WEIGHT_KEYS = ("rules", "similarity", "classifier", "question", "prior")
# prior: share of a kind's meaning given to the zero-shot description prior (chosen on the NaPiRE and complaints dev halves)
DEFAULT_WEIGHTS = {"rules": 0.8, "similarity": 0.6, "classifier": 0.6, "question": 0.5, "prior": 0.4}
DEFAULT_THRESHOLDS = {"stages": 0.45, "kinds": 0.5, "touchpoints": 0.7}
DEFAULT_NEGATIONS = ("not", "no", "never", "without", "hardly", "barely", "nothing", "nobody", "neither", "nor")
SETTING_KEYS = ("weights", "negations", "neutral_band", "negation_window")
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
    if errors:
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
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except UnicodeDecodeError:
        return None, [ConfigError("is not UTF-8 text", path=where, hint="save the codebook as UTF-8")]
    except yaml.YAMLError as exc:
        line = exc.problem_mark.line + 1 if getattr(exc, "problem_mark", None) else None
        return None, [ConfigError(f"is not valid YAML ({getattr(exc, 'problem', None) or 'syntax error'})",
                                  path=where, line=line, hint="check indentation and quoting")]  # fmt: skip
    checker = _Checker(where)
    book = checker.codebook(root, hashlib.sha256(data).hexdigest(), path)
    errors = sorted(checker.errors, key=lambda e: e.line or 0)
    return (None if errors else book), errors


class _Checker:
    """Turns YAML nodes into a Codebook, collecting every error with its line."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.errors: list[ConfigError] = []

    def error(self, node, message: str, hint: str = "") -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.errors.append(ConfigError(message, path=self.path, line=line, hint=hint))

    def mapping(self, node, what: str, allowed: tuple[str, ...]) -> dict[str, tuple]:
        """Key -> (key node, value node) of a mapping node; reports unknown keys."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping (key: value lines)")
            return {}
        out = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in allowed:
                self.error(key_node, f"unknown key {key!r} in {what}", hint=f"allowed keys: {', '.join(allowed)}")
            elif key in out:
                self.error(key_node, f"key {key!r} appears twice in {what}")
            else:
                out[key] = (key_node, value_node)
        return out

    def codebook(self, root, sha256: str, path: str | None) -> Codebook:
        if root is None:
            self.errors.append(ConfigError("is empty", path=self.path, hint="start from `synth codebook init`"))
            return None
        top = self.mapping(root, "the codebook", TOP_KEYS)
        if "version" in top and self.scalar(top["version"][1], "version", int) not in (1, None):
            self.error(top["version"][1], "version must be 1")
        sections = {name: self.codes(top.get(name), name, required=name != "touchpoints") for name in SECTIONS}
        self.check_ids(sections)
        settings = self.settings(top["settings"][1]) if "settings" in top else {}
        sentiment = self.sentiment(top["sentiment"][1]) if "sentiment" in top else SentimentWords()
        none_examples = self.strings(top["none_examples"][1], "none_examples") if "none_examples" in top else ()
        competitors = self.competitors(top["competitors"][1]) if "competitors" in top else ()
        return Codebook(
            stages=sections["stages"], kinds=sections["kinds"], touchpoints=sections["touchpoints"],
            sha256=sha256, path=path, sentiment=sentiment, none_examples=none_examples, competitors=competitors,
            **settings,
        )

    def competitors(self, node) -> tuple[Competitor, ...]:
        """`competitors:` entries: a plain name, or `{name: X, aliases: [...]}`; names unique ignoring case."""
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, "competitors must be a list of names or '- name: X' entries")
            return ()
        out: list[Competitor] = []
        seen: set[str] = set()
        for item in node.value:
            if isinstance(item, yaml.ScalarNode):
                name, aliases = self.scalar(item, "a competitor name", str), ()
            else:
                fields = self.mapping(item, "a competitors entry", COMPETITOR_KEYS)
                if "name" not in fields:
                    if fields:
                        self.error(item, "a competitors entry has no 'name'", hint="add e.g. 'name: FreshDrop'")
                    continue
                name = self.scalar(fields["name"][1], "a competitor name", str)
                aliases = self.strings(fields["aliases"][1], "aliases") if "aliases" in fields else ()
            if name is None or not name.strip():
                continue
            keys = {n.strip().lower() for n in (name, *aliases)}
            if keys & seen:
                self.error(item, f"competitor {name.strip()!r} (or an alias) is listed twice")
            seen |= keys
            out.append(Competitor(name=name.strip(), aliases=aliases, line=item.start_mark.line + 1))
        return tuple(out)

    def codes(self, pair, section: str, *, required: bool) -> tuple[Code, ...]:
        if pair is None:
            if required:
                self.errors.append(ConfigError(f"has no {section!r} section", path=self.path,
                                               hint=f"add a list of {section} (see `synth codebook init`)"))  # fmt: skip
            return ()
        key_node, node = pair
        if not isinstance(node, yaml.SequenceNode) or (required and not node.value):
            self.error(key_node, f"{section} must be a non-empty list of codes (lines starting with '- id:')")
            return ()
        built = (self.code(item, section) for item in node.value)
        codes = tuple(c for c in built if c is not None)
        if section == "kinds":
            missing = [k for k in LANE_KINDS if k not in {c.id for c in codes}]
            if missing and codes:
                self.error(key_node, f"kinds must include {', '.join(missing)}",
                           hint="the journey map's lanes are built from these kinds")  # fmt: skip
        return codes

    def code(self, node, section: str) -> Code | None:
        fields = self.mapping(node, f"a {section} entry", CODE_KEYS)
        if not fields:
            return None
        if "id" not in fields:
            self.error(node, f"a {section} entry has no 'id'", hint="add e.g. 'id: my_stage' (snake_case)")
            return None
        code_id = self.scalar(fields["id"][1], "id", str)
        if code_id is not None and not _ID.match(code_id):
            self.error(fields["id"][1], f"id must be snake_case (a-z, 0-9, _). Got {code_id!r} instead.")
        lists = {k: self.strings(fields[k][1], k) if k in fields else () for k in ("examples", "negatives", "patterns")}
        if not lists["examples"] and not lists["patterns"]:
            self.error(node, f"{section} {code_id!r} needs examples or patterns", hint="it could never match otherwise")
        threshold = self.threshold(fields.get("threshold"), DEFAULT_THRESHOLDS[section])
        label = self.scalar(fields["label"][1], "label", str) if "label" in fields else None
        description = self.scalar(fields["description"][1], "description", str) if "description" in fields else None
        return Code(
            id=code_id or "", label=label or (code_id or "").replace("_", " ").capitalize(),
            description=description or "", threshold=threshold, line=node.start_mark.line + 1, **lists,
        )

    def threshold(self, pair, default: float) -> float:
        if pair is None:
            return default
        value = self.scalar(pair[1], "threshold", float)
        if value is not None and not 0 < value <= 1:
            self.error(pair[1], f"threshold must be a number in (0, 1]. Got {value} instead.")
            return default
        return default if value is None else value

    def check_ids(self, sections: dict[str, tuple[Code, ...]]) -> None:
        seen: dict[str, str] = {}
        for section, codes in sections.items():
            for code in codes:
                if code.id in seen:
                    self.errors.append(ConfigError(f"id {code.id!r} is used twice (in {seen[code.id]} and {section})",
                                                   path=self.path, line=code.line, hint="ids must be unique"))  # fmt: skip
                seen.setdefault(code.id, section)

    def scalar(self, node, what: str, kind: Callable):
        if not isinstance(node, yaml.ScalarNode) or node.value == "":
            self.error(node, f"{what} must be a single value")
            return None
        value = yaml.safe_load(node.value) if kind is not str else node.value
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool):
            self.error(node, f"{what} must be a {kind.__name__}. Got {node.value!r} instead.")
            return None
        return value

    def strings(self, node, what: str) -> tuple[str, ...]:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list of quoted sentences or phrases")
            return ()
        out = []
        for item in node.value:
            text = self.scalar(item, f"each of {what}", str)
            if text is not None and text.strip():
                out.append(text.strip())
            elif text is not None:
                self.error(item, f"{what} has an empty entry")
        return tuple(out)

    def settings(self, node) -> dict:
        fields = self.mapping(node, "settings", SETTING_KEYS)
        out: dict = {}
        if "weights" in fields:
            weights = self.mapping(fields["weights"][1], "settings.weights", WEIGHT_KEYS)
            values = {k: self.scalar(v, f"weight {k}", float) for k, (_, v) in weights.items()}
            for key, value in values.items():
                if value is not None and not 0 <= value <= 1:
                    self.error(weights[key][1], f"weight {key} must be in [0, 1]. Got {value} instead.")
            out["weights"] = {**DEFAULT_WEIGHTS, **{k: v for k, v in values.items() if v is not None and 0 <= v <= 1}}
        if "negations" in fields:
            out["negations"] = tuple(w.lower() for w in self.strings(fields["negations"][1], "negations"))
        if "neutral_band" in fields:
            band = self.scalar(fields["neutral_band"][1], "neutral_band", float)
            if band is not None and 0 <= band < 1:
                out["neutral_band"] = band
            elif band is not None:
                self.error(fields["neutral_band"][1], f"neutral_band must be in [0, 1). Got {band} instead.")
        if "negation_window" in fields:
            window = self.scalar(fields["negation_window"][1], "negation_window", int)
            if window is not None and 1 <= window <= 10:
                out["negation_window"] = window
            elif window is not None:
                self.error(fields["negation_window"][1], f"negation_window must be 1..10. Got {window} instead.")
        return out

    def sentiment(self, node) -> SentimentWords:
        fields = self.mapping(node, "sentiment", SENTIMENT_KEYS)
        return SentimentWords(**{k: self.strings(v, k) for k, (_, v) in fields.items()})
