"""One person across sources: participants.csv rows joined onto the speakers and respondents of every source.

The join rule, in order (the first that finds exactly one roster row wins):

1. **Exact identity.** A speaker label, or a survey respondent's id, email or name cell
   (`Source.identities`), equals one of a roster row's identities: its key, its email
   column, or an alias / ids / respondent-id column (several values split on ``;`` ``,``
   ``|``). Case, spacing and asides ("Jo (Researcher)") are ignored. A value that two rows
   share identifies neither.
2. **Names** (transcripts only): `synth.segment.find_roster_key`, i.e. the row's name
   column, or the one row whose full name starts with the speaker's first name.
3. **Header** (a transcript with one participant labelled only "A" / "Participant"): the
   one row named in the first lines ("Interview with Brian Walsh").

Everyone matched to the same roster row is **one participant**: their sources, units and
attributes are merged. The merged participant keeps the id position and the `key` of its
first appearance (source order, then first-turn order), so review decisions keyed on an
interviewee survive when their survey answers join them; `member_keys` holds every
(source, speaker) key, which `participant_index` uses to route all their turns to them.

Attributes that are the same question from two sources (roster ``age_band`` and the
survey's "What is your age?") are mapped to one name before merging, by matching value
sets (`synth.cluster_features.align_attributes`, the shorter name is kept). On a clash the
roster value wins: it is the researcher's record. The rule and result are reported
(`JoinReport`), by row number and participant id only: roster keys are names.
"""

from __future__ import annotations

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
    mapping: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # source name -> (kept name, source kind, how)

    located: dict[str, tuple[str, ...]] = field(default_factory=dict)  # participant id -> source paths, as shown

    def locate(self, participants: Sequence[Participant], sources: Sequence[Source]) -> "JoinReport":
        """The report with each listed participant's source paths as the outputs show them (after aliasing)."""
        from dataclasses import replace

        paths = {s.id: s.path for s in sources}
        wanted = set(self.joined) | set(self.without_roster)
        return replace(self, located={p.id: tuple(paths.get(s, s) for s in p.source_ids)
                                      for p in participants if p.id in wanted})

    def summary_line(self) -> str:
        """One line for the run summary and `synth inspect` ("" without a roster)."""
        if not self.roster_rows:
            return ""
        joined = f", {len(self.joined)} person(s) joined across sources" if self.joined else ""
        return (f"roster: {len(self.matched)} participant(s) matched {self.roster_rows - len(self.unmatched_rows)} of "
                f"{self.roster_rows} row(s){joined}; {len(self.unmatched_rows)} row(s) matched no one, "
                f"{len(self.without_roster)} participant(s) have no roster row")

    def lines(self) -> list[str]:
        """The join for `synth inspect`: the summary, who was joined, what matched no one, the attribute mapping."""
        out = [self.summary_line()] if self.roster_rows else []
        for pid, paths in self.located.items():
            if pid in self.joined:
                out.append(f"  {pid} is one person in {len(paths)} sources: {', '.join(paths)}")
        if self.unmatched_rows:
            out.append(f"  {self.roster_path} row(s) that matched no one: {', '.join(map(str, self.unmatched_rows))} "
                       "(check the name, email or alias against the transcript or survey)")
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
            "rule": "roster rows join on id, email, alias or name (exact), then first name or the transcript header",
            "roster": self.roster_path or None,
            "roster_rows": self.roster_rows,
            "matched_participants": len(self.matched),
            "joined_across_sources": [{"participant": pid, "sources": sources.get(pid, [])} for pid in self.joined],
            "unmatched_roster_rows": [{"row": row, "reason": "no speaker, respondent id, email or alias matches it"}
                                      for row in self.unmatched_rows],
            "participants_without_roster_row": [{"participant": pid, "sources": sources.get(pid, [])}
                                                for pid in self.without_roster],
            "attribute_mapping": [{"attribute": kept, "from": name, "source_kind": kind, "how": how}
                                  for name, (kept, kind, how) in sorted(self.mapping.items())],
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


