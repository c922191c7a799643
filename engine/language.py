"""Which language a turn is in: the model reads English only, and says so rather than guess.

In-process, restricted to the languages a booking bot meets (English, Spanish, French, German,
Italian, Portuguese, Chinese, Japanese, Korean). Three steps, so that English requests pay almost
nothing:

1. **Vocabulary fast path**: a text of ASCII characters whose every token is a word the model was
   trained on ("fly from boston to denver tomorrow") is English; no detector runs and the
   answer's ``confidence`` is ``null``.
2. **Script**: when most letters are Hangul, kana or Han characters, the script decides (Hangul:
   Korean; any kana: Japanese; Han alone: Chinese), confidence 1.0 — what lingua's rules do for
   these scripts too, without holding their n-gram models in memory.
3. Otherwise lingua (``lingua-language-detector``, high-accuracy mode) over the six Latin-script
   languages: the text is *not* English when another language leads with at least ``threshold``
   (default 0.7; measured on 8,195 English turns of ATIS test, SGD-travel dev and sgd-other dev:
   none at or over 0.7, one at 0.61 — "Check Glen Ellen."). Below it the text is read as English
   (a short or mixed text: a city name, "ok").

lingua's models for six languages take about 157 MiB, loaded once in the gunicorn master before
the workers fork (shared, not copied, by the workers).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from .safe_text import for_native

LATIN = {"ENGLISH": "en", "SPANISH": "es", "FRENCH": "fr", "GERMAN": "de", "ITALIAN": "it", "PORTUGUESE": "pt"}  # lingua
LANGUAGE_CODES = (*LATIN.values(), "zh", "ja", "ko")  # ISO 639-1: lingua's, then those told by script
THRESHOLD = 0.7
# Another language leading below the threshold still decides when it leads with at least 0.5 and English is all
# but ruled out (under this confidence): a text with its place names taken out is shorter, and lingua less sure.
# Measured on the same 8,195 English turns: none so read.
ENGLISH_FLOOR = 0.05
log = logging.getLogger(__name__)
ENGLISH = "en"


def _script(c: str) -> str | None:
    o = ord(c)
    if 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
        return "ko"
    if 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9F:
        return "kana"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FA1F:
        return "han"
    return None


def script_language(text: str) -> str | None:
    """"ko", "ja" or "zh" when most letters are Hangul, kana or Han characters; else None."""
    letters = [c for c in text if c.isalpha()]
    scripts = [s for s in map(_script, letters) if s is not None]
    if not letters or 2 * len(scripts) <= len(letters):
        return None
    if "ko" in scripts and scripts.count("ko") >= scripts.count("han") + scripts.count("kana"):
        return "ko"
    return "ja" if "kana" in scripts else "zh"


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

    def __init__(self, known_words: set[str] | frozenset[str], threshold: float = THRESHOLD):
        from lingua import Language as L, LanguageDetectorBuilder

        self.known_words = frozenset(known_words)
        self.threshold = threshold
        self._detector = (LanguageDetectorBuilder.from_languages(*(getattr(L, n) for n in LATIN))
                          .with_preloaded_language_models().build())

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
        if code != ENGLISH and top.value < self.threshold and not ruled_out:
            return Detected(ENGLISH, round(english, 4))
        return Detected(code, round(top.value, 4))
