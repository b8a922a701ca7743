"""Sentence ranges for segmentation: trimming, openers moved, long sentences cut.

`synth.segment.Segmenter.split_sentences` finds sentences with the run's spaCy pipeline and
uses these helpers on the ranges it gives; they work on character offsets only.
"""

from __future__ import annotations

OPENERS = "([{“‘«"  # an opening bracket or quote belongs to the sentence after it


def unneeded_pipes(nlp) -> list[str]:
    """Components sentence splitting does not need (NER, lemmatizer, tagger ...)."""
    if "sentencizer" in nlp.pipe_names:
        return [name for name in nlp.pipe_names if name != "sentencizer"]
    keep = ("tok2vec", "transformer", "parser", "senter")
    return [name for name in nlp.pipe_names if name not in keep]


def one_sentence(piece: str, terminals: frozenset[str]) -> bool:
    """Whether spaCy's sentencizer finds one sentence (bar trailing spaces, which `split_sentences`
    trims) in `piece`: it has no split character ("." "?" "!" ...) but in the run that ends it
    ("Why not?!"). The sentencizer starts a sentence only at a token after such a character, so
    such a piece needs no tokenising: 36% of 20,000 survey answers (bench/scale.py's inputs);
    tests/test_segment.py compares this with the sentencizer."""
    body = piece.rstrip()
    while body and body[-1] in terminals:
        body = body[:-1]
    return bool(body.strip()) and terminals.isdisjoint(body)


def move_openers(text: str, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """An opening bracket or quote left at a sentence's end ("... click. (") begins the next sentence."""
    moved = list(bounds)
    for k in range(len(moved) - 1):
        start, end = moved[k]
        cut = len(text[start:end].rstrip().rstrip(OPENERS + " "))
        if 0 < cut and start + cut < end:
            moved[k] = (start, start + cut)
            moved[k + 1] = (start + cut, moved[k + 1][1])
    return moved


def trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def cut_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """A sentence longer than `max_chars` cut after its last comma or semicolon that
    fits (else at the last space), so a run-on transcript still gives short units."""
    pieces = []
    while end - start > max_chars:
        window = text[start : start + max_chars]
        cut = max(window.rfind(", "), window.rfind("; "))
        cut = cut + 1 if cut > max_chars // 3 else window.rfind(" ")
        if cut <= 0:
            cut = max_chars
        trimmed = trim(text, start, start + cut)
        if trimmed:
            pieces.append(trimmed)
        rest = trim(text, start + cut, end)
        if rest is None:  # only spaces after the cut (cannot happen on a trimmed sentence)
            return pieces
        start = rest[0]
    pieces.append((start, end))
    return pieces
