"""Train the joint recurrent tagger on ATIS.

    python -m model.train --data ../shared/data --out model/artifacts/default

``--data`` is either a directory holding ``atis/`` or an ATIS-format
directory with ``train/``, ``dev/`` and optionally ``test/`` splits.
Early stopping on dev slot F1; the best epoch's weights are written,
atomically, with their configuration, metrics and training curves.
"""
from __future__ import annotations

import argparse
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

from . import artifact as art_io
from .data import Example, read_atis
from .metrics import evaluate, headline
from .network import CELLS, JointTagger, TaggerConfig
from .predict import Predictor
from .vocab import UNK, Vocab, encode_batch


def atis_dir(data: Path) -> Path:
    return data / "atis" if (data / "atis" / "train").is_dir() else data


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, required=True, help="corpus root (holding atis/) or an ATIS split dir")
    p.add_argument("--out", type=Path, default=art_io.default_dir(), help="artifact directory to write")
    p.add_argument("--name", default=None, help="model name (default: atis-<bi><cell>)")
    p.add_argument("--cell", choices=CELLS, default="lstm")
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--unidirectional", action="store_true")
    p.add_argument("--emb-dim", type=int, default=100)
    p.add_argument("--hidden", type=int, default=200)
    p.add_argument("--char-filters", type=int, default=64, help="0 disables the char CNN")
    p.add_argument("--dropout", type=float, default=0.5)
    p.add_argument("--word-dropout", type=float, default=0.05, help="chance of replacing a word by <unk>")
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--patience", type=int, default=8)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--clip", type=float, default=5.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    return p.parse_args(argv)


def set_seed(seed: int) -> None:
    random.seed(seed)
    torch.manual_seed(seed)


def batches(examples: list[Example], size: int, shuffle: bool, rng: random.Random):
    order = list(range(len(examples)))
    if shuffle:
        rng.shuffle(order)
    for i in range(0, len(order), size):
        yield [examples[j] for j in order[i: i + size]]


def drop_words(words: list[str], counts: Counter, p: float, rng: random.Random) -> list[str]:
    """Replace words by <unk>: rare words more often (alpha / (alpha + count)), all at least ``p``."""
    return [UNK if rng.random() < max(p, 0.25 / (0.25 + counts[w])) else w for w in words]


