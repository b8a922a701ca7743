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
is an InputError naming survey.yaml and the line (pydantic models over ruamel.yaml,
`synth.yamlcheck`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Mapping

from pydantic import BeforeValidator, ValidationInfo

from synth.errors import InputError
from synth.records import COLUMN_ROLES
from synth.yamlcheck import M, Scalar, Shape, Wording, entry_line, line_of, load_yaml, validate

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
    """Validate survey.yaml text (the pydantic models below, lines from ruamel); raises InputError with
    the line of the first mistake."""
    root, errors = load_yaml(text, rel)
    if errors:
        raise InputError(rel, "not valid YAML", line=errors[0].line, hint="check the indentation and the ':' after each key")
    if root is None:
        return SurveyConfig(path=rel)
    if not isinstance(root, Mapping):
        raise InputError(rel, "must be a mapping of settings", line=line_of(root, ()), hint=f"keys: {', '.join(KEYS)}")
    top = _checked(_SurveyIn, dict(root), TOP, root, (), rel)
    columns = {str(k).strip(): _role(k, v, root, rel) for k, v in (top.columns or {}).items()}
    attributes = {str(k).strip(): _attribute(str(k).strip(), v, root, rel) for k, v in (top.attributes or {}).items()}
    scalars = {key: str(getattr(top, key)).strip() for key in ("segment", "sheet", "id_column") if key in root}
    return SurveyConfig(path=rel, columns=columns, attributes=attributes, **scalars)


def _named(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not str(value).strip():
        raise ValueError(NAME_MESSAGE.format(key=info.field_name))
    return value


Name = Annotated[Scalar, BeforeValidator(_named)]


class _SurveyIn(Shape):
    sheet: Name | None = None
    id_column: Name | None = None
    segment: Name | None = None
    columns: dict[Scalar, Any] | None = None
    attributes: dict[Scalar, Any] | None = None


class _AttributeIn(Shape):
    name: Name
    values: dict[Scalar, Any] | None = None


NAME_MESSAGE = "{key!r} must be one column or sheet name"
TOP = Wording(
    "survey.yaml", unknown="unknown key {key!r}",
    messages={"columns": "'columns' must map column names to roles", "attributes": "'attributes' must map column names "
              "to attribute names", **{k: NAME_MESSAGE.format(key=k) for k in ("sheet", "id_column", "segment")}},
    hints={"": f"keys: {', '.join(KEYS)}", "columns": "for example:  columns: {Q7: open_text}",
           "attributes": "for example:  attributes: {What is your age?: age_band}",
           **{k: f"write it as '{k}: Name'" for k in ("sheet", "id_column", "segment")}},
)  # fmt: skip


def _checked(model: type[M], value: Any, wording: Wording, root: Any, at: tuple, rel: str) -> M:
    built, errors = validate(model, value, where=rel, wording=wording, document=root, at=at)
    if built is None:
        first = errors[0]
        raise InputError(rel, first.message, line=first.line, hint=first.hint)
    return built


def _role(column: Scalar, value: Any, root: Any, rel: str) -> str:
    role = str(value).strip().lower() if isinstance(value, (str, int, float)) and value is not None else ""
    if role not in COLUMN_ROLES:
        raise InputError(rel, f"the role of column {str(column)!r} must be one of {', '.join(COLUMN_ROLES)}. "
                         f"Got {role or 'nothing'!r} instead.", line=line_of(root, ("columns", column), key=True),
                         hint="fix the role name")  # fmt: skip
    return role


def _attribute(column: str, value: Any, root: Any, rel: str) -> AttributeSpec:
    """`new_name`, or `{name: ..., values: {...}}`, for one column; anything else is an InputError at its line."""
    line = line_of(root, ("attributes", column), key=True)
    if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
        return AttributeSpec(str(value).strip(), line=line)
    hint = f"write it as '{column}: new_name' or with 'name:' and 'values:' under it"
    if not isinstance(value, Mapping):
        raise InputError(rel, f"attribute {column!r} needs a name", line=line, hint=hint)
    wording = Wording(f"attribute {column!r}", unknown="attribute " + repr(column) + ": unknown key {key!r}",
                      messages={"values": f"attribute {column!r}: 'values' must map answers to values"},
                      hints={"": hint, "values": "for example:  values: {Every week: weekly}"})  # fmt: skip
    if "name" not in value or not isinstance(value.get("name"), (str, int, float)) or not str(value["name"]).strip():
        unknown = sorted(set(map(str, value)) - {"name", "values"})
        reason = f"unknown key {unknown[0]!r}" if unknown else "no 'name'"
        raise InputError(rel, f"attribute {column!r}: {reason}", line=entry_line(root, ("attributes", column)), hint=hint)
    spec = _checked(_AttributeIn, dict(value), wording, root, ("attributes", column), rel)
    if spec.values and any(isinstance(v, (list, dict)) for v in spec.values.values()):
        raise InputError(rel, wording.messages["values"], line=line_of(root, ("attributes", column, "values")),
                         hint=wording.hints["values"])  # fmt: skip
    mapped = {str(k).strip(): "" if v is None else str(v).strip() for k, v in (spec.values or {}).items()}
    return AttributeSpec(str(spec.name).strip(), mapped, line)
