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
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn as nn
from tqdm import tqdm

from engine import runtime
from engine.vocab import Vocab

from . import artifact as art_io
from . import synth
from .augment import batches, city_pool, epoch_examples
from .corpora import Corpora, load_corpora
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


@dataclass
class Session:
    """Everything one training run holds: its options, corpora, network, optimiser and the step's inputs."""

    args: TrainOptions
    corpora: Corpora
    artifact: art_io.Artifact
    predictor: TorchPredictor
    opt: torch.optim.Optimizer
    sched: torch.optim.lr_scheduler.LRScheduler | None
    run: Run
    rng: random.Random
    places: tuple | None

    @property
    def model(self):
        return self.artifact.model


def train(args: TrainOptions) -> dict:
    """Train, select the best epoch on held-out data, evaluate, write the artifact: returns its metrics."""
    session = setup(args)
    history = fit(session)
    metrics, scope = final_metrics(session, history)
    write_artifact(session, history, metrics, scope)
    return metrics


def setup(args: TrainOptions) -> Session:
    """Seeds, corpora, the network and its vocabularies, the optimiser and schedule, the teacher."""
    set_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    c = load_corpora(args)
    pool = city_pool(c.sgd_train) if args.city_swap else []
    places = synth.place_names(synth.typed_places(c.sgd_train)) if args.synth else None
    counts = Counter(w for e in c.atis_train + c.sgd_train for w in e.words)
    artifact = build(args, c)
    model = artifact.model
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps_per_epoch = math.ceil((len(epoch_examples(c.atis_train, c.sgd_train, args.atis_repeat, args.sgd_negatives,
                                                    random.Random(0))) + args.synth
                                 + min(args.other, len(c.other_train))) / args.batch_size)
    sched = (torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs * steps_per_epoch, eta_min=0.05 * args.lr)
             if args.schedule == "cosine" else None)
    print(f"{artifact.name}: {model.num_parameters():,} parameters; {len(c.atis_train)} ATIS + {len(c.sgd_train)} SGD "
          f"train; {len(artifact.words)} words, {len(artifact.tags)} tags, {len(artifact.intents)} intents",
          file=sys.stderr)
    teacher = (load_teacher(args.teacher, artifact.words, artifact.chars, artifact.tags, artifact.intents,
                            artifact.frame_tags).to(args.device) if args.teacher else None)
    return Session(args, c, artifact, TorchPredictor(artifact), opt, sched, Run(args, artifact, counts, pool, teacher),
                   rng, places)


def epoch_data(s: Session) -> list:
    """This epoch's examples: ATIS and SGD-travel, generated requests and non-travel turns drawn afresh."""
    c, args = s.corpora, s.args
    examples = epoch_examples(c.atis_train, c.sgd_train, args.atis_repeat, args.sgd_negatives, s.rng)
    if s.places:
        examples += synth.sample(args.synth, *s.places, s.rng, negatives=args.synth_negatives)
    if c.other_train:
        examples += s.rng.sample(c.other_train, min(args.other, len(c.other_train)))
    return examples


def train_epoch(s: Session, epoch: int) -> tuple[float, int]:
    """One pass over this epoch's examples: (summed loss, batches)."""
    s.model.train()
    examples = epoch_data(s)
    total, n_batches = 0.0, math.ceil(len(examples) / s.args.batch_size)
    bar = tqdm(batches(examples, s.args.batch_size, True, s.rng), total=n_batches, desc=f"epoch {epoch}",
               disable=s.args.quiet, leave=False)
    for batch in bar:
        loss = train_step(s.run, batch, s.rng)
        s.opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(s.model.parameters(), s.args.clip)
        s.opt.step()
        if s.sched is not None:
            s.sched.step()
        total += loss.item()
        bar.set_postfix(loss=f"{loss.item():.3f}")
    return total, n_batches


def fit(s: Session) -> list[dict]:
    """Epochs until ``--epochs`` or ``--patience`` epochs without a gain on the selection set; the best epoch's
    weights are loaded back. Returns the history, one row per epoch."""
    history, best, best_state, bad_epochs = [], -1.0, None, 0
    for epoch in range(1, s.args.epochs + 1):
        t0 = time.perf_counter()
        total, n_batches = train_epoch(s, epoch)
        s.model.eval()
        dev = dev_scores(s.predictor, s.corpora.atis_dev, s.corpora.select_sgd, s.corpora.select_other)
        seconds = time.perf_counter() - t0
        history.append({"epoch": epoch, "train_loss": total / n_batches, "dev": dev, "seconds": seconds})
        improved = dev["select"] > best
        print_epoch(epoch, total / n_batches, dev, seconds, improved)
        if improved:
            best, bad_epochs = dev["select"], 0
            best_state = {k: v.detach().clone() for k, v in s.model.state_dict().items()}
        else:
            bad_epochs += 1
            if bad_epochs >= s.args.patience:
                print(f"early stop: no dev gain in {s.args.patience} epochs", file=sys.stderr)
                break
    s.model.load_state_dict(best_state)
    s.model.to("cpu").eval()
    return history


def print_epoch(epoch: int, loss: float, dev: dict, seconds: float, improved: bool) -> None:
    note = f", SGD span F1 {dev['sgd']['micro']['f1']:.2f}" if "sgd" in dev else ""
    if "other" in dev:
        note += f", non-travel with dep/dest {dev['other']['with_place']:.2f}% any slot {dev['other']['with_slot']:.2f}%"
    print(f"epoch {epoch:2d}  loss {loss:.4f}  dev {headline(dev)}{note}  ({seconds:.0f}s){'  *' if improved else ''}",
          file=sys.stderr)


def final_metrics(s: Session, history: list[dict]) -> tuple[dict, float | None]:
    """The out-of-scope threshold (with ``--holdout``), then dev (and, without ``--holdout``, test) figures."""
    args, c, predictor = s.args, s.corpora, s.predictor
    scope = scope_rows = None
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
    metrics["training"] = training_summary(s, history, best_epoch)
    return metrics, scope


def training_summary(s: Session, history: list[dict], best_epoch: int) -> dict:
    return {"best_epoch": best_epoch, "epochs_run": len(history),
            "seconds_per_epoch": sum(h["seconds"] for h in history) / len(history),
            "parameters": s.model.num_parameters(),
            "history": [{k: h[k] for k in ("epoch", "train_loss", "seconds")} |
                        {"dev_" + k: h["dev"][k] for k in ("slot_f1", "intent_acc", "sentence_acc")} |
                        ({"dev_sgd_span_f1": h["dev"]["sgd"]["micro"]["f1"]} if "sgd" in h["dev"] else {})
                        for h in history]}


def write_artifact(s: Session, history: list[dict], metrics: dict, scope: float | None) -> None:
    """The artifact, atomically: weights, the exported graphs, configuration, metrics, training curves."""
    artifact, args = s.artifact, s.args
    artifact.metrics = metrics
    artifact.meta = describe(args, s.corpora, scope)
    with tempfile.TemporaryDirectory() as tmp:
        curves = Path(tmp) / "training_curves.png"
        plot_curves(history, curves)
        graphs = export_graphs(s.model.cpu()) if runtime.supported(s.model.config) else None  # what serving runs
        art_io.save(artifact, args.out, {"training_curves.png": curves}, graphs=graphs)
    for split in ("dev", "test"):
        if split in metrics:
            print(f"ATIS {split}: {headline(metrics[split])}", file=sys.stderr)
    print(json.dumps({"out": str(args.out), "version": artifact.version, **summary(metrics)}))


def main(argv: list[str] | None = None) -> None:
    train(parse_args(argv))


if __name__ == "__main__":
    main()
