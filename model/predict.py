"""Inference: text -> tokens, BIO tags with probabilities, entities and intent.

Tags are decoded with a constrained Viterbi pass over the per-token label
log-probabilities: an ``I-x`` tag may only follow ``B-x`` or ``I-x``. Each
token's confidence is the model's probability of the tag it was given.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import runtime
from .artifact import Artifact, load
from .data import OUT_OF_SCOPE, tags_to_spans
from .lexicon import lexicon_ids
from .tokenizer import Token, tokenize
from .vocab import MAX_WORD_CHARS, char_ids, encode_batch

CHAR_CACHE_SIZE = 20_000  # words whose character features a predictor keeps
SCOPE_THRESHOLD = 0.5  # a turn is out of scope when P(out_of_scope) reaches this (unless the artifact chose one)


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
    out_of_scope_probability: float | None = None  # None: the model has no out_of_scope intent
    out_of_scope: bool = False  # judged not a travel request: the served frame stays empty

    @property
    def slot_entities(self) -> list[Entity]:
        """What fills the booking frame: the frame head's spans, else the fine entities."""
        return self.frame_entities if self.frame_entities is not None else self.entities

    def served_entities(self) -> list[Entity]:
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


BACKENDS = ("torch", "onnx", "onnx-int8")


class Predictor:
    """Wraps a loaded :class:`Artifact` for inference on raw text.

    ``backend="torch"`` runs the PyTorch module (the reference; used while
    training); ``backend="onnx"`` runs the same weights through ONNX Runtime
    (:mod:`model.runtime`), which is what the service uses; ``"onnx-int8"``
    runs them quantized to int8.
    """

    def __init__(self, artifact: Artifact, backend: str = "torch", scope_threshold: float | None = None):
        """``scope_threshold``: P(out_of_scope) at or over which a turn is out of scope; default: the one
        training chose on held-out dialogues (``meta["scope_threshold"]``), else :data:`SCOPE_THRESHOLD`."""
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
        if scope_threshold is None:
            scope_threshold = float(artifact.meta.get("scope_threshold", SCOPE_THRESHOLD))
        if not 0 < scope_threshold <= 1:
            raise ValueError(f"scope_threshold must be in (0, 1], got {scope_threshold!r}")
        self.scope_threshold = scope_threshold
        self._oos = artifact.intents.index(OUT_OF_SCOPE) if OUT_OF_SCOPE in artifact.intents else None
        self.artifact = artifact
        self.config = artifact.config
        self.model = artifact.model.eval() if artifact.model is not None else None
        self._set_penalties(artifact.crf)
        self._onnx = None
        if backend != "torch" and runtime.supported(self.config):
            if self.model is not None:  # exported from the weights in hand: exact by construction
                from .export import export_graphs

                graphs = export_graphs(self.model)
            else:  # the graphs the artifact carries (verified against its weights by artifact.load)
                graphs = artifact.graphs
            self._onnx = runtime.OnnxTagger(graphs, self.config, quantize=backend == "onnx-int8")
        if self._onnx is None and self.model is None:
            raise ValueError("this artifact was loaded without its network (network=False): "
                             "the PyTorch backend needs it")
        self.backend = backend if self._onnx is not None else "torch"
        self._char_cache: dict[str, np.ndarray] = {}  # word -> (F,) character features (ONNX path)
        # no warm-up here: an ONNX Runtime session built before gunicorn forks would be inherited by
        # the workers, and tearing it down there can hang their exit; post_fork warms each worker up

    def _set_penalties(self, crf: dict) -> None:
        """Decoding scores, built once (with a CRF layer: its learned scores added in)."""
        art = self.artifact
        self._fine = bio_penalties(art.tags, crf, "tag_crf")
        self._frame = bio_penalties(art.frame_tags, crf, "frame_crf") if art.frame_tags else None

    @classmethod
    def from_dir(cls, path: str | Path, backend: str = "torch", scope_threshold: float | None = None) -> "Predictor":
        """ONNX backends load the artifact's graphs and never import PyTorch (unless it has no graphs)."""
        return cls(load(path, network=backend == "torch"), backend, scope_threshold)

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

    def _decode(self, tokens, logp: np.ndarray, labels, penalties) -> tuple[list[str], list[float], list[Entity]]:
        if not tokens:
            return [], [], []
        path = best_path(logp, *penalties)
        tags = [labels[i] for i in path]
        tag_probs = np.exp(logp[np.arange(len(path)), path]).tolist()
        entities = [
            Entity(s["slot"], s["start"], s["end"], min(tag_probs[s["first"]: s["last"] + 1]), s["first"], s["last"])
            for s in tags_to_spans(tokens, tags)
        ]
        return tags, tag_probs, entities

    def _encode(self, token_lists: list[list[Token]]) -> dict:
        art = self.artifact
        sentences = [[t.text for t in toks] for toks in token_lists]
        return encode_batch(sentences, art.words, art.chars,
                            [[t.shape for t in toks] for toks in token_lists] if self.config.n_shapes else None,
                            lexicon_ids(sentences, art.glove, art.gazetteer))

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
        probabilities (see :func:`model.network.probabilities`)."""
        if self._onnx is not None:
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
        import torch

        from .network import probabilities

        batch = self._encode(token_lists)
        device = self.model.word_emb.weight.device
        if device.type != "cpu":  # training on an accelerator evaluates there too
            batch = {k: (v.to(device) if v is not None else None) for k, v in batch.items()}
        with torch.inference_mode():
            out = self.model(batch["words"], batch["chars"], batch["lengths"], batch["shapes"],
                             batch.get("glove"), batch.get("gaz"))
            res = {k: v.float().cpu().numpy() for k, v in probabilities(out).items()}
        return [{k: v[b] for k, v in res.items()} for b in range(len(token_lists))]

    def predict_batch(self, texts: list[str]) -> list[Prediction]:
        art = self.artifact
        if self.model is not None and self.config.crf != "none" and not art.crf:
            # a network being trained: its CRF scores change between calls, so read them each time
            self._set_penalties({k: v.detach().float().cpu().numpy() for k, v in self.model.state_dict().items()
                                 if k.split(".")[0] in ("tag_crf", "frame_crf")})
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
            # the intent: out_of_scope at or over the threshold, else the best travel intent
            if p_oos is None:
                intent = ranking[0]
            elif oos:
                intent = (OUT_OF_SCOPE, p_oos)
            else:
                intent = next((r for r in ranking if r[0] != OUT_OF_SCOPE), ranking[0])
            results.append(Prediction(text, tokens, tags, tag_probs, entities, intent[0], intent[1],
                                      ranking, frame_tags, frame_entities, p_oos, oos))
        return results

    def predict(self, text: str) -> Prediction:
        return self.predict_batch([text])[0]