def roster_row(source: Source, speaker: str, roster: Roster, index: Mapping[str, str]) -> str | None:
    """The roster row key for one speaker / respondent, by the module's rule; None when none or unsure."""
    from synth.segment import find_roster_key

    for value in (speaker, *source.identities.get(speaker, ())):
        if _normal(value) in index:
            return index[_normal(value)]
    if source.kind != "transcript":
        return None
    found = find_roster_key(speaker, roster)
    if found is None and sum(s.role == "participant" for s in source.speakers) == 1:
        from synth.ingest.survey_roster import roster_key_in_header

        found = roster_key_in_header(source.lines, roster)  # the Q/A "A" named in the header
    return found


def own_attributes(source: Source, speaker: str) -> dict[str, str]:
    """A speaker's closed answers in their own source; never a name, contact detail or id."""
    hidden = {c.name for c in source.columns if c.role in PII_COLUMN_ROLES}
    return {k: str(v) for k, v in source.attributes.get(speaker, {}).items()
            if k not in hidden and not is_private_key(k) and str(v).strip()}


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
            own = own_attributes(source, speaker)
            if own:
                pseudo.append(Participant(f"{source.id}\0{speaker}", "", (), own))
                kind_of.update({k: source.kind for k in own if kind_of.get(k) != "roster"})
    _, mapping = align_attributes(pseudo)
    return {name: (kept, kind_of.get(name, "survey")) for name, kept in mapping.items()}


def join_participants(sources: Sequence[Source], rosters: Sequence[Source] = (),
                      roster: Roster | None = None) -> tuple[list[Participant], JoinReport]:
    """Participants of the evidence `sources` with the roster rows joined on (see the module's
    rule), people in several sources merged into one, and the report of the join. `rosters`
    are the participants.csv sources; `roster` (row key -> attributes) may be given instead."""
    from synth.segment import _participant_speakers, participant_key, source_anchors

    roster = dict(roster or {k: v for r in rosters for k, v in r.attributes.items()})
    identities = {k: v for r in rosters for k, v in r.identities.items()}
    row_numbers = {k: v for r in rosters for k, v in r.rows.items()}
    index = identity_index(roster, identities)
    mapping = attribute_mapping(sources, roster)
    anchors = source_anchors(sources)
    groups: dict[object, list[tuple[Source, str, str | None]]] = {}
    for source in sources:
        for speaker in _participant_speakers(source):
            row = roster_row(source, speaker, roster, index) if roster else None
            groups.setdefault(("row", row) if row is not None else ("alone", source.id, speaker), []).append(
                (source, speaker, row))
    width = max(2, len(str(len(groups))))
    participants, matched, joined = [], {}, {}
    for number, members in enumerate(groups.values(), 1):
        pid = f"P{number:0{width}d}"
        keys = tuple(participant_key(anchors[s.id], speaker) for s, speaker, _ in members)
        attributes: dict[str, str] = {}
        for source, speaker, _ in members:
            attributes.update({mapping.get(k, (k,))[0]: v for k, v in own_attributes(source, speaker).items()})
        row = members[0][2]
        if row is not None:
            attributes.update({mapping.get(k, (k,))[0]: str(v) for k, v in roster[row].items()
                               if not is_private_key(k) and str(v).strip()})
            matched[pid] = row_numbers.get(row, 0)
        source_ids = tuple(dict.fromkeys(s.id for s, _, _ in members))
        if len(members) > 1:
            joined[pid] = len(source_ids)
        participants.append(Participant(id=pid, key=keys[0], source_ids=source_ids,
                                        attributes=dict(sorted(attributes.items())),
                                        member_keys=keys if len(keys) > 1 else ()))
    used = {members[0][2] for members in groups.values()}
    report = JoinReport(
        roster_path=", ".join(r.path for r in rosters), roster_rows=len(roster), matched=matched,
        unmatched_rows=tuple(sorted(row_numbers.get(k, 0) for k in roster if k not in used)),
        without_roster=tuple(p.id for p in participants if p.id not in matched) if roster else (),
        joined=joined, mapping={name: (kept, kind, "values matched") for name, (kept, kind) in mapping.items()},
    )
    return participants, report
