"""Train the joint recurrent tagger on ATIS, optionally with SGD-travel.

    python -m model.train --data ../shared/data --out model/artifacts/default [--sgd]

``--data`` is either a directory holding ``atis/`` (and ``sgd-travel/``) or an
ATIS-format directory with ``train/``, ``dev/`` and optionally ``test/``.

With ``--sgd`` the shared encoder gets a second, frame head (BIO over
departure/destination/time/return_time): ATIS supervises the fine head, the
intent head and, through ``model.frame``'s mapping, the frame head; SGD-travel
supervises the frame head only. Early stopping on dev: ATIS slot F1, or with
``--sgd`` the mean of ATIS slot F1 and SGD-travel frame span F1. The best
epoch's weights are written atomically with their configuration, metrics and
training curves.
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

from engine import runtime
from engine.frame import FRAME_TAGS, frame_tags_from_fine
from engine.labels import OUT_OF_SCOPE
from engine.lexicon import Gazetteer, lexicon_ids
from engine.spans import tags_to_spans
from engine.tokenizer import SHAPES, Token, tokenize
from engine.vocab import UNK, Vocab, encode_batch

from . import artifact as art_io
from . import synth
from .data import (Example, atis_dir, clearly_non_travel, dialogue_split, other_path, read_atis, read_other,
                   read_sgd, sgd_path)
from .export import export_graphs
from .glove import glove_vectors
from .metrics import evaluate, evaluate_frames, headline, out_of_scope_scores
from .network import CELLS, CRF_HEADS, JointTagger, TaggerConfig
from .torch_backend import TorchPredictor, as_tensors


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
    p.add_argument("--cell", choices=CELLS, default="lstm")
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--unidirectional", action="store_true")
    p.add_argument("--emb-dim", type=int, default=100)
    p.add_argument("--hidden", type=int, default=200)
    p.add_argument("--char-filters", type=int, default=64, help="0 disables the char CNN")
    p.add_argument("--dropout", type=float, default=0.5)
    p.add_argument("--word-dropout", type=float, default=0.05, help="chance of replacing a word by <unk>")
    p.add_argument("--no-shape", action="store_true", help="no casing feature")
    p.add_argument("--context", type=int, default=0, help="word-context window: k words either side as input")
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
    p.add_argument("--crf", choices=CRF_HEADS, default="none",
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


def batches(examples: list[Example], size: int, shuffle: bool, rng: random.Random):
    order = list(range(len(examples)))
    if shuffle:
        rng.shuffle(order)
    for i in range(0, len(order), size):
        yield [examples[j] for j in order[i: i + size]]


def epoch_examples(atis: list[Example], sgd: list[Example], atis_repeat: int, sgd_negatives: float,
                   rng: random.Random) -> list[Example]:
    """One epoch's training examples: ATIS ``atis_repeat`` times, every SGD-travel turn with a
    span, and a fresh random ``sgd_negatives`` share of the turns without one."""
    negatives = [e for e in sgd if not e.spans]
    kept = rng.sample(negatives, round(len(negatives) * sgd_negatives)) if sgd_negatives < 1 else negatives
    return atis * atis_repeat + [e for e in sgd if e.spans] + kept


def in_scope_loss(scores: torch.Tensor, oos: int, mask: torch.Tensor) -> torch.Tensor:
    """-log P(any intent but out_of_scope), averaged over the ``mask``ed rows: a travel turn without an
    ATIS intent (SGD-travel, generated) says only that it is in scope, not which intent it has."""
    # scores: (B, n_intents), mask: (B,) bool
    keep = torch.ones(scores.size(-1), dtype=torch.bool, device=scores.device)
    keep[oos] = False
    nll = torch.logsumexp(scores, -1) - torch.logsumexp(scores[:, keep], -1)  # (B,)
    return (nll * mask).sum() / mask.sum().clamp(min=1)


def city_pool(sgd_train: list[Example]) -> list[list[Token]]:
    """Place names: typed in SGD-travel (departure/destination spans), and the cities of the
    world's international airports (the airportsdata package), as token lists."""
    names = [ap["city"].lower() for ap in synth.international_airports()] + synth.typed_places(sgd_train)
    seen, pool = set(), []
    for name in names:
        toks = tokenize(name)
        key = tuple(t.text for t in toks)
        if 0 < len(toks) <= 3 and key not in seen:
            seen.add(key)
            pool.append(toks)
    return pool


