"""Which language a turn is in: the model reads English (and, with the Chinese reader, Chinese) only, and
says so rather than guess.

In-process, no network. Four steps, so that English requests pay almost nothing:

1. **Vocabulary fast path**: a text of ASCII characters whose every token is a word the model was
   trained on ("fly from boston to denver tomorrow") is English; no detector runs and the
   answer's ``confidence`` is ``null``.
2. **Script**: when most letters are of a script other than Latin, the script decides, confidence 1.0:
   Hangul Korean, any kana Japanese, Han alone Chinese; Cyrillic Russian (Ukrainian with і ї є ґ), Arabic
   (Persian with پ چ ژ گ ک ی, Urdu with ٹ ڈ ڑ ں ے), Greek, Hebrew, Devanagari (Hindi), Bengali, Thai, ...
   (``SCRIPTS``) -- what lingua's rules do for these scripts too, without holding their models in memory.
3. lingua (``lingua-language-detector``, high-accuracy mode) over English, Spanish, French, German,
   Italian and Portuguese: the text is *not* English when another language leads with at least
   ``threshold`` (default 0.7; measured on 8,195 English turns of ATIS test, SGD-travel dev and sgd-other
   dev: none at or over 0.7, one at 0.61 -- "Check Glen Ellen."). Below it the text is read as English
   (a short or mixed text: a city name, "ok").
4. Where step 3 did not read English with 0.9 or more, a second lingua detector (low-accuracy mode: trigrams)
   over those six and 27 more Latin-script languages (``MORE_LATIN``: Dutch, Swedish, Danish, Norwegian,
   Polish, Turkish, Indonesian, Vietnamese, Czech, Romanian, Finnish, Hungarian, Croatian, ...) names one of
   the 27 when it leads (with its close kin: Indonesian and Malay, ...) at 0.9 or more, in a text of 15
   letters or more of which at most half the words are English ones (the artifact's known words). Measured on
   the same 8,195 English turns: none so read; on 33 requests in 22 other languages written for the project
   (``tests/fixtures/language/more_languages.jsonl``): all read as not English, 30 with the right code.

lingua's models for the six take about 160 MiB and the second detector's about 5 MiB more, loaded once in the
gunicorn master before the workers fork (shared, not copied, by the workers).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from .safe_text import for_native

LATIN = {"ENGLISH": "en", "SPANISH": "es", "FRENCH": "fr", "GERMAN": "de", "ITALIAN": "it", "PORTUGUESE": "pt"}  # lingua
# Latin-script languages a booking bot meets less often: asked only about a text the six leave unsure, in lingua's
# low-accuracy mode (trigrams only: about 5 MiB more, where the six's high-accuracy models take about 160)
MORE_LATIN = {"DUTCH": "nl", "SWEDISH": "sv", "DANISH": "da", "BOKMAL": "nb", "NYNORSK": "nn", "POLISH": "pl",
              "TURKISH": "tr", "INDONESIAN": "id", "MALAY": "ms", "VIETNAMESE": "vi", "CZECH": "cs", "SLOVAK": "sk",
              "ROMANIAN": "ro", "FINNISH": "fi", "HUNGARIAN": "hu", "CROATIAN": "hr", "SLOVENE": "sl", "TAGALOG": "tl",
              "ESTONIAN": "et", "LATVIAN": "lv", "LITHUANIAN": "lt", "ALBANIAN": "sq", "CATALAN": "ca",
              "BASQUE": "eu", "AFRIKAANS": "af", "SWAHILI": "sw", "ICELANDIC": "is"}
THRESHOLD = 0.7
# Another language leading below the threshold still decides when it leads with at least 0.5 and English is all
# but ruled out (under this confidence): a text with its place names taken out is shorter, and lingua less sure.
# Measured on the same 8,195 English turns: none so read.
ENGLISH_FLOOR = 0.05
log = logging.getLogger(__name__)
ENGLISH = "en"


# Scripts that name their language (the most used language of the script where several share it; Cyrillic,
# Arabic are told apart below by letters of their own): (first, last code point, language)
SCRIPTS = ((0x0370, 0x03FF, "el"), (0x1F00, 0x1FFF, "el"), (0x0400, 0x052F, "cyrl"), (0x0530, 0x058F, "hy"),
           (0x0590, 0x05FF, "he"), (0x0600, 0x06FF, "arab"), (0x0750, 0x077F, "arab"), (0xFB50, 0xFDFF, "arab"),
           (0xFE70, 0xFEFF, "arab"), (0x0900, 0x097F, "hi"), (0x0980, 0x09FF, "bn"), (0x0A00, 0x0A7F, "pa"),
           (0x0A80, 0x0AFF, "gu"), (0x0B80, 0x0BFF, "ta"), (0x0C00, 0x0C7F, "te"), (0x0C80, 0x0CFF, "kn"),
           (0x0D00, 0x0D7F, "ml"), (0x0D80, 0x0DFF, "si"), (0x0E00, 0x0E7F, "th"), (0x0E80, 0x0EFF, "lo"),
           (0x1000, 0x109F, "my"), (0x10A0, 0x10FF, "ka"), (0x1200, 0x137F, "am"), (0x1780, 0x17FF, "km"))
_UKRAINIAN = frozenset("іїєґІЇЄҐ")
_PERSIAN = frozenset("پچژگکی")
_URDU = frozenset("ٹڈڑںےھ")


LANGUAGE_CODES = (*LATIN.values(), *MORE_LATIN.values(), "zh", "ja", "ko", "ru", "uk", "ar", "fa", "ur",
                  *sorted({code for _, _, code in SCRIPTS} - {"cyrl", "arab"}))  # ISO 639-1
# The second detector (all the Latin-script languages, low accuracy) decides where the first did not read English
# with this confidence or more, for a text of at least MORE_MIN_LETTERS letters, when one of MORE_LATIN leads it
# (with its close kin) at MORE_THRESHOLD or more
MORE_ENGLISH_CEILING = 0.9
FAMILIES = ({"id", "ms"}, {"nb", "nn", "da"}, {"cs", "sk"}, {"hr", "sl"})  # close enough to be read for each other
MORE_THRESHOLD = 0.9
MORE_MIN_LETTERS = 15
MORE_MAX_ENGLISH_SHARE = 0.5


def _script(c: str) -> str | None:
    o = ord(c)
    if 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
        return "ko"
    if 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9F:
        return "kana"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FA1F:
        return "han"
    if o < 0x0370:
        return None  # Latin (and digits, punctuation)
    return next((code for first, last, code in SCRIPTS if first <= o <= last), None)


def script_language(text: str) -> str | None:
    """The language most letters' script names -- "ko", "ja" or "zh" for Hangul, kana or Han characters; "ru"
    (or "uk") for Cyrillic, "ar" (or "fa", "ur") for Arabic, "el", "he", "hi", "th", ... -- or None for
    Latin-script text."""
    letters = [c for c in text if c.isalpha()]
    scripts = [s for s in map(_script, letters) if s is not None]
    if not letters or 2 * len(scripts) <= len(letters):
        return None
    if "ko" in scripts and scripts.count("ko") >= scripts.count("han") + scripts.count("kana"):
        return "ko"
    if "kana" in scripts or "han" in scripts:
        return "ja" if "kana" in scripts else "zh"
    top = max(set(scripts), key=scripts.count)
    if top == "cyrl":
        return "uk" if _UKRAINIAN & set(text) else "ru"
    if top == "arab":
        return "ur" if _URDU & set(text) else "fa" if _PERSIAN & set(text) else "ar"
    return top


@dataclass(frozen=True)
class Detected:
    """The language a text was read as (the answer's ``language`` is built from it)."""

    code: str  # ISO 639-1
    confidence: float | None  # lingua's confidence; None when the vocabulary fast path decided

    @property
    def english(self) -> bool:
        return self.code == ENGLISH


class LanguageDetector:
    """Built once per process (the language models load in about a second, before gunicorn forks)."""

    def __init__(self, known_words: set[str] | frozenset[str], threshold: float = THRESHOLD,
                 lexicon: set[str] | frozenset[str] = frozenset()):
        """``known_words``: the words the model was trained on (the fast path); ``lexicon``: English words (the
        artifact's known words, GloVe's frequent ones among them), of which a text the second detector reads as
        another language may hold at most half."""
        from lingua import Language as L, LanguageDetectorBuilder

        self.known_words = frozenset(known_words)
        self.lexicon = frozenset(lexicon) | self.known_words
        self.threshold = threshold
        self._detector = (LanguageDetectorBuilder.from_languages(*(getattr(L, n) for n in LATIN))
                          .with_preloaded_language_models().build())
        self._more = (LanguageDetectorBuilder.from_languages(*(getattr(L, n) for n in {**LATIN, **MORE_LATIN}))
                      .with_preloaded_language_models().with_low_accuracy_mode().build())

    def detect(self, text: str, words: list[str], places: list[tuple[int, int]] = ()) -> Detected:
        """``words``: the text's normalised tokens (:func:`engine.tokenizer.tokenize`) that are not place names;
        ``places``: the character spans of the place names the tagger found. Place names do not vote: "from
        Málaga to A Coruña on the 4th" is read as "from ... to ... on the 4th" (English), "Quiero volar de
        Madrid a Barcelona" as "Quiero volar de ... a ..." (Spanish)."""
        for start, end in places:
            text = text[:start] + " " * (end - start) + text[end:]
        if places and not words:
            return Detected(ENGLISH, None)  # nothing but place names ("Portland."): read as English
        if text.isascii():
            if words and all(w in self.known_words for w in words):
                return Detected(ENGLISH, None)
        else:
            by_script = script_language(text)
            if by_script is not None:
                return Detected(by_script, 1.0)
        try:  # lingua's Rust core reads the text cleaned (a lone surrogate cannot cross into Rust)
            values = self._detector.compute_language_confidence_values(for_native(text))
        except Exception:  # noqa: BLE001 - a native failure reads the text as English, never a dead request
            log.exception("language detection failed; reading the text as English")
            values = []
        if not values:
            return Detected(ENGLISH, None)
        top = values[0]
        code = top.language.iso_code_639_1.name.lower()
        english = next((v.value for v in values if v.language.iso_code_639_1.name.lower() == ENGLISH), 0.0)
        ruled_out = english < ENGLISH_FLOOR and top.value >= 0.5
        if not (code == ENGLISH and top.value >= MORE_ENGLISH_CEILING) and (more := self._more_languages(text, words)):
            return more  # Dutch read as German, Czech as English by the six: the language it is
        if code != ENGLISH and top.value < self.threshold and not ruled_out:
            return Detected(ENGLISH, round(english, 4))
        return Detected(code, round(top.value, 4))

    def _more_languages(self, text: str, words: list[str]) -> Detected | None:
        """Another Latin-script language (``MORE_LATIN``) for a text the six left unsure, or None. Not for a text
        whose words are mostly English ones (low-accuracy trigrams read "zero bags to check in" as Tagalog)."""
        if sum(c.isalpha() for c in text) < MORE_MIN_LETTERS:
            return None
        if not words or sum(w in self.lexicon for w in words) > MORE_MAX_ENGLISH_SHARE * len(words):
            return None
        try:
            values = self._more.compute_language_confidence_values(for_native(text))
        except Exception:  # noqa: BLE001 - as above
            log.exception("language detection failed; reading the text as English")
            return None
        if not values:
            return None
        code = values[0].language.iso_code_639_1.name.lower()
        family = next((f for f in FAMILIES if code in f), {code})  # Indonesian or Malay: one answer to give
        sure = sum(v.value for v in values if v.language.iso_code_639_1.name.lower() in family)
        return Detected(code, round(sure, 4)) if code in MORE_LATIN.values() and sure >= MORE_THRESHOLD else None
