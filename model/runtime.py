"""Serving the trained network through ONNX Runtime.

The PyTorch module stays the reference (training, evaluation, the parity
test); for serving, its forward pass is exported in memory when the model
loads — from the same safetensors weights, so there is no second artifact to
drift — and run by ONNX Runtime with one thread, which cuts the per-operator
overhead that dominates a single short utterance in eager PyTorch.

The exported graph takes unpadded batches (every sentence the same length);
:class:`model.predict.Predictor` groups a batch by length before calling it.
Jordan networks unroll a Python loop over time, which a traced graph would fix
at one length, so they always run in PyTorch.

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


class _Unpadded(nn.Module):
    """JointTagger.forward for batches without padding: lengths are all T."""

    def __init__(self, model: JointTagger):
        super().__init__()
        self.model = model
        self.has_chars = model.char_cnn is not None
        self.has_shapes = model.shape_emb is not None

    def forward(self, words: torch.Tensor, *extra: torch.Tensor) -> tuple[torch.Tensor, ...]:
        # words: (B, T); extra: chars (B, T, C) and/or shapes (B, T), as configured
        chars = extra[0] if self.has_chars else None
        shapes = extra[-1] if self.has_shapes else None
        lengths = torch.full((words.size(0),), words.size(1), dtype=torch.long)  # (B,)
        out = self.model(words, chars, lengths, shapes)
        return tuple(out[k] for k in ("tags", "intent", "frame") if k in out)


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
    """Callable like the torch model on unpadded numpy batches: dict of name -> array."""

    def __init__(self, model: JointTagger, quantize: bool = False):
        if not supported(model):
            raise ValueError("Jordan networks are served by PyTorch")
        wrapper = _Unpadded(model).eval()
        self.inputs = ["words"] + (["chars"] if wrapper.has_chars else []) + (["shapes"] if wrapper.has_shapes else [])
        self.outputs = ["tags", "intent"] + (["frame"] if model.frame_head is not None else [])
        example = {"words": torch.ones(1, 3, dtype=torch.long), "chars": torch.ones(1, 3, 4, dtype=torch.long),
                   "shapes": torch.ones(1, 3, dtype=torch.long)}
        axes = {"words": {0: "B", 1: "T"}, "chars": {0: "B", 1: "T", 2: "C"}, "shapes": {0: "B", 1: "T"}}
        buf = io.BytesIO()
        was_training = model.training
        with warnings.catch_warnings():  # the tracer's notes on the padding branch and LSTM batch size
            warnings.simplefilter("ignore")
            torch.onnx.export(wrapper, tuple(example[k] for k in self.inputs), buf, dynamo=False,
                              input_names=self.inputs, output_names=self.outputs,
                              dynamic_axes={k: axes[k] for k in self.inputs}, opset_version=17)
        model.train(was_training)  # the exporter leaves the wrapper's mode behind
        self.graph = quantized(buf.getvalue()) if quantize else buf.getvalue()
        self._session = None
        self._pid = None

    def _get_session(self):
        # one session per process: created lazily, so gunicorn workers forked after
        # loading each build their own rather than sharing the master's
        if self._session is None or self._pid != os.getpid():
            import onnxruntime as ort

            opts = ort.SessionOptions()
            opts.intra_op_num_threads = 1
            opts.inter_op_num_threads = 1
            opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            self._session = ort.InferenceSession(self.graph, opts, providers=["CPUExecutionProvider"])
            self._pid = os.getpid()
        return self._session

    def __call__(self, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        outs = self._get_session().run(self.outputs, {k: feeds[k] for k in self.inputs})
        return dict(zip(self.outputs, outs))
