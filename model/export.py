"""The trained network exported to ONNX, for serving without PyTorch (:mod:`engine.runtime`).

Two graphs: ``chars`` is the character CNN alone (one word per row), whose
output the predictor caches per word; ``tagger`` is the rest of the network,
taking those features and each sentence's length, for padded batches (the
recurrent node runs each sentence to its own length; pooling is masked),
returning log-probabilities (:func:`model.network.probabilities`).
Training writes both into the artifact beside the weights, with their SHA-256
and the weights' SHA-256 they were exported from (:func:`model.artifact.save`).

    python -m model.export model/artifacts/default   # (re)write an artifact's graphs from its weights
"""
from __future__ import annotations

import argparse
import io
import warnings
from pathlib import Path

import torch
import torch.nn as nn

from .artifact import CONFIG, METRICS, WEIGHTS, load, save
from .network import JointTagger, probabilities
from engine.inputs import example as example_inputs
from engine.inputs import graph_inputs, token_inputs
from engine.runtime import quantized, supported


class _Padded(nn.Module):
    """JointTagger from precomputed character features, for padded batches: each sentence runs to its own
    length (the LSTM/GRU node's ``sequence_lens``, so the right-to-left pass starts at the real last token)."""

    def __init__(self, model: JointTagger):
        super().__init__()
        self.model = model
        self.inputs = token_inputs(model.config)[1:]

    def forward(self, words: torch.Tensor, *extra: torch.Tensor) -> tuple[torch.Tensor, ...]:
        # words: (B, T); extra: char_feats (B, T, F), shapes, glove, gaz (B, T), those configured, in that order,
        # then lengths (B,); padding positions carry id 0 and zero features
        *extra, lengths = extra
        x = dict(zip(self.inputs, extra))
        emb = self.model.embed(words, x.get("char_feats"), x.get("shapes"), x.get("glove"), x.get("gaz"))
        out = probabilities(self.model.encode(emb, lengths, pack=True))
        return tuple(out[k] for k in ("tags", "intent", "frame") if k in out)


class _CharFeatures(nn.Module):
    """The character CNN alone: one word per row."""

    def __init__(self, model: JointTagger):
        super().__init__()
        self.char_cnn = model.char_cnn

    def forward(self, chars: torch.Tensor) -> torch.Tensor:
        # chars: (N, C) ids -> (N, F)
        return self.char_cnn(chars.unsqueeze(0)).squeeze(0)


def _export(module: nn.Module, example: tuple[torch.Tensor, ...], inputs: list[str], outputs: list[str],
            axes: dict[str, dict[int, str]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():  # the tracer's notes on the LSTM batch size
        warnings.simplefilter("ignore")
        torch.onnx.export(module.eval(), example, buf, dynamo=False, input_names=inputs, output_names=outputs,
                          dynamic_axes=axes, opset_version=17)
    return buf.getvalue()


def export_graphs(model: JointTagger) -> dict[str, bytes]:
    """``{"tagger": ..., "chars": ..., "tagger.int8": ...}`` ONNX graphs of ``model``: fp32, ``chars`` only with a
    character CNN, and the tagger with int8 weights (dynamic quantization, :func:`engine.runtime.quantized`)."""
    if not supported(model.config):
        raise ValueError("Jordan networks are served by PyTorch")
    was_training = model.training
    inputs = graph_inputs(model.config)
    outputs = ["tags", "intent"] + (["frame"] if model.frame_head is not None else [])
    example = {k: torch.from_numpy(v) for k, v in example_inputs(model.config).items()}
    axes = {k: {0: "B", 1: "T"} for k in inputs} | {"lengths": {0: "B"}}
    graphs = {"tagger": _export(_Padded(model), tuple(example[k] for k in inputs), inputs, outputs, axes)}
    if model.char_cnn is not None:
        graphs["chars"] = _export(_CharFeatures(model), (torch.ones(2, 4, dtype=torch.long),), ["chars"],
                                  ["char_feats"], {"chars": {0: "N", 1: "C"}})
    model.train(was_training)  # the exporter leaves the modules in eval mode
    graphs["tagger.int8"] = quantized(graphs["tagger"])  # served by default: no quantizing (and no temp files) at start-up
    return graphs


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("artifact", help="artifact directory; rewritten atomically with its ONNX graphs")
    args = p.parse_args(argv)
    art = load(args.artifact)
    extra = {f.name: f for f in Path(args.artifact).iterdir()  # the training curves, the calibration, ...
             if f.is_file() and f.suffix != ".onnx" and f.name not in (WEIGHTS, CONFIG, METRICS)}
    save(art, args.artifact, extra or None, graphs=export_graphs(art.model))  # save() copies them before replacing
    print(f"wrote the ONNX graphs of {art.name} ({art.version}) into {args.artifact}")


if __name__ == "__main__":
    main()
