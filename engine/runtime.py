"""Serving the trained network through ONNX Runtime, without PyTorch.

The PyTorch module stays the reference (training, evaluation, the parity
test); for serving, the graphs :mod:`model.export` wrote into the artifact at
training time run in ONNX Runtime with one thread, which cuts the
per-operator overhead that dominates a single short utterance in eager
PyTorch, and spares the service PyTorch's import time and memory.

Two graphs: ``chars`` (the character CNN, one word per row; its output is
cached per word by :class:`engine.predict.Predictor`) and ``tagger`` (the rest,
for padded batches: each sentence's length is an input, and the recurrent node stops there). Jordan
networks unroll a Python loop over time, which a traced graph would fix at
one length, so they always run in PyTorch.

``quantize=True`` stores the LSTM, GRU and matrix-multiply weights as int8
(ONNX Runtime's dynamic quantization: activations are quantized per call):
faster, and no longer within 1e-4 of the reference — its accuracy is measured
separately (``python -m model.evaluate --backend onnx-int8``).
"""
from __future__ import annotations

import os

import numpy as np

from .config import TaggerConfig
from .inputs import graph_inputs, token_inputs  # noqa: F401 - token_inputs: the exporter's name for it


def supported(config: TaggerConfig) -> bool:
    return config.cell != "jordan"


INT8 = "tagger.int8"  # the artifact's int8 tagger graph (model.export), served with SLOT_BACKEND=onnx-int8


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
    """The exported graphs in ONNX Runtime: character features per word, and the tagger proper."""

    def __init__(self, graphs: dict[str, bytes], config: TaggerConfig, quantize: bool = False):
        if not supported(config):
            raise ValueError("Jordan networks are served by PyTorch")
        self.inputs = graph_inputs(config)
        self.outputs = ["tags", "intent"] + (["frame"] if config.n_frame_tags else [])
        self.graphs = {k: g for k, g in graphs.items() if k != INT8}
        if quantize:  # the artifact's int8 graph (exported with it); an older artifact's quantized here
            self.graphs["tagger"] = graphs.get(INT8) or quantized(graphs["tagger"])
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
            session = ort.InferenceSession(self.graphs[name], opts, providers=["CPUExecutionProvider"])
            if name == "tagger" and [i.name for i in session.get_inputs()] != self.inputs:
                raise ValueError(f"the tagger graph takes {[i.name for i in session.get_inputs()]}, not {self.inputs}: "
                                 "exported by an older version (re-export it: python -m model.export DIR)")
            self._sessions[name] = session
        return self._sessions[name]

    def char_features(self, chars: np.ndarray) -> np.ndarray:
        """(N, C) character ids, one word per row -> (N, F) features."""
        return self._session("chars").run(None, {"chars": chars})[0]

    def __call__(self, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Padded batch: words (B, T), char_feats (B, T, F), shapes, glove, gaz (B, T), lengths (B,) -> tag
        log-probabilities (B, T, n_tags), intent probabilities (B, n_intents), frame log-probabilities (B, T, n_frame)."""
        outs = self._session("tagger").run(self.outputs, {k: feeds[k] for k in self.inputs})
        return dict(zip(self.outputs, outs))
