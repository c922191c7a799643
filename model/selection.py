"""Choosing while training: the epoch's selection score and the out-of-scope threshold, on dev or held-out dialogues."""
from __future__ import annotations

from .data import Example
from .metrics import evaluate, evaluate_frames, out_of_scope_scores
from .torch_backend import TorchPredictor


SCOPE_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
SCOPE_TARGET = {"with_place": 1.0, "with_slot": 2.5}  # percent of held-out non-travel turns, under the bars (2, 5)


def choose_scope_threshold(predictor: TorchPredictor, travel: list[Example], other: list[Example]) -> tuple[float, list]:
    """The out-of-scope threshold, chosen on held-out train dialogues: the one with the best travel span F1
    among those that keep non-travel turns under :data:`SCOPE_TARGET` (the lowest threshold if none does)."""
    rows = []
    for t in SCOPE_THRESHOLDS:
        predictor.scope_threshold = t
        rows.append({"threshold": t, "travel_f1": evaluate_frames(predictor, travel)["micro"]["f1"],
                     **out_of_scope_scores(predictor, other)})
    ok = [r for r in rows if all(r[k] <= v for k, v in SCOPE_TARGET.items())] or rows[:1]
    return max(ok, key=lambda r: (r["travel_f1"], -r["threshold"]))["threshold"], rows


def dev_scores(predictor: TorchPredictor, atis_dev: list[Example], sgd_dev: list[Example] | None,
               other_dev: list[Example] | None = None) -> dict:
    dev = evaluate(predictor, atis_dev)
    dev["select"] = dev["slot_f1"]
    if sgd_dev is not None:
        dev["sgd"] = evaluate_frames(predictor, sgd_dev)
        dev["select"] = (dev["slot_f1"] + dev["sgd"]["micro"]["f1"]) / 2
    if other_dev:
        dev["other"] = out_of_scope_scores(predictor, other_dev)
    return dev
