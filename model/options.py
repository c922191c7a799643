"""The training options, typed: one dataclass built from the recipe file and the command line, and passed down
to every step of training (corpora, the network, the training step, the report) instead of a namespace.

Each field is an option of ``python -m model.train`` (``--batch-size`` for ``batch_size``); its default is the
one source of that default (the network's come from :class:`engine.config.TaggerConfig`), its ``help`` and
``choices`` are the command line's. A recipe (``model/recipes/NAME.json``) sets fields by name; the command
line overrides it.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

from engine.config import TaggerConfig

from .network import CELLS, CRF_HEADS
from .synth import NEGATIVE_SHARE

RECIPES = Path(__file__).resolve().parent / "recipes"
_ARCH = {f.name: f.default for f in dataclasses.fields(TaggerConfig)}  # the one source of the network's defaults


def opt(default, help: str = "", **argparse_kw):  # noqa: A002 - argparse's name
    return field(default=default, metadata={"help": help, **argparse_kw})


@dataclass
class TrainOptions:
    data: Path = opt(None, "corpus root (holding atis/) or an ATIS split dir", required=True, type=Path)
    out: Path = opt(None, "artifact directory to write (required: the committed model is never overwritten by "
                          "accident)", required=True, type=Path)
    recipe: str | None = opt(None, "a recipe: model/recipes/NAME.json or a path to such a JSON file of option values; "
                                   "options given on the command line override it")
    name: str | None = opt(None, "model name (default: atis[-sgd]-<bi><cell>)")
    sgd: bool = opt(False, "also train a frame head on SGD-travel")
    cell: str = opt(_ARCH["cell"], choices=CELLS)
    layers: int = opt(_ARCH["layers"])
    unidirectional: bool = opt(False)
    emb_dim: int = opt(_ARCH["emb_dim"])
    hidden: int = opt(_ARCH["hidden"])
    char_filters: int = opt(_ARCH["char_filters"], "0 disables the char CNN")
    dropout: float = opt(_ARCH["dropout"])
    word_dropout: float = opt(0.05, "chance of replacing a word by <unk>")
    no_shape: bool = opt(False, "no casing feature")
    context: int = opt(_ARCH["context"], "word-context window: k words either side as input")
    city_swap: float = opt(0.0, "chance that an ATIS sentence is shown with its city names swapped for SGD place names")
    atis_frame_prob: float = opt(1.0, "chance that an ATIS sentence also supervises the frame head in a batch")
    arrival_label: bool = opt(False, "the frame head learns arrival constraints (ATIS's arrive_* tags) as their own "
                                     "label, arrival_time, instead of as time")
    atis_repeat: int = opt(1, "show each ATIS sentence this many times per epoch (balances the larger SGD-travel)")
    sgd_negatives: float = opt(1.0, "share of the SGD-travel turns without any span shown per epoch (redrawn each epoch)")
    synth: int = opt(0, "add N generated typed requests (model.synth) to each epoch, redrawn each epoch", metavar="N")
    synth_negatives: float = opt(NEGATIVE_SHARE, "share of the generated requests that hold no frame slot")
    other: int = opt(0, "add N sgd-other turns (not travel: no frame slot, intent out_of_scope) to each epoch",
                     metavar="N")
    other_dates: str = opt("O", "the frame head on sgd-other dates and times: taught O, or left unsupervised",
                           choices=("O", "skip"))
    glove: int | None = opt(None, "frozen GloVe 6B 50d vectors as an input: the training words GloVe has plus its N "
                                  "most frequent other words (model.lexicon; default: none)", metavar="N", type=int)
    gazetteer: bool = opt(False, "a 'part of a known place name' input (airportsdata's cities; model.lexicon)")
    crf: str = opt(_ARCH["crf"], "a CRF output layer (learned transitions) on the frame head, on both tag heads, or none",
                   choices=CRF_HEADS)
    holdout: float = opt(0.0, "hold this share of the SGD train dialogues out of training and select the epoch on them "
                              "(with ATIS dev) instead of SGD-travel dev, which then stays unseen until the end")
    lowercase_aug: float = opt(0.3, "chance of showing a cased training sentence with its casing feature as all "
                                    "lowercase")
    epochs: int = opt(40)
    patience: int = opt(8)
    batch_size: int = opt(32)
    lr: float = opt(2e-3)
    schedule: str = opt("constant", "learning rate: constant, or cosine decay to 5%% of --lr over --epochs",
                        choices=("constant", "cosine"))
    clip: float = opt(5.0)
    teacher: Path | None = opt(None, "artifact (same data and labels) whose predictions the network also learns "
                                     "from: distillation", type=Path)
    distill: float = opt(0.5, "weight of the teacher's soft targets")
    seed: int = opt(1)
    threads: int = opt(0, "torch threads (0: torch's default)")
    device: str = opt("cpu", "torch device to train on (cpu, cuda)")
    quiet: bool = opt(False, "no progress bars")

    @classmethod
    def parser(cls, description: str = "") -> argparse.ArgumentParser:
        """The command line, generated from the fields."""
        p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
        for f in dataclasses.fields(cls):
            kw = dict(f.metadata)
            flag = "--" + f.name.replace("_", "-")
            if f.default is False:
                p.add_argument(flag, action="store_true", help=kw.get("help") or None)
                continue
            kw.setdefault("type", type(f.default) if f.default is not None else str)
            kw["help"] = kw.get("help") or None
            p.add_argument(flag, default=None if kw.get("required") else f.default, **kw)
        return p

    @classmethod
    def from_argv(cls, argv: list[str] | None = None, description: str = "") -> "TrainOptions":
        """The options of a command line, over its recipe's (``--recipe``), over the defaults."""
        p = cls.parser(description)
        known, _ = p.parse_known_args(argv)
        if known.recipe:
            recipe = load_recipe(known.recipe)
            unknown = set(recipe) - {f.name for f in dataclasses.fields(cls)}
            if unknown:
                p.error(f"recipe {known.recipe}: unknown options {sorted(unknown)}")
            p.set_defaults(**recipe)
        return cls(**vars(p.parse_args(argv)))

    def replace(self, **settings) -> "TrainOptions":
        """These options with ``settings`` (fields by name); a name that is no option is a TypeError."""
        unknown = set(settings) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise TypeError(f"unknown training options {sorted(unknown)}")
        paths = {k: Path(v) for k, v in settings.items() if k in ("data", "out", "teacher") and v is not None}
        return dataclasses.replace(self, **{**settings, **paths})


def load_recipe(name: str) -> dict:
    """A recipe's option values (JSON object, keys as the options' names with underscores)."""
    path = Path(name) if name.endswith(".json") else RECIPES / f"{name}.json"
    if not path.is_file():
        raise SystemExit(f"no recipe {name!r} (looked for {path})")
    recipe = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in recipe.items() if not k.startswith("_")}  # "_comment" and the like
