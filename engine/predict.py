"""Inference: text -> tokens, BIO tags with probabilities, spans and intent (ONNX Runtime, no PyTorch).

Tags are decoded with a constrained Viterbi pass over the per-token label
log-probabilities: an ``I-x`` tag may only follow ``B-x`` or ``I-x`` (plus a CRF
layer's learned transition scores, when the model has one). Each token's
confidence is the model's probability of the tag it was given. The training lab
runs the same decoding over its PyTorch network (``model.torch_backend``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import runtime
from .artifact import Artifact, load
from .labels import OUT_OF_SCOPE
from .lexicon import lexicon_ids
from .spans import Span, tags_to_spans
from .tokenizer import Token, tokenize
from .vocab import MAX_WORD_CHARS, char_ids

CHAR_CACHE_SIZE = 20_000  # words whose character features a predictor keeps
SCOPE_THRESHOLD = 0.5  # a turn is out of scope when P(out_of_scope) reaches this (unless the artifact chose one)


@dataclass
class Prediction:
    text: str
    tokens: list[Token]
    tags: list[str]
    tag_probs: list[float]
    entities: list[Span]
    intent: str
    intent_confidence: float
    intent_ranking: list[tuple[str, float]]
    frame_tags: list[str] | None = None  # from the frame head, when the model has one
    frame_entities: list[Span] | None = None
    out_of_scope_probability: float | None = None  # None: the model has no out_of_scope intent
    out_of_scope: bool = False  # judged not a travel request: the served frame stays empty

    @property
    def slot_entities(self) -> list[Span]:
        """What fills the booking frame: the frame head's spans, else the fine entities."""
        return self.frame_entities if self.frame_entities is not None else self.entities

    def travel_intent(self) -> tuple[str, float]:
        """The best intent other than out_of_scope, with its probability."""
        return next((r for r in self.intent_ranking if r[0] != OUT_OF_SCOPE), self.intent_ranking[0])

    def served_entities(self) -> list[Span]:
        """The frame's spans as served: none for a turn judged out of scope."""
        return [] if self.out_of_scope else self.slot_entities


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


def viterbi(logp: np.ndarray, trans: np.ndarray, start: np.ndarray, end: np.ndarray | None = None) -> list[int]:
    """Best tag path under hard BIO constraints (and a CRF layer's learned scores, when added in).

    logp: (T, n) log-probabilities; trans: (n, n) 0 where allowed, -inf-like where not;
    start: (n,) 0 where a tag may open a sentence, -inf-like where not; end: (n,) scores of ending on a tag.
    """
    score = logp[0] + start  # (n,)
    back = []
    for t in range(1, logp.shape[0]):
        total = score[:, None] + trans  # (n_prev, n)
        idx = total.argmax(0)  # (n,)
        score = total[idx, np.arange(total.shape[1])] + logp[t]
        back.append(idx)
    if end is not None:
        score = score + end
    best = [int(score.argmax())]
    for idx in reversed(back):
        best.append(int(idx[best[-1]]))
    return best[::-1]


_NEG = -1e9


def best_path(logp: np.ndarray, trans: np.ndarray, start: np.ndarray, end: np.ndarray | None = None) -> list[int]:
    """:func:`viterbi`'s answer, skipping the search when the per-token argmax already obeys BIO.

    With hard constraints only (no learned transition scores: ``end`` None) the best valid
    path is the argmax path whenever that path is valid.
    """
    if end is not None:
        return viterbi(logp, trans, start, end)
    path = logp.argmax(1)
    if start[path[0]] == 0 and not trans[path[:-1], path[1:]].any():
        return path.tolist()
    return viterbi(logp, trans, start)


def bio_penalties(tags: list[str], crf: dict | None = None, prefix: str = "") -> tuple:
    """Transition (n, n) and start (n,) penalties for :func:`viterbi`: 0 where BIO allows, large negative
    not; plus a CRF layer's learned transition, start and end scores (``crf[prefix + ".transitions"]``, ...)
    when the model has one (then also the end scores: ``(trans, start, end)``)."""
    trans = np.where(allowed_transitions(tags), 0.0, _NEG).astype(np.float32)
    start = np.where(start_allowed(tags), 0.0, _NEG).astype(np.float32)
    if crf and f"{prefix}.transitions" in crf:
        return (trans + crf[f"{prefix}.transitions"], start + crf[f"{prefix}.start"], crf[f"{prefix}.end"])
    return trans, start


