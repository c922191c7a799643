"""Inference: text -> tokens, BIO tags with probabilities, spans and intent (ONNX Runtime, no PyTorch).

Tags are decoded with a constrained Viterbi pass over the per-token label
log-probabilities (:mod:`engine.decode`: an ``I-x`` tag may only follow ``B-x`` or
``I-x``, plus a CRF layer's learned transition scores, when the model has one). Each token's
confidence is the model's probability of the tag it was given. The training lab
runs the same decoding over its PyTorch network (``model.torch_backend``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import inputs, runtime
from .artifact import Artifact, load
from .decode import best_paths, bio_penalties
from .labels import OUT_OF_SCOPE
from .spans import Span, tags_to_spans
from .tokenizer import Token, tokenize
from .inputs import run_lengths
from .vocab import MAX_WORD_CHARS, char_ids

CHAR_CACHE_SIZE = 20_000  # words whose character features a predictor keeps
CALL_SIZE = 64  # most sentences per network call (see calls())
CALL_SLACK = 1.25  # a call's longest sentence is at most this times its shortest, plus one token (see calls())
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
    reader: str = "en"  # the language whose model made it ("zh": engine.chinese answers it)

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


def calls(lengths: list[int], size: int | None = None, slack: float | None = None) -> list[list[int]]:
    """The network calls a batch is run in: indices in order of length, a new call whenever the next
    sentence is longer than ``slack`` times the call's shortest (plus one token), or the call holds
    ``size`` sentences. A padded position costs nearly what a real one does, so padding is kept small;
    sentences of near lengths still share a call, where they cost about half as much each."""
    size = CALL_SIZE if size is None else size
    slack = CALL_SLACK if slack is None else slack
    out: list[list[int]] = []
    shortest = 0
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        if not out or len(out[-1]) >= size or lengths[i] > slack * shortest + 1:
            out.append([])
            shortest = lengths[i]
        out[-1].append(i)
    return out


def _labelled(logp: np.ndarray, lengths: np.ndarray, penalties: tuple) -> tuple[np.ndarray, np.ndarray]:
    """A call's best paths (B, T) and each chosen tag's probability (B, T)."""
    paths = best_paths(logp, lengths, *penalties)
    B, T = paths.shape
    return paths, np.exp(logp[np.arange(B)[:, None], np.arange(T)[None, :], paths])


def _spans(tokens: list[Token], labels: list[str], paths: np.ndarray, probs: np.ndarray,
           j: int) -> tuple[list[str], list[float], list[Span]]:
    """Sentence ``j``'s tags, their probabilities and spans, from a call's paths and probabilities."""
    T = len(tokens)
    tags = [labels[i] for i in paths[j, :T].tolist()]
    tag_probs = probs[j, :T].tolist()
    return tags, tag_probs, tags_to_spans(tokens, tags, tag_probs)


BACKENDS = ("onnx", "onnx-int8")


class Predictor:
    """Wraps a loaded :class:`Artifact` for inference on raw text.

    ``backend="onnx"`` runs the artifact's graphs through ONNX Runtime
    (:mod:`engine.runtime`), which is what the service uses; ``"onnx-int8"``
    runs them quantized to int8. (The PyTorch reference is the training lab's
    ``model.torch_backend.TorchPredictor``, a subclass.)

    Another network plugs in through two methods a subclass may override, and nothing else:
    :meth:`make_runtime` (what runs the network for a backend; None when the subclass runs it itself) and
    :meth:`network_outputs` (token lists -> per call, the sentences' indices and the network's outputs).
    Decoding, spans, intents and the out-of-scope decision stay this class's.
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
        self._onnx = self.make_runtime(backend)
        self._char_cache: dict[str, np.ndarray] = {}  # word -> (F,) character features (ONNX path)
        # no warm-up here: an ONNX Runtime session built before gunicorn forks would be inherited by
        # the workers, and tearing it down there can hang their exit; post_fork warms each worker up

    def make_runtime(self, backend: str):
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
        """ONNX inputs for one padded batch (:func:`engine.inputs.feeds`), character features from the cache."""
        return inputs.feeds(token_lists, self.artifact, self._char_features)

    def network_outputs(self, token_lists: list[list[Token]]) -> list[tuple[list[int], dict[str, np.ndarray]]]:
        """The network run over ``token_lists`` in calls (:func:`calls`): per call, the sentences' indices and
        the padded outputs: "tags" (B, T, n_tags) and "frame" (B, T, n_frame) log-probabilities, "intent"
        (B, n_intents) probabilities (as the training lab's ``model.network.probabilities`` computes them)."""
        return [(idx, self._onnx(self._feeds([token_lists[i] for i in idx])))
                for idx in calls([len(t) for t in token_lists])]

    def _scores(self, token_lists: list[list[Token]]) -> list[dict[str, np.ndarray]]:
        """:meth:`network_outputs`'s outputs per sentence (rows past its length are padding)."""
        out: list[dict[str, np.ndarray]] = [{} for _ in token_lists]
        for idx, res in self.network_outputs(token_lists):
            for j, i in enumerate(idx):
                out[i] = {k: v[j] for k, v in res.items()}
        return out

    def predict_batch(self, texts: list[str]) -> list[Prediction]:
        token_lists = [tokenize(t) for t in texts]
        results: list[Prediction] = [None] * len(texts)  # type: ignore[list-item] - each filled below
        for idx, res in self.network_outputs(token_lists):
            lengths = run_lengths([token_lists[i] for i in idx])
            fine = _labelled(res["tags"], lengths, self._fine)
            frame = _labelled(res["frame"], lengths, self._frame) if "frame" in res else None
            for j, i in enumerate(idx):
                results[i] = self._prediction(texts[i], token_lists[i], res["intent"][j], fine, frame, j)
        return results

    def _prediction(self, text: str, tokens: list[Token], probs: np.ndarray, fine: tuple, frame: tuple | None,
                    j: int) -> Prediction:
        """Sentence ``j`` of a call: its decoded paths (``fine``, ``frame``: (paths, probabilities) of the call)
        and intent probabilities ``probs`` (n_intents,)."""
        art = self.artifact
        tags, tag_probs, entities = _spans(tokens, art.tags, *fine, j)
        frame_tags = frame_entities = None
        if frame is not None:
            frame_tags, _, frame_entities = _spans(tokens, art.frame_tags, *frame, j)
        order = np.argsort(-probs, kind="stable")[:10]
        ranking = [(art.intents[int(i)], float(probs[i])) for i in order]
        p_oos = None if self._oos is None else float(probs[self._oos])
        oos = p_oos is not None and p_oos >= self.scope_threshold
        pred = Prediction(text, tokens, tags, tag_probs, entities, *ranking[0], ranking, frame_tags,
                          frame_entities, p_oos, oos)
        if p_oos is not None:  # out_of_scope at or over the threshold, else the best travel intent
            pred.intent, pred.intent_confidence = (OUT_OF_SCOPE, p_oos) if oos else pred.travel_intent()
        return pred

    def predict(self, text: str) -> Prediction:
        return self.predict_batch([text])[0]
