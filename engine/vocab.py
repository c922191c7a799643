"""Vocabularies (words, characters, labels) and batching of token sequences into tensors."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

PAD, UNK = "<pad>", "<unk>"
MAX_WORD_CHARS = 20  # characters seen by the char CNN per word


@dataclass
class Vocab:
    """An ordered inventory; index 0 is padding and index 1 unknown when ``specials``."""

    items: list[str]
    specials: bool = True

    def __post_init__(self) -> None:
        self.index = {s: i for i, s in enumerate(self.items)}

    @classmethod
    def build(cls, seqs, min_count: int = 1, specials: bool = True) -> "Vocab":
        counts = Counter(x for seq in seqs for x in seq)
        items = sorted((x for x, c in counts.items() if c >= min_count), key=lambda x: (-counts[x], x))
        return cls(([PAD, UNK] if specials else []) + items, specials)

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, item: str) -> bool:
        return item in self.index

    def id(self, item: str) -> int:
        if self.specials:
            return self.index.get(item, 1)
        return self.index[item]

    def ids(self, seq: list[str]) -> list[int]:
        return [self.id(x) for x in seq]


def char_ids(words: list[str], chars: Vocab, C: int) -> np.ndarray:
    """(N, C) character ids of ``words``, each cut to ``C`` characters and padded with 0."""
    ids = np.zeros((len(words), C), dtype=np.int64)
    for i, w in enumerate(words):
        cs = chars.ids(list(w[:C]))
        ids[i, : len(cs)] = cs
    return ids


def encode_batch(sentences: list[list[str]], words: Vocab, chars: Vocab | None,
                 shapes: list[list[int]] | None = None, lexicon: dict | None = None) -> dict:
    """Pad a batch of token lists as numpy arrays: word ids (B, T), char ids (B, T, C), shape ids (B, T),
    lengths (B,), and the ``lexicon`` id arrays (:func:`engine.lexicon.lexicon_ids`: glove, gaz) when given.

    One array per input, not one per word; the training lab hands them to PyTorch without a copy.
    """
    B = len(sentences)
    T = max(1, max((len(s) for s in sentences), default=1))
    word_ids = np.zeros((B, T), dtype=np.int64)
    shape_ids = np.zeros((B, T), dtype=np.int64) if shapes is not None else None
    char_arr = None
    if chars is not None:
        C = max(1, min(MAX_WORD_CHARS, max((len(w) for s in sentences for w in s), default=1)))
        char_arr = np.zeros((B, T, C), dtype=np.int64)
    for b, sent in enumerate(sentences):
        word_ids[b, : len(sent)] = words.ids(sent)
        if shape_ids is not None:
            shape_ids[b, : len(shapes[b])] = shapes[b]
        if char_arr is not None:
            char_arr[b, : len(sent)] = char_ids(sent, chars, C)
    lengths = np.array([max(1, len(s)) for s in sentences], dtype=np.int64)
    return {"words": word_ids, "chars": char_arr, "shapes": shape_ids, "lengths": lengths} | (lexicon or {})
