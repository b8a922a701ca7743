"""Competitors: the other products and services participants mention, per persona and stage.

Two sources, both reported with `source`:

- ``codebook``: the codebook's optional ``competitors:`` list (a name and its aliases),
  matched case-insensitively on whole words in every unit;
- ``detected``: a proper noun that sits beside a comparison word and recurs, i.e. the
  same name beside a comparison in units of at least `MIN_PARTICIPANTS` participants.
  Comparison words (`CUES`): "than" (better/worse/cheaper than), "compared" / "compare"
  (compared to/with), "switched" / "switch" (to/from), "instead" (of), "versus" / "vs",
  and "like" directly before the name ("a family account, like Netflix"). The name must be
  within `WINDOW` tokens of the cue in the same sentence. A proper noun is a capitalised
  alphabetic token run (a trained pipeline's PROPN tag is required as well when it has a
  tagger) that is not sentence-initial, not a person's first name the privacy module
  knows, not a common word (days, months, "Mum" ...), and not a word of a stage or
  touchpoint label. The point of the recurrence rule is to keep one person's aside
  ("like my old bank") out of a study-wide list.

Likes and dislikes come from each unit's sentiment score: above the codebook's
neutral band liked, below minus the band disliked. The result is plain JSON data
written as map.json's top-level ``competitors`` list; the report regroups it by the
units' current persona, so review merges do not leave it stale.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Set
from typing import Any, Iterable, Mapping, Sequence

from synth.privacy.words import COMMON_WORDS, is_first_name

CUES = frozenset({"than", "compared", "compare", "comparing", "switched", "switch", "switching", "instead", "versus", "vs"})
LIKE = "like"
WINDOW = 4
MIN_PARTICIPANTS = 2
MAX_NAME_TOKENS = 3
_EXTRA_COMMON = frozenset({"i", "mum", "dad", "ok", "okay", "tv", "uk", "us"})


def find_competitors(doc: Mapping[str, Any], codebook, nlp) -> list[dict[str, Any]]:
    """The `competitors` list of a map dict (units with text, stage, sentiment, persona)."""
    units = [u for u in doc.get("units", ()) if u.get("speaker_role", "participant") == "participant"]
    band = float(getattr(codebook, "neutral_band", 0.1))
    found: dict[str, tuple[str, list[str]]] = {}  # name -> (source, unit ids)
    for competitor in getattr(codebook, "competitors", ()):
        pattern = _alias_pattern((competitor.name, *competitor.aliases))
        found[competitor.name] = ("codebook", [u["id"] for u in units if pattern.search(u["text"])])
    known = {n.lower() for c in getattr(codebook, "competitors", ()) for n in (c.name, *c.aliases)}
    excluded = _label_words(doc) | known
    for name, unit_ids in detect_names(units, nlp, excluded=excluded).items():
        if name not in found:
            found[name] = ("detected", unit_ids)
    by_id = {u["id"]: u for u in units}
    out = [_entry(name, source, [by_id[i] for i in ids], band) for name, (source, ids) in found.items() if ids]
    return sorted(out, key=lambda c: (-len(c["unit_ids"]), c["name"].lower()))


def _alias_pattern(names: Iterable[str]) -> re.Pattern[str]:
    forms = sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in forms) + r")(?!\w)", re.IGNORECASE)


def _label_words(doc: Mapping[str, Any]) -> set[str]:
    words: set[str] = set()
    for section in ("stages", "touchpoints", "kinds"):
        for entry in doc.get(section, ()):
            words |= {w.lower() for w in re.findall(r"[^\W\d_]+", entry.get("label", ""))}
    return words


def detect_names(units: Sequence[Mapping[str, Any]], nlp, *, excluded: Set[str] = frozenset()) -> dict[str, list[str]]:
    """Proper nouns beside comparison words, recurring in >= MIN_PARTICIPANTS participants: name -> unit ids."""
    has_tags = "tagger" in nlp.pipe_names or "morphologizer" in nlp.pipe_names
    hits: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for unit, doc in zip(units, nlp.pipe(u["text"] for u in units)):
        for name in sorted(set(_compared_names(doc, has_tags, excluded))):
            hits[name].append(unit)
    out = {}
    for name, found in hits.items():
        if len({u["participant_id"] for u in found}) >= MIN_PARTICIPANTS:
            pattern = _alias_pattern([name])  # every unit naming it, not only the comparing ones
            out[name] = [u["id"] for u in units if pattern.search(u["text"])]
    return out


def _compared_names(doc, has_tags: bool, excluded: Set[str]) -> Iterable[str]:
    for sent in doc.sents:
        tokens = list(sent)
        runs = _name_runs(tokens, has_tags, excluded)
        for start, end in runs:
            lo, hi = max(0, start - WINDOW), min(len(tokens), end + WINDOW)
            near = {t.lower_ for t in tokens[lo:start]} | {t.lower_ for t in tokens[end:hi]}
            like_before = start > 0 and tokens[start - 1].lower_ == LIKE
            if near & CUES or like_before:
                yield " ".join(t.text for t in tokens[start:end])


def _name_runs(tokens, has_tags: bool, excluded: Set[str]) -> list[tuple[int, int]]:
    """(start, end) of capitalised-word runs that can be a product's name (never the sentence's first word)."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if i > 0 and _name_token(tokens[i], has_tags, excluded) and not _after_opening(tokens, i):
            j = i
            while j < len(tokens) and j - i < MAX_NAME_TOKENS and _name_token(tokens[j], has_tags, excluded):
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def _after_opening(tokens, i: int) -> bool:
    """A word after a quote mark or colon starts a sentence of its own ("she said "Fine")."""
    return tokens[i - 1].text in {'"', "“", "'", "‘", ":", "(", "["}


