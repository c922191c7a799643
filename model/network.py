"""The joint recurrent tagger: embeddings -> recurrent encoder -> tag and intent heads (about 300 lines: the
six recurrent families, the CRF layer and the joint heads, each a small module, in the style of pytorch/examples'
``word_language_model/model.py``).

Encoder families (``TaggerConfig.cell``):

* ``elman``  – hidden state fed back: h_t = tanh(W x_t + U h_{t-1} + b) (``nn.RNN``);
* ``jordan`` – previous *output* fed back: h_t = tanh(W x_t + U y_{t-1} + b),
  y_t = softmax(V h_t), where y is the layer's label distribution; a
  bidirectional Jordan network runs one such network each way and adds their
  output scores;
* ``lstm`` / ``gru`` – gated cells (``nn.LSTM`` / ``nn.GRU``).

Any of them can be stacked (``layers``) and bidirectional.
"""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn as nn
import torch.nn.functional as F

from engine.config import CELLS, CRF_HEADS, TaggerConfig  # noqa: F401 - re-exported
from engine.lexicon import N_GAZ

# --------------------------------------------------------------------------- cells


class ElmanLayer(nn.Module):
    """An Elman layer written out step by step: h_t = act(W x_t + U h_{t-1} + b).

    ``activation`` may be ``tanh`` (what ``nn.RNN`` computes, used by the
    encoder through the fast ``nn.RNN`` path) or ``linear`` (the textbook
    example). Memory starts at zero.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, activation: str = "tanh"):
        super().__init__()
        self.hidden_size = hidden_size
        self.w_in = nn.Linear(input_size, hidden_size, bias=bias)  # W, b
        self.w_rec = nn.Linear(hidden_size, hidden_size, bias=False)  # U
        self.act: Callable[[torch.Tensor], torch.Tensor] = {
            "tanh": torch.tanh, "linear": lambda z: z,
        }[activation]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (B, T, I) -> h: (B, T, H)
        h = x.new_zeros(x.size(0), self.hidden_size)
        xs = self.w_in(x)  # (B, T, H)
        out = []
        for t in range(x.size(1)):
            h = self.act(xs[:, t] + self.w_rec(h))
            out.append(h)
        return torch.stack(out, dim=1)


class JordanLayer(nn.Module):
    """A Jordan layer: the previous step's output distribution is fed back.

    h_t = tanh(W x_t + U y_{t-1} + b);  o_t = V h_t + c;  y_t = softmax(o_t);  y_0 = 0.
    Returns the hidden states (B, T, H) and the output scores o (B, T, O).
    Padding positions are skipped by the mask so that a right-to-left pass
    starts at each sentence's real last token.
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int):
        super().__init__()
        self.hidden_size, self.output_size = hidden_size, output_size
        self.w_in = nn.Linear(input_size, hidden_size)  # W, b
        self.w_fb = nn.Linear(output_size, hidden_size, bias=False)  # U
        self.w_out = nn.Linear(hidden_size, output_size)  # V, c

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        # x: (B, T, I), mask: (B, T) bool -> h: (B, T, H), o: (B, T, O)
        B, T, _ = x.shape
        y = x.new_zeros(B, self.output_size)
        xs = self.w_in(x)  # (B, T, H)
        hs, os_ = [], []
        for t in range(T):
            h = torch.tanh(xs[:, t] + self.w_fb(y))  # (B, H)
            o = self.w_out(h)  # (B, O)
            if mask is not None:
                # keep the feedback at zero until the first real token (right-to-left padding)
                y = torch.where(mask[:, t, None], F.softmax(o, dim=-1), y)
            else:
                y = F.softmax(o, dim=-1)
            hs.append(h)
            os_.append(o)
        return torch.stack(hs, 1), torch.stack(os_, 1)