BACKENDS = ("onnx", "onnx-int8")


class Predictor:
    """Wraps a loaded :class:`Artifact` for inference on raw text.

    ``backend="onnx"`` runs the artifact's graphs through ONNX Runtime
    (:mod:`engine.runtime`), which is what the service uses; ``"onnx-int8"``
    runs them quantized to int8. (The PyTorch reference is the training lab's
    ``model.torch_backend.TorchPredictor``, a subclass.)
    """

    backends = BACKENDS

    def __init__(self, artifact: Artifact, backend: str = "onnx", scope_threshold: float | None = None):
        """``scope_threshold``: P(out_of_scope) at or over which a turn is out of scope; default: the one
        training chose on held-out dialogues (``meta["scope_threshold"]``), else :data:`SCOPE_THRESHOLD`."""
        if backend not in self.backends:
            raise ValueError(f"backend must be one of {self.backends}, got {backend!r}")
        if scope_threshold is None:
            scope_threshold = float(artifact.meta.get("scope_threshold", SCOPE_THRESHOLD))
        if not 0 < scope_threshold <= 1:
            raise ValueError(f"scope_threshold must be in (0, 1], got {scope_threshold!r}")
        self.scope_threshold = scope_threshold
        self._oos = artifact.intents.index(OUT_OF_SCOPE) if OUT_OF_SCOPE in artifact.intents else None
        self.artifact = artifact
        self.config = artifact.config
        self._set_penalties(artifact.crf)
        self.backend = backend
        self._onnx = self._runtime(backend)
        self._char_cache: dict[str, np.ndarray] = {}  # word -> (F,) character features (ONNX path)
        # no warm-up here: an ONNX Runtime session built before gunicorn forks would be inherited by
        # the workers, and tearing it down there can hang their exit; post_fork warms each worker up

    def _runtime(self, backend: str):
        """What runs the network: the artifact's graphs (verified against its weights by artifact.load)."""
        if not self.artifact.graphs or not runtime.supported(self.config):
            raise ValueError("this artifact carries no ONNX graphs to run (Jordan networks, or graphs never "
                             "exported: python -m model.export)")
        return runtime.OnnxTagger(self.artifact.graphs, self.config, quantize=backend == "onnx-int8")

    def _set_penalties(self, crf: dict) -> None:
        """Decoding scores, built once (with a CRF layer: its learned scores added in)."""
        art = self.artifact
        self._fine = bio_penalties(art.tags, crf, "tag_crf")
        self._frame = bio_penalties(art.frame_tags, crf, "frame_crf") if art.frame_tags else None

    @classmethod
    def from_dir(cls, path: str | Path, backend: str = "onnx", scope_threshold: float | None = None) -> "Predictor":
        """The artifact's graphs, verified, in ONNX Runtime (PyTorch is never imported)."""
        return cls(load(path), backend, scope_threshold)

    @property
    def has_scope(self) -> bool:
        """Whether the model has an out_of_scope intent (and so judges turns out of scope)."""
        return self._oos is not None

    @property
    def name(self) -> str:
        return self.artifact.name

    @property
    def version(self) -> str:
        return self.artifact.version

    def warm_up(self) -> None:
        """Run once, so that this process's lazily built state (an ONNX Runtime session) exists."""
        self.predict("fly from boston to denver tomorrow")

    def _decode(self, tokens, logp: np.ndarray, labels, penalties) -> tuple[list[str], list[float], list[Span]]:
        if not tokens:
            return [], [], []
        path = best_path(logp, *penalties)
        tags = [labels[i] for i in path]
        tag_probs = np.exp(logp[np.arange(len(path)), path]).tolist()
        return tags, tag_probs, tags_to_spans(tokens, tags, tag_probs)

    def _char_features(self, words: list[str]) -> np.ndarray:
        """(N, F) character-CNN features of ``words``, from the per-word cache or computed for the new ones."""
        cache = self._char_cache
        found = {w: cache.get(w) for w in dict.fromkeys(words)}
        missing = [w for w, f in found.items() if f is None]
        if missing:
            ids = char_ids(missing, self.artifact.chars, max(1, min(MAX_WORD_CHARS, max(map(len, missing)))))
            if len(cache) + len(missing) > CHAR_CACHE_SIZE:
                cache.clear()  # bounded: text users make up cannot grow it without limit
            for w, f in zip(missing, self._onnx.char_features(ids)):
                found[w] = cache[w] = f
        return np.stack([found[w] for w in words])

    def _feeds(self, token_lists: list[list[Token]]) -> dict[str, np.ndarray]:
        """ONNX inputs for sentences of one length T: words (B, T), char_feats (B, T, F), shapes (B, T)."""
        art, cfg = self.artifact, self.config
        B, T = len(token_lists), len(token_lists[0])
        if T == 0:  # an empty text runs as one <pad> token
            return {"words": np.zeros((B, 1), np.int64), "shapes": np.zeros((B, 1), np.int64),
                    "char_feats": np.zeros((B, 1, cfg.char_filters), np.float32),
                    "glove": np.zeros((B, 1), np.int64), "gaz": np.zeros((B, 1), np.int64)}
        texts = [t.text for toks in token_lists for t in toks]
        feeds = {"words": np.fromiter(map(art.words.id, texts), np.int64, B * T).reshape(B, T),
                 "shapes": np.fromiter((t.shape for toks in token_lists for t in toks), np.int64, B * T).reshape(B, T)}
        if cfg.n_chars:
            feeds["char_feats"] = self._char_features(texts).reshape(B, T, -1)
        if art.glove is not None or art.gazetteer is not None:
            feeds |= lexicon_ids([[t.text for t in toks] for toks in token_lists], art.glove, art.gazetteer)
        return feeds

    def _scores(self, token_lists: list[list[Token]]) -> list[dict[str, np.ndarray]]:
        """Per sentence: "tags" (T, n_tags) and "frame" (T, n_frame) log-probabilities, "intent" (n_intents,)
        probabilities (as the training lab's ``model.network.probabilities`` computes them)."""
        # group by length: each group is one unpadded batch
        out: list[dict[str, np.ndarray]] = [{} for _ in token_lists]
        groups: dict[int, list[int]] = {}
        for i, toks in enumerate(token_lists):
            groups.setdefault(len(toks), []).append(i)
        for idx in groups.values():
            res = self._onnx(self._feeds([token_lists[i] for i in idx]))
            for j, i in enumerate(idx):
                out[i] = {k: v[j] for k, v in res.items()}
        return out

    def predict_batch(self, texts: list[str]) -> list[Prediction]:
        art = self.artifact
        token_lists = [tokenize(t) for t in texts]
        results = []
        for text, tokens, out in zip(texts, token_lists, self._scores(token_lists)):
            T = len(tokens)
            tags, tag_probs, entities = self._decode(tokens, out["tags"][:T], art.tags, self._fine)
            frame_tags = frame_entities = None
            if "frame" in out:
                frame_tags, _, frame_entities = self._decode(tokens, out["frame"][:T], art.frame_tags, self._frame)
            probs = out["intent"]  # (n_intents,)
            order = np.argsort(-probs, kind="stable")[:10]
            ranking = [(art.intents[int(i)], float(probs[i])) for i in order]
            p_oos = None if self._oos is None else float(probs[self._oos])
            oos = p_oos is not None and p_oos >= self.scope_threshold
            pred = Prediction(text, tokens, tags, tag_probs, entities, *ranking[0], ranking, frame_tags,
                              frame_entities, p_oos, oos)
            if p_oos is not None:  # out_of_scope at or over the threshold, else the best travel intent
                pred.intent, pred.intent_confidence = (OUT_OF_SCOPE, p_oos) if oos else pred.travel_intent()
            results.append(pred)
        return results

    def predict(self, text: str) -> Prediction:
        return self.predict_batch([text])[0]
