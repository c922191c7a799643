"""Serving the trained network through ONNX Runtime.

The PyTorch module stays the reference (training, evaluation, the parity
test); for serving, its forward pass is exported in memory when the model
loads — from the same safetensors weights, so there is no second artifact to
drift — and run by ONNX Runtime with one thread, which cuts the per-operator
overhead that dominates a single short utterance in eager PyTorch.

The network is exported as two graphs: the character CNN alone (one word
per row), whose output :class:`model.predict.Predictor` caches per word, and
the tagger proper, which takes those features. The tagger graph takes
unpadded batches (every sentence the same length, so no masks) and returns
log-probabilities (:func:`probabilities`); the predictor groups a batch by
length before calling it. Jordan networks unroll a Python loop over time,
which a traced graph would fix at one length, so they always run in PyTorch.

``quantize=True`` stores the LSTM, GRU and matrix-multiply weights as int8
(ONNX Runtime's dynamic quantization: activations are quantized per call):
faster, and no longer within 1e-4 of the reference — its accuracy is measured
separately (``python -m model.evaluate --backend onnx-int8``).
"""
from __future__ import annotations

import io
import os
import warnings

import numpy as np
import torch
import torch.nn as nn

from .network import JointTagger


def supported(model: JointTagger) -> bool:
    return model.config.cell != "jordan"


def probabilities(out: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The network's scores as the decoder reads them: log-probabilities per tag, intent probabilities."""
    res = {"tags": torch.log_softmax(out["tags"], -1), "intent": torch.softmax(out["intent"], -1)}
    if "frame" in out:
        res["frame"] = torch.log_softmax(out["frame"], -1)
    return res


class _Unpadded(nn.Module):
    """JointTagger from precomputed character features, for batches without padding (lengths all T)."""

    def __init__(self, model: JointTagger):
        super().__init__()
        self.model = model
        self.has_chars = model.char_cnn is not None
        self.has_shapes = model.shape_emb is not None

    def forward(self, words: torch.Tensor, *extra: torch.Tensor) -> tuple[torch.Tensor, ...]:
        # words: (B, T); extra: char_feats (B, T, F) and/or shapes (B, T), as configured
        char_feats = extra[0] if self.has_chars else None
        shapes = extra[-1] if self.has_shapes else None
        out = probabilities(self.model.encode(self.model.embed(words, char_feats, shapes), None))
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


def quantized(graph: bytes) -> bytes:
    """The graph with int8 weights for its LSTM/GRU/MatMul/Gemm nodes (dynamic quantization)."""
    import logging
    import tempfile
    from pathlib import Path

    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quiet the quantizer's advice on pre-processing, for this call only
    try:
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
            src.write_bytes(graph)
            quantize_dynamic(src, dst, weight_type=QuantType.QInt8,
                             op_types_to_quantize=["LSTM", "GRU", "MatMul", "Gemm"])
            return dst.read_bytes()
    finally:
        root.setLevel(level)


class OnnxTagger:
    """The network as two ONNX Runtime graphs: character features per word, and the tagger proper.

    Splitting the character CNN off lets the caller cache each word's
    features (they depend on its characters only), so a request runs the CNN
    for words it has not seen before and nothing else.
    """

    def __init__(self, model: JointTagger, quantize: bool = False):
        if not supported(model):
            raise ValueError("Jordan networks are served by PyTorch")
        was_training = model.training
        wrapper = _Unpadded(model)
        self.inputs = ["words"] + (["char_feats"] if wrapper.has_chars else []) + (["shapes"] if wrapper.has_shapes else [])
        self.outputs = ["tags", "intent"] + (["frame"] if model.frame_head is not None else [])
        B, T = 1, 3
        example = {"words": torch.ones(B, T, dtype=torch.long), "shapes": torch.ones(B, T, dtype=torch.long),
                   "char_feats": torch.zeros(B, T, model.config.char_filters)}
        axes = {k: {0: "B", 1: "T"} for k in self.inputs}
        graphs = {"tagger": _export(wrapper, tuple(example[k] for k in self.inputs), self.inputs, self.outputs, axes)}
        if wrapper.has_chars:
            graphs["chars"] = _export(_CharFeatures(model), (torch.ones(2, 4, dtype=torch.long),), ["chars"],
                                      ["char_feats"], {"chars": {0: "N", 1: "C"}})
        model.train(was_training)  # the exporter leaves the modules in eval mode
        self.graphs = {k: quantized(g) if quantize else g for k, g in graphs.items()}
        self._sessions: dict = {}
        self._pid = None

    @property
    def graph(self) -> bytes:
        return self.graphs["tagger"]

    def _session(self, name: str):
        # one session per process: created lazily, so gunicorn workers forked after
        # loading each build their own rather than sharing the master's
        if self._pid != os.getpid():
            self._sessions, self._pid = {}, os.getpid()
        if name not in self._sessions:
            import onnxruntime as ort

            opts = ort.SessionOptions()
            opts.intra_op_num_threads = 1
            opts.inter_op_num_threads = 1
            opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            self._sessions[name] = ort.InferenceSession(self.graphs[name], opts, providers=["CPUExecutionProvider"])
        return self._sessions[name]

    def char_features(self, chars: np.ndarray) -> np.ndarray:
        """(N, C) character ids, one word per row -> (N, F) features."""
        return self._session("chars").run(None, {"chars": chars})[0]

    def __call__(self, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Unpadded batch: words (B, T), char_feats (B, T, F), shapes (B, T) -> tag log-probabilities
        (B, T, n_tags), intent probabilities (B, n_intents), frame log-probabilities (B, T, n_frame)."""
        outs = self._session("tagger").run(self.outputs, {k: feeds[k] for k in self.inputs})
        return dict(zip(self.outputs, outs))
