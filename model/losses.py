"""The training losses of the joint tagger's heads."""
from __future__ import annotations

import torch
import torch.nn as nn

from .data import Example


def in_scope_loss(scores: torch.Tensor, oos: int, mask: torch.Tensor) -> torch.Tensor:
    """-log P(any intent but out_of_scope), averaged over the ``mask``ed rows: a travel turn without an
    ATIS intent (SGD-travel, generated) says only that it is in scope, not which intent it has."""
    # scores: (B, n_intents), mask: (B,) bool
    keep = torch.ones(scores.size(-1), dtype=torch.bool, device=scores.device)
    keep[oos] = False
    nll = torch.logsumexp(scores, -1) - torch.logsumexp(scores[:, keep], -1)  # (B,)
    return (nll * mask).sum() / mask.sum().clamp(min=1)


def soft_ce(scores: torch.Tensor, teacher: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """Cross-entropy against the teacher's distribution, averaged over the positions in ``mask``."""
    # scores, teacher: (..., n) scores; mask: (...) bool
    ce = -(torch.softmax(teacher, -1) * torch.log_softmax(scores, -1)).sum(-1)  # (...)
    if mask is None:
        return ce.mean()
    return (ce * mask).sum() / mask.sum().clamp(min=1)


def masked_ce(scores: torch.Tensor, gold: torch.Tensor) -> torch.Tensor:
    """Cross-entropy averaged over the positions with a gold label (-100: none); 0 when none."""
    scores, gold = scores.reshape(-1, scores.size(-1)), gold.reshape(-1)
    n = (gold != -100).sum()
    if n == 0:
        return scores.sum() * 0.0
    return nn.functional.cross_entropy(scores, gold, ignore_index=-100, reduction="sum") / n


def tag_loss(scores: torch.Tensor, gold: torch.Tensor, lengths: torch.Tensor, crf: nn.Module | None) -> torch.Tensor:
    """A tag head's loss: the CRF's negative log-likelihood when it has one, else per-token cross-entropy."""
    return crf.nll(scores, gold, lengths) if crf is not None else masked_ce(scores, gold)


def label_tensor(batch: list[Example], attr: str, index: dict[str, int], T: int) -> torch.Tensor:
    """(B, T) label ids from each example's ``attr`` tag list; -100 where absent or padding."""
    gold = torch.full((len(batch), T), -100, dtype=torch.long)
    for b, e in enumerate(batch):
        seq = getattr(e, attr)
        if seq is not None:
            gold[b, : len(seq)] = torch.tensor([index.get(t, -100) for t in seq])
    return gold
