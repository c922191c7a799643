"""One training step of the joint tagger, and the untrained network it starts from."""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

import torch
import torch.nn as nn

from engine.frame import head_tags
from engine.labels import OUT_OF_SCOPE
from engine import inputs
from engine.lexicon import Gazetteer
from engine.tokenizer import SHAPES
from engine.vocab import Vocab

from . import artifact as art_io
from .augment import drop_words, substitute_cities
from .corpora import Corpora
from .data import Example
from .glove import glove_vectors
from .losses import in_scope_loss, label_tensor, masked_ce, soft_ce, tag_loss
from .network import JointTagger, TaggerConfig
from .options import TrainOptions
from .torch_backend import as_tensors


@dataclass
class Run:
    """Everything a training step needs besides the batch."""

    args: TrainOptions
    artifact: art_io.Artifact
    counts: Counter
    pool: list
    teacher: nn.Module | None

    @property
    def model(self) -> JointTagger:
        return self.artifact.model

    def index(self, labels: list[str]) -> dict[str, int]:
        return {t: i for i, t in enumerate(labels)}


def build(args: TrainOptions, c: Corpora) -> art_io.Artifact:
    """Vocabularies, label inventories, lexicon inputs and the untrained network, as an artifact."""
    train_ex = c.atis_train + c.sgd_train
    words = Vocab.build(e.words for e in train_ex)
    chars = Vocab.build((c for w in e.words for c in w) for e in train_ex) if args.char_filters else None
    tags = ["O"] + sorted({t for e in c.atis_train for t in e.tags} - {"O"})
    intents = sorted({e.intent for e in c.atis_train}) + ([OUT_OF_SCOPE] if args.other else [])
    frame_tags = head_tags(args.arrival_label) if args.sgd else []
    glove, glove_rows = glove_vectors(args.glove, words.items[2:]) if args.glove is not None else (None, None)
    gazetteer = Gazetteer.from_airports() if args.gazetteer else None
    config = TaggerConfig(
        vocab_size=len(words), n_tags=len(tags), n_intents=len(intents),
        n_chars=len(chars) if chars else 0, cell=args.cell, layers=args.layers,
        bidirectional=not args.unidirectional, emb_dim=args.emb_dim, char_filters=args.char_filters,
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
    return art_io.Artifact(model, words, chars, tags, intents, frame_tags, name=name, glove=glove, gazetteer=gazetteer)


def train_step(run: Run, batch: list[Example], rng: random.Random) -> torch.Tensor:
    """One batch's loss: city swapping, casing and word dropout applied, every head's loss added."""
    args, art, model = run.args, run.artifact, run.model
    words, config = art.words, model.config
    if run.pool:
        batch = [substitute_cities(e, run.pool, rng) if e.tags is not None and rng.random() < args.city_swap
                 else e for e in batch]
    shapes = None
    if config.n_shapes:
        shapes = [[t.shape for t in e.tokens] if rng.random() >= args.lowercase_aug
                  else [5 if t.shape == 5 else 1 for t in e.tokens] for e in batch]
    dropped = [drop_words(e.words, run.counts, args.word_dropout, rng) for e in batch]
    enc = as_tensors(inputs.encode([e.words for e in batch], art, shapes))
    clean_words = enc["words"].clone()  # what the teacher sees: no word dropout
    for b, ws in enumerate(dropped):  # word dropout hides the word id; its characters stay visible
        if ws:
            enc["words"][b, : len(ws)] = torch.tensor(words.ids(ws))
    dev_ = args.device
    on = {k: (v.to(dev_) if v is not None else None) for k, v in enc.items()}  # the network's inputs, by name
    out = model(**on)
    T = enc["words"].size(1)
    intent_id = run.index(art.intents)
    gold_int = torch.tensor([intent_id[e.intent] if e.intent is not None else -100 for e in batch])
    lengths = enc["lengths"].to(dev_)
    loss = (tag_loss(out["tags"], label_tensor(batch, "tags", run.index(art.tags), T).to(dev_), lengths, model.tag_crf)
            + masked_ce(out["intent"], gold_int.to(dev_)))
    if OUT_OF_SCOPE in intent_id:
        travel = torch.tensor([e.intent is None for e in batch], device=dev_)
        loss = loss + in_scope_loss(out["intent"], intent_id[OUT_OF_SCOPE], travel)
    if "frame" in out:
        frame_gold = label_tensor(batch, "frame_tags", run.index(art.frame_tags), T)
        for b, e in enumerate(batch):
            if e.tags is not None and rng.random() >= args.atis_frame_prob:
                frame_gold[b] = -100  # this ATIS sentence skips the frame head this time
        loss = loss + tag_loss(out["frame"], frame_gold.to(dev_), lengths, model.frame_crf)
    if run.teacher is not None:
        with torch.no_grad():
            t_out = run.teacher(**(on | {"words": clean_words.to(dev_)}))
        mask = (torch.arange(T)[None, :] < enc["lengths"][:, None]).to(dev_)  # (B, T)
        loss = loss + args.distill * sum(soft_ce(out[k], t_out[k], None if k == "intent" else mask) for k in out)
    return loss
