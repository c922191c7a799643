"""Train the Chinese tagger: a character-level bidirectional RNN over CrossWOZ and generated requests.

    python -m model.zh_train --data ../shared/data --out model/artifacts/zh [--epochs 12 --hidden 128 ...]

The same network as English (:class:`model.network.JointTagger`: the families of ``--cell``, the CRF output
layer) over characters: each Han character is a token (:mod:`engine.tokenizer`), Traditional read as
Simplified; with ``--gazetteer`` each character also says whether it is inside a known Chinese city name
(GeoNames' names, :mod:`engine.resolve.zh_places`; the list is stored in the artifact). One head tags the frame slots directly (departure, destination, time, return_time); the intent
head tells a booking (``atis_flight``), a taxi or metro ride (``atis_ground_service``) and a turn that is not
travel (``out_of_scope``) apart. Each epoch shows the CrossWOZ train turns (less the held-out dialogues) and
``--synth`` requests generated afresh (:mod:`model.zh_synth`). The epoch is chosen on CrossWOZ train
dialogues held out of training (``--holdout``) and generated requests of another seed; the out-of-scope
threshold on the same held-out turns. CrossWOZ dev and the written test set are left to
``python -m model.zh_evaluate``, reported once for the shipped model.
"""
from __future__ import annotations

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

from engine.frame import head_tags
from engine.labels import OUT_OF_SCOPE
from engine.lexicon import Gazetteer
from engine.resolve import zh_places
from engine.tokenizer import SHAPES
from engine.vocab import Vocab

from . import artifact as art_io
from . import zh_synth
from .augment import batches
from .data import dialogue_split
from .export import export_graphs
from .metrics import evaluate_frames, out_of_scope_scores
from .network import JointTagger, TaggerConfig
from .options import TrainOptions
from .report import plot_curves
from .selection import choose_scope_threshold
from .step import Run, train_step
from .torch_backend import TorchPredictor
from .zh_data import crosswoz_path, read_crosswoz

VOCAB_SAMPLE = 60_000  # generated requests whose characters join CrossWOZ's in the vocabulary
SELECT_SYNTH = 1_500  # generated requests (another seed) in the selection set


def options(argv: list[str] | None = None) -> TrainOptions:
    """The English options with the Chinese recipe's defaults (any of them overridable on the command line)."""
    defaults = {"cell": "lstm", "hidden": 128, "emb_dim": 64, "char_filters": 0, "word_dropout": 0.05,
                "synth": 6000, "crf": "both", "holdout": 0.15, "epochs": 12, "patience": 4, "schedule": "cosine",
                "lr": 3e-3, "seed": 1, "threads": 1}
    p = TrainOptions.parser(__doc__)
    p.set_defaults(**defaults)
    return TrainOptions(**vars(p.parse_args(argv)))


def build(args: TrainOptions, train: list) -> art_io.Artifact:
    rng = random.Random(args.seed + 1000)
    vocab_text = [e.words for e in train] + [e.words for e in zh_synth.sample(VOCAB_SAMPLE, rng)]
    words = Vocab.build(vocab_text)
    tags = head_tags(arrival=False)  # the Chinese data names no arrival slot (engine.chinese reads arrival verbs)
    intents = sorted({zh_synth.BOOKING, zh_synth.GROUND, OUT_OF_SCOPE})
    gazetteer = Gazetteer(sorted(zh_places.cities())) if args.gazetteer else None  # the Chinese city names
    config = TaggerConfig(vocab_size=len(words), n_tags=len(tags), n_intents=len(intents), n_chars=0,
                          cell=args.cell, layers=args.layers, bidirectional=not args.unidirectional,
                          emb_dim=args.emb_dim, char_filters=0, hidden=args.hidden, dropout=args.dropout,
                          n_shapes=0 if args.no_shape else len(SHAPES), crf=args.crf, gazetteer=gazetteer is not None)
    name = args.name or f"zh-char-{'' if args.unidirectional else 'bi'}{args.cell}"
    return art_io.Artifact(JointTagger(config).to(args.device), words, None, tags, intents, [], name=name,
                           gazetteer=gazetteer)


