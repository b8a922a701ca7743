"""`survey.yaml`: a researcher's corrections for the survey exports in one folder.

Put it beside the export(s); it applies to every table in that folder and is
never read as an input itself. Every key is optional::

    sheet: Responses            # the workbook sheet holding the responses
    id_column: Respondent ID    # the column naming each respondent
    segment: Customer type      # kept as the respondent attribute "segment"
    columns:                    # a role for any column, by name or question text
      Q7: open_text
      Email: pii
      Q12_3: ignored
    attributes:                 # which closed answers are persona attributes, renamed, values mapped
      What is your age?: age_band           # a new name
      Q4:                                   # or a name and a value map
        name: order_frequency
        values: {Every week: weekly, Once a month: monthly}

With `attributes:`, only the columns it lists become respondent attributes (under the
names it gives; the roster's column name lines a survey question up with the roster). A
value its `values:` map does not list is kept as written.

Roles: respondent_id, open_text, single_choice, multi_choice, ordinal,
numeric, metadata, pii, ignored. A mistake (bad YAML, an unknown key or role)
is an InputError naming survey.yaml and the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from synth.errors import InputError
from synth.records import COLUMN_ROLES

CONFIG_NAMES = ("survey.yaml", "survey.yml")
KEYS = ("columns", "segment", "sheet", "id_column", "attributes")


@dataclass(frozen=True)
class AttributeSpec:
    """One `attributes:` entry: the attribute name a column is kept under, and its value map."""

    name: str
    values: Mapping[str, str] = field(default_factory=dict)
    line: int | None = None  # in survey.yaml, for the warning when no table has the column


@dataclass(frozen=True)
class SurveyConfig:
    columns: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[str, AttributeSpec] = field(default_factory=dict)  # column (name, question or label) -> spec
    segment: str | None = None
    sheet: str | None = None
    id_column: str | None = None
    path: str | None = None  # where it was read from, for problems


def load_survey_config(folder: Path, rel_folder: str = "") -> SurveyConfig:
    """The survey.yaml in `folder`, or the empty config when there is none."""
    for name in CONFIG_NAMES:
        path = folder / name
        if path.is_file():
            rel = f"{rel_folder}/{name}".lstrip("/") if rel_folder else name
            return parse_survey_config(path.read_bytes().decode("utf-8", errors="replace"), rel)
    return SurveyConfig()


def parse_survey_config(text: str, rel: str = "survey.yaml") -> SurveyConfig:
    """Validate survey.yaml text; raises InputError with the line of the first mistake."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(rel, "not valid YAML", line=mark.line + 1 if mark else None,
                         hint="check the indentation and the ':' after each key") from None
    if root is None:
        return SurveyConfig(path=rel)
    if not isinstance(root, yaml.MappingNode):
        raise InputError(rel, "must be a mapping of settings", line=_line(root), hint=f"keys: {', '.join(KEYS)}")
    values: dict[str, Any] = {}
    for key_node, value_node in root.value:
        key = key_node.value
        if key not in KEYS:
            raise InputError(rel, f"unknown key {key!r}", line=_line(key_node), hint=f"keys: {', '.join(KEYS)}")
        parse = {"columns": _columns, "attributes": _attributes}.get(key)
        values[key] = parse(value_node, rel) if parse else _scalar(value_node, key, rel)
    return SurveyConfig(path=rel, **values)


def _scalar(node, key: str, rel: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise InputError(rel, f"{key!r} must be one column or sheet name", line=_line(node),
                         hint=f"write it as '{key}: Name'")
    return str(node.value).strip()


def _columns(node, rel: str) -> dict[str, str]:
    if not isinstance(node, yaml.MappingNode):
        raise InputError(rel, "'columns' must map column names to roles", line=_line(node),
                         hint="for example:  columns: {Q7: open_text}")
    roles: dict[str, str] = {}
    for key_node, value_node in node.value:
        role = str(getattr(value_node, "value", "")).strip().lower()
        if not isinstance(value_node, yaml.ScalarNode) or role not in COLUMN_ROLES:
            raise InputError(rel, f"the role of column {key_node.value!r} must be one of {', '.join(COLUMN_ROLES)}. "
                             f"Got {role or 'nothing'!r} instead.", line=_line(value_node),
                             hint="fix the role name")
        roles[str(key_node.value).strip()] = role
    return roles


def _attributes(node, rel: str) -> dict[str, AttributeSpec]:
    if not isinstance(node, yaml.MappingNode):
        raise InputError(rel, "'attributes' must map column names to attribute names", line=_line(node),
                         hint="for example:  attributes: {What is your age?: age_band}")
    specs: dict[str, AttributeSpec] = {}
    for key_node, value_node in node.value:
        column = str(key_node.value).strip()
        if isinstance(value_node, yaml.ScalarNode) and str(value_node.value).strip():
            specs[column] = AttributeSpec(str(value_node.value).strip(), line=_line(key_node))
            continue
        specs[column] = _attribute_spec(column, value_node, rel, _line(key_node))
    return specs


def _attribute_spec(column: str, node, rel: str, line: int | None) -> AttributeSpec:
    """`{name: ..., values: {...}}` for one column; anything else is an InputError at its line."""
    hint = f"write it as '{column}: new_name' or with 'name:' and 'values:' under it"
    if not isinstance(node, yaml.MappingNode):
        raise InputError(rel, f"attribute {column!r} needs a name", line=_line(node), hint=hint)
    fields = {str(k.value): v for k, v in node.value}
    unknown = sorted(set(fields) - {"name", "values"})
    name = fields.get("name")
    if unknown or not isinstance(name, yaml.ScalarNode) or not str(name.value).strip():
        raise InputError(rel, f"attribute {column!r}: " + (f"unknown key {unknown[0]!r}" if unknown else "no 'name'"),
                         line=_line(node), hint=hint)
    values = fields.get("values")
    if values is not None and not (isinstance(values, yaml.MappingNode)
                                   and all(isinstance(v, yaml.ScalarNode) for _, v in values.value)):
        raise InputError(rel, f"attribute {column!r}: 'values' must map answers to values", line=_line(values),
                         hint="for example:  values: {Every week: weekly}")
    mapped = {str(k.value).strip(): str(v.value).strip() for k, v in values.value} if values is not None else {}
    return AttributeSpec(str(name.value).strip(), mapped, line)


def _line(node) -> int | None:
    return node.start_mark.line + 1 if getattr(node, "start_mark", None) else None
