"""The slot-filling engine: text in, a travel frame out. No PyTorch, no Flask, no training code.

What serving needs and nothing else: the shared tokenizer (:mod:`engine.tokenizer`), the
vocabularies and the lexicon inputs (:mod:`engine.vocab`, :mod:`engine.lexicon`), the network's
settings (:mod:`engine.config`), reading and checking an artifact (:mod:`engine.artifact`), the
ONNX runtime and the predictor (:mod:`engine.runtime`, :mod:`engine.predict`), one typed span
(:mod:`engine.spans`), the one mapping from fine labels to the frame (:mod:`engine.frame`), value
resolution (:mod:`engine.resolve`), the language check (:mod:`engine.language`) and the object that
turns text into an answer (:class:`engine.parser.Parser`). The HTTP layer (``app/``) adapts it;
the training lab (``model/``) builds on it and writes the artifacts it reads.

    from engine import load_parser
    parser = load_parser("model/artifacts/default")
    parser.parse(["leave Taipei on November 2nd"], reference)  # -> [answer dict, as POST /parse returns]
"""
from __future__ import annotations

from pathlib import Path

from .calibration import Calibration
from .chinese import ChineseReader
from .language import THRESHOLD as LANGUAGE_THRESHOLD
from .language import LanguageDetector
from .parser import Parser
from .predict import Predictor
from .resolve.places import PlaceIndex
from .resolve.zh_places import ChinesePlaces


def load_parser(model_dir: str | Path, backend: str = "onnx", scope_threshold: float | None = None,
                language_threshold: float = LANGUAGE_THRESHOLD, predictor: Predictor | None = None,
                zh_model_dir: str | Path | None = None) -> Parser:
    """Everything a request needs, built once: the predictor, the place index, the language detector, and with
    ``zh_model_dir`` the Chinese reader (:mod:`engine.chinese`)."""
    predictor = predictor or Predictor.from_dir(model_dir, backend, scope_threshold)
    art = predictor.artifact
    places = PlaceIndex(known_words=art.known_words())
    chinese = ChineseReader(Predictor.from_dir(zh_model_dir, backend), ChinesePlaces(places)) if zh_model_dir else None
    return Parser(predictor, places, LanguageDetector(set(art.words.items), language_threshold, art.known_words()),
                  Calibration.read(Path(model_dir), art.version), chinese)


__all__ = ["Parser", "Predictor", "load_parser"]
