"""Which language a turn is in: the model reads English only, and says so rather than guess.

In-process detection with lingua (``lingua-language-detector``), restricted to the languages a
booking bot meets. Two steps, so that English requests pay almost nothing:

1. **Vocabulary fast path**: a text of ASCII characters whose every token is a word the model was
   trained on ("fly from boston to denver tomorrow") is English; the detector is not run and the
   answer's ``confidence`` is ``null``.
2. Otherwise lingua's confidence values: the text is *not* English when another language leads
   with at least ``threshold`` (default 0.7; measured on 8,195 English turns of ATIS test,
   SGD-travel dev and sgd-other dev: none at or over 0.7, one at 0.61 — "Check Glen Ellen.").
   Below it the text is read as English (a short or mixed text: a city name, "ok").
"""
from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("ENGLISH", "CHINESE", "SPANISH", "FRENCH", "GERMAN", "JAPANESE", "PORTUGUESE", "ITALIAN", "KOREAN")
LANGUAGE_CODES = ("en", "zh", "es", "fr", "de", "ja", "pt", "it", "ko")  # ISO 639-1, in LANGUAGES' order
THRESHOLD = 0.7
ENGLISH = "en"


@dataclass(frozen=True)
class Language:
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
        self._detector = (LanguageDetectorBuilder.from_languages(*(getattr(L, n) for n in LANGUAGES))
                          .with_preloaded_language_models().build())

    def detect(self, text: str, words: list[str]) -> Language:
        """``words``: the text's normalised tokens (:func:`model.tokenizer.tokenize`)."""
        if text.isascii() and words and all(w in self.known_words for w in words):
            return Language(ENGLISH, None)
        values = self._detector.compute_language_confidence_values(text)
        if not values:
            return Language(ENGLISH, None)
        top = values[0]
        code = top.language.iso_code_639_1.name.lower()
        if code != ENGLISH and top.value < self.threshold:
            english = next((v.value for v in values if v.language.iso_code_639_1.name.lower() == ENGLISH), 0.0)
            return Language(ENGLISH, round(english, 4))
        return Language(code, round(top.value, 4))
