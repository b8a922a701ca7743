"""YAML settings files read with ruamel.yaml and checked with pydantic, every error at its line.

pydantic states a file's shape once (types, allowed keys, ranges, cross-field rules) and reports every
error with its path; ruamel.yaml keeps the line of each key and item, so a path such as
`('kinds', 1, 'threshold')` becomes "line 11" in the message the researcher reads. What is left here is
the translation from pydantic's error types to one plain sentence each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from synth.errors import ConfigError

Loc = tuple[int | str, ...]


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
        line = row[0] + 1
        node = node[part]
    if line is None and isinstance(data, (CommentedMap, CommentedSeq)) and data:
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
    if isinstance(node, (CommentedMap, CommentedSeq)) and node:
        return node.lc.line + 1
    return line_of(data, loc)


def validate(
    model: type[BaseModel], value: Any, *, where: str, what: str, document: Any, at: Loc = (),
    shapes: Mapping[str, str] | None = None, hints: Mapping[str, str] | None = None, context: Any = None,
) -> tuple[BaseModel | None, list[ConfigError]]:
    """`model` built from `value` (the part of `document` at path `at`), or every error with its line.

    `what` names the part in messages ("a stages entry"); `shapes` says what a field must look like when
    its type is wrong ("a list of quoted sentences or phrases"); `hints` adds a fix per missing field."""
    try:
        return model.model_validate(value, context=context), []
    except ValidationError as exc:
        errors = [_config_error(e, where=where, what=what, document=document, at=at, shapes=shapes or {},
                                hints=hints or {}) for e in exc.errors(include_url=False)]  # fmt: skip
        return None, errors


def _config_error(error: Any, *, where: str, what: str, document: Any, at: Loc, shapes: Mapping[str, str],
                  hints: Mapping[str, str]) -> ConfigError:  # fmt: skip
    loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    kind = error["type"]
    names = [str(p) for p in loc if isinstance(p, str)]
    field = names[-1] if names else what
    full = at + loc
    if kind == "extra_forbidden":
        inside = what if len(names) <= 1 else field_path(names[:-1])
        return ConfigError(f"unknown key {field!r} in {inside}", path=where, line=line_of(document, full, key=True),
                           hint=hints.get("", ""))  # fmt: skip
    if kind == "missing":
        return ConfigError(f"{what} has no {field!r}", path=where, line=entry_line(document, full[:-1]),
                           hint=hints.get(field, ""))  # fmt: skip
    line = line_of(document, full)
    if kind in ("value_error", "assertion_error"):
        message = str(error["ctx"]["error"]) if "ctx" in error and "error" in error["ctx"] else error["msg"]
        return ConfigError(message, path=where, line=line)
    subject = f"each of {field}" if loc and isinstance(loc[-1], int) else field
    shape = shapes.get(field) if not (loc and isinstance(loc[-1], int)) else None
    got = "" if kind in _CONTAINERS else _got(error)  # "must be a list" needs no echo of the wrong value
    return ConfigError(f"{subject} must be {shape or _SHAPES.get(kind, 'a single value')}{got}",
                       path=where, line=line)  # fmt: skip


def field_path(names: Sequence[str]) -> str:
    return ".".join(names)


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
    "float_type": "a number", "float_parsing": "a number",
    "int_type": "a whole number", "int_parsing": "a whole number", "int_from_float": "a whole number",
    "list_type": "a list", "tuple_type": "a list",
    "dict_type": "a mapping (key: value lines)", "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "bool_type": "true or false", "bool_parsing": "true or false",
    "literal_error": "one of the allowed values",
}
