"""Codebook patterns matched on lemmas with spaCy's Matcher, negation-aware.

A pattern such as "compare price" matches "compared prices"; `*` matches any one
word. A match preceded (within the codebook's `negation_window`, inside the same
clause) by a negation ("not", "n't", "never", "no") is *negated*: "not confusing
at all" does not count as the pain-point pattern "confusing". Sentiment words are
matched the same way; a negated positive word ("not easy") is also a pain cue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from synth.nlp import import_spacy, pipe_docs
from synth.tag.codebook import SECTIONS, Codebook

import_spacy()  # spaCy without torch (see synth.nlp.import_spacy), before the spaCy imports below

from spacy.matcher import Matcher, PhraseMatcher  # noqa: E402
from spacy.tokens import Doc  # noqa: E402

_CLAUSE_BREAKS = frozenset({"but", "although", "though", "however", "yet", "whereas", "except"})
_CONTRACTIONS = (
    (re.compile(r"\bcan(?:'|’)?t\b|\bcannot\b"), "can not"),
    (re.compile(r"\bwon(?:'|’)?t\b"), "will not"),
    (re.compile(r"\bshan(?:'|’)t\b"), "shall not"),
    (re.compile(r"\b(do|does|did|is|was|were|are|could|would|should|has|have|had|must|need)(?:n(?:'|’)t|nt)\b"), r"\1 not"),
    (re.compile(r"n(?:'|’)t\b"), " not"),
)
_HYPHEN = re.compile(r"(?<=\w)[-‐–](?=\w)")


def normalise_for_rules(text: str) -> str:
    """Lower-case, contractions spelled out, hyphens between words as spaces.

    Done before lemmatising so "can't", "cannot" and "can not" (or "check-in" and
    "check in") look the same to a pattern.
    """
    text = _HYPHEN.sub(" ", text.lower())
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return text


@dataclass(frozen=True)
class Hit:
    """One pattern found in one text."""

    pattern: str
    negated: bool


@dataclass
class RuleHits:
    """What the rules found in one text: pattern hits per (section, code id) and sentiment words."""

    codes: dict[tuple[str, str], list[Hit]] = field(default_factory=dict)
    positive: list[tuple[str, bool, bool]] = field(default_factory=list)  # (words as written, negated, intensified)
    negative: list[tuple[str, bool, bool]] = field(default_factory=list)

    def evidence(self, section: str, code_id: str) -> tuple[int, str | None]:
        """1 with the pattern when an un-negated pattern matched, -1 when only negated ones did, else 0."""
        hits = self.codes.get((section, code_id), [])
        plain = [h for h in hits if not h.negated]
        if plain:
            return 1, max(plain, key=lambda h: (len(h.pattern), h.pattern)).pattern
        if hits:
            return -1, hits[0].pattern
        return 0, None


class RuleMatcher:
    """Compiles a codebook's patterns once; `match` runs them over many texts."""

    def __init__(self, codebook: Codebook, nlp) -> None:
        self.nlp = nlp
        self.negations = frozenset(codebook.negations)
        self.window = codebook.negation_window
        self.intensifiers = frozenset(w.lower() for w in codebook.sentiment.intensifiers)
        self.matcher = Matcher(nlp.vocab)
        self.phrases = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.keys: dict[int, tuple[str, str, str]] = {}
        for section in SECTIONS:
            for code in codebook.section(section):
                for pattern in code.patterns:
                    self._add((section, code.id, pattern))
        for word in codebook.sentiment.positive_words:
            self._add(("sentiment", "positive", word))
        for word in codebook.sentiment.negative_words:
            self._add(("sentiment", "negative", word))

    def _token_specs(self, pattern: str) -> list[dict]:
        specs: list[dict] = []
        for word in normalise_for_rules(pattern).split():
            if word == "*":
                specs.append({})
                continue
            for token in self.nlp(word):
                specs.append({"LEMMA": token.lemma_})
        return specs

    def _add(self, key: tuple[str, str, str]) -> None:
        """A pattern without `*` goes to the PhraseMatcher (a hash lookup per token), one with `*` to the Matcher.

        Both find the same (start, end) spans for a fixed sequence of lemmas; the
        Matcher's per-token state machine over ~1,000 patterns was 9 of 18 s of tagging
        10,000 answers (bench/scale.py profile), the PhraseMatcher's trie a fraction of it.
        """
        specs = self._token_specs(key[2])
        if not specs or all(not s for s in specs):
            return
        name = "\x1f".join(key)
        lemmas = [s.get("LEMMA") for s in specs]
        if all(lemmas):
            words = [str(lemma) for lemma in lemmas]
            self.phrases.add(name, [Doc(self.nlp.vocab, words=words, lemmas=words)])
        else:
            self.matcher.add(name, [specs])
        self.keys[self.nlp.vocab.strings[name]] = key

    def match(self, texts: Sequence[str]) -> list[RuleHits]:
        """Rule hits for each text, in order."""
        docs = pipe_docs(self.nlp, [normalise_for_rules(t) for t in texts], batch_size=256)
        return [self._hits(doc) for doc in docs]

    def _hits(self, doc) -> RuleHits:
        hits = RuleHits()
        seen: set[tuple[str, str, str, int]] = set()
        found = [*(self.matcher(doc) if len(self.matcher) else ()), *self.phrases(doc)]
        for match_id, start, end in sorted(found, key=lambda m: (m[1], m[2], m[0])):
            section, code_id, pattern = self.keys[match_id]
            key = (section, code_id, "" if section == "sentiment" else pattern, start)
            if key in seen:  # one word is one sentiment cue, however many list words share its lemma
                continue
            seen.add(key)
            negated = self._negated(doc, start)
            if section == "sentiment":
                entry = (doc[start:end].text, negated, self._intensified(doc, start))
                (hits.positive if code_id == "positive" else hits.negative).append(entry)
            else:
                hits.codes.setdefault((section, code_id), []).append(Hit(pattern, negated))
        return hits

    def _preceding(self, doc, start: int) -> list:
        """Tokens before `start` inside the window, stopping at punctuation or a clause break."""
        out = []
        for i in range(start - 1, max(-1, start - 1 - self.window), -1):
            token = doc[i]
            if token.is_punct or token.lemma_ in _CLAUSE_BREAKS or token.is_sent_end:
                break
            out.append(token)
        return out

    def _negated(self, doc, start: int) -> bool:
        return any(t.lemma_ in self.negations or t.lower_ in self.negations for t in self._preceding(doc, start))

    def _intensified(self, doc, start: int) -> bool:
        return any(t.lower_ in self.intensifiers for t in self._preceding(doc, start))