def fit(args, artifact, train, select_travel, select_other, counts) -> list[dict]:
    model, rng = artifact.model, random.Random(args.seed)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps = args.epochs * math.ceil((len(train) + args.synth) / args.batch_size)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps, eta_min=0.05 * args.lr) \
        if args.schedule == "cosine" else None
    run, predictor = Run(args, artifact, counts, [], None), TorchPredictor(artifact)
    history, best, best_state, bad = [], -1.0, None, 0
    for epoch in range(1, args.epochs + 1):
        t0, total, n = time.perf_counter(), 0.0, 0
        model.train()
        for batch in batches(train + zh_synth.sample(args.synth, rng), args.batch_size, True, rng):
            loss = train_step(run, batch, rng)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            opt.step()
            if sched is not None:
                sched.step()
            total, n = total + loss.item(), n + 1
        model.eval()
        travel = evaluate_frames(predictor, select_travel)
        other = out_of_scope_scores(predictor, select_other)
        score = travel["micro"]["f1"] - max(0.0, other["with_place"] - 1.0)  # a place on non-travel turns costs
        row = {"epoch": epoch, "train_loss": total / n, "seconds": time.perf_counter() - t0, "select": score,
               "travel": travel, "other": other}
        history.append(row)
        print(f"epoch {epoch:2d} loss {total / n:.4f} held-out span F1 {travel['micro']['f1']:.2f} "
              f"(dep {travel['departure']['f1']:.1f} dest {travel['destination']['f1']:.1f} "
              f"time {travel.get('time', {}).get('f1', 0):.1f}) non-travel with place {other['with_place']:.2f}% "
              f"({row['seconds']:.0f}s){'  *' if score > best else ''}", file=sys.stderr, flush=True)
        if score > best:
            best, bad, best_state = score, 0, {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            bad += 1
            if bad >= args.patience:
                break
    model.load_state_dict(best_state)
    model.to("cpu").eval()
    return history


def train(args: TrainOptions) -> dict:
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    crosswoz = read_crosswoz(crosswoz_path(args.data, "train"))
    train_ex, held = dialogue_split(crosswoz, args.holdout)
    synth_held = zh_synth.sample(SELECT_SYNTH, random.Random(args.seed + 7))
    select_travel = [e for e in held if e.intent != OUT_OF_SCOPE] + [e for e in synth_held if e.spans]
    select_other = [e for e in held if e.intent == OUT_OF_SCOPE]
    artifact = build(args, train_ex)
    print(f"{artifact.name}: {artifact.model.num_parameters():,} parameters, {len(artifact.words)} characters; "
          f"{len(train_ex)} CrossWOZ + {args.synth} generated per epoch; selecting on {len(select_travel)} travel, "
          f"{len(select_other)} non-travel", file=sys.stderr)
    counts = Counter(w for e in train_ex for w in e.words)
    history = fit(args, artifact, train_ex, select_travel, select_other, counts)
    predictor = TorchPredictor(artifact)
    scope, rows = choose_scope_threshold(predictor, select_travel, select_other)
    best = max(history, key=lambda h: h["select"])
    artifact.metrics = {"holdout": {"travel": best["travel"], "other": best["other"], "scope_thresholds": rows},
                        "training": {"best_epoch": best["epoch"], "epochs_run": len(history),
                                     "seconds_per_epoch": sum(h["seconds"] for h in history) / len(history),
                                     "parameters": artifact.model.num_parameters(),
                                     "history": [{k: h[k] for k in ("epoch", "train_loss", "seconds", "select")}
                                                 for h in history]}}
    artifact.meta = {"language": "zh", "scope_threshold": scope, "trained_on": {
        "crosswoz": f"CrossWOZ user turns, its val split ({len(train_ex):,} of {len(crosswoz):,}: "
                    f"{args.holdout:.0%} of the dialogues held out to choose the epoch); Zhu et al. 2020, Apache-2.0",
        "generated": f"{args.synth:,} generated requests per epoch (model.zh_synth; places: GeoNames, CC BY 4.0)"},
        "selection": "span F1 on held-out CrossWOZ travel turns and generated requests of another seed, less "
                     "the share of held-out non-travel turns given a place over 1%",
        "hyperparameters": {k: (str(v) if isinstance(v, Path) else v) for k, v in dataclasses.asdict(args).items()
                            if k not in ("data", "out", "quiet")}}
    with tempfile.TemporaryDirectory() as tmp:
        curves = Path(tmp) / "training_curves.png"
        plot_curves([{**h, "dev": {"slot_f1": h["select"], "intent_acc": 0.0, "sentence_acc": 0.0}}
                     for h in history], curves)
        art_io.save(artifact, args.out, {"training_curves.png": curves}, graphs=export_graphs(artifact.model))
    summary = {"out": str(args.out), "version": artifact.version, "best_epoch": best["epoch"],
               "heldout_f1": best["travel"]["micro"]["f1"], "scope_threshold": scope}
    print(json.dumps(summary))
    return artifact.metrics


def main(argv: list[str] | None = None) -> None:
    train(options(argv))


if __name__ == "__main__":
    main()
