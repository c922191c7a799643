"""Decoding a tagger's per-token log-probabilities into the best tag path: Viterbi under BIO constraints (an
``I-x`` only after ``B-x`` or ``I-x``), with a CRF layer's learned transition, start and end scores when the model
has one; batched (one search over a padded batch) and for one sentence (no padding to pay for)."""
from __future__ import annotations

import numpy as np


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


def viterbi_batch(logp: np.ndarray, lengths: np.ndarray, trans: np.ndarray, start: np.ndarray,
                  end: np.ndarray | None = None) -> np.ndarray:
    """Best tag paths of a padded batch under hard BIO constraints (and a CRF layer's learned scores, when
    added in), all sentences searched at once.

    logp: (B, T, n) log-probabilities; lengths: (B,) real lengths (>= 1); trans: (n, n) 0 where allowed,
    -inf-like where not; start: (n,) 0 where a tag may open a sentence, -inf-like where not; end: (n,) scores
    of ending on a tag. Returns (B, T) tag ids; past a sentence's length its last tag repeats.
    """
    B, T, n = logp.shape
    score = logp[:, 0] + start  # (B, n)
    back = np.empty((max(T - 1, 0), B, n), np.intp)  # back[t-1][b, j]: best tag before tag j at step t
    rows, same = np.arange(B)[:, None], np.arange(n)
    padded = bool((lengths < T).any())
    for t in range(1, T):
        total = score[:, :, None] + trans  # (B, n_prev, n)
        idx = total.argmax(1)  # (B, n)
        best = total[rows, idx, same] + logp[:, t]  # (B, n): the score at idx
        if padded:
            on = (t < lengths)[:, None]  # (B, 1): still inside the sentence
            best, idx = np.where(on, best, score), np.where(on, idx, same)
        score, back[t - 1] = best, idx
    if end is not None:
        score = score + end
    path = np.empty((B, T), np.intp)
    path[:, T - 1] = score.argmax(1)
    for t in range(T - 1, 0, -1):
        path[:, t - 1] = back[t - 1][rows[:, 0], path[:, t]]
    return path


def viterbi_one(logp: np.ndarray, trans: np.ndarray, start: np.ndarray, end: np.ndarray | None = None) -> np.ndarray:
    """:func:`viterbi_batch`'s path for one unpadded sentence, logp (T, n) -> (T,) tag ids: the batch-1 path,
    without the batch's padding masks and gathers (the same path, ties broken the same way)."""
    T, n = logp.shape
    score = logp[0] + start  # (n,)
    back = np.empty((max(T - 1, 0), n), np.intp)
    for t in range(1, T):
        total = score[:, None] + trans  # (n_prev, n)
        back[t - 1] = total.argmax(0)
        score = total.max(0) + logp[t]
    if end is not None:
        score = score + end
    path = np.empty(T, np.intp)
    path[T - 1] = score.argmax()
    for t in range(T - 1, 0, -1):
        path[t - 1] = back[t - 1][path[t]]
    return path


def viterbi(logp: np.ndarray, trans: np.ndarray, start: np.ndarray, end: np.ndarray | None = None) -> list[int]:
    """:func:`viterbi_batch` for one sentence: logp (T, n) -> T tag ids."""
    return viterbi_one(logp, trans, start, end).tolist()


_NEG = -1e9


def best_paths(logp: np.ndarray, lengths: np.ndarray, trans: np.ndarray, start: np.ndarray,
               end: np.ndarray | None = None) -> np.ndarray:
    """:func:`viterbi_batch`'s answer, searching only the sentences whose per-token argmax breaks BIO.

    With hard constraints only (no learned transition scores: ``end`` None) the best valid
    path is the argmax path whenever that path is valid.
    """
    if end is not None:
        if len(logp) == 1 and lengths[0] == logp.shape[1]:  # one sentence: the batch-1 path
            return viterbi_one(logp[0], trans, start, end)[None]
        return viterbi_batch(logp, lengths, trans, start, end)
    path = logp.argmax(2)  # (B, T)
    T = path.shape[1]
    bad = start[path[:, 0]] != 0
    if T > 1:
        wrong = trans[path[:, :-1], path[:, 1:]] != 0  # (B, T-1)
        if (lengths < T).any():
            wrong &= np.arange(1, T)[None, :] < lengths[:, None]  # real transitions only
        bad |= wrong.any(1)
    if bad.any():
        path[bad] = viterbi_batch(logp[bad], lengths[bad], trans, start)
    return path


def best_path(logp: np.ndarray, trans: np.ndarray, start: np.ndarray, end: np.ndarray | None = None) -> list[int]:
    """:func:`best_paths` for one sentence: logp (T, n) -> T tag ids."""
    return best_paths(logp[None], np.array([logp.shape[0]]), trans, start, end)[0].tolist()


def bio_penalties(tags: list[str], crf: dict | None = None, prefix: str = "") -> tuple:
    """Transition (n, n) and start (n,) penalties for :func:`viterbi`: 0 where BIO allows, large negative
    not; plus a CRF layer's learned transition, start and end scores (``crf[prefix + ".transitions"]``, ...)
    when the model has one (then also the end scores: ``(trans, start, end)``)."""
    trans = np.where(allowed_transitions(tags), 0.0, _NEG).astype(np.float32)
    start = np.where(start_allowed(tags), 0.0, _NEG).astype(np.float32)
    if crf and f"{prefix}.transitions" in crf:
        return (trans + crf[f"{prefix}.transitions"], start + crf[f"{prefix}.start"], crf[f"{prefix}.end"])
    return trans, start
