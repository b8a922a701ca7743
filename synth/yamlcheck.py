"""YAML settings files read with ruamel.yaml and checked with pydantic, every error at its line.

pydantic states a file's shape once (types, allowed keys, ranges, cross-field rules) and reports every
error with its path; ruamel.yaml keeps the line of each key and item, so a path such as
`('kinds', 1, 'threshold')` becomes "line 11" in the message the researcher reads. What is left here is
the translation from pydantic's error types to one plain sentence each.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from synth.errors import ConfigError

Loc = tuple[Any, ...]  # keys and list positions (a key may be a number: `2026: ...`)
M = TypeVar("M", bound=BaseModel)
Scalar = str | int | float  # a name or id as typed in YAML: `name: 2026` is the text "2026"


class Shape(BaseModel):
    """Base of every settings-file model: an unknown key is an error (a typo never passes silently)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def load_yaml(text: str, where: str) -> tuple[Any, list[ConfigError]]:
    """The YAML document (ruamel's line-aware mappings and lists), or the one error that stopped it."""
    try:
        return YAML(typ="rt", pure=True).load(text), []
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = (exc.problem or "syntax error").split(" with value")[0]
        return None, [ConfigError(f"is not valid YAML ({problem})", path=where, line=line,
                                  hint="check indentation and quoting")]  # fmt: skip
    except YAMLError as exc:
        return None, [ConfigError(f"is not valid YAML ({type(exc).__name__})", path=where,
                                  hint="check indentation and quoting")]  # fmt: skip


def line_of(data: Any, loc: Loc, *, key: bool = False) -> int | None:
    """1-based line of the value at `loc` in a ruamel document (of its key with `key=True`).

    A path that leaves the document (a missing key) gives the line of the deepest part that exists."""
    node, line = data, None
    for depth, part in enumerate(loc):
        last = depth == len(loc) - 1
        try:
            if isinstance(node, CommentedMap) and part in node:
                row = node.lc.key(part) if (last and key) else node.lc.value(part)
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                row = node.lc.item(part)
            else:
                break
        except (KeyError, IndexError, TypeError):
            break
        if row is None:  # a key a command just added has no line yet
            break
        line = row[0] + 1
        node = node[part]
    if line is None and isinstance(data, (CommentedMap, CommentedSeq)) and data.lc.line is not None:
        line = data.lc.line + 1
    return line


def entry_line(data: Any, loc: Loc) -> int | None:
    """Line where the mapping or list item at `loc` starts (its first key)."""
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return line_of(data, loc)
    if isinstance(node, (CommentedMap, CommentedSeq)) and node.lc.line is not None:
        return node.lc.line + 1
    return line_of(data, loc)


@dataclass(frozen=True)
class Wording:
    """How a file's errors read. `what` names the part ("a stages entry"); `shapes` says what a field must
    look like when its type is wrong ("a list of quoted sentences or phrases"); `messages` replaces the
    whole sentence (at the key's line) for a field of the wrong type (`{type}`: the YAML type found); `unknown` words an
    unknown key (`{key}`, `{what}`, `{allowed}`); `hints` adds a fix per missing field ("" for unknown keys)."""

    what: str
    shapes: Mapping[str, str] = field(default_factory=dict)
    messages: Mapping[str, str] = field(default_factory=dict)
    unknown: str = "unknown key {key!r} in {what}"
    hints: Mapping[str, str] = field(default_factory=dict)


def validate(
    model: type[M], value: Any, *, where: str, wording: Wording, document: Any, at: Loc = (), error: type[ConfigError] = ConfigError
) -> tuple[M | None, list[ConfigError]]:
    """`model` built from `value` (the part of `document` at path `at`), or every error with its line."""
    try:
        return model.model_validate(value), []
    except ValidationError as exc:
        allowed = ", ".join(model.model_fields)
        made = [_config_error(e, where=where, wording=wording, document=document, at=at, allowed=allowed, cls=error)
                for e in exc.errors(include_url=False)]  # fmt: skip
        return None, made


def _config_error(error: Any, *, where: str, wording: Wording, document: Any, at: Loc, allowed: str,
                  cls: type[ConfigError]) -> ConfigError:  # fmt: skip
    loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    kind, what, hints = error["type"], wording.what, wording.hints
    names = [str(p) for p in loc if isinstance(p, str)]
    field = names[-1] if names else what
    full = at + loc
    if kind == "extra_forbidden":
        inside = what if len(names) <= 1 else ".".join(names[:-1])
        return cls(wording.unknown.format(key=field, what=inside, allowed=allowed), path=where,
                   line=line_of(document, full, key=True), hint=hints.get("", ""))  # fmt: skip
    if kind == "missing":
        return cls(f"{what} has no {field!r}", path=where, line=entry_line(document, full[:-1]), hint=hints.get(field, ""))
    line = line_of(document, full)
    if kind in ("value_error", "assertion_error"):
        message = str(error["ctx"]["error"]) if "ctx" in error and "error" in error["ctx"] else error["msg"]
        return cls(message, path=where, line=line, hint=hints.get(field, ""))
    item = bool(loc) and isinstance(loc[-1], int)
    if not item and field in wording.messages:
        return cls(
            wording.messages[field].format(type=_yaml_type(error.get("input"))),
            path=where,
            line=line_of(document, full, key=True),
            hint=hints.get(field, ""),
        )  # the sentence names the key
    subject = f"each of {field}" if item else field
    shape = None if item else wording.shapes.get(field)
    got = "" if kind in _CONTAINERS else _got(error)  # "must be a list" needs no echo of the wrong value
    return cls(f"{subject} must be {shape or _SHAPES.get(kind, 'a single value')}{got}", path=where, line=line)


def _yaml_type(value: Any) -> str:
    return {list: "list", dict: "mapping", str: "text", bool: "true/false", int: "number", float: "number"}.get(
        next((t for t in (bool, list, dict, str, int, float) if isinstance(value, t)), type(None)), "empty value"
    )


def _got(error: Any) -> str:
    value = error.get("input")
    if isinstance(value, bool):
        return f". Got {str(value).lower()!r} instead."  # as the YAML spells it
    if isinstance(value, (str, int, float)):
        return f". Got {str(value)!r} instead."
    return ""


_CONTAINERS = {"list_type", "tuple_type", "dict_type", "model_type", "model_attributes_type"}
_SHAPES = {
    "string_type": "a single text value",
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "literal_error": "one of the allowed values",
}
