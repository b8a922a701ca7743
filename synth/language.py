"""Which language a text is in: offline, deterministic.

Non-Latin scripts decide by themselves (Cyrillic -> "ru", Greek -> "el", ...).
Latin-script text is scored against a profile of the most frequent function
words of 13 languages, plus letters only one language uses ("ß", "ñ", "ł").
Where that cannot decide (short answers: "Delivery was late again", "Nadie
contesta el teléfono"), lingua-language-detector, restricted to the same 13
languages, decides when its confidence is at least `LINGUA_CONFIDENCE`.
Anything else is "und" (undetermined, as in BCP 47).

Why both, measured (docs/limits.md, "Language"): on 38 short complaint
sentences in 10 languages that we wrote (tests/data/short_sentences_languages.tsv,
where the 0.4 bar was chosen) the function words alone get 25 right and 13
"und", the two together 38. On 400 NaPiRE free-text answers (held out, labelled
by hand) the function words alone say "und" on 190 and lingua alone is wrong on
9; the function words never contradicted a correct lingua answer. Lingua over
every language in high-accuracy mode takes 6 s and 1.3 GB; restricted to these
13 and loaded lazily, about 3 s and 330 MB, once per run that has a short unit
(`synth inspect sample_inputs`: 6.1 s -> 9.5 s). Its low-accuracy mode (32 MB,
instant) was measured too and rejected: 26 wrong of the 400 held-out answers
against 6. Each unit gets its own language (segment.unit_language); a source's
is the language of most of its units' characters.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from concurrent.futures import Future, ThreadPoolExecutor

UNDETERMINED = "und"
MIN_WORDS = 3
MIN_HITS = 2

FUNCTION_WORDS = {
    "en": "the and is are was were to of in that it this with for you not have has be but they we i my on at what "
    "which would there their from an or just so very because when do don't it's i'm about me can",
    "de": "der die das und ist nicht ich sie es ein eine einen zu mit den dem des auf für von sich auch wir aber wie "
    "noch nur war hat haben wird sind bei oder mir mich sehr dass im kann wenn uns diese schon immer weil",
    "fr": "le la les et est un une des du de que qui pas ne je il elle nous vous pour dans sur avec ce cette mais ou "
    "sont être avoir au aux très c'est j'ai on mon ma mes tout plus aussi parce quand été",
    "es": "el la los las y es un una que de del en no por para con se lo su al pero muy como más está son fue ha yo "
    "me mi nos porque cuando también todo este esta eso hay tiene sí",
    "it": "il lo la gli le e è un una di del della che non per con sono ma come più anche mi ci si questo questa "
    "molto perché quando ho ha hanno nel nella sul io noi era essere tutto",
    "pt": "o a os as e é um uma de do da dos das que não para com em no na por se mas como mais muito eu nós ele ela "
    "foi ser tem são está isso este esta também quando porque você",
    "nl": "de het een en is van dat die niet ik je we wij zijn op te in voor met ook maar als er aan om naar heb "
    "hebben was nog wel geen heel omdat dit bij kan mijn zo dan wat",
    "sv": "och att det som en ett är jag inte på med för av har till den de vi du men om var så kan mycket också "
    "eller när från hade mig min sig detta där vara blir bara efter",
    "da": "og at det som en et er jeg ikke på med for af har til den de vi du men om var så kan meget også eller "
    "når fra havde mig min sig dette der være bliver kun efter hvad hvor",
    "no": "og er ikke jeg det på med for av har til som en et den de vi du men om var så kan også eller når fra "
    "hadde meg min seg dette der være blir bare etter hva hvor veldig mye",
    "pl": "i w z na się nie to jest że do co jak ale o po tak mnie mi ja ty on ona my są był była bardzo tylko "
    "jestem przez dla czy już jeszcze który które tego ten ta od bo",
    "fi": "ja on ei se että oli olen ovat mutta kun niin myös tai minä sinä hän me he tämä joka jos kuin vain "
    "hyvin nyt sitten ole mitä miten koska siitä sen minun olla voi vielä paljon",
    "tr": "ve bir bu da de için ile çok ne ben sen o biz var yok gibi daha ama değil mi ki olarak kadar en şey "
    "sonra çünkü her olan bunu benim şu",
}
PROFILES = {lang: frozenset(words.split()) for lang, words in FUNCTION_WORDS.items()}
LETTER_HINTS = {"ß": "de", "ñ": "es", "¿": "es", "¡": "es", "ã": "pt", "õ": "pt", "ł": "pl", "ż": "pl",
                "ź": "pl", "ś": "pl", "ą": "pl", "ę": "pl", "ğ": "tr", "ı": "tr", "ş": "tr"}  # fmt: skip
SCRIPTS = (  # (prefix of the Unicode character name, language)
    ("HIRAGANA", "ja"), ("KATAKANA", "ja"), ("HANGUL", "ko"), ("CJK", "zh"), ("CYRILLIC", "ru"),
    ("GREEK", "el"), ("ARABIC", "ar"), ("HEBREW", "he"), ("THAI", "th"), ("DEVANAGARI", "hi"),
)  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SAMPLE_CHARS = 20000
LINGUA_CONFIDENCE = 0.4  # chosen on tests/data/short_sentences_languages.tsv (lowest right answer 0.44)
LINGUA_NAMES = {"en": "ENGLISH", "de": "GERMAN", "fr": "FRENCH", "es": "SPANISH", "it": "ITALIAN",
                "pt": "PORTUGUESE", "nl": "DUTCH", "sv": "SWEDISH", "da": "DANISH", "no": "BOKMAL",
                "pl": "POLISH", "fi": "FINNISH", "tr": "TURKISH"}  # fmt: skip


LATIN_END = "\u0250"


def _script_language(letters: list[str]) -> str | None:
    """The language of a non-Latin script that holds most of the letters, if any."""
    counts: dict[str, int] = {}
    for ch in letters:
        if ch < LATIN_END:  # Basic Latin to Latin Extended-B: never one of SCRIPTS (and the name lookup is slow)
            continue
        name = unicodedata.name(ch, "")
        for prefix, lang in SCRIPTS:
            if name.startswith(prefix):
                counts[lang] = counts.get(lang, 0) + 1
                break
    if not counts:
        return None
    if "ja" in counts:  # Japanese mixes kana with CJK ideographs
        counts["ja"] += counts.pop("zh", 0)
    lang, count = max(sorted(counts.items()), key=lambda item: item[1])
    return lang if count * 2 > len(letters) and count >= MIN_WORDS else None


def _score_latin(words: list[str], text: str) -> dict[str, float]:
    scores = {lang: float(sum(word in profile for word in words)) for lang, profile in PROFILES.items()}
    for ch, lang in LETTER_HINTS.items():
        scores[lang] += 0.5 * text.count(ch)
    return scores


def detect_language(text: str) -> str:
    """ISO 639-1 code of `text`'s language ("en", "de", ...), or "und" when there is
    too little text to tell. Deterministic: ties go to the earlier language in
    `FUNCTION_WORDS` (English first)."""
    decided, sample = _without_lingua(text)
    return decided if decided is not None else _lingua_language(sample)


def quick_language(text: str) -> str | None:
    """`detect_language`'s answer where scripts and function words decide it; None where lingua would."""
    return _without_lingua(text)[0]


