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

import argparse
import dataclasses
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
from .metrics import evaluate, evaluate_frames, headline, out_of_scope_scores
from .network import CELLS, CRF_HEADS, TaggerConfig
from .report import describe, plot_curves, summary
from .selection import choose_scope_threshold, dev_scores
from .step import Run, build, train_step
from .torch_backend import TorchPredictor


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, required=True, help="corpus root (holding atis/) or an ATIS split dir")
    p.add_argument("--out", type=Path, required=True,
                   help="artifact directory to write (required: the committed model is never overwritten by accident)")
    p.add_argument("--recipe", default=None,
                   help="a recipe: model/recipes/NAME.json or a path to such a JSON file of option values; "
                        "options given on the command line override it")
    p.add_argument("--name", default=None, help="model name (default: atis[-sgd]-<bi><cell>)")
    p.add_argument("--sgd", action="store_true", help="also train a frame head on SGD-travel")
    arch = {f.name: f.default for f in dataclasses.fields(TaggerConfig)}  # the one source of the network's defaults
    p.add_argument("--cell", choices=CELLS, default=arch["cell"])
    p.add_argument("--layers", type=int, default=arch["layers"])
    p.add_argument("--unidirectional", action="store_true")
    p.add_argument("--emb-dim", type=int, default=arch["emb_dim"])
    p.add_argument("--hidden", type=int, default=arch["hidden"])
    p.add_argument("--char-filters", type=int, default=arch["char_filters"], help="0 disables the char CNN")
    p.add_argument("--dropout", type=float, default=arch["dropout"])
    p.add_argument("--word-dropout", type=float, default=0.05, help="chance of replacing a word by <unk>")
    p.add_argument("--no-shape", action="store_true", help="no casing feature")
    p.add_argument("--context", type=int, default=arch["context"],
                   help="word-context window: k words either side as input")
    p.add_argument("--city-swap", type=float, default=0.0,
                   help="chance that an ATIS sentence is shown with its city names swapped for SGD place names")
    p.add_argument("--atis-frame-prob", type=float, default=1.0,
                   help="chance that an ATIS sentence also supervises the frame head in a batch")
    p.add_argument("--atis-repeat", type=int, default=1,
                   help="show each ATIS sentence this many times per epoch (balances the larger SGD-travel)")
    p.add_argument("--sgd-negatives", type=float, default=1.0,
                   help="share of the SGD-travel turns without any span shown per epoch (redrawn each epoch)")
    p.add_argument("--synth", type=int, default=0, metavar="N",
                   help="add N generated typed requests (model.synth) to each epoch, redrawn each epoch")
    p.add_argument("--synth-negatives", type=float, default=synth.NEGATIVE_SHARE,
                   help="share of the generated requests that hold no frame slot")
    p.add_argument("--other", type=int, default=0, metavar="N",
                   help="add N sgd-other turns (not travel: no frame slot, intent out_of_scope) to each epoch")
    p.add_argument("--other-dates", choices=("O", "skip"), default="O",
                   help="the frame head on sgd-other dates and times: taught O, or left unsupervised")
    p.add_argument("--glove", type=int, default=None, metavar="N",
                   help="frozen GloVe 6B 50d vectors as an input: the training words GloVe has plus its N most "
                        "frequent other words (model.lexicon; default: none)")
    p.add_argument("--gazetteer", action="store_true",
                   help="a 'part of a known place name' input (airportsdata's cities; model.lexicon)")
    p.add_argument("--crf", choices=CRF_HEADS, default=arch["crf"],
                   help="a CRF output layer (learned transitions) on the frame head, on both tag heads, or none")
    p.add_argument("--holdout", type=float, default=0.0,
                   help="hold this share of the SGD train dialogues out of training and select the epoch on them "
                        "(with ATIS dev) instead of SGD-travel dev, which then stays unseen until the end")
    p.add_argument("--lowercase-aug", type=float, default=0.3,
                   help="chance of showing a cased training sentence with its casing feature as all lowercase")
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--patience", type=int, default=8)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--schedule", choices=("constant", "cosine"), default="constant",
                   help="learning rate: constant, or cosine decay to 5%% of --lr over --epochs")
    p.add_argument("--clip", type=float, default=5.0)
    p.add_argument("--teacher", type=Path, default=None,
                   help="artifact (same data and labels) whose predictions the network also learns from: distillation")
    p.add_argument("--distill", type=float, default=0.5, help="weight of the teacher's soft targets")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    p.add_argument("--device", default="cpu", help="torch device to train on (cpu, cuda)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    known, _ = p.parse_known_args(argv)
    if known.recipe:
        recipe = load_recipe(known.recipe)
        unknown = set(recipe) - {a.dest for a in p._actions}
        if unknown:
            p.error(f"recipe {known.recipe}: unknown options {sorted(unknown)}")
        p.set_defaults(**recipe)
    return p.parse_args(argv)


def options(data: str | Path, out: str | Path, **settings) -> argparse.Namespace:
    """Training options from Python: the defaults with ``settings`` (the options' names with underscores)."""
    args = parse_args(["--data", str(data), "--out", str(out)])
    unknown = set(settings) - set(vars(args))
    if unknown:
        raise TypeError(f"unknown training options {sorted(unknown)}")
    for k, v in settings.items():
        setattr(args, k, Path(v) if k in ("data", "out", "teacher") and v is not None else v)
    return args


RECIPES = Path(__file__).resolve().parent / "recipes"


def load_recipe(name: str) -> dict:
    """A recipe's option values (JSON object, keys as the options' names with underscores)."""
    path = Path(name) if name.endswith(".json") else RECIPES / f"{name}.json"
    if not path.is_file():
        raise SystemExit(f"no recipe {name!r} (looked for {path})")
    recipe = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in recipe.items() if not k.startswith("_")}  # "_comment" and the like


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


def train(args: argparse.Namespace) -> dict:
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
