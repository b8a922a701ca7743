"""Cleaning participant text for modelling.

Every cleaner is a pure ``str -> str`` function with keyword-only options
(textacy style); `clean_for_model` composes them. Quotes never go through
here: a unit's `text` stays verbatim, only its `clean_text` is cleaned.

- `fix_mojibake`: UTF-8 read as cp1252/latin-1 ("donâ€™t" -> "don’t");
- `strip_markup`: transcriber markup, tags, entities, bracketed timestamps;
- `normalize_chat`: stretched letters, chat abbreviations, "lol", emoji;
- `remove_fillers`: "um", "uh", "you know,", "I mean,", filler "like,";
- `normalize_punctuation`: typographic quotes, "!!!", orphan commas;
- `normalize_whitespace`: one space between words, no invisible characters.

`is_non_answer` says whether a survey answer or turn says nothing ("n/a",
"no comment", "test test").
"""

from __future__ import annotations

import html
import re
import unicodedata

NON_SPEECH = (
    r"laugh(?:s|ing|ter)?|chuckl(?:e|es|ing)|giggl(?:e|es|ing)|sigh(?:s|ing)?|cough(?:s|ing)?|clears? throat"
    r"|(?:long |short )?pauses?|silence|inaudible|unintelligible|indistinct|crosstalk|cross[- ]talk|overlapping"
    r"|overtalk|background noise|noise|music|applause|phone ring(?:s|ing)|typing|audio cuts? out|gap|ph|sic"
    r"|blank_audio|no audio|static|vocalsound|disfmarker|nonvocalsound"
)
_TIMESTAMP = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_MARKUP = (
    re.compile(rf"[\[(]\s*(?:{NON_SPEECH})\b[^\[\]()]{{0,40}}[\])]", re.IGNORECASE),
    re.compile(rf"\*(?:{NON_SPEECH})\*", re.IGNORECASE),
    re.compile(r"\{[A-Za-z_ ]{1,30}\}"),
    re.compile(rf"[\[(<]{_TIMESTAMP}[\])>]"),
    re.compile(r"^\s*\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?\b"),
    re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:[.\s][^<>]*)?/?>"),
    re.compile(r"♪+"),
)
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#\d{1,7}|#[xX][0-9A-Fa-f]{1,6});")


def fix_mojibake(text: str) -> str:
    """Repair UTF-8 that was decoded as cp1252 or latin-1, as often as it was done
    ("donâ€™t" -> "don’t"; correct text such as "café" or "NÃO" is left alone).

    ftfy's `fix_encoding` does it (its other fixes, such as uncurling quotes, are not wanted
    here). Plain-ASCII text cannot hold mojibake and skips it: ftfy costs about 0.1 ms per
    unit, five times the hand-written repair it replaced, and most English units are ASCII.
    This feeds the model's text only; quotes stay as the file has them.
    """
    if text.isascii():
        return text
    from ftfy import fix_encoding

    return fix_encoding(text)


def unescape_entities(text: str) -> str:
    """Decode HTML entities (``&amp;``, ``&#39;``, even ``&amp;lt;``) until none is left."""
    while True:
        decoded = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
        if decoded == text:
            return text
        text = decoded


def strip_markup(text: str, *, entities: bool = True) -> str:
    """Remove what a transcriber or exporter added: ``{vocalsound}``, ``[crosstalk]``,
    ``(inaudible)``, ``[laughs]``, ``<i>`` tags, ``[00:01:02]`` and (with `entities`)
    HTML entities. Bracketed words that are speech ("[the app]") are kept."""
    while True:
        stripped = unescape_entities(text) if entities else text
        for pattern in _MARKUP:
            stripped = pattern.sub(" ", stripped)
        if stripped == text:
            return text
        text = stripped


_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")
_LAUGHTER = re.compile(r"(?<![\w'’])(?:lol+|lmf?ao+|rofl|(?:ha){2,}h?|(?:he){2,}h?|xd)(?![\w'’])", re.IGNORECASE)
CHAT_WORDS = {
    "idk": "I don't know",
    "tbh": "to be honest",
    "imo": "in my opinion",
    "imho": "in my opinion",
    "btw": "by the way",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "cuz": "because",
    "coz": "because",
    "ppl": "people",
    "omg": "oh my god",
}
LOWERCASE_CHAT_WORDS = {"u": "you", "ur": "your"}
_CHAT = re.compile(r"(?<![\w'’/.@-])(" + "|".join(sorted(CHAT_WORDS)) + r")(?![\w'’/@-])", re.IGNORECASE)
_LOWER_CHAT = re.compile(r"(?<![\w'’/.@-])(u|ur)(?![\w'’/@-])")
EMOJI_WORDS = {
    "🙂": "smiling", "😊": "smiling", "☺": "smiling", "😀": "grinning", "😃": "grinning", "😄": "grinning",
    "😁": "grinning", "😂": "laughing", "🤣": "laughing", "😍": "love", "❤": "love", "😘": "love",
    "👍": "thumbs up", "👎": "thumbs down", "👌": "ok", "🙏": "thanks", "😡": "angry", "😠": "angry",
    "🤬": "angry", "😤": "frustrated", "😢": "sad", "😭": "crying", "😞": "disappointed", "😔": "disappointed",
    "😩": "weary", "😫": "tired", "🙄": "eye roll", "😱": "shocked", "😕": "confused", "🤔": "thinking",
}  # fmt: skip
_EMOJI = re.compile("(" + "|".join(re.escape(e) for e in sorted(EMOJI_WORDS)) + ")\ufe0f?")


