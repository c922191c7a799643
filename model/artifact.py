"""Model artifacts on disk: ``weights.safetensors`` plus JSON, written atomically.

Layout of an artifact directory::

    weights.safetensors   tensors only (never pickle)
    config.json           architecture, vocabularies, label inventories,
                          training settings, SHA-256 of the weights
    metrics.json          evaluation figures (written by training)
    training_curves.png   loss and dev scores per epoch

Loading verifies the weights' SHA-256 and that vocabularies, labels and
tensor shapes agree with the configuration; any problem raises
:class:`ArtifactError` naming the file.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from .network import JointTagger, TaggerConfig
from .vocab import Vocab

WEIGHTS, CONFIG, METRICS = "weights.safetensors", "config.json", "metrics.json"


class ArtifactError(RuntimeError):
    """The artifact is missing, corrupt or inconsistent."""


@dataclass
class Artifact:
    model: JointTagger
    words: Vocab
    chars: Vocab | None
    tags: list[str]
    intents: list[str]
    frame_tags: list[str] = field(default_factory=list)
    name: str = "tagger"
    version: str = ""
    meta: dict = field(default_factory=dict)  # training settings, data sources
    metrics: dict = field(default_factory=dict)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def save(artifact: Artifact, out_dir: str | Path, extra_files: dict[str, Path] | None = None) -> Path:
    """Write ``artifact`` to ``out_dir`` atomically (temporary directory, then rename)."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        state = {k: v.detach().contiguous() for k, v in artifact.model.state_dict().items()}
        save_file(state, str(tmp / WEIGHTS))
        digest = sha256_file(tmp / WEIGHTS)
        config = {
            "name": artifact.name,
            "weights_sha256": digest,
            "model": artifact.model.config.to_dict(),
            "words": artifact.words.items,
            "chars": artifact.chars.items if artifact.chars else None,
            "tags": artifact.tags,
            "intents": artifact.intents,
            "frame_tags": artifact.frame_tags,
            "meta": artifact.meta,
        }
        (tmp / CONFIG).write_text(json.dumps(config, indent=1, ensure_ascii=False), encoding="utf-8")
        (tmp / METRICS).write_text(json.dumps(artifact.metrics, indent=2), encoding="utf-8")
        for name, src in (extra_files or {}).items():
            shutil.copyfile(src, tmp / name)
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


def _read_json(path: Path) -> dict:
    if not path.is_file():
        raise ArtifactError(f"missing artifact file: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArtifactError(f"corrupt JSON in {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ArtifactError(f"corrupt JSON in {path}: expected an object")
    return data


def load(art_dir: str | Path) -> Artifact:
    """Load and verify an artifact directory; raises :class:`ArtifactError`."""
    art_dir = Path(art_dir)
    if not art_dir.is_dir():
        raise ArtifactError(f"missing artifact directory: {art_dir}")
    cfg_path, w_path = art_dir / CONFIG, art_dir / WEIGHTS
    cfg = _read_json(cfg_path)
    if not w_path.is_file():
        raise ArtifactError(f"missing artifact file: {w_path}")
    digest = sha256_file(w_path)
    if cfg.get("weights_sha256") != digest:
        raise ArtifactError(f"{w_path}: SHA-256 {digest[:12]}... does not match {cfg_path} "
                            "(weights truncated, tampered with or from another model)")
    try:
        config = TaggerConfig(**cfg["model"])
        words = Vocab(list(cfg["words"]))
        chars = Vocab(list(cfg["chars"])) if cfg.get("chars") else None
        tags, intents = list(cfg["tags"]), list(cfg["intents"])
        frame_tags = list(cfg.get("frame_tags") or [])
    except (KeyError, TypeError, ValueError) as exc:
        raise ArtifactError(f"{cfg_path}: invalid configuration: {exc!r}") from exc
    checks = [
        (len(words) == config.vocab_size, f"{len(words)} words but vocab_size {config.vocab_size}"),
        (len(tags) == config.n_tags, f"{len(tags)} tags but n_tags {config.n_tags}"),
        (len(intents) == config.n_intents, f"{len(intents)} intents but n_intents {config.n_intents}"),
        (len(frame_tags) == config.n_frame_tags, f"{len(frame_tags)} frame tags but n_frame_tags {config.n_frame_tags}"),
        ((len(chars) if chars else 0) == config.n_chars, f"char inventory does not match n_chars {config.n_chars}"),
    ]
    for ok, msg in checks:
        if not ok:
            raise ArtifactError(f"{cfg_path}: {msg}")
    try:
        state = load_file(str(w_path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise ArtifactError(f"corrupt weights in {w_path}: {exc}") from exc
    model = JointTagger(config)
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
    model.eval()
    metrics_path = art_dir / METRICS
    metrics = _read_json(metrics_path) if metrics_path.exists() else {}
    return Artifact(model, words, chars, tags, intents, frame_tags, cfg.get("name", art_dir.name),
                    digest[:8], cfg.get("meta", {}), metrics)


def default_dir() -> Path:
    """The committed default model, overridable with ``SLOT_MODEL_DIR``."""
    env = os.environ.get("SLOT_MODEL_DIR")
    return Path(env) if env else Path(__file__).resolve().parent / "artifacts" / "default"


__all__ = ["Artifact", "ArtifactError", "save", "load", "default_dir", "sha256_file"]
