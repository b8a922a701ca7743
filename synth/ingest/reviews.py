"""Annotated product-review corpora (the `[t]title` / `feature[+2]##sentence` style of Hu & Liu's
customer-review sets): one participant per review, quotes without the markup.

Read as plain text, such a file became one unattributed voice whose units carried the markup
and the annotators' header lines. Here every `[t]` line opens a review (without `[t]` lines, a
blank line does), the title is the review's heading, and each `##` line adds the sentence after
the `##` to the review's turn: its span starts after the markup, so quotes stay verbatim. Lines
with no `##` (the corpus header, `*` separators) are left out and counted in the notice.
"""

from __future__ import annotations

import re

from synth.ingest.pieces import DraftTurn, cut_pieces
from synth.records import Problem

REVIEW_MARKUP = re.compile(r"^\s*\[t\]|\[[+-]\d\]|##|\[(?:u|p|s|cc|cs)\]")  # "feature[+2]##text", "[t]title"
TITLE = re.compile(r"^\s*\[t\]")
HINT = "check the review count; give each review its own row in a CSV instead to keep its metadata"


STRONG = re.compile(r"^\s*\[t\]|\[[+-]\d\]")  # what a markdown heading ("## Theme") never has


def looks_annotated(lines: tuple[str, ...]) -> bool:
    """At least 5 filled lines, 30% of them with review markup (chosen on our own fixtures), and at
    least one `[t]` title or `[+2]` feature score, so markdown notes with `##` headings never qualify."""
    filled = [line for line in lines if line.strip()]
    marked = sum(1 for line in filled if REVIEW_MARKUP.search(line))
    return len(filled) >= 5 and marked >= 0.3 * len(filled) and any(STRONG.search(line) for line in filled)


def read_reviews(lines: tuple[str, ...], rel: str) -> tuple[list[DraftTurn], dict[str, tuple[str, str]], list[Problem]]:
    """Drafts (one turn per review, speaker "Review N"), their role hints, and the notice."""
    titled = any(TITLE.match(line) for line in lines)
    drafts: list[DraftTurn] = []
    current: DraftTurn | None = None
    heading: str | None = None
    left_out = 0
    for number, line in enumerate(lines, 1):
        if TITLE.match(line):
            heading, current = TITLE.sub("", line, count=1).strip() or None, None
            continue
        if not titled and not line.strip():
            current = None
            continue
        if "##" not in line:
            left_out += bool(line.strip())
            continue
        spans = cut_pieces(number, line, line.index("##") + 2)
        if not spans:
            continue
        if current is None:
            current = DraftTurn(f"Review {len(drafts) + 1}", [], None, heading)
            drafts.append(current)
        current.spans.extend(spans)
    hints = {d.speaker: ("participant", "an annotated review") for d in drafts if d.speaker}
    reason = (
        f"read as an annotated review corpus: {len(drafts)} review(s), one participant each; the markup "
        f"(feature[+2]##, [t]) is left out of quotes" + (f", {left_out} line(s) without ## skipped" if left_out else "")
    )
    return drafts, hints, [Problem(rel, reason, HINT, severity="warning")]
