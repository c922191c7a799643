"""Vanishing gradients, measured: how much the loss at an utterance's last token
still depends on the hidden state k steps earlier.

For a trained unidirectional one-layer tagger (Elman, GRU or LSTM), the encoder
is stepped one token at a time with each step's hidden state h_t passed on
explicitly, the cross-entropy L_T of the last token's tag is taken, and
||dL_T/dh_t|| is read for every t. Averaged by distance k = T - t over long
utterances, an Elman network's curve falls off geometrically (each step
multiplies by tanh' * U), a gated cell's much more slowly (its cell state is
carried additively).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from engine.artifact import Artifact
from ..data import Example


def last_token_gradients(art: Artifact, example: Example) -> np.ndarray:
    """||dL_T/dh_t|| for t = 1..T (index t-1), L_T the last token's tag loss."""
    model, c = art.model.eval(), art.model.config
    if c.bidirectional or c.layers != 1 or c.cell == "jordan" or c.n_chars or c.n_shapes:
        raise ValueError("needs a unidirectional one-layer elman/gru/lstm tagger on word embeddings")
    ids = torch.tensor([art.words.ids(example.words)])  # (1, T)
    x = model.word_emb(ids).detach()  # (1, T, E)
    state, hs, out = None, [], None
    for t in range(x.size(1)):
        out, state = model.rnn(x[:, t: t + 1], state)  # out: (1, 1, H)
        h = out.transpose(0, 1)  # (1, 1, H): this step's hidden state, passed on explicitly
        state = (h, state[1]) if c.cell == "lstm" else h
        hs.append(out)
    gold = torch.tensor([art.tags.index(example.tags[-1])])
    loss = F.cross_entropy(model.tag_head(out[:, 0]), gold)
    grads = torch.autograd.grad(loss, hs)
    return np.array([g.norm().item() for g in grads])


def gradient_profile(art: Artifact, examples: list[Example], min_len: int) -> dict:
    """Mean ||dL_T/dh_{T-k}|| over the examples at least ``min_len`` tokens long, k = 0..min_len-1."""
    long = [e for e in examples if len(e.tokens) >= min_len]
    rows = np.stack([last_token_gradients(art, e)[::-1][:min_len] for e in long])  # (N, min_len), k ascending
    mean = rows.mean(0)
    return {"n_utterances": len(long), "min_len": min_len, "mean_norm": mean.tolist(),
            "relative": (mean / mean[0]).tolist()}


def plot_profiles(profiles: dict[str, dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    colours = {}
    for name, p in profiles.items():
        k = np.arange(len(p["mean_norm"]))
        family = name.split(",")[0]  # one colour per family; dashed: at initialisation
        colours.setdefault(family, f"C{len(colours)}")
        style = {"linestyle": "--" if "initialisation" in name else "-", "color": colours[family],
                 "marker": "o", "ms": 3, "label": name}
        ax1.semilogy(k, p["mean_norm"], **style)
        ax2.semilogy(k, p["relative"], **style)
    n = next(iter(profiles.values()))
    ax1.set(xlabel="distance k from the last token", ylabel="mean ||dL_T / dh_{T-k}||",
            title=f"Gradient reaching k steps back ({n['n_utterances']} test utterances >= {n['min_len']} tokens)")
    ax2.set(xlabel="distance k from the last token", ylabel="relative to k = 0", title="Relative to the last step")
    for ax in (ax1, ax2):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
