"""A participants roster (`participants.csv` / `.xlsx`): attributes for people of any source.

The first id-like column (``participant``, ``name``, ``id`` ...; else the first
column) names the person as the transcripts or survey do; every other column
that is not contact data becomes an attribute, joined onto participants by
`synth.segment.build_participants`. The Source has kind "participants", no
turns and no speakers.
"""

from __future__ import annotations

import re

from synth.errors import InputError
from synth.ingest.survey_headers import unique_names
from synth.ingest.survey_roles import ColumnFacts, header_role
from synth.ingest.survey_tables import Table
from synth.records import Column, Problem, Source

KEY_HEADERS = (
    "participant",
    "participant id",
    "participant_id",
    "participant name",
    "name",
    "full name",
    "id",
    "speaker",
    "respondent",
    "respondent id",
    "interviewee",
    "alias",
    "code",
)


def read_roster(table: Table, rel: str) -> Source:
    """The roster as a Source of kind "participants"; raises InputError when it has no rows."""
    names = unique_names(table.rows[0])
    if len(table.rows) < 2 or len(names) < 2:
        raise InputError(
            rel,
            "a participants file needs a header row, an id column and at least one attribute",
            hint="write it as: name,age_band,segment  then one row per participant",
        )
    key = _key_column(names)
    columns, hidden = _roster_columns(names, key, table)
    attributes: dict[str, dict[str, str]] = {}
    identities: dict[str, tuple[str, ...]] = {}
    rows: dict[str, int] = {}
    aliases = [i for i, n in enumerate(names) if i != key and (i in hidden or ALIAS_HEADER.search(n))]
    repeated = []
    for number, row in enumerate(table.rows[1:], 2):
        cells = tuple(row) + ("",) * (len(names) - len(row))
        person = cells[key].strip()
        if not person:
            continue
        if person in attributes:
            repeated.append(number)
        attributes[person] = {
            names[i]: cells[i].strip() for i in range(len(names)) if i != key and i not in hidden and i not in aliases and cells[i].strip()
        }
        identities[person] = tuple(dict.fromkeys([person] + [v.strip() for i in aliases for v in ALIAS_SPLIT.split(cells[i]) if v.strip()]))
        rows[person] = number
    problems: tuple[Problem, ...] = ()
    if repeated:
        problems = (
            Problem(
                rel,
                f"{len(repeated)} participant(s) are listed more than once; the last row wins",
                row=repeated[0],
                column=names[key],
                hint="keep one row per participant",
                severity="warning",
            ),
        )
    return Source(
        id="",
        path=rel,
        kind="participants",
        format="participants",
        sha256="",
        lines=tuple("\t".join(r) for r in table.rows),
        columns=columns,
        attributes=attributes,
        problems=problems,
        identities=identities,
        rows=rows,
    )


# columns that name the person another way (their survey respondent id, an alias, other ids):
# joined on, never attributes. Contact columns (email) are joined on too.
ALIAS_HEADER = re.compile(
    r"\b(alias(es)?|aka|also known as|ids|other[ _-]ids?|respondent([ _-]id)?|survey([ _-]respondent)?([ _-]id)?|"
    r"response[ _-]id)\s*$",
    re.IGNORECASE,
)
ALIAS_SPLIT = re.compile(r"[;,|]")


def _key_column(names: tuple[str, ...]) -> int:
    lowered = [n.strip().lower() for n in names]
    for wanted in KEY_HEADERS:
        if wanted in lowered:
            return lowered.index(wanted)
    return 0


def _roster_columns(names, key: int, table: Table) -> tuple[tuple[Column, ...], set[int]]:
    """Columns with roles: the key, contact details (never attributes), the rest attributes."""
    columns, hidden = [], set()
    for index, name in enumerate(names):
        if index == key:
            columns.append(Column(name, "respondent_id", name, "", "names the participant"))
            continue
        found = header_role(ColumnFacts(name, name, "", "", ()))
        if ALIAS_HEADER.search(name):
            columns.append(Column(name, "respondent_id", name, "", "another id of the participant (joined on)"))
            continue
        if found is not None and found.role in ("pii", "respondent_id"):
            hidden.add(index)
            columns.append(Column(name, "pii", name, "[redacted]", found.reason))
            continue
        example = next((r[index].strip() for r in table.rows[1:] if index < len(r) and r[index].strip()), "")
        columns.append(Column(name, "single_choice", name, example, "participant attribute"))
    return tuple(columns), hidden


HEADER_LINES = 5  # a transcript names its interviewee near the top ("Interview with Brian Walsh, 14 March")


def roster_key_in_header(lines, roster) -> str | None:
    """The roster row whose name appears in the first HEADER_LINES lines of a one-interviewee
    transcript whose speaker is only a label ("A", "Participant"); None unless exactly one
    row matches (whole words, ignoring case), so a wrong join is never guessed."""
    import re

    from synth.segment import is_name_key, normalize_name

    head = " " + normalize_name(" ".join(lines[:HEADER_LINES])) + " "
    found = set()
    for key, row in sorted(roster.items()):
        names = [key] + [v for k, v in row.items() if is_name_key(k) and v]
        for name in names:
            wanted = normalize_name(name)
            if len(wanted) >= 3 and re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", head):
                found.add(key)
    return found.pop() if len(found) == 1 else None