def substitute_cities(e: Example, pool: list[list[Token]], rng: random.Random) -> Example:
    """A copy of an ATIS example whose city names are swapped for random typed place names.

    Teaches the context ("arrive X on ...", "from X to Y") to carry the slot whatever X is.
    Fine tags keep their label (fromloc.city_name, ...); frame tags follow.
    """
    cities = {s.first: s for s in tags_to_spans(e.tokens, e.tags) if s.label.endswith("city_name")}
    tokens, tags, frame = [], [], []
    i = 0
    while i < len(e.tokens):
        s = cities.get(i)
        if s is None:
            tokens.append(e.tokens[i])
            tags.append(e.tags[i])
            frame.append(e.frame_tags[i])
            i += 1
            continue
        first_frame = e.frame_tags[i]  # "O", or the frame tag the city opened (B-) or continued (I-)
        for k, t in enumerate(rng.choice(pool)):
            tokens.append(Token(t.text, 0, 0, t.shape if rng.random() < 0.5 else (5 if t.shape == 5 else 1)))
            tags.append(("B-" if k == 0 else "I-") + s.label)
            frame.append(first_frame if first_frame == "O" or k == 0 else "I-" + first_frame[2:])
        i = s.last + 1
    return Example(e.text, tokens, tags, e.intent, [], frame)


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


