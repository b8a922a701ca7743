"""Who interviews and who answers: speaker roles and the question each answer follows.

A speaker's role is decided, first rule that applies:

1. an override: the `overrides` mapping the pipeline passes (speaker name ->
   role), then a sidecar file beside the transcript, ``<transcript>.roles.yaml``
   (``interview1.txt.roles.yaml`` or ``interview1.roles.yaml``), then a
   ``speakers.yaml`` in the same folder. Both files map speaker names, as they
   are written in the transcript, to ``interviewer`` or ``participant``
   (``moderator``, ``researcher``, ``facilitator``, ``host`` also mean
   interviewer; ``interviewee``, ``respondent``, ``customer`` participant), or
   to ``staff`` (any `synth.staff.STAFF_ROLES` word): a participant who works
   for the service, whose words are backstage evidence (the speaker's ``role``
   attribute becomes ``staff``; see synth/staff.py)::

       Jane Doe: interviewer
       Speaker 2: participant
       Sam Okafor: staff          # or  Sam Okafor: {role: staff}

2. what the format says (a note's speaker code ``R`` = researcher);
3. the label: ``Interviewer 1``, ``Moderator``, ``Q``, ``Host``... are
   interviewers (so are a ``Note-taker`` and an ``Observer``: research team);
   ``Interviewee``, ``A``, ``Participant 3``, ``P03``, ``Respondent``,
   ``Customer``... participants;
4. the conversation: with exactly two speakers, the one who asks clearly more of
   the questions (turns ending in "?": at least three, and more than two thirds
   of them) and speaks first, or asks three quarters of them, is the interviewer; with three
   or more speakers and no labelled moderator (a meeting, a focus group) everyone
   is a participant; anyone else is a participant.

Each participant turn then gets as `question` the interviewer's prompt it
follows (see `attach_questions`).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Mapping, Sequence

from synth.records import Problem, Source, Speaker, Turn
from synth.staff import is_staff

log = logging.getLogger(__name__)

INTERVIEWER_WORDS = ("interviewer", "moderator", "researcher", "facilitator")
PARTICIPANT_WORDS = ("interviewee", "participant", "respondent")
INTERVIEWER_LABELS = ("q", "i", "int", "iv", "mod", "host", "co-host", "cohost", "question")
PARTICIPANT_LABELS = ("a", "p", "ie", "resp", "answer", "user", "customer", "client", "candidate")
ROLE_WORDS = {
    "interviewer": "interviewer",
    "moderator": "interviewer",
    "researcher": "interviewer",
    "facilitator": "interviewer",
    "host": "interviewer",
    "participant": "participant",
    "interviewee": "participant",
    "respondent": "participant",
    "customer": "participant",
}
STAFF = "staff"  # a roles-file value: a participant who works for the service
CLOSERS = "\"'”’»)]*_ \t"


def label_role(name: str) -> tuple[str, str] | None:
    """(role, reason) when the speaker's label itself names a role, else None."""
    label = name.strip().lower()
    bare = re.sub(r"[\s_#-]*\d{1,3}$", "", label)
    if bare in INTERVIEWER_LABELS:
        return "interviewer", f"labelled '{name.strip()}'"
    if bare in PARTICIPANT_LABELS:
        return "participant", f"labelled '{name.strip()}'"
    if re.search(r"\bnote[\s_-]?taker\b|\bobserver\b", label):
        return "interviewer", "labelled as research team (note-taker or observer)"
    words = re.findall(r"[a-z]+", label)
    for word in words:
        if word in INTERVIEWER_WORDS:
            return "interviewer", f"labelled '{word}'"
    for word in words:
        if word in PARTICIPANT_WORDS:
            return "participant", f"labelled '{word}'"
    return None


def is_question(text: str) -> bool:
    """True when the text ends with "?" (closing quotes and brackets ignored)."""
    return text.rstrip(CLOSERS).endswith("?")


def assign_roles(
    turns: Sequence[Turn], hints: Mapping[str, tuple[str, str]] | None = None, overrides: Mapping[str, str] | None = None
) -> tuple[Speaker, ...]:
    """One `Speaker` per name in `turns`, in order of first appearance (rules in the module doc)."""
    names = list(dict.fromkeys(t.speaker for t in turns))
    hints, overrides = hints or {}, overrides or {}
    decided: dict[str, Speaker] = {}
    for name in names:
        if name in overrides:
            decided[name] = Speaker(name, overrides[name], "set by override")
        elif name in hints:
            decided[name] = Speaker(name, *hints[name])
        elif (found := label_role(name)) is not None:
            decided[name] = Speaker(name, *found)
    undecided = [n for n in names if n not in decided]
    decided.update(_infer_roles(turns, names, undecided, decided))
    return tuple(decided[n] for n in names)


def _infer_roles(turns: Sequence[Turn], names: list[str], undecided: list[str], decided: Mapping[str, Speaker]) -> dict[str, Speaker]:
    if not undecided:
        return {}
    if any(s.role == "interviewer" for s in decided.values()):
        return {n: Speaker(n, "participant", "not labelled; the interviewer is") for n in undecided}
    if len(names) >= 3:
        reason = f"one of {len(names)} speakers with no labelled moderator (meeting or focus group)"
        return {n: Speaker(n, "participant", reason) for n in undecided}
    if len(names) == 1:
        return {names[0]: Speaker(names[0], "participant", "the only speaker")}
    asker = _main_asker(turns, names)
    found = {}
    for name in undecided:
        if name == asker[0]:
            found[name] = Speaker(name, "interviewer", asker[1])
        elif asker[0]:
            found[name] = Speaker(name, "participant", "the other speaker asks most of the questions")
        else:
            found[name] = Speaker(name, "participant", "two speakers and neither asks clearly more questions")
    return found


