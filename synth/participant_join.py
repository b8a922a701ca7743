"""One person across sources: participants.csv rows joined onto the speakers and respondents of every source.

The join rule, in order (the first that finds exactly one roster row wins):

1. **Exact identity.** A speaker label, or a survey respondent's id, email or name cell
   (`Source.identities`), equals one of a roster row's identities: its key, its email
   column, or an alias / ids / respondent-id column (several values split on ``;`` ``,``
   ``|``). Case, spacing and asides ("Jo (Researcher)") are ignored. A value that two rows
   share identifies neither.
2. **Names** (transcripts only): `synth.segment.find_roster_key`, i.e. the row's name
   column, or the one row whose full name starts with the speaker's first name. A first
   name alone is refused when another participant speaker in the study has that first name (two "Sam"s
   could be two people); the refusal is listed (`JoinReport.refused`).
3. **Header** (a transcript with one participant labelled only "A" / "Participant"): the
   one row named in the first lines ("Interview with Brian Walsh").

Survey respondents also join **across survey files by their respondent id** (an export and
the coding workbooks that repeat its ResponseIds), when the id is filled and occurs once in
each file, and not when that would join two roster rows.

Everyone matched to the same roster row (or respondent id) is **one participant**: their sources, units and
attributes are merged. The merged participant keeps the id position and the `key` of its
first appearance (source order, then first-turn order), so review decisions keyed on an
interviewee survive when their survey answers join them; `member_keys` holds every
(source, speaker) key, which `participant_index` uses to route all their turns to them.

Attributes that are the same question from two sources (roster ``age_band`` and the
survey's "What is your age?") are mapped to one name before merging: as survey.yaml's
`attributes:` names them (`synth.ingest.survey_attributes`), else by matching value
sets (`synth.cluster_features.align_attributes`, the shorter name is kept). On a clash the
roster value wins: it is the researcher's record. The rule and result are reported
(`JoinReport`), by row number and participant id only: roster keys are names.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from synth.privacy.columns import PII_COLUMN_ROLES, is_private_key
from synth.records import Participant, Source

Roster = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class JoinReport:
    """What the roster join did; holds no names (row numbers and participant ids only)."""

    roster_path: str = ""
    roster_rows: int = 0
    matched: dict[str, int] = field(default_factory=dict)  # participant id -> roster row number
    unmatched_rows: tuple[int, ...] = ()  # roster row numbers that matched no one
    without_roster: tuple[str, ...] = ()  # participant ids with no roster row (empty when there is no roster)
    joined: dict[str, int] = field(default_factory=dict)  # participant id -> sources joined into it (2+)
    joined_by: dict[str, str] = field(default_factory=dict)  # participant id -> "roster row" / "respondent id" / both
    # joins refused: (roster row number or 0, the participant ids kept apart, why)
    refused: tuple[tuple[int, tuple[str, ...], str], ...] = ()
    mapping: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # source name -> (kept name, source kind, how)

    located: dict[str, tuple[str, ...]] = field(default_factory=dict)  # participant id -> source paths, as shown

    def locate(self, participants: Sequence[Participant], sources: Sequence[Source]) -> "JoinReport":
        """The report with each listed participant's source paths as the outputs show them (after aliasing)."""
        from dataclasses import replace

        paths = {s.id: s.path for s in sources}
        wanted = set(self.joined) | set(self.without_roster) | {pid for _, pids, _ in self.refused for pid in pids}
        return replace(self, located={p.id: tuple(paths.get(s, s) for s in p.source_ids) for p in participants if p.id in wanted})

    def summary_line(self) -> str:
        """One line for the run summary and `synth inspect` ("" without a roster)."""
        if not self.roster_rows:
            by_id = sum(how == "respondent id" for how in self.joined_by.values())
            refused = f", {len(self.refused)} join(s) refused" if self.refused else ""
            return f"{by_id} respondent(s) joined across survey files by their id{refused}" if by_id or refused else ""
        joined = f", {len(self.joined)} person(s) joined across sources" if self.joined else ""
        joined += f", {len(self.refused)} join(s) refused" if self.refused else ""
        return (
            f"roster: {len(self.matched)} participant(s) matched {self.roster_rows - len(self.unmatched_rows)} of "
            f"{self.roster_rows} row(s){joined}; {len(self.unmatched_rows)} row(s) matched no one, "
            f"{len(self.without_roster)} participant(s) have no roster row"
        )

    def lines(self) -> list[str]:
        """The join for `synth inspect`: the summary, who was joined, what matched no one, the attribute mapping."""
        out = [self.summary_line()] if self.summary_line() else []
        joined = [(pid, paths) for pid, paths in self.located.items() if pid in self.joined]
        for pid, paths in joined[:12]:
            out.append(f"  {pid} is one person in {len(paths)} sources ({self.joined_by.get(pid, 'roster row')}): {', '.join(paths)}")
        if len(joined) > 12:
            out.append(f"  … +{len(joined) - 12} more joined (run.json 'participants_join')")
        for row, pids, why in self.refused:
            where = f"{self.roster_path} row {row}: " if row else ""
            out.append(f"  not joined: {', '.join(pids)} ({where}{why})")
        if self.unmatched_rows:
            out.append(
                f"  {self.roster_path} row(s) that matched no one: {', '.join(map(str, self.unmatched_rows))} "
                "(check the name, email or alias against the transcript or survey)"
            )
        if self.without_roster:
            shown = ", ".join(self.without_roster[:12]) + (f" … +{len(self.without_roster) - 12}" if len(self.without_roster) > 12 else "")
            out.append(f"  participants with no roster row: {shown}")
        for name, (kept, kind, how) in sorted(self.mapping.items()):
            out.append(f"  attribute {kept} ← {kind} {name!r} ({how})")
        return out

    def as_dict(self) -> dict:
        """run.json's `participants_join` block (row numbers and participant ids: no names)."""
        sources = {pid: list(paths) for pid, paths in self.located.items()}
        return {
            "rule": "roster rows join on id, email, alias or name (exact), then a first name only one speaker has, or "
            "the transcript header; survey respondents join across survey files by their respondent id",
            "roster": self.roster_path or None,
            "roster_rows": self.roster_rows,
            "matched_participants": len(self.matched),
            "joined_across_sources": [
                {"participant": pid, "sources": sources.get(pid, []), "by": self.joined_by.get(pid, "roster row")} for pid in self.joined
            ],
            "refused_joins": [{"participants": list(pids), "roster_row": row or None, "reason": why} for row, pids, why in self.refused],
            "unmatched_roster_rows": [
                {"row": row, "reason": "no speaker, respondent id, email or alias matches it"} for row in self.unmatched_rows
            ],
            "participants_without_roster_row": [{"participant": pid, "sources": sources.get(pid, [])} for pid in self.without_roster],
            "attribute_mapping": [
                {"attribute": kept, "from": name, "source_kind": kind, "how": how}
                for name, (kept, kind, how) in sorted(self.mapping.items())
            ],
        }