def _name_token(token, has_tags: bool, excluded: Set[str]) -> bool:
    text = token.text
    if not (text[:1].isupper() and text.isalpha() and len(text) > 1):
        return False
    if has_tags and token.pos_ != "PROPN":
        return False
    lower = text.lower()
    return not (lower in COMMON_WORDS or lower in _EXTRA_COMMON or lower in excluded or is_first_name(text))


def _entry(name: str, source: str, units: list[Mapping[str, Any]], band: float) -> dict[str, Any]:
    groups: dict[tuple[str | None, str | None], list[str]] = defaultdict(list)
    for u in units:
        stage = (u.get("stage") or {}).get("id")
        groups[(u.get("persona_id"), stage)].append(u["id"])
    mentions = [
        {"persona_id": persona, "stage": stage, "count": len(ids),
         "participants": len({u["participant_id"] for u in units if u["id"] in ids}), "unit_ids": ids}
        for (persona, stage), ids in sorted(groups.items(), key=lambda kv: (kv[0][0] or "~", kv[0][1] or "~"))
    ]  # fmt: skip
    return {
        "name": name,
        "source": source,
        "participants": len({u["participant_id"] for u in units}),
        "unit_ids": [u["id"] for u in units],
        "mentions": mentions,
        "liked": [u["id"] for u in units if u["sentiment"]["score"] > band],
        "disliked": [u["id"] for u in units if u["sentiment"]["score"] < -band],
    }


def add_map_extras(doc: dict[str, Any], codebook, nlp) -> dict[str, Any]:
    """The draft map dict with its `competitors` and `timeline` (the synthesize stage's one call)."""
    from synth.timeline import build_timeline

    doc["competitors"] = find_competitors(doc, codebook, nlp)
    doc["timeline"] = build_timeline(doc)
    return doc


def refresh_map_extras(doc: dict[str, Any]) -> None:
    """After review: competitors and the timeline follow the reviewed units (in place).

    An excluded unit leaves every list; mentions regroup by each unit's persona and stage after
    merges, assignments and relabels. Sentiment does not change in review, so liked and disliked
    keep the draft's split of the units that remain. Pure on the document: no codebook, no model.
    """
    from synth.timeline import build_timeline

    by_id = {u["id"]: u for u in doc.get("units", ())}
    refreshed = []
    for entry in doc.get("competitors", ()):
        units = [by_id[i] for i in entry["unit_ids"] if i in by_id]
        if not units:
            continue
        fresh = _entry(entry["name"], entry["source"], units, band=float("inf"))
        fresh["liked"] = [i for i in entry["liked"] if i in by_id]
        fresh["disliked"] = [i for i in entry["disliked"] if i in by_id]
        refreshed.append(fresh)
    if "competitors" in doc:
        doc["competitors"] = refreshed
    if "timeline" in doc:
        doc["timeline"] = build_timeline(doc)
