"""survey.yaml's `attributes:`: the researcher says which closed answers are persona attributes.

Without it, every closed answer is an attribute under its question (or label) and the same
question in a roster and a survey is lined up by matching values
(`synth.participant_join.attribute_mapping`), which can miss ("Weekly" vs "Every week") or
join two questions that happen to share answers. With it, only the listed columns are
attributes, under the names given (a roster's column name lines them up exactly), and their
answers are mapped by `values:` (options of a multi-select one by one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from synth.ingest.survey_config import AttributeSpec, SurveyConfig
from synth.records import Problem

CLOSED = ("single_choice", "multi_choice", "ordinal", "numeric")


@dataclass(frozen=True)
class AttributePlan:
    """Attribute key as the reader builds it -> the spec survey.yaml gives it; and each kept name's column."""

    specs: Mapping[str, AttributeSpec]
    columns: Mapping[str, str]  # kept attribute name -> the column as survey.yaml names it

    def apply(self, found: Mapping[str, str]) -> dict[str, str]:
        """One respondent's attributes: only the listed ones, renamed and value-mapped; "segment" stays."""
        out = {"segment": found["segment"]} if "segment" in found else {}
        for key, spec in self.specs.items():
            if found.get(key, "").strip():
                options = [spec.values.get(option, option) for option in found[key].split("; ")]
                out[spec.name] = "; ".join(dict.fromkeys(options))
        return out


def plan_attributes(survey, keys: Mapping[int, str], config: SurveyConfig, rel: str, problems: list[Problem]) -> AttributePlan | None:
    """The plan for one table, or None without `attributes:`. A listed column this table does not
    have, or one that holds no closed answers, is a warning naming survey.yaml's line."""
    if not config.attributes:
        return None
    from synth.ingest.surveys import find_column

    specs: dict[str, AttributeSpec] = {}
    for column, spec in config.attributes.items():
        key = _attribute_key(survey, keys, column, find_column)
        if key is None:
            problems.append(
                _warning(
                    config,
                    spec,
                    rel,
                    f"survey.yaml maps attribute {column!r}, which this table does not have as a closed-answer column",
                    "use a column name as `synth inspect` shows it; set its role under `columns:` if it is read as open text or metadata",
                )
            )
        elif spec.name in {s.name for s in specs.values()}:
            problems.append(
                _warning(
                    config,
                    spec,
                    rel,
                    f"survey.yaml maps two columns to attribute {spec.name!r}; {column!r} is left out",
                    "give each column its own name",
                )
            )
        else:
            specs[key] = spec
    return AttributePlan(specs, {spec.name: column for column, spec in config.attributes.items() if spec in specs.values()})


def _attribute_key(survey, keys: Mapping[int, str], column: str, find_column) -> str | None:
    """The attribute key the reader gives `column` (a multi-select group by its group name), if closed."""
    groups: Sequence[str | None] = [r.group for r in survey.inferred]
    if column in groups:
        return column
    index = find_column(survey.facts, column)
    if index is None or survey.inferred[index].role not in CLOSED:
        return None
    return survey.inferred[index].group or keys[index]


def _warning(config: SurveyConfig, spec: AttributeSpec, rel: str, message: str, hint: str) -> Problem:
    return Problem(config.path or rel, f"{message} ({rel})", hint=hint, line=spec.line, severity="warning")