def _reverse_padded(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Reverse each sequence within its own length; padding stays at the end."""
    # x: (B, T, D), lengths: (B,)
    T = x.size(1)
    idx = torch.arange(T, device=x.device).unsqueeze(0).expand(x.size(0), T)  # (B, T)
    rev = (lengths.unsqueeze(1) - 1 - idx).clamp(min=0)
    rev = torch.where(idx < lengths.unsqueeze(1), rev, idx)
    return x.gather(1, rev.unsqueeze(-1).expand_as(x))


class JordanEncoder(nn.Module):
    """Stacked, optionally bidirectional Jordan network.

    Each direction of each layer is a :class:`JordanLayer` whose outputs are
    label scores. The top layer's scores from the two directions are added:
    that sum is the network's tag output ("combined at the output").
    """

    def __init__(self, input_size: int, hidden: int, n_tags: int, layers: int, bidirectional: bool, dropout: float):
        super().__init__()
        self.dirs = 2 if bidirectional else 1
        self.layers = nn.ModuleList()
        for i in range(layers):
            in_size = input_size if i == 0 else hidden * self.dirs
            self.layers.append(nn.ModuleList(JordanLayer(in_size, hidden, n_tags) for _ in range(self.dirs)))
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        # x: (B, T, I) -> features (B, T, dirs*H), tag scores (B, T, n_tags)
        mask = torch.arange(x.size(1), device=x.device)[None, :] < lengths[:, None]  # (B, T)
        scores = None
        for i, directions in enumerate(self.layers):
            if i > 0:
                x = self.drop(x)
            outs, scores = [], 0
            for d, layer in enumerate(directions):
                inp = x if d == 0 else _reverse_padded(x, lengths)
                h, o = layer(inp, mask)
                if d == 1:
                    h, o = _reverse_padded(h, lengths), _reverse_padded(o, lengths)
                outs.append(h)
                scores = scores + o
            x = torch.cat(outs, dim=-1)
        return x, scores


# --------------------------------------------------------------------------- CRF output layer


class CRF(nn.Module):
    """A linear-chain CRF over one head's per-token scores: learned transition, start and end scores.

    Trained by the negative log-likelihood of the gold path; a token without a gold label (-100)
    may take any tag (the numerator sums over those paths: partial labels). Serving decodes with
    Viterbi over the same scores (:func:`engine.decode.viterbi`), BIO constraints added.
    """

    def __init__(self, n_tags: int):
        super().__init__()
        self.transitions = nn.Parameter(torch.zeros(n_tags, n_tags))  # [from, to]
        self.start = nn.Parameter(torch.zeros(n_tags))
        self.end = nn.Parameter(torch.zeros(n_tags))

    def log_partition(self, emissions: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        # emissions: (B, T, n), mask: (B, T) bool, true on real tokens -> (B,) log sum over paths
        alpha = self.start + emissions[:, 0]  # (B, n)
        for t in range(1, emissions.size(1)):
            nxt = torch.logsumexp(alpha.unsqueeze(2) + self.transitions, dim=1) + emissions[:, t]  # (B, n)
            alpha = torch.where(mask[:, t, None], nxt, alpha)
        return torch.logsumexp(alpha + self.end, dim=-1)

    def nll(self, emissions: torch.Tensor, gold: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Negative log-likelihood of the batch per gold-labelled token (the scale of a token-level
        cross-entropy); 0 when no token has a gold label."""
        # emissions: (B, T, n), gold: (B, T) ids or -100, lengths: (B,)
        mask = torch.arange(emissions.size(1), device=emissions.device)[None, :] < lengths[:, None]  # (B, T)
        known = (gold != -100) & mask  # (B, T)
        allowed = F.one_hot(gold.clamp(min=0), emissions.size(-1)).bool() | ~known.unsqueeze(-1)  # (B, T, n)
        constrained = emissions.masked_fill(~allowed, -1e4)
        nll = self.log_partition(emissions, mask) - self.log_partition(constrained, mask)  # (B,)
        return (nll * known.any(1)).sum() / known.sum().clamp(min=1)


# --------------------------------------------------------------------------- model


class CharCNN(nn.Module):
    """Word features from characters: embed, convolve, max-pool over the word."""

    def __init__(self, n_chars: int, char_dim: int, filters: int, width: int):
        super().__init__()
        self.emb = nn.Embedding(n_chars, char_dim, padding_idx=0)
        self.conv = nn.Conv1d(char_dim, filters, width, padding=width // 2)

    def forward(self, chars: torch.Tensor) -> torch.Tensor:
        # chars: (B, T, C) -> (B, T, F)
        B, T, C = chars.shape
        e = self.emb(chars.view(B * T, C)).transpose(1, 2)  # (B*T, char_dim, C)
        h = torch.relu(self.conv(e))  # (B*T, F, C)
        h = h.masked_fill((chars.view(B * T, 1, C) == 0), 0.0)
        return h.max(dim=2).values.view(B, T, -1)


def context_window(x: torch.Tensor, k: int) -> torch.Tensor:
    """Each position's features next to those of the k positions either side (zeros past the ends).

    Padding positions carry zero features (padding ids embed to zero), so a
    padded sentence sees the same window as it does alone.
    """
    # x: (B, T, D) -> (B, T, (2k+1)*D), ordered x_{t-k} .. x_{t+k}
    T = x.size(1)
    padded = F.pad(x, (0, 0, k, k))  # (B, T+2k, D)
    return torch.cat([padded[:, i: i + T] for i in range(2 * k + 1)], dim=-1)


class JointTagger(nn.Module):
    """Tags every token and classifies the utterance's intent."""

    def __init__(self, config: TaggerConfig):
        super().__init__()
        self.config = c = config
        self.word_emb = nn.Embedding(c.vocab_size, c.emb_dim, padding_idx=0)
        self.char_cnn = CharCNN(c.n_chars, c.char_dim, c.char_filters, c.char_width) if c.n_chars else None
        self.shape_emb = nn.Embedding(c.n_shapes, c.shape_dim, padding_idx=0) if c.n_shapes else None
        # frozen pretrained vectors (set by training from model.lexicon; stored with the weights)
        self.glove_emb = nn.Embedding(c.glove_size, c.glove_dim, padding_idx=0) if c.glove_size else None
        if self.glove_emb is not None:
            self.glove_emb.weight.requires_grad_(False)
        self.gaz_emb = nn.Embedding(N_GAZ, c.gaz_dim, padding_idx=0) if c.gazetteer else None
        in_size = (c.emb_dim + (c.char_filters if c.n_chars else 0) + (c.shape_dim if c.n_shapes else 0)
                   + (c.glove_dim if c.glove_size else 0) + (c.gaz_dim if c.gazetteer else 0))
        in_size *= 2 * c.context + 1
        self.drop = nn.Dropout(c.dropout)
        dirs = 2 if c.bidirectional else 1
        rnn_dropout = c.dropout if c.layers > 1 else 0.0
        if c.cell == "jordan":
            self.rnn = JordanEncoder(in_size, c.hidden, c.n_tags, c.layers, c.bidirectional, c.dropout)
            self.tag_head = None  # the Jordan network's own output is the tag score
        else:
            rnn_cls = {"elman": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[c.cell]
            self.rnn = rnn_cls(in_size, c.hidden, num_layers=c.layers, bidirectional=c.bidirectional,
                               batch_first=True, dropout=rnn_dropout)
            self.tag_head = nn.Linear(dirs * c.hidden, c.n_tags)
        feat = dirs * c.hidden
        self.intent_head = nn.Linear(2 * feat, c.n_intents)
        self.frame_head = nn.Linear(feat, c.n_frame_tags) if c.n_frame_tags else None
        self.tag_crf = CRF(c.n_tags) if c.crf == "both" else None
        self.frame_crf = CRF(c.n_frame_tags) if c.crf != "none" and c.n_frame_tags else None

    def forward(self, words: torch.Tensor, chars: torch.Tensor | None, lengths: torch.Tensor | None,
                shapes: torch.Tensor | None = None, glove: torch.Tensor | None = None,
                gaz: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        # words: (B, T) ids, chars: (B, T, C) ids, lengths: (B,), shapes, glove, gaz: (B, T) ids -> scores
        char_feats = self.char_cnn(chars) if self.char_cnn is not None else None  # (B, T, F)
        return self.encode(self.embed(words, char_feats, shapes, glove, gaz), lengths)

    def embed(self, words: torch.Tensor, char_feats: torch.Tensor | None,
              shapes: torch.Tensor | None = None, glove: torch.Tensor | None = None,
              gaz: torch.Tensor | None = None) -> torch.Tensor:
        """Each token's input vector: word embedding, character features, casing, pretrained vector,
        gazetteer (and context window)."""
        # words: (B, T) ids, char_feats: (B, T, F) from char_cnn, shapes, glove, gaz: (B, T) ids -> (B, T, D)
        x = self.word_emb(words)  # (B, T, E)
        if char_feats is not None:
            x = torch.cat([x, char_feats], dim=-1)  # (B, T, E+F)
        if self.shape_emb is not None:
            x = torch.cat([x, self.shape_emb(shapes)], dim=-1)  # (B, T, E+F+S)
        if self.glove_emb is not None:
            x = torch.cat([x, self.glove_emb(glove)], dim=-1)  # (B, T, ...+G)
        if self.gaz_emb is not None:
            x = torch.cat([x, self.gaz_emb(gaz)], dim=-1)  # (B, T, ...+Z)
        if self.config.context:
            x = context_window(x, self.config.context)  # (B, T, (2k+1)*D)
        return x

    def encode(self, x: torch.Tensor, lengths: torch.Tensor | None, pack: bool = False) -> dict[str, torch.Tensor]:
        """Recurrent encoder and heads. ``lengths=None``: no padding, every sentence is T long. ``pack``: always
        pack by ``lengths``, even when no sentence is padded (what the exported graph does for any batch)."""
        # x: (B, T, D), lengths: (B,) -> tags (B, T, n_tags), intent (B, n_intents), frame (B, T, n_frame)
        x = self.drop(x)
        if lengths is None and self.tag_head is None:
            lengths = torch.full((x.size(0),), x.size(1), dtype=torch.long, device=x.device)
        if self.tag_head is None:
            feats, tag_scores = self.rnn(x, lengths)  # (B, T, D), (B, T, n_tags)
        else:
            if lengths is None or (not pack and (x.size(0) == 1 or bool((lengths == x.size(1)).all()))):
                feats, _ = self.rnn(x)  # no padding: skip packing
            else:
                # exported (pack): no sorting, the graph's recurrent node takes the lengths in any order
                packed = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=pack)
                feats, _ = self.rnn(packed)
                feats, _ = nn.utils.rnn.pad_packed_sequence(feats, batch_first=True, total_length=x.size(1))
            tag_scores = self.tag_head(self.drop(feats))  # (B, T, n_tags)
        if lengths is None:
            pooled = torch.cat([feats.mean(1), feats.max(1).values], -1)  # (B, 2D)
        else:
            m = (torch.arange(x.size(1), device=x.device)[None, :] < lengths[:, None]).unsqueeze(-1)  # (B, T, 1)
            mean = (feats * m).sum(1) / lengths.clamp(min=1).unsqueeze(-1).to(feats.dtype)  # (B, D)
            mx = feats.masked_fill(~m, -1e4).max(1).values  # (B, D)
            pooled = torch.cat([mean, mx], -1)  # (B, 2D)
        out = {"tags": tag_scores, "intent": self.intent_head(self.drop(pooled))}
        if self.frame_head is not None:
            out["frame"] = self.frame_head(self.drop(feats))  # (B, T, n_frame_tags)
        return out

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())


def probabilities(out: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The network's scores as the decoder reads them: log-probabilities per tag, intent probabilities."""
    res = {"tags": torch.log_softmax(out["tags"], -1), "intent": torch.softmax(out["intent"], -1)}
    if "frame" in out:
        res["frame"] = torch.log_softmax(out["frame"], -1)
    return res
