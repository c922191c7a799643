"""Model artifacts for the training lab: writing them (atomically) and loading them with the network.

Reading and checking for serving is :mod:`engine.artifact` (no PyTorch); this module adds what
needs PyTorch: :func:`save` writes ``weights.safetensors`` (never pickle), the ONNX graphs and
the JSON files (``config.json``'s fields: :func:`engine.artifact.config_json`, beside its reader) into a
temporary directory and renames it into place; :func:`load` verifies the
artifact as the engine does and builds the :class:`model.network.JointTagger` from its weights.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from engine.artifact import (CONFIG, METRICS, WEIGHTS, Artifact, ArtifactError, config_json, crf_tensors,
                             default_dir, read_config, read_graphs, sha256_file)

__all__ = ["Artifact", "ArtifactError", "save", "load", "default_dir", "sha256_file"]


def save(artifact: Artifact, out_dir: str | Path, extra_files: dict[str, Path] | None = None,
         graphs: dict[str, bytes] | None = None) -> Path:
    """Write ``artifact`` to ``out_dir`` atomically (temporary directory, then rename).

    ``graphs``: the network's ONNX graphs (:func:`model.export.export_graphs`), written beside the
    weights with their SHA-256 and the weights' SHA-256 they were exported from.
    """
    from safetensors.torch import save_file

    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        state = {k: v.detach().contiguous() for k, v in artifact.model.state_dict().items()}
        save_file(state, str(tmp / WEIGHTS))
        digest = sha256_file(tmp / WEIGHTS)
        for name, graph in (graphs or {}).items():
            (tmp / f"{name}.onnx").write_bytes(graph)
        config = config_json(artifact, digest, {f"{n}.onnx": sha256_file(tmp / f"{n}.onnx") for n in graphs or {}})
        (tmp / CONFIG).write_text(json.dumps(config, indent=1, ensure_ascii=False), encoding="utf-8")
        (tmp / METRICS).write_text(json.dumps(artifact.metrics, indent=2), encoding="utf-8")
        for name, src in (extra_files or {}).items():
            shutil.copyfile(src, tmp / name)
        for f in tmp.iterdir():  # readable by the image's non-root user, whatever this process's umask
            os.chmod(f, 0o644)
        os.chmod(tmp, 0o755)
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out_dir, old)
            os.replace(tmp, out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    artifact.version = digest[:8]
    return out_dir


def load(art_dir: str | Path) -> Artifact:
    """The artifact with its PyTorch network built from the weights (and its graphs, when it has them)."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    from .network import JointTagger

    art_dir = Path(art_dir)
    cfg, art, digest = read_config(art_dir)
    art.graphs = read_graphs(art_dir, cfg, digest)
    w_path, cfg_path = art_dir / WEIGHTS, art_dir / CONFIG
    try:
        state = load_file(str(w_path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise ArtifactError(f"corrupt weights in {w_path}: {exc}") from exc
    model = JointTagger(art.config)
    expected = model.state_dict()
    if set(state) != set(expected):
        missing, unexpected = sorted(set(expected) - set(state)), sorted(set(state) - set(expected))
        raise ArtifactError(f"{w_path}: tensors do not match the architecture in {cfg_path} "
                            f"(missing {missing[:3]}, unexpected {unexpected[:3]})")
    for k, v in expected.items():
        if tuple(state[k].shape) != tuple(v.shape):
            raise ArtifactError(f"{w_path}: tensor {k} has shape {tuple(state[k].shape)}, "
                                f"the configuration needs {tuple(v.shape)}")
    model.load_state_dict(state)
    art.model = model.eval()
    art.crf = crf_tensors(w_path, art.config)
    return art