def plot_curves(history: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [h["epoch"] for h in history]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(epochs, [h["train_loss"] for h in history], marker="o")
    ax1.set(xlabel="epoch", ylabel="training loss", title="Loss")
    for key, label in (("slot_f1", "dev slot F1"), ("intent_acc", "dev intent acc"), ("sentence_acc", "dev sentence acc")):
        ax2.plot(epochs, [h["dev"][key] for h in history], marker="o", label=label)
    ax2.set(xlabel="epoch", ylabel="%", title="Dev scores")
    ax2.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def train(args: argparse.Namespace) -> dict:
    set_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    root = atis_dir(args.data)
    train_ex, dev_ex = read_atis(root / "train"), read_atis(root / "dev")
    test_ex = read_atis(root / "test") if (root / "test").is_dir() else None

    counts = Counter(w for e in train_ex for w in e.words)
    words = Vocab.build(e.words for e in train_ex)
    chars = Vocab.build((c for w in e.words for c in w) for e in train_ex) if args.char_filters else None
    tags = ["O"] + sorted({t for e in train_ex for t in e.tags} - {"O"})
    intents = sorted({e.intent for e in train_ex})
    tag_id, intent_id = {t: i for i, t in enumerate(tags)}, {t: i for i, t in enumerate(intents)}

    config = TaggerConfig(
        vocab_size=len(words), n_tags=len(tags), n_intents=len(intents),
        n_chars=len(chars) if chars else 0, cell=args.cell, layers=args.layers,
        bidirectional=not args.unidirectional, emb_dim=args.emb_dim, char_filters=args.char_filters or 64,
        hidden=args.hidden, dropout=args.dropout,
    )
    model = JointTagger(config)
    name = args.name or f"atis-{'' if args.unidirectional else 'bi'}{args.cell}"
    artifact = art_io.Artifact(model, words, chars, tags, intents, name=name)
    predictor = Predictor(artifact)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    tag_loss = nn.CrossEntropyLoss(ignore_index=-100)
    print(f"{name}: {model.num_parameters():,} parameters; {len(train_ex)} train, {len(dev_ex)} dev; "
          f"{len(words)} words, {len(tags)} tags, {len(intents)} intents", file=sys.stderr)

    history, best, best_state, bad_epochs = [], -1.0, None, 0
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0, total, n_batches = time.perf_counter(), 0.0, math.ceil(len(train_ex) / args.batch_size)
        bar = tqdm(batches(train_ex, args.batch_size, True, rng), total=n_batches, desc=f"epoch {epoch}",
                   disable=args.quiet, leave=False)
        for batch in bar:
            enc = encode_batch([drop_words(e.words, counts, args.word_dropout, rng) for e in batch], words, chars)
            # chars come from the real words even when the word id is dropped
            enc["chars"] = encode_batch([e.words for e in batch], words, chars)["chars"]
            out = model(enc["words"], enc["chars"], enc["lengths"])
            gold = torch.full(enc["words"].shape, -100, dtype=torch.long)
            for b, e in enumerate(batch):
                gold[b, : len(e.tags)] = torch.tensor([tag_id[t] for t in e.tags])
            gold_int = torch.tensor([intent_id[e.intent] for e in batch])
            loss = tag_loss(out["tags"].reshape(-1, len(tags)), gold.view(-1)) + tag_loss(out["intent"], gold_int)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            opt.step()
            total += loss.item()
            bar.set_postfix(loss=f"{loss.item():.3f}")
        model.eval()
        dev = evaluate(predictor, dev_ex)
        seconds = time.perf_counter() - t0
        history.append({"epoch": epoch, "train_loss": total / n_batches, "dev": dev, "seconds": seconds})
        improved = dev["slot_f1"] > best
        print(f"epoch {epoch:2d}  loss {total / n_batches:.4f}  dev {headline(dev)}  "
              f"({seconds:.0f}s){'  *' if improved else ''}", file=sys.stderr)
        if improved:
            best, bad_epochs = dev["slot_f1"], 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            bad_epochs += 1
            if bad_epochs >= args.patience:
                print(f"early stop: no dev slot F1 gain in {args.patience} epochs", file=sys.stderr)
                break

    model.load_state_dict(best_state)
    model.eval()
    metrics = {"dev": evaluate(predictor, dev_ex)}
    if test_ex is not None:
        metrics["test"] = evaluate(predictor, test_ex)
    best_epoch = max(history, key=lambda h: h["dev"]["slot_f1"])["epoch"]
    metrics["training"] = {"best_epoch": best_epoch, "epochs_run": len(history),
                           "seconds_per_epoch": sum(h["seconds"] for h in history) / len(history),
                           "parameters": model.num_parameters(),
                           "history": [{k: h[k] for k in ("epoch", "train_loss", "seconds")} |
                                       {"dev_" + k: h["dev"][k] for k in ("slot_f1", "intent_acc", "sentence_acc")}
                                       for h in history]}
    artifact.metrics = metrics
    artifact.meta = {"trained_on": {"train": "ATIS train (4,478 utterances, JointBERT split)",
                                    "selection": "ATIS dev slot F1"},
                     "hyperparameters": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
                                         if k not in ("data", "out", "quiet")}}
    with tempfile.TemporaryDirectory() as tmp:
        curves = Path(tmp) / "training_curves.png"
        plot_curves(history, curves)
        art_io.save(artifact, args.out, {"training_curves.png": curves})
    for split in ("dev", "test"):
        if split in metrics:
            print(f"{split}: {headline(metrics[split])}", file=sys.stderr)
    print(json.dumps({"out": str(args.out), "version": artifact.version,
                      **{s: {k: round(metrics[s][k], 2) for k in ("slot_f1", "intent_acc", "sentence_acc")}
                         for s in ("dev", "test") if s in metrics}}))
    return metrics


def main(argv: list[str] | None = None) -> None:
    train(parse_args(argv))


if __name__ == "__main__":
    main()
