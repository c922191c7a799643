"""The linear-chain CRF peer: python-crfsuite on the usual hand-made features.

The features are the ones Rasa's CRF entity extractor and Snips NLU use for
slots: the word, its lowercase form, prefixes and suffixes, its shape, and the
same for the neighbours at -2..+2, with sentence-boundary markers.

A CRF tags tokens only; to report intent accuracy and sentence accuracy beside
the recurrent models it also labels one extra end-of-sentence token with the
utterance's intent (the trick Hakkani-Tür et al. 2016 used for their joint
RNN-LSTM). That token's features are the sentence's bag of words besides its
neighbours, so the CRF's intent is a linear bag-of-words classifier.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pycrfsuite

from .data import Example

EOS = "<eos>"


def word_shape(word: str) -> str:
    """Collapsed character classes: "Taipei" -> "Xx", "2nd" -> "dx", "11/02" -> "d/d"."""
    s = re.sub(r"[A-Z]+", "X", word)
    s = re.sub(r"[a-z]+", "x", s)
    return re.sub(r"[0-9]+", "d", s)


def _word_features(word: str, prefix: str) -> list[str]:
    low = word.lower()
    return [f"{prefix}w={low}", f"{prefix}shape={word_shape(word)}", f"{prefix}p3={low[:3]}",
            f"{prefix}s2={low[-2:]}", f"{prefix}s3={low[-3:]}", f"{prefix}digit={low.isdigit()}"]


def token_features(words: list[str], i: int) -> list[str]:
    """Feature strings for position ``i`` of ``words`` (an index past the end is the EOS slot)."""
    feats = ["bias"]
    if i == len(words):
        feats += ["eos"] + sorted({f"bow={w.lower()}" for w in words})
    else:
        feats += _word_features(words[i], "")
    for off in (-2, -1, 1, 2):
        j = i + off
        if 0 <= j < len(words):
            feats += _word_features(words[j], f"{off:+d}:")
        elif j < 0:
            feats.append(f"{off:+d}:BOS")
        else:
            feats.append(f"{off:+d}:EOS")
    return feats


def surface_words(text: str, tokens) -> list[str]:
    """The tokens as typed (``text[start:end]``): casing kept for the shape features of typed text."""
    return [text[t.start: t.end] for t in tokens]


def sentence_features(words: list[str]) -> list[list[str]]:
    """One feature list per word, plus one for the intent-bearing EOS token."""
    return [token_features(words, i) for i in range(len(words) + 1)]


class CRFTagger:
    """Trains and runs the CRF; the model file lives in a temporary directory."""

    def __init__(self, c1: float = 0.1, c2: float = 0.01, max_iterations: int = 150):
        self.params = {"c1": c1, "c2": c2, "max_iterations": max_iterations,
                       "feature.possible_transitions": True}
        self._dir = tempfile.TemporaryDirectory()
        self.path = str(Path(self._dir.name) / "crf.model")
        self._tagger: pycrfsuite.Tagger | None = None

    def fit(self, examples: list[Example], attr: str = "tags", surface: bool = False) -> "CRFTagger":
        """Learn ``attr`` tags (``"tags"``: fine ATIS tags plus the intent on the EOS token;
        ``"frame_tags"``: frame BIO tags of SGD-travel, whose EOS token carries no intent).
        ``surface``: features from the words as typed (:func:`surface_words`), not normalised."""
        trainer = pycrfsuite.Trainer(verbose=False)
        for e in examples:
            intent = e.intent if attr == "tags" else ""
            words = surface_words(e.text, e.tokens) if surface else e.words
            trainer.append(sentence_features(words), list(getattr(e, attr)) + [f"{EOS}:{intent}"])
        trainer.set_params(self.params)
        trainer.train(self.path)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(self.path)
        return self

    def predict(self, words: list[str]) -> tuple[list[str], str]:
        """(BIO tags, intent) for one tokenized utterance."""
        labels = self._tagger.tag(sentence_features(words))
        tags = [t if not t.startswith(EOS + ":") else "O" for t in labels[:-1]]
        last = labels[-1]
        return tags, (last.split(":", 1)[1] if last.startswith(EOS + ":") else "")