def _shorten_stretch(match: re.Match) -> str:
    return match.group() if match.group() == "www" else match.group(1) * 2


def normalize_chat(text: str, *, emoji: bool = True, abbreviations: bool = True) -> str:
    """Chat-style writing as plain words: "sooooo" -> "soo", "lol"/"haha" removed,
    "idk" -> "I don't know" (with `abbreviations`), common emoji to a word such as
    "angry" (with `emoji`; other emoji are kept)."""
    text = _STRETCHED.sub(_shorten_stretch, text)
    if _may_hold(text, LAUGH_CUES):
        text = _LAUGHTER.sub(" ", text)
    if abbreviations:
        if _may_hold(text, CHAT_WORDS):
            text = _CHAT.sub(lambda m: CHAT_WORDS[m.group(1).lower()], text)
        text = _LOWER_CHAT.sub(lambda m: LOWERCASE_CHAT_WORDS[m.group(1)], text)
    if emoji and not text.isascii():  # every emoji is outside ASCII
        text = _EMOJI.sub(lambda m: f" {EMOJI_WORDS[m.group(1)]} ", text)
    return text


LAUGH_CUES = ("lol", "lmao", "lmfao", "rofl", "haha", "hehe", "xd")  # what `_LAUGHTER` cannot match without


def _may_hold(text: str, cues) -> bool:
    """Whether a case-blind pattern that needs one of `cues` can match `text`. For ASCII text that
    is a substring test of its lower case (the cheap part of 11% of segmenting 20,000 answers was
    these patterns' scans); any other text may match by Unicode case folding ("ſ" is "s"), so yes."""
    if not text.isascii():
        return True
    lower = text.lower()
    return any(cue in lower for cue in cues)


_FILLER = re.compile(
    r"(?<![\w'’-])(?:u+m+|u+h+m*|e+r+m+|er|h+m+|mm+|mhm+|mm-?hmm|uh-?huh|ah+)(?![\w'’-])"
    r"(?:\s*(?:,|\.{2,}|…|-+(?=\s)|—))?",
    re.IGNORECASE,
)
_CLAUSE_START = r"(^|[,.;:!?]\s*)"
_CLAUSE_FILLERS = (
    (re.compile(_CLAUSE_START + r"(?:you know|I mean|like|you see)\s*,\s*", re.IGNORECASE), r"\1"),
    (re.compile(r",\s*(?:you know|like)\s*,", re.IGNORECASE), ","),
    (re.compile(r",\s*you know\s*(?=[.!?]|$)", re.IGNORECASE), ""),
)
_STUTTER = re.compile(r"(?<![\w'’])(i|the|a|an|and|to|it|we|so|but|they|he|she|you|my|in|of|on)(?:[\s,]+\1)+(?![\w'’])", re.IGNORECASE)


def remove_fillers(text: str, *, stutters: bool = True) -> str:
    """Remove hesitations ("um", "uh", "erm"), discourse fillers at clause starts or
    between commas ("you know,", "I mean,", "like,") and, with `stutters`, repeated
    function words ("I, I think" -> "I think"). Quotative "she was like, ..." and
    "for like two weeks" are kept: only fillers that are clearly fillers go."""
    while True:
        cleaned = _FILLER.sub(" ", text)
        for pattern, replacement in _CLAUSE_FILLERS:
            if "," in cleaned:  # every clause filler ends at or sits between commas
                cleaned = pattern.sub(replacement, cleaned)
        if stutters:
            cleaned = _STUTTER.sub(lambda m: m.group(1), cleaned)
        if cleaned == text:
            return text
        text = cleaned


