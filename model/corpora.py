"""What one training run reads: the corpora's train splits, the sets that choose the epoch, dev and test."""
from __future__ import annotations

from dataclasses import dataclass

from engine.frame import frame_tags_from_fine

from .data import (Example, atis_dir, clearly_non_travel, dialogue_split, other_path, read_atis, read_other, read_sgd,
                   sgd_path)
from .options import TrainOptions


@dataclass
class Corpora:
    """What one training run reads: train splits, the sets that pick the epoch, dev and test."""

    atis_train: list[Example]
    atis_dev: list[Example]
    atis_test: list[Example] | None
    sgd_train: list[Example]
    sgd_dev: list[Example] | None
    other_train: list[Example]
    other_dev: list[Example] | None
    select_sgd: list[Example] | None  # SGD-travel turns that pick the epoch: held-out train dialogues, else dev
    select_other: list[Example] | None


def load_corpora(args: TrainOptions) -> Corpora:
    root = atis_dir(args.data)
    atis_train, atis_dev = read_atis(root / "train"), read_atis(root / "dev")
    atis_test = read_atis(root / "test") if (root / "test").is_dir() else None
    sgd_train = read_sgd(sgd_path(args.data, "train")) if args.sgd else []
    sgd_dev = read_sgd(sgd_path(args.data, "dev")) if args.sgd else None
    other_train = read_other(other_path(args.data, "train"), args.other_dates == "skip") if args.other else []
    other_dev = [e for e in read_other(other_path(args.data, "dev")) if clearly_non_travel(e)] if args.other else None
    select_sgd, select_other = sgd_dev, other_dev
    if args.holdout:  # select on dialogues held out of train; dev stays unseen until the final report
        sgd_train, select_sgd = dialogue_split(sgd_train, args.holdout)
        other_train, held = dialogue_split(other_train, args.holdout)
        select_other = [e for e in held if clearly_non_travel(e)]
    for e in atis_train:
        e.frame_tags = frame_tags_from_fine(e.tokens, e.tags, args.arrival_label)
    for e in sgd_train:  # SGD is tagged with frame labels only
        e.frame_tags, e.tags = e.tags, None
    return Corpora(atis_train, atis_dev, atis_test, sgd_train, sgd_dev, other_train, other_dev, select_sgd,
                   select_other)