def soft_ce(scores: torch.Tensor, teacher: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """Cross-entropy against the teacher's distribution, averaged over the positions in ``mask``."""
    # scores, teacher: (..., n) scores; mask: (...) bool
    ce = -(torch.softmax(teacher, -1) * torch.log_softmax(scores, -1)).sum(-1)  # (...)
    if mask is None:
        return ce.mean()
    return (ce * mask).sum() / mask.sum().clamp(min=1)


def load_teacher(path: Path, words: Vocab, chars: Vocab | None, tags: list[str], intents: list[str],
                 frame_tags: list[str]) -> nn.Module:
    """The teacher's network, checked to share the student's vocabularies and label inventories."""
    t = art_io.load(path)
    same = (t.words.items == words.items and (t.chars.items if t.chars else None) == (chars.items if chars else None)
            and t.tags == tags and t.intents == intents and t.frame_tags == frame_tags)
    if not same:
        raise SystemExit(f"--teacher {path}: its vocabularies or labels differ from this training run's")
    return t.model.eval()


def masked_ce(scores: torch.Tensor, gold: torch.Tensor) -> torch.Tensor:
    """Cross-entropy averaged over the positions with a gold label (-100: none); 0 when none."""
    scores, gold = scores.reshape(-1, scores.size(-1)), gold.reshape(-1)
    n = (gold != -100).sum()
    if n == 0:
        return scores.sum() * 0.0
    return nn.functional.cross_entropy(scores, gold, ignore_index=-100, reduction="sum") / n


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


def train(args: argparse.Namespace) -> dict:
    set_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    root = atis_dir(args.data)
    atis_train, atis_dev = read_atis(root / "train"), read_atis(root / "dev")
    atis_test = read_atis(root / "test") if (root / "test").is_dir() else None
    sgd_train = read_sgd(sgd_path(args.data, "train")) if args.sgd else []
    sgd_dev = read_sgd(sgd_path(args.data, "dev")) if args.sgd else None
    other_train = read_other(other_path(args.data, "train"), args.other_dates == "skip") if args.other else []
    other_dev = [e for e in read_other(other_path(args.data, "dev")) if clearly_non_travel(e)] if args.other else None
    select_sgd, select_other = sgd_dev, other_dev  # what picks the epoch
    if args.holdout:  # select on dialogues held out of train; dev stays unseen until the final report
        sgd_train, select_sgd = dialogue_split(sgd_train, args.holdout)
        other_train, held = dialogue_split(other_train, args.holdout)
        select_other = [e for e in held if clearly_non_travel(e)]
    for e in atis_train:
        e.frame_tags = frame_tags_from_fine(e.tokens, e.tags)
    for e in sgd_train:  # SGD is tagged with frame labels only
        e.frame_tags, e.tags = e.tags, None
    train_ex = atis_train + sgd_train
    pool = city_pool(sgd_train) if args.city_swap else []
    places = synth.place_names(synth.typed_places(sgd_train)) if args.synth else None

    counts = Counter(w for e in train_ex for w in e.words)
    words = Vocab.build(e.words for e in train_ex)
    chars = Vocab.build((c for w in e.words for c in w) for e in train_ex) if args.char_filters else None
    tags = ["O"] + sorted({t for e in atis_train for t in e.tags} - {"O"})
    intents = sorted({e.intent for e in atis_train}) + ([OUT_OF_SCOPE] if args.other else [])
    frame_tags = FRAME_TAGS if args.sgd else []
    tag_id, intent_id = {t: i for i, t in enumerate(tags)}, {t: i for i, t in enumerate(intents)}
    frame_id = {t: i for i, t in enumerate(frame_tags)}
    glove, glove_rows = glove_vectors(args.glove, words.items[2:]) if args.glove is not None else (None, None)
    gazetteer = Gazetteer.from_airports() if args.gazetteer else None

    config = TaggerConfig(
        vocab_size=len(words), n_tags=len(tags), n_intents=len(intents),
        n_chars=len(chars) if chars else 0, cell=args.cell, layers=args.layers,
        bidirectional=not args.unidirectional, emb_dim=args.emb_dim, char_filters=args.char_filters or 64,
        hidden=args.hidden, dropout=args.dropout, n_frame_tags=len(frame_tags),
        n_shapes=0 if args.no_shape else len(SHAPES), context=args.context,
        glove_size=len(glove) if glove else 0, gazetteer=gazetteer is not None, crf=args.crf,
    )
    model = JointTagger(config)
    if glove_rows is not None:
        model.glove_emb.weight.data.copy_(torch.from_numpy(glove_rows))
    model = model.to(args.device)
    corpora = "atis-sgd" if args.sgd else "atis"
    name = args.name or f"{corpora}-{'' if args.unidirectional else 'bi'}{args.cell}"
    artifact = art_io.Artifact(model, words, chars, tags, intents, frame_tags, name=name, glove=glove,
                               gazetteer=gazetteer)
    predictor = TorchPredictor(artifact)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps_per_epoch = math.ceil((len(epoch_examples(atis_train, sgd_train, args.atis_repeat, args.sgd_negatives,
                                                    random.Random(0))) + args.synth
                                     + min(args.other, len(other_train))) / args.batch_size)
    sched = (torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs * steps_per_epoch, eta_min=0.05 * args.lr)
             if args.schedule == "cosine" else None)
    print(f"{name}: {model.num_parameters():,} parameters; {len(atis_train)} ATIS + {len(sgd_train)} SGD train; "
          f"{len(words)} words, {len(tags)} tags, {len(intents)} intents", file=sys.stderr)

    teacher = load_teacher(args.teacher, words, chars, tags, intents, frame_tags).to(args.device) if args.teacher else None
    history, best, best_state, bad_epochs = [], -1.0, None, 0
    for epoch in range(1, args.epochs + 1):
        model.train()
        epoch_ex = epoch_examples(atis_train, sgd_train, args.atis_repeat, args.sgd_negatives, rng)
        if places:
            epoch_ex += synth.sample(args.synth, *places, rng, negatives=args.synth_negatives)
        if other_train:
            epoch_ex += rng.sample(other_train, min(args.other, len(other_train)))
        t0, total, n_batches = time.perf_counter(), 0.0, math.ceil(len(epoch_ex) / args.batch_size)
        bar = tqdm(batches(epoch_ex, args.batch_size, True, rng), total=n_batches, desc=f"epoch {epoch}",
                   disable=args.quiet, leave=False)
        for batch in bar:
            if pool:
                batch = [substitute_cities(e, pool, rng) if e.tags is not None and rng.random() < args.city_swap
                         else e for e in batch]
            shapes = None
            if config.n_shapes:
                shapes = [[t.shape for t in e.tokens] if rng.random() >= args.lowercase_aug
                          else [5 if t.shape == 5 else 1 for t in e.tokens] for e in batch]
            dropped = [drop_words(e.words, counts, args.word_dropout, rng) for e in batch]
            enc = as_tensors(encode_batch([e.words for e in batch], words, chars, shapes,
                                          lexicon_ids([e.words for e in batch], glove, gazetteer)))
            clean_words = enc["words"].clone()  # what the teacher sees: no word dropout
            for b, ws in enumerate(dropped):  # word dropout hides the word id; its characters stay visible
                if ws:
                    enc["words"][b, : len(ws)] = torch.tensor(words.ids(ws))
            dev_ = args.device
            lex = {k: enc[k].to(dev_) for k in ("glove", "gaz") if k in enc}
            out = model(enc["words"].to(dev_), enc["chars"].to(dev_) if chars else None, enc["lengths"].to(dev_),
                        enc["shapes"].to(dev_) if shapes else None, **lex)
            T = enc["words"].size(1)
            gold_int = torch.tensor([intent_id[e.intent] if e.intent is not None else -100 for e in batch])
            lengths = enc["lengths"].to(dev_)
            loss = (tag_loss(out["tags"], label_tensor(batch, "tags", tag_id, T).to(dev_), lengths, model.tag_crf)
                    + masked_ce(out["intent"], gold_int.to(dev_)))
            if OUT_OF_SCOPE in intent_id:
                travel = torch.tensor([e.intent is None for e in batch], device=dev_)
                loss = loss + in_scope_loss(out["intent"], intent_id[OUT_OF_SCOPE], travel)
            if "frame" in out:
                frame_gold = label_tensor(batch, "frame_tags", frame_id, T)
                for b, e in enumerate(batch):
                    if e.tags is not None and rng.random() >= args.atis_frame_prob:
                        frame_gold[b] = -100  # this ATIS sentence skips the frame head this time
                loss = loss + tag_loss(out["frame"], frame_gold.to(dev_), lengths, model.frame_crf)
            if teacher is not None:
                with torch.no_grad():
                    t_out = teacher(clean_words.to(dev_), enc["chars"].to(dev_) if chars else None,
                                    enc["lengths"].to(dev_), enc["shapes"].to(dev_) if shapes else None, **lex)
                mask = (torch.arange(T)[None, :] < enc["lengths"][:, None]).to(dev_)  # (B, T)
                loss = loss + args.distill * sum(soft_ce(out[k], t_out[k], None if k == "intent" else mask)
                                                 for k in out)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            opt.step()
            if sched is not None:
                sched.step()
            total += loss.item()
            bar.set_postfix(loss=f"{loss.item():.3f}")
        model.eval()
        dev = dev_scores(predictor, atis_dev, select_sgd, select_other)
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
    if args.holdout and select_other and select_sgd:
        scope, scope_rows = choose_scope_threshold(predictor, select_sgd, select_other)
        predictor.scope_threshold = scope
        print(f"out-of-scope threshold {scope} (held-out dialogues: {scope_rows})", file=sys.stderr)
    metrics = {"dev": evaluate(predictor, atis_dev)}
    # with --holdout, the held-out test and dev sets are left to model.evaluate: reported once, for the shipped model
    if atis_test is not None and not args.holdout:
        metrics["test"] = evaluate(predictor, atis_test)
    if sgd_dev is not None and not args.holdout:
        metrics["sgd_dev"] = evaluate_frames(predictor, sgd_dev)
    if other_dev and not args.holdout:
        metrics["other_dev"] = out_of_scope_scores(predictor, other_dev)
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
    trained_on = {"atis": "ATIS train (4,478 utterances, JointBERT split; DARPA ATIS, Hemphill et al. 1990)"}
    if args.sgd:
        trained_on["sgd_travel"] = (f"Schema-Guided Dialogue travel user turns, train split ({len(sgd_train):,}); "
                                    "Rastogi et al. 2020, Google, CC BY-SA 4.0")
    if args.other:
        trained_on["sgd_other"] = (f"Schema-Guided Dialogue user turns of other services, train split sample "
                                   f"({len(other_train):,}; {args.other:,} redrawn each epoch) as out_of_scope; "
                                   "Rastogi et al. 2020, Google, CC BY-SA 4.0")
    if args.synth:
        trained_on["generated"] = f"{args.synth:,} generated typed requests per epoch (model.synth)"
    selection = "ATIS dev slot F1" + (" averaged with SGD-travel frame span F1" if args.sgd else "")
    if args.holdout:
        selection += f" on {args.holdout:.0%} of the SGD-travel train dialogues held out of training (not dev)"
    elif args.sgd:
        selection += " on SGD-travel dev"
    artifact.meta = {"trained_on": trained_on, **({"scope_threshold": scope} if scope is not None else {}),
                     "selection": selection,
                     "hyperparameters": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
                                         if k not in ("data", "out", "quiet")}}
    with tempfile.TemporaryDirectory() as tmp:
        curves = Path(tmp) / "training_curves.png"
        plot_curves(history, curves)
        graphs = export_graphs(model.cpu()) if runtime.supported(model.config) else None  # what serving runs
        art_io.save(artifact, args.out, {"training_curves.png": curves}, graphs=graphs)
    for split in ("dev", "test"):
        if split in metrics:
            print(f"ATIS {split}: {headline(metrics[split])}", file=sys.stderr)
    summary = {s: {k: round(metrics[s][k], 2) for k in ("slot_f1", "intent_acc", "sentence_acc")}
               for s in ("dev", "test") if s in metrics}
    if "sgd_dev" in metrics:
        summary["sgd_dev"] = {k: metrics["sgd_dev"][k]["f1"] for k in ("departure", "destination", "time", "micro")}
    if "holdout" in metrics:
        summary["holdout"] = {k: metrics["holdout"]["sgd"][k]["f1"] for k in ("departure", "destination", "time", "micro")}
        if "other" in metrics["holdout"]:
            summary["holdout"] |= {"other_" + k: v for k, v in metrics["holdout"]["other"].items()}
    if "other_dev" in metrics:
        summary["other_dev"] = metrics["other_dev"]
    print(json.dumps({"out": str(args.out), "version": artifact.version, **summary}))
    return metrics


def main(argv: list[str] | None = None) -> None:
    train(parse_args(argv))


if __name__ == "__main__":
    main()
