"""What the network takes in: one owner for the inputs' names, order, dtypes and padding.

Every input is one array per batch, named as the network's ``forward`` names it
(:class:`model.network.JointTagger`), int64 ids padded with 0 past each sentence's end:

==========  ==============  ===========================================================
name        shape           what (present when the configuration has it)
==========  ==============  ===========================================================
words       (B, T)          word ids (:class:`engine.vocab.Vocab`; 1 unknown)
chars       (B, T, C)       character ids per word, C <= MAX_WORD_CHARS (``n_chars``); the
                            exported tagger graph takes ``char_feats`` (B, T, F) instead, the
                            character CNN's output, computed per word by the ``chars`` graph
shapes      (B, T)          casing of what the user typed (:data:`engine.tokenizer.SHAPES`)
glove       (B, T)          row of the frozen GloVe table (``glove_size``)
gaz         (B, T)          inside a known place name or not (``gazetteer``)
lengths     (B,)            each sentence's length (an empty text runs as one padding token)
==========  ==============  ===========================================================

:func:`encode` builds them for training and the PyTorch reference (``model(**encode(...))``);
:func:`feeds` for the exported graph in ONNX Runtime (the serving path: character features from the
predictor's per-word cache); :func:`graph_inputs` is the graph's input order, which
:mod:`model.export` writes and :mod:`engine.runtime` checks. Adding an input: this module (its
name, its arrays), the network (an embedding and a ``forward`` argument of that name) and the exporter's
example (:func:`example`) -- three files.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .config import TaggerConfig
from .lexicon import lexicon_ids
from .tokenizer import Token
from .vocab import encode_batch

TOKEN_INPUTS = ("words", "char_feats", "shapes", "glove", "gaz")  # the tagger graph's per-token inputs, in order


def token_inputs(config: TaggerConfig) -> list[str]:
    """The tagger graph's per-token inputs the configuration has, in order (each (B, T), char_feats (B, T, F))."""
    has = {"words": True, "char_feats": bool(config.n_chars), "shapes": bool(config.n_shapes),
           "glove": bool(config.glove_size), "gaz": config.gazetteer}
    return [name for name in TOKEN_INPUTS if has[name]]


def graph_inputs(config: TaggerConfig) -> list[str]:
    """The tagger graph's inputs, in order: the per-token ones, then each sentence's length."""
    return token_inputs(config) + ["lengths"]


def encode(sentences: list[list[str]], artifact, shapes: list[list[int]] | None = None) -> dict[str, np.ndarray | None]:
    """The network's inputs for token texts, named as its ``forward`` takes them: words, chars, shapes (when the
    configuration has them; ``shapes`` as given, e.g. lowercased by augmentation), glove, gaz, lengths."""
    config = artifact.config
    batch = encode_batch(sentences, artifact.words, artifact.chars, shapes if config.n_shapes else None,
                         lexicon_ids(sentences, artifact.glove, artifact.gazetteer))
    return batch


def _pad(flat: np.ndarray, real: np.ndarray, T: int) -> np.ndarray:
    """A batch's real tokens' values in order, (N, ...) -> (B, T, ...), zero past each sentence's end."""
    B = len(real)
    if len(flat) == B * T:  # every sentence T long: nothing to pad
        return flat.reshape(B, T, *flat.shape[1:])
    out = np.zeros((B, T, *flat.shape[1:]), flat.dtype)
    out[np.arange(T)[None, :] < real[:, None]] = flat
    return out


def run_lengths(token_lists: list[list[Token]]) -> np.ndarray:
    """(B,) each sentence's length as the network runs it: an empty text runs as one padding token."""
    return np.fromiter((max(1, len(t)) for t in token_lists), np.int64, len(token_lists))


def feeds(token_lists: list[list[Token]], artifact,
          char_features: Callable[[list[str]], np.ndarray]) -> dict[str, np.ndarray]:
    """The exported tagger graph's inputs for one padded batch (:func:`graph_inputs` and a few more it ignores):
    ``char_features(words)`` gives the (N, F) character features of a list of words."""
    config = artifact.config
    real = np.fromiter(map(len, token_lists), np.int64, len(token_lists))
    T = max(1, int(real.max()))
    toks = [t for ts in token_lists for t in ts]
    texts = [t.text for t in toks]
    out = {"words": _pad(np.fromiter(map(artifact.words.id, texts), np.int64, len(texts)), real, T),
           "shapes": _pad(np.fromiter((t.shape for t in toks), np.int64, len(toks)), real, T),
           "lengths": run_lengths(token_lists)}
    if config.n_chars:
        out["char_feats"] = _pad(char_features(texts) if texts else np.zeros((0, config.char_filters), np.float32),
                                 real, T)
    if artifact.glove is not None or artifact.gazetteer is not None:
        out |= lexicon_ids([[t.text for t in ts] for ts in token_lists], artifact.glove, artifact.gazetteer)
    return out


def example(config: TaggerConfig, B: int = 2, T: int = 3) -> dict[str, np.ndarray]:
    """Arrays of every graph input, for tracing the export (ids 1, zero features, lengths T and T - 1)."""
    ids = np.ones((B, T), np.int64)
    return {"words": ids, "shapes": ids, "glove": ids, "gaz": ids,
            "char_feats": np.zeros((B, T, config.char_filters), np.float32),
            "lengths": np.array([T] + [T - 1] * (B - 1), np.int64)}