def _without_lingua(text: str) -> tuple[str | None, str]:
    """`detect_language`'s answer where scripts and function words decide (else None), and its sample."""
    sample = unicodedata.normalize("NFC", text[:_SAMPLE_CHARS]).lower()
    letters = [ch for ch in sample if ch.isalpha()]
    script = _script_language(letters)
    if script:
        return script, sample
    words = [w.replace("’", "'") for w in _WORD.findall(sample)]
    if len(words) >= MIN_WORDS:
        scores = _score_latin(words, sample)
        best = max(scores, key=lambda lang: scores[lang])  # max keeps the first of equal scores
        if scores[best] >= MIN_HITS:
            return best, sample
    return (None, sample) if len(words) >= 2 else (UNDETERMINED, sample)


class LinguaThread:
    """`detect_language` for many texts, lingua's share answered on a thread of its own.

    lingua releases the GIL while it loads its models (3 s of CPU once per run, 7 s at load 2.5)
    and while it scores, so segmentation goes on beside it on the second core. `detect` gives the
    language, or a Future of it where lingua decides; the answers are `detect_language`'s. Every
    lingua call goes through the one thread, in order. The thread starts at the first text that
    needs lingua: a run with none loads no model.
    """

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None

    def detect(self, text: str) -> str | Future[str]:
        decided, sample = _without_lingua(text)
        if decided is not None:
            return decided
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lingua")
        return self._pool.submit(_lingua_language, sample)

    def detect_now(self, text: str) -> str:
        found = self.detect(text)
        return found if isinstance(found, str) else found.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _lingua_language(text: str) -> str:
    """lingua's answer among the function-word languages, or "und" below `LINGUA_CONFIDENCE`."""
    values = _lingua_detector().compute_language_confidence_values(text)
    if not values or values[0].value < LINGUA_CONFIDENCE:
        return UNDETERMINED
    code = values[0].language.iso_code_639_1.name.lower()
    return "no" if code == "nb" else code


@functools.cache
def _lingua_detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in LINGUA_NAMES.values())).build()


def release_detector() -> None:
    """Unload lingua's models (about 330 MB once loaded) when a run's detection is done; the next
    `detect_language` that needs lingua loads them again (about 3 s)."""
    if _lingua_detector.cache_info().currsize:
        _lingua_detector().unload_language_models()
        _lingua_detector.cache_clear()
