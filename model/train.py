"""Train the joint recurrent tagger on ATIS, optionally with SGD-travel.

    python -m model.train --data ../shared/data --out model/artifacts/default [--sgd]

``--data`` is either a directory holding ``atis/`` (and ``sgd-travel/``) or an
ATIS-format directory with ``train/``, ``dev/`` and optionally ``test/``.

With ``--sgd`` the shared encoder gets a second, frame head (BIO over
departure/destination/time/return_time): ATIS supervises the fine head, the
intent head and, through ``engine.frame``'s mapping, the frame head; SGD-travel
supervises the frame head only. Early stopping on dev: ATIS slot F1, or with
``--sgd`` the mean of ATIS slot F1 and SGD-travel frame span F1. The best
epoch's weights are written atomically with their configuration, metrics and
training curves.
"""
from __future__ import annotations

import json
import math
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import torch
import torch.nn as nn
from tqdm import tqdm

from engine import runtime
from engine.vocab import Vocab

from . import artifact as art_io
from . import synth
from .augment import batches, city_pool, epoch_examples
from .corpora import load_corpora
from .export import export_graphs
from .options import RECIPES, TrainOptions, load_recipe  # noqa: F401 - RECIPES, load_recipe: model.train's names
from .metrics import evaluate, evaluate_frames, headline, out_of_scope_scores
from .report import describe, plot_curves, summary
from .selection import choose_scope_threshold, dev_scores
from .step import Run, build, train_step
from .torch_backend import TorchPredictor


def parse_args(argv: list[str] | None = None) -> TrainOptions:
    """The training options of a command line (:class:`model.options.TrainOptions`: recipe, then the flags)."""
    return TrainOptions.from_argv(argv, __doc__)


def options(data: str | Path, out: str | Path, **settings) -> TrainOptions:
    """Training options from Python: the defaults with ``settings`` (the options' names with underscores)."""
    return parse_args(["--data", str(data), "--out", str(out)]).replace(**settings)


def set_seed(seed: int) -> None:
    random.seed(seed)
    torch.manual_seed(seed)


def load_teacher(path: Path, words: Vocab, chars: Vocab | None, tags: list[str], intents: list[str],
                 frame_tags: list[str]) -> nn.Module:
    """The teacher's network, checked to share the student's vocabularies and label inventories."""
    t = art_io.load(path)
    same = (t.words.items == words.items and (t.chars.items if t.chars else None) == (chars.items if chars else None)
            and t.tags == tags and t.intents == intents and t.frame_tags == frame_tags)
    if not same:
        raise SystemExit(f"--teacher {path}: its vocabularies or labels differ from this training run's")
    return t.model.eval()