def _main_asker(turns: Sequence[Turn], names: list[str]) -> tuple[str | None, str]:
    """The speaker of two who asks clearly more questions, with the reason; (None, "") if neither."""
    asked = Counter(t.speaker for t in turns if is_question(t.text))
    total = sum(asked.values())
    for name in names:
        count = asked[name]
        share = count / total if total else 0.0
        first = name == names[0]
        if count >= 3 and (share >= 0.75 or (first and share > 2 / 3)):
            return name, f"asks {count} of {total} questions" + (" and speaks first" if first else "")
    return None, ""


def attach_questions(turns: Sequence[Turn], speakers: Sequence[Speaker]) -> tuple[Turn, ...]:
    """Give each participant turn the interviewer prompt it follows.

    The prompt is taken from the latest run of interviewer turns before it: the
    last of them that ends with "?", or else the last of them. A prompt never
    crosses a section heading. Where no interviewer spoke, a question the format
    gave as context (a note heading ending in "?") is kept; interviewer turns get
    no question.
    """
    roles = {s.name: s.role for s in speakers}
    out: list[Turn] = []
    run: list[Turn] = []
    prompt: str | None = None
    heading: object = object()
    for turn in turns:
        if turn.heading != heading:
            heading, run, prompt = turn.heading, [], None
        if roles.get(turn.speaker) == "interviewer":
            run.append(turn)
            out.append(replace(turn, question=None))
            continue
        if run:
            asked = [t.text for t in run if is_question(t.text)]
            prompt, run = (asked[-1] if asked else run[-1].text), []
        out.append(replace(turn, question=prompt or turn.question))
    return tuple(out)


def apply_overrides(source: Source, overrides: Mapping[str, str]) -> Source:
    """Re-decide roles and questions of a read transcript with `overrides` (name -> role).

    Prefer passing `overrides` to `transcripts.read`, which decides once. Here,
    questions taken from an interviewer turn are recomputed; a question the
    format gave (a note heading) is kept where it was kept, but one that an
    interviewer's prompt had replaced cannot be restored.
    """
    if not overrides:
        return source
    checked = {name: normalise_role(role) for name, role in overrides.items()}
    known = {s.name: s for s in source.speakers}
    hints = {n: (s.role, s.role_reason) for n, s in known.items() if n not in checked}
    spoken = {t.text for t in source.turns}
    turns = [replace(t, question=None if t.question in spoken else t.question) for t in source.turns]
    speakers = assign_roles(turns, hints, {n: r for n, r in checked.items() if r})
    return replace(source, speakers=speakers, turns=attach_questions(turns, speakers))


def normalise_role(value: object) -> str | None:
    """'interviewer' or 'participant' for a role word (moderator, respondent ...), else None."""
    return ROLE_WORDS.get(str(value).strip().lower()) if isinstance(value, str) else None


def load_role_overrides(path: Path, rel: str) -> tuple[dict[str, str], set[str], list[Problem]]:
    """Roles set in ``speakers.yaml`` and ``<transcript>.roles.yaml`` beside `path` (the latter wins),
    and the names marked staff there (their role is participant)."""
    folder = path.parent
    candidates = [folder / "speakers.yaml", folder / "speakers.yml", path.with_suffix(".roles.yaml")]
    candidates.append(path.with_name(path.name + ".roles.yaml"))
    found: dict[str, str] = {}
    problems: list[Problem] = []
    for candidate in dict.fromkeys(candidates):
        if candidate.is_file():
            where = str(Path(rel).parent / candidate.name) if Path(rel).parent != Path(".") else candidate.name
            roles, issues = _read_roles_file(candidate, where)
            found.update(roles)
            problems.extend(issues)
    staff = {name for name, role in found.items() if role == STAFF}
    return {name: "participant" if role == STAFF else role for name, role in found.items()}, staff, problems


def _read_roles_file(path: Path, where: str) -> tuple[dict[str, str], list[Problem]]:
    """Speaker name -> role from one roles file (ruamel.yaml, so each problem names its line)."""
    from synth.yamlcheck import line_of, load_yaml

    hint = "write one 'speaker name: interviewer', 'speaker name: participant' or 'speaker name: staff' per line"
    try:
        data, errors = load_yaml(path.read_text(encoding="utf-8-sig"), where)
    except (OSError, UnicodeDecodeError):
        return {}, [Problem(where, "the speaker roles file could not be read", hint)]
    if errors:
        return {}, [Problem(where, "the speaker roles file could not be read", hint, errors[0].line)]
    if data is None:
        return {}, []
    if not isinstance(data, Mapping):
        return {}, [Problem(where, "the speaker roles file must map speaker names to roles", hint, line_of(data, ()))]
    roles, problems = {}, []
    for name, value in data.items():
        if isinstance(value, Mapping):  # `Name: {role: staff}`
            value = value.get("role")
        role = STAFF if is_staff({"role": value}) else normalise_role(value)
        if role is None:
            reason = f"a role must be 'interviewer', 'participant' or 'staff'. Got {str(value)[:20]!r} instead"
            problems.append(Problem(where, reason, hint, line_of(data, (name,), key=True)))
            continue
        roles[str(name)] = role
    log.debug("read %d speaker roles from %s", len(roles), where)
    return roles, problems
