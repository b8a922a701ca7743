"""Day in the life: units that say when something happens, placed in time buckets per persona.

The rule set is a small grammar of regular expressions over the unit's words
(case-insensitive, whole words), first rule of a kind that matches wins:

- clock times: "at 7am", "7.30 pm", "19:00", "seven in the morning", "eleven at night"
  -> the bucket of that hour (`HOURS`: early morning 04-07, morning 08-11, midday 12-13,
  afternoon 14-17, evening 18-21, night 22-03); "7am" without am/pm and a 1-12 hour is
  left out as ambiguous unless "in the morning/evening", "at night" follows;
- phrases (`PHRASES`): "before the school run", "first thing", "breakfast" (early morning),
  "morning(s)" (morning), "lunch break", "lunchtime", "midday", "noon" (midday),
  "afternoon(s)" (afternoon), "after work", "evening(s)", "dinner", "teatime",
  "tonight" (evening), "night", "late at night", "midnight", "bedtime" (night);
- days of the week (`WEEK`): Monday-Friday, "weekday(s)", "during the week" (weekday),
  Saturday, Sunday, "weekend(s)" (weekend).

A unit can carry one time-of-day bucket and one day-of-week bucket ("Sunday evening" is
evening and weekend). The report shows the section only when at least `MIN_UNITS`
units carry a time across at least `MIN_BUCKETS` buckets: fewer is an anecdote, not a
day. A rule set rather than a trained pipeline's TIME/DATE entities keeps the result
the same whichever spaCy pipeline is installed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Iterable, Mapping, Sequence

DAY_BUCKETS = ("early_morning", "morning", "midday", "afternoon", "evening", "night")
WEEK_BUCKETS = ("weekday", "weekend")
BUCKETS = DAY_BUCKETS + WEEK_BUCKETS
LABELS = {
    "early_morning": "Early morning", "morning": "Morning", "midday": "Midday", "afternoon": "Afternoon",
    "evening": "Evening", "night": "Night", "weekday": "Weekdays", "weekend": "Weekends",
}  # fmt: skip
MIN_UNITS = 5
MIN_BUCKETS = 2

NUMBER_WORDS = {w: i + 1 for i, w in enumerate(
    "one two three four five six seven eight nine ten eleven twelve".split())}  # fmt: skip
_HOUR = r"(?<![\w:.£$-])(?P<hour>\d{1,2}(?![\d,])|(?:" + "|".join(NUMBER_WORDS) + r")(?![\w-]))"
CLOCK = re.compile(
    _HOUR + r"(?:[:.](?P<minute>\d{2})(?!\d))?(?:\s*(?:(?P<ampm>[ap])\.?m\.?\b|o'?clock\b))?"
    r"(?:\s+(?P<part>in the morning|in the afternoon|in the evening|at night))?",
    re.IGNORECASE,
)
PHRASES: tuple[tuple[str, str], ...] = (
    ("early_morning", r"before the school run|school run|first thing|breakfast|early (?:in the )?mornings?|crack of dawn"),
    ("night", r"late at night|(?:mid)?nights?|bedtime|overnight"),
    ("midday", r"lunch ?breaks?|lunch ?times?|lunch|midday|noon"),
    ("afternoon", r"afternoons?"),
    ("evening", r"after work|evenings?|dinner ?times?|dinner|tea ?time|tonight"),
    ("morning", r"mornings?"),
)
WEEK: tuple[tuple[str, str], ...] = (
    ("weekend", r"saturdays?|sundays?|weekends?"),
    ("weekday", r"mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|weekdays?|during the week|work ?days?"),
)
_PART_HOURS = {"in the morning": "am", "in the afternoon": "pm", "in the evening": "pm", "at night": "pm"}


def _compile(rules: tuple[tuple[str, str], ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((bucket, re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)) for bucket, body in rules)


_PHRASES, _WEEK = _compile(PHRASES), _compile(WEEK)
# Any phrase or day at all: one search instead of eight for the many units that name no time (the
# first rule of a kind still decides, in rule order, below).
_ANY_WORD = re.compile(rf"(?<![\w-])(?:{'|'.join(body for _, body in PHRASES + WEEK)})(?![\w-])", re.IGNORECASE)


def hour_bucket(hour: int) -> str:
    """The day bucket of an hour 0-23."""
    if 4 <= hour < 8:
        return "early_morning"
    if 8 <= hour < 12:
        return "morning"
    if 12 <= hour < 14:
        return "midday"
    if 14 <= hour < 18:
        return "afternoon"
    if 18 <= hour < 22:
        return "evening"
    return "night"


def _clock_bucket(text: str) -> str | None:
    for match in CLOCK.finditer(text):
        raw = match.group("hour").lower()
        hour = NUMBER_WORDS.get(raw) or int(raw)
        ampm = (match.group("ampm") or "").lower()
        part = (match.group("part") or "").lower()
        is_word = raw in NUMBER_WORDS
        if part:
            ampm = ampm or _PART_HOURS[part][0]
            if part == "at night" and hour < 5:
                ampm = "a"  # "two at night"
        if ampm and 1 <= hour <= 12:
            return hour_bucket(hour % 12 + (12 if ampm == "p" else 0))
        if not is_word and match.group("minute") and 13 <= hour <= 23:
            return hour_bucket(hour)  # "19:00"
    return None


def time_buckets(text: str) -> tuple[str, ...]:
    """The buckets a unit's text places it in: at most one of DAY_BUCKETS, then one of WEEK_BUCKETS."""
    out: list[str] = []
    worded = _ANY_WORD.search(text) is not None
    day = _clock_bucket(text) or (next((b for b, p in _PHRASES if p.search(text)), None) if worded else None)
    if day:
        out.append(day)
    week = next((b for b, p in _WEEK if p.search(text)), None) if worded else None
    if week:
        out.append(week)
    return tuple(out)


def build_timeline(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """map.json's `timeline` of the draft's map data (see `timeline_of`)."""
    units = ((u["id"], u.get("persona_id"), u["text"]) for u in doc.get("units", ()))
    return timeline_of(units, [p["id"] for p in doc.get("personas", ())])


def timeline_of(units: Iterable[tuple[str, str | None, str]], persona_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Per persona (in `persona_ids` order), bucket -> unit ids, every bucket listed, from (unit id, persona id, text)."""
    per: dict[str, dict[str, list[str]]] = defaultdict(lambda: {b: [] for b in BUCKETS})
    for uid, persona_id, text in units:
        if persona_id is None:
            continue
        for bucket in time_buckets(text):
            per[persona_id][bucket].append(uid)
    return [{"persona_id": pid, "buckets": per[pid]} for pid in persona_ids if pid in per]


def shown(units_by_bucket: Mapping[str, list[str]]) -> bool:
    """Enough timed units to draw a day: MIN_UNITS distinct units over MIN_BUCKETS buckets."""
    units = {u for ids in units_by_bucket.values() for u in ids}
    return len(units) >= MIN_UNITS and sum(1 for ids in units_by_bucket.values() if ids) >= MIN_BUCKETS