def train(args: TrainOptions) -> dict:
    set_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    c = load_corpora(args)
    pool = city_pool(c.sgd_train) if args.city_swap else []
    places = synth.place_names(synth.typed_places(c.sgd_train)) if args.synth else None
    counts = Counter(w for e in c.atis_train + c.sgd_train for w in e.words)
    artifact = build(args, c)
    model, name = artifact.model, artifact.name
    predictor = TorchPredictor(artifact)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps_per_epoch = math.ceil((len(epoch_examples(c.atis_train, c.sgd_train, args.atis_repeat, args.sgd_negatives,
                                                    random.Random(0))) + args.synth
                                 + min(args.other, len(c.other_train))) / args.batch_size)
    sched = (torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs * steps_per_epoch, eta_min=0.05 * args.lr)
             if args.schedule == "cosine" else None)
    print(f"{name}: {model.num_parameters():,} parameters; {len(c.atis_train)} ATIS + {len(c.sgd_train)} SGD train; "
          f"{len(artifact.words)} words, {len(artifact.tags)} tags, {len(artifact.intents)} intents", file=sys.stderr)
    teacher = (load_teacher(args.teacher, artifact.words, artifact.chars, artifact.tags, artifact.intents,
                            artifact.frame_tags).to(args.device) if args.teacher else None)
    run = Run(args, artifact, counts, pool, teacher)

    history, best, best_state, bad_epochs = [], -1.0, None, 0
    for epoch in range(1, args.epochs + 1):
        model.train()
        epoch_ex = epoch_examples(c.atis_train, c.sgd_train, args.atis_repeat, args.sgd_negatives, rng)
        if places:
            epoch_ex += synth.sample(args.synth, *places, rng, negatives=args.synth_negatives)
        if c.other_train:
            epoch_ex += rng.sample(c.other_train, min(args.other, len(c.other_train)))
        t0, total, n_batches = time.perf_counter(), 0.0, math.ceil(len(epoch_ex) / args.batch_size)
        bar = tqdm(batches(epoch_ex, args.batch_size, True, rng), total=n_batches, desc=f"epoch {epoch}",
                   disable=args.quiet, leave=False)
        for batch in bar:
            loss = train_step(run, batch, rng)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            opt.step()
            if sched is not None:
                sched.step()
            total += loss.item()
            bar.set_postfix(loss=f"{loss.item():.3f}")
        model.eval()
        dev = dev_scores(predictor, c.atis_dev, c.select_sgd, c.select_other)
        seconds = time.perf_counter() - t0
        history.append({"epoch": epoch, "train_loss": total / n_batches, "dev": dev, "seconds": seconds})
        improved = dev["select"] > best
        sgd_note = f", SGD span F1 {dev['sgd']['micro']['f1']:.2f}" if "sgd" in dev else ""
        if "other" in dev:
            sgd_note += (f", non-travel with dep/dest {dev['other']['with_place']:.2f}% "
                         f"any slot {dev['other']['with_slot']:.2f}%")
        print(f"epoch {epoch:2d}  loss {total / n_batches:.4f}  dev {headline(dev)}{sgd_note}  "
              f"({seconds:.0f}s){'  *' if improved else ''}", file=sys.stderr)
        if improved:
            best, bad_epochs = dev["select"], 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            bad_epochs += 1
            if bad_epochs >= args.patience:
                print(f"early stop: no dev gain in {args.patience} epochs", file=sys.stderr)
                break

    model.load_state_dict(best_state)
    model.to("cpu").eval()
    scope = None
    if args.holdout and c.select_other and c.select_sgd:
        scope, scope_rows = choose_scope_threshold(predictor, c.select_sgd, c.select_other)
        predictor.scope_threshold = scope
        print(f"out-of-scope threshold {scope} (held-out dialogues: {scope_rows})", file=sys.stderr)
    metrics = {"dev": evaluate(predictor, c.atis_dev)}
    # with --holdout, the held-out test and dev sets are left to model.evaluate: reported once, for the shipped model
    if c.atis_test is not None and not args.holdout:
        metrics["test"] = evaluate(predictor, c.atis_test)
    if c.sgd_dev is not None and not args.holdout:
        metrics["sgd_dev"] = evaluate_frames(predictor, c.sgd_dev)
    if c.other_dev and not args.holdout:
        metrics["other_dev"] = out_of_scope_scores(predictor, c.other_dev)
    best_epoch = max(history, key=lambda h: h["dev"]["select"])["epoch"]
    if args.holdout:
        metrics["holdout"] = {k: v for k, v in history[best_epoch - 1]["dev"].items() if k in ("sgd", "other", "select")}
        if scope is not None:
            metrics["holdout"]["scope_thresholds"] = scope_rows
    metrics["training"] = {"best_epoch": best_epoch, "epochs_run": len(history),
                           "seconds_per_epoch": sum(h["seconds"] for h in history) / len(history),
                           "parameters": model.num_parameters(),
                           "history": [{k: h[k] for k in ("epoch", "train_loss", "seconds")} |
                                       {"dev_" + k: h["dev"][k] for k in ("slot_f1", "intent_acc", "sentence_acc")} |
                                       ({"dev_sgd_span_f1": h["dev"]["sgd"]["micro"]["f1"]} if "sgd" in h["dev"] else {})
                                       for h in history]}
    artifact.metrics = metrics
    artifact.meta = describe(args, c, scope)
    with tempfile.TemporaryDirectory() as tmp:
        curves = Path(tmp) / "training_curves.png"
        plot_curves(history, curves)
        graphs = export_graphs(model.cpu()) if runtime.supported(model.config) else None  # what serving runs
        art_io.save(artifact, args.out, {"training_curves.png": curves}, graphs=graphs)
    for split in ("dev", "test"):
        if split in metrics:
            print(f"ATIS {split}: {headline(metrics[split])}", file=sys.stderr)
    print(json.dumps({"out": str(args.out), "version": artifact.version, **summary(metrics)}))
    return metrics


def main(argv: list[str] | None = None) -> None:
    train(parse_args(argv))


if __name__ == "__main__":
    main()