_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})
_PUNCTUATION_RULES = (
    (re.compile(r"…"), "..."),
    (re.compile(r"\.{4,}"), "..."),
    (re.compile(r"!{2,}"), "!"),
    (re.compile(r"\?{2,}"), "?"),
    (re.compile(r"(?:\?!|!\?)[!?]*"), "?!"),
    (re.compile(r",{2,}"), ","),
    (re.compile(r"[ \t]+([,;:!?]|\.(?!\d))"), r"\1"),
    (re.compile(r"[,;]\s*([,.;:!?])"), r"\1"),
    (re.compile(r"([!?])\s*\.(?!\.)"), r"\1"),
    (re.compile(r"(?<!\.)\.\s*\.(?!\.)"), "."),
    (re.compile(r"^[\s,;:.]+(?=\S)"), ""),
    (re.compile(r"^[\s,;:.]+$"), ""),
)
_PUNCTUATION_NEEDS = (  # per rule above, what a text needs for it to match (a cheap test first)
    lambda t: "…" in t,
    lambda t: "...." in t,
    lambda t: "!!" in t,
    lambda t: "??" in t,
    lambda t: "?!" in t or "!?" in t,
    lambda t: ",," in t,
    lambda t: True,
    lambda t: "," in t or ";" in t,
    lambda t: "." in t and ("!" in t or "?" in t),
    lambda t: t.count(".") >= 2,
    lambda t: t[:1].isspace() or t[:1] in ",;:.",
    lambda t: t[:1].isspace() or t[:1] in ",;:.",
)


def normalize_punctuation(text: str, *, quotes: bool = True) -> str:
    """Typographic quotes to ASCII (with `quotes`), "!!!" -> "!", "...." -> "...",
    no space before a comma or full stop, no orphan comma left by a removed word."""
    if quotes:
        text = text.translate(_QUOTES)
    while True:
        tidied = text
        for (pattern, replacement), needs in zip(_PUNCTUATION_RULES, _PUNCTUATION_NEEDS):
            if needs(tidied):
                tidied = pattern.sub(replacement, tidied)
        if tidied == text:
            return text
        text = tidied


_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_SPACES = re.compile(r"\s+")


def normalize_whitespace(text: str) -> str:
    """NFC, invisible characters removed, every run of whitespace (tabs, newlines,
    no-break spaces) one space, no leading or trailing space."""
    if not text.isascii():  # ASCII is in NFC and holds no invisible character
        text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return _SPACES.sub(" ", text).strip()


def _clean_once(text: str) -> str:
    text = fix_mojibake(text)
    text = strip_markup(text)
    text = normalize_chat(text)
    text = remove_fillers(text)
    text = normalize_whitespace(text)
    return normalize_whitespace(normalize_punctuation(text))


def clean_for_model(text: str) -> str:
    """The text a model sees: every cleaner above, applied until nothing changes."""
    for _ in range(8):
        cleaned = _clean_once(text)
        if cleaned == text:
            break
        text = cleaned
    return text


NON_ANSWERS = frozenset(
    re.split(
        r"\s*[|\n]\s*",
        """n/a|na|n.a|n a|none|nothing|nil|null|nope|no|-|test|testing|test test|asdf|asdfg|qwerty|idk|dunno|x|xx|xxx
        pass|skip|ok|okay|no comment|no comments|no idea|not sure|unsure|not applicable|no answer|no opinion
        none really|nothing really|nothing else|nothing at all|nothing to add|nothing to say|nothing comes to mind
        i don't know|i dont know|don't know|dont know|i do not know|do not know|can't think of anything
        cannot think of anything|not really|none that i can think of""",
    )
)
_JUNK_WORDS = frozenset({"test", "testing", "asdf", "asdfg", "qwerty", "x", "xx", "xxx", "na", "n/a"})
_KEYBOARD_MASH = re.compile(r"^(?:[^aeiouy\W\d_]{4,}|(?:asdf|qwer|zxcv|hjkl|jkl)\w*)$")
_EDGE_PUNCTUATION = "\"'.,;:!?()[]{}*_ "


def is_non_answer(text: str) -> bool:
    """True when an answer says nothing: empty after cleaning, punctuation only,
    "n/a", "none", "no comment", "idk", "test test", keyboard mashing ("asdf")."""
    return says_nothing(clean_for_model(text))


def says_nothing(cleaned: str) -> bool:
    """`is_non_answer` of text that is already `clean_for_model`'s output (cleaning is idempotent:
    segmentation holds the cleaned text of every piece and need not clean it twice)."""
    cleaned = _SPACES.sub(" ", cleaned.lower().strip(_EDGE_PUNCTUATION))
    if not any(ch.isalnum() for ch in cleaned):
        return True
    if cleaned in NON_ANSWERS:
        return True
    words = cleaned.split()
    if all(word.strip(_EDGE_PUNCTUATION) in _JUNK_WORDS or not any(c.isalnum() for c in word) for word in words):
        return True
    return len(words) == 1 and bool(_KEYBOARD_MASH.match(cleaned))