def _normal(value: str) -> str:
    from synth.segment import normalize_name

    return normalize_name(str(value))


def identity_index(roster: Roster, identities: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Normalised identity -> roster row key; values two rows share are left out (ambiguous)."""
    seen: dict[str, set[str]] = {}
    for key in sorted(roster):
        for value in (key, *identities.get(key, ())):
            if _normal(value):
                seen.setdefault(_normal(value), set()).add(key)
    return {value: next(iter(keys)) for value, keys in seen.items() if len(keys) == 1}


def roster_row(source: Source, speaker: str, roster: Roster, index: Mapping[str, str]) -> tuple[str | None, str]:
    """The roster row key for one speaker / respondent by the module's rule, and how it was found
    ("id", "name", "first name" or "header"); (None, "") when none or unsure."""
    from synth.segment import find_roster_key

    for value in (speaker, *source.identities.get(speaker, ())):
        if _normal(value) in index:
            return index[_normal(value)], "id"
    if source.kind != "transcript":
        return None, ""
    found = find_roster_key(speaker, roster)
    if found is not None:
        return found, "name" if _full_name_match(speaker, found, roster[found]) else "first name"
    if sum(s.role == "participant" for s in source.speakers) == 1:
        from synth.ingest.survey_roster import roster_key_in_header

        found = roster_key_in_header(source.lines, roster)  # the Q/A "A" named in the header
    return found, "header" if found is not None else ""


def _full_name_match(speaker: str, key: str, row: Mapping[str, str]) -> bool:
    """Whether the speaker is the row's key or name as a whole, not just its first name."""
    from synth.privacy.columns import is_name_key

    wanted = _normal(speaker)
    return speaker == key or any(_normal(c) == wanted for c in [key, *(v for k, v in row.items() if is_name_key(k) and v)])


def own_attributes(source: Source, speaker: str) -> dict[str, str]:
    """A speaker's closed answers in their own source; never a name, contact detail or id."""
    hidden = {c.name for c in source.columns if c.role in PII_COLUMN_ROLES}
    return {
        k: str(v) for k, v in source.attributes.get(speaker, {}).items() if k not in hidden and not is_private_key(k) and str(v).strip()
    }


def attribute_mapping(sources: Sequence[Source], roster: Roster) -> dict[str, tuple[str, str]]:
    """Attribute name -> (the name it is kept under, kind of the source it came from), found by
    matching value sets across the roster and each survey (`align_attributes`)."""
    from synth.cluster_features import align_attributes

    pseudo, kind_of = [], {}
    for n, (_key, row) in enumerate(sorted(roster.items())):
        pseudo.append(Participant(f"roster-{n}", "", (), {k: v for k, v in row.items() if not is_private_key(k)}))
        kind_of.update({k: "roster" for k in row})
    for source in sources:
        for speaker in (s.name for s in source.speakers):
            own = {
                k: v for k, v in own_attributes(source, speaker).items() if k not in source.mapped_attributes
            }  # named in survey.yaml: not re-mapped by values
            if own:
                pseudo.append(Participant(f"{source.id}\0{speaker}", "", (), own))
                kind_of.update({k: source.kind for k in own if kind_of.get(k) != "roster"})
    _, mapping = align_attributes(pseudo)
    return {name: (kept, kind_of.get(name, "survey")) for name, kept in mapping.items()}


Member = tuple[Source, str, "str | None", str]  # (source, speaker, roster row key, how it was found)
Refusal = tuple[int, tuple[str, ...], str]  # a `JoinReport.refused` entry


def _refuse_shared_first_names(members: list[Member]) -> dict[str, list[int]]:
    """Drop roster matches made on a first name alone when another participant speaker has that first
    name too: "Sam" in two interviews could be two Sams, so neither is joined to the one "Sam Patel" row
    on it (and a "Sam" beside a "Sam O" the roster names as an alias is not joined either). A first
    name no other speaker has still joins; a stronger key (id, email, alias, full name) always does.
    Returns roster row key -> the member positions refused."""
    firsts = Counter(_first_word(speaker) for source, speaker, _, _ in members if source.kind == "transcript")
    refused: dict[str, list[int]] = {}
    for position, (source, speaker, row, how) in enumerate(members):
        if how == "first name" and row is not None and firsts[_first_word(speaker)] > 1:
            refused.setdefault(row, []).append(position)
            members[position] = (source, speaker, None, "")
    return refused


def _first_word(speaker: str) -> str:
    words = _normal(speaker).split()
    return words[0] if words else ""


def _components(members: Sequence[Member]) -> tuple[list[list[int]], list[tuple[int, int]]]:
    """Member positions grouped into people: one roster row is one person, and the same respondent id
    in two survey files (an export and its coding workbooks) is one person, unless that would join two
    different roster rows (such pairs are returned, refused)."""
    parent = list(range(len(members)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    rows: dict[int, str] = {}  # component root -> its roster row

    def union(a: int, b: int) -> bool:
        ra, rb = find(a), find(b)
        if ra == rb:
            return True
        if ra in rows and rb in rows and rows[ra] != rows[rb]:
            return False
        low, high = min(ra, rb), max(ra, rb)
        parent[high] = low
        if high in rows:
            rows.setdefault(low, rows.pop(high))
        return True

    first_of: dict[tuple[str, str], int] = {}
    for position, (_, _, row, _) in enumerate(members):
        if row is not None:
            rows[position] = row
            union(first_of.setdefault(("row", row), position), position)
    refused: list[tuple[int, int]] = []
    by_id: dict[str, list[int]] = {}
    for position, (source, speaker, _, _) in enumerate(members):
        key = source.respondent_keys.get(speaker, "").casefold()
        if key:
            by_id.setdefault(key, []).append(position)
    for positions in by_id.values():
        for position in positions[1:]:
            if members[position][0] is not members[positions[0]][0] and not union(positions[0], position):
                refused.append((positions[0], position))
    groups: dict[int, list[int]] = {}
    for position in range(len(members)):
        groups.setdefault(find(position), []).append(position)
    return sorted(groups.values()), refused


def join_participants(
    sources: Sequence[Source], rosters: Sequence[Source] = (), roster: Roster | None = None
) -> tuple[list[Participant], JoinReport]:
    """Participants of the evidence `sources` with the roster rows joined on (see the module's
    rule), people in several sources merged into one, and the report of the join. `rosters`
    are the participants.csv sources; `roster` (row key -> attributes) may be given instead."""
    from synth.segment import _participant_speakers, source_anchors

    roster = dict(roster or {k: v for r in rosters for k, v in r.attributes.items()})
    identities = {k: v for r in rosters for k, v in r.identities.items()}
    row_numbers = {k: v for r in rosters for k, v in r.rows.items()}
    index = identity_index(roster, identities)
    mapping = attribute_mapping(sources, roster)
    anchors = source_anchors(sources)
    members: list[Member] = [
        (source, speaker, *(roster_row(source, speaker, roster, index) if roster else (None, "")))
        for source in sources
        for speaker in _participant_speakers(source)
    ]
    refused_names = _refuse_shared_first_names(members)
    groups, refused_ids = _components(members)
    width = max(2, len(str(len(groups))))
    participants, matched, joined, joined_by, pid_of = [], {}, {}, {}, {}
    for number, positions in enumerate(groups, 1):
        pid = f"P{number:0{width}d}"
        pid_of.update({position: pid for position in positions})
        group = [members[position] for position in positions]
        row = next((r for _, _, r, _ in group if r is not None), None)
        participant = _merged_participant(pid, group, row, anchors, mapping, roster)
        if row is not None:
            matched[pid] = row_numbers.get(row, 0)
        if len(group) > 1:
            joined[pid] = len(participant.source_ids)
            joined_by[pid] = _joined_by(group, row)
        participants.append(participant)
    used = {members[positions[0]][2] for positions in groups} | {r for _, _, r, _ in members}
    report = JoinReport(
        roster_path=", ".join(r.path for r in rosters),
        roster_rows=len(roster),
        matched=matched,
        unmatched_rows=tuple(sorted(row_numbers.get(k, 0) for k in roster if k not in used)),
        without_roster=tuple(p.id for p in participants if p.id not in matched) if roster else (),
        joined=joined,
        joined_by=joined_by,
        refused=_refusals(refused_names, refused_ids, pid_of, row_numbers),
        mapping=_mapping_report(mapping, sources),
    )
    return participants, report


def _merged_participant(
    pid: str, group: Sequence[Member], row: str | None, anchors: Mapping[str, str], mapping: Mapping[str, tuple[str, str]], roster: Roster
) -> Participant:
    """One person from the members joined into them: the first member's key, every source, and the
    attributes of each member then of the roster row (the roster wins a clash), under their mapped names."""
    from synth.segment import participant_key

    keys = tuple(participant_key(anchors[s.id], speaker) for s, speaker, _, _ in group)
    attributes: dict[str, str] = {}
    for source, speaker, _, _ in group:
        attributes.update({mapping.get(k, (k,))[0]: v for k, v in own_attributes(source, speaker).items()})
    if row is not None:
        attributes.update({mapping.get(k, (k,))[0]: str(v) for k, v in roster[row].items() if not is_private_key(k) and str(v).strip()})
    return Participant(
        id=pid,
        key=keys[0],
        source_ids=tuple(dict.fromkeys(s.id for s, _, _, _ in group)),
        attributes=dict(sorted(attributes.items())),
        member_keys=keys if len(keys) > 1 else (),
    )


def _joined_by(group: Sequence[Member], row: str | None) -> str:
    """How the members of a person were joined: on their roster row, their respondent id, or both."""
    if row is not None and all(r == row for _, _, r, _ in group):
        return "roster row"
    return "respondent id" if row is None else "roster row and respondent id"


def _refusals(
    refused_names: Mapping[str, list[int]],
    refused_ids: Sequence[tuple[int, int]],
    pid_of: Mapping[int, str],
    row_numbers: Mapping[str, int],
) -> tuple[Refusal, ...]:
    """`JoinReport.refused`: first-name matches refused (by roster row number), then respondent ids kept apart."""
    names: list[Refusal] = [
        (
            row_numbers.get(row, 0),
            tuple(pid_of[p] for p in positions),
            "only a first name matches, and another speaker has that first name: add an email, alias or full name",
        )
        for row, positions in sorted(refused_names.items(), key=lambda item: row_numbers.get(item[0], 0))
    ]
    ids: list[Refusal] = [
        (0, (pid_of[a], pid_of[b]), "the same respondent id, but they match different roster rows") for a, b in refused_ids
    ]
    return tuple(names + ids)


def _mapping_report(mapping: Mapping[str, tuple[str, str]], sources: Sequence[Source]) -> dict[str, tuple[str, str, str]]:
    """`JoinReport.mapping`: attributes renamed by matching values, then those survey.yaml renamed."""
    return {name: (kept, kind, "values matched") for name, (kept, kind) in mapping.items()} | {
        column: (kept, source.kind, "survey.yaml")
        for source in sources
        for kept, column in source.mapped_attributes.items()
        if column != kept
    }
