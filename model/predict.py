"""Inference: text -> tokens, BIO tags with probabilities, entities and intent.

Tags are decoded with a constrained Viterbi pass over the per-token label
log-probabilities: an ``I-x`` tag may only follow ``B-x`` or ``I-x``. Each
token's confidence is the model's probability of the tag it was given.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .artifact import Artifact, load
from .data import tags_to_spans
from .tokenizer import Token, tokenize
from .vocab import encode_batch


@dataclass
class Entity:
    label: str
    start: int  # character offsets into the input text, end exclusive
    end: int
    confidence: float
    first: int  # token indices, inclusive
    last: int


@dataclass
class Prediction:
    text: str
    tokens: list[Token]
    tags: list[str]
    tag_probs: list[float]
    entities: list[Entity]
    intent: str
    intent_confidence: float
    intent_ranking: list[tuple[str, float]]
    frame_tags: list[str] | None = None  # from the frame head, when the model has one
    frame_entities: list[Entity] | None = None

    @property
    def slot_entities(self) -> list[Entity]:
        """What fills the booking frame: the frame head's spans, else the fine entities."""
        return self.frame_entities if self.frame_entities is not None else self.entities


def allowed_transitions(tags: list[str]) -> np.ndarray:
    """(n, n) bool matrix: allowed[i, j] when tag j may follow tag i under BIO."""
    n = len(tags)
    allowed = np.ones((n, n), dtype=bool)
    for j, tj in enumerate(tags):
        if tj.startswith("I-"):
            for i, ti in enumerate(tags):
                allowed[i, j] = ti[2:] == tj[2:] and ti[:2] in ("B-", "I-")
    return allowed


def start_allowed(tags: list[str]) -> np.ndarray:
    return np.array([not t.startswith("I-") for t in tags])


def viterbi(logp: np.ndarray, trans: np.ndarray, start: np.ndarray) -> list[int]:
    """Best tag path under hard BIO constraints.

    logp: (T, n) log-probabilities; trans: (n, n) 0 where allowed, -inf-like where not;
    start: (n,) 0 where a tag may open a sentence, -inf-like where not.
    """
    score = logp[0] + start  # (n,)
    back = []
    for t in range(1, logp.shape[0]):
        total = score[:, None] + trans  # (n_prev, n)
        idx = total.argmax(0)  # (n,)
        score = total[idx, np.arange(total.shape[1])] + logp[t]
        back.append(idx)
    best = [int(score.argmax())]
    for idx in reversed(back):
        best.append(int(idx[best[-1]]))
    return best[::-1]


_NEG = -1e9


def bio_penalties(tags: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Transition (n, n) and start (n,) penalties for :func:`viterbi`: 0 where BIO allows, large negative not."""
    trans = np.where(allowed_transitions(tags), 0.0, _NEG).astype(np.float32)
    start = np.where(start_allowed(tags), 0.0, _NEG).astype(np.float32)
    return trans, start


class Predictor:
    """Wraps a loaded :class:`Artifact` for inference on raw text."""

    def __init__(self, artifact: Artifact):
        self.artifact = artifact
        self.model = artifact.model.eval()
        self._fine = bio_penalties(artifact.tags)  # built once, used by every decode
        self._frame = bio_penalties(artifact.frame_tags) if artifact.frame_tags else None

    @classmethod
    def from_dir(cls, path: str | Path) -> "Predictor":
        return cls(load(path))

    @property
    def name(self) -> str:
        return self.artifact.name

    @property
    def version(self) -> str:
        return self.artifact.version

    def _decode(self, tokens, scores, labels, penalties) -> tuple[list[str], list[float], list[Entity]]:
        if not tokens:
            return [], [], []
        logp = torch.log_softmax(scores, dim=-1).numpy()  # (T, n)
        path = viterbi(logp, *penalties)
        tags = [labels[i] for i in path]
        tag_probs = np.exp(logp[np.arange(len(path)), path]).tolist()
        entities = [
            Entity(s["slot"], s["start"], s["end"], min(tag_probs[s["first"]: s["last"] + 1]), s["first"], s["last"])
            for s in tags_to_spans(tokens, tags)
        ]
        return tags, tag_probs, entities

    @torch.inference_mode()
    def predict_batch(self, texts: list[str]) -> list[Prediction]:
        art = self.artifact
        token_lists = [tokenize(t) for t in texts]
        batch = encode_batch([[t.text for t in toks] for toks in token_lists], art.words, art.chars,
                             [[t.shape for t in toks] for toks in token_lists] if art.model.config.n_shapes else None)
        device = art.model.word_emb.weight.device
        if device.type != "cpu":  # training on an accelerator evaluates there too
            batch = {k: (v.to(device) if v is not None else None) for k, v in batch.items()}
        out = {k: v.float().cpu() for k, v in self.model(batch["words"], batch["chars"], batch["lengths"],
                                                                batch["shapes"]).items()}
        intent_probs = torch.softmax(out["intent"], dim=-1)  # (B, n_intents)
        results = []
        for b, (text, tokens) in enumerate(zip(texts, token_lists)):
            T = len(tokens)
            tags, tag_probs, entities = self._decode(tokens, out["tags"][b, :T], art.tags, self._fine)
            frame_tags = frame_entities = None
            if "frame" in out:
                frame_tags, _, frame_entities = self._decode(
                    tokens, out["frame"][b, :T], art.frame_tags, self._frame)
            conf, order = intent_probs[b].sort(descending=True)
            ranking = [(art.intents[int(i)], float(c)) for c, i in zip(conf[:10], order[:10])]
            results.append(Prediction(text, tokens, tags, tag_probs, entities, ranking[0][0], ranking[0][1],
                                      ranking, frame_tags, frame_entities))
        return results

    def predict(self, text: str) -> Prediction:
        return self.predict_batch([text])[0]
