"""The PyTorch reference of the engine's predictor: the same decoding over the network in hand.

Training evaluates with it after every epoch (the network changes between calls), and
``model.evaluate --backend torch`` scores the reference the served ONNX graphs are checked
against. ``backend="onnx"``/``"onnx-int8"`` export the graphs from the weights in hand (exact by
construction) and run them as the service does.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from engine.artifact import Artifact
from engine import inputs
from engine.predict import BACKENDS as ENGINE_BACKENDS
from engine.predict import Predictor
from engine.tokenizer import Token

from .artifact import load
from .network import probabilities

BACKENDS = ("torch",) + ENGINE_BACKENDS
CRF_MODULES = ("tag_crf", "frame_crf")


def as_tensors(batch: dict, device: torch.device | str = "cpu") -> dict:
    """:func:`engine.inputs.encode`'s numpy arrays as tensors on ``device`` (on the CPU without a copy; None stays
    None)."""
    out = {k: (torch.from_numpy(v) if v is not None else None) for k, v in batch.items()}
    if torch.device(device).type != "cpu":
        out = {k: (v.to(device) if v is not None else None) for k, v in out.items()}
    return out


class TorchPredictor(Predictor):
    """:class:`engine.predict.Predictor` over the artifact's PyTorch network."""

    backends = BACKENDS

    def __init__(self, artifact: Artifact, backend: str = "torch", scope_threshold: float | None = None):
        if artifact.model is None:
            raise ValueError("the artifact was loaded without its network: use model.artifact.load")
        self.model = artifact.model.eval()
        super().__init__(artifact, backend, scope_threshold)

    def make_runtime(self, backend: str):
        if backend == "torch":
            return None
        from engine import runtime

        from .export import export_graphs

        return runtime.OnnxTagger(export_graphs(self.model), self.config, quantize=backend == "onnx-int8")

    @classmethod
    def from_dir(cls, path: str | Path, backend: str = "torch", scope_threshold: float | None = None) -> "TorchPredictor":
        return cls(load(path), backend, scope_threshold)

    def network_outputs(self, token_lists: list[list[Token]]) -> list[tuple[list[int], dict[str, np.ndarray]]]:
        if self._onnx is not None:
            return super().network_outputs(token_lists)
        if self.config.crf != "none":  # a network in training: its CRF scores change between calls
            self._set_penalties({k: v.detach().float().cpu().numpy() for k, v in self.model.state_dict().items()
                                 if k.split(".")[0] in CRF_MODULES})
        sentences = [[t.text for t in toks] for toks in token_lists]
        batch = as_tensors(inputs.encode(sentences, self.artifact, [[t.shape for t in toks] for toks in token_lists]),
                           self.model.word_emb.weight.device)  # training on an accelerator evaluates there too
        with torch.inference_mode():
            out = self.model(**batch)
            res = {k: v.float().cpu().numpy() for k, v in probabilities(out).items()}
        return [(list(range(len(token_lists))), res)]  # one padded call: PyTorch packs the sentences


def predictor(path: str | Path, backend: str = "onnx") -> Predictor:
    """The served predictor for ONNX backends (the artifact's own graphs), the reference for "torch"."""
    return TorchPredictor.from_dir(path) if backend == "torch" else Predictor.from_dir(path, backend)
