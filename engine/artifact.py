"""Reading and checking a model artifact for serving (no PyTorch): ``config.json`` + ONNX graphs.

Layout of an artifact directory (written by :func:`model.artifact.save`)::

    weights.safetensors   tensors only (never pickle)
    tagger.onnx           the network for serving (model/export.py),
    tagger.int8.onnx      the same with int8 weights (served by default), and
    chars.onnx            its character CNN
    config.json           architecture, vocabularies, label inventories,
                          training settings, SHA-256 of the weights and of
                          the graphs (with the weights they came from)
    metrics.json          evaluation figures (written by training)
    training_curves.png   loss and dev scores per epoch

:func:`load` verifies the weights' SHA-256, that vocabularies, labels and the configuration
agree, and that the graphs are the ones exported from these weights; any problem raises
:class:`ArtifactError` naming the file. The weights themselves are read only for a CRF output
layer's transition scores (with numpy); the network runs from the graphs. The PyTorch network
is built by the training lab (:func:`model.artifact.load`).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .config import TaggerConfig
from .lexicon import Gazetteer
from .vocab import Vocab

WEIGHTS, CONFIG, METRICS = "weights.safetensors", "config.json", "metrics.json"


class ArtifactError(RuntimeError):
    """The artifact is missing, corrupt or inconsistent."""


class Network(Protocol):
    """What the artifact needs of the training lab's network (``model.network.JointTagger``): its configuration
    and its tensors by name. Serving holds none (``Artifact.model`` is None: the graphs run)."""

    config: TaggerConfig

    def state_dict(self) -> dict: ...


@dataclass
class Artifact:
    model: Network | None  # the training lab's PyTorch network; None as served (graphs only)
    words: Vocab
    chars: Vocab | None
    tags: list[str]
    intents: list[str]
    frame_tags: list[str] = field(default_factory=list)
    name: str = "tagger"
    version: str = ""
    meta: dict = field(default_factory=dict)  # training settings, data sources
    metrics: dict = field(default_factory=dict)
    graphs: dict[str, bytes] = field(default_factory=dict)  # ONNX graphs, when loaded without the network
    _config: TaggerConfig | None = None
    glove: Vocab | None = None  # words with a pretrained vector (engine.lexicon), when configured
    gazetteer: Gazetteer | None = None  # place names (engine.lexicon), when configured
    crf: dict = field(default_factory=dict)  # "tag_crf.transitions" etc. as numpy arrays, for a CRF output layer

    @property
    def config(self) -> TaggerConfig:
        return self.model.config if self.model is not None else self._config

    def known_words(self) -> frozenset[str]:
        """Every word the model has a representation of: its vocabulary and its GloVe words."""
        return frozenset(self.words.items) | frozenset(self.glove.items if self.glove else ())


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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


def config_json(art: Artifact, weights_digest: str, graph_digests: dict[str, str] | None = None) -> dict:
    """``config.json`` as :func:`model.artifact.save` writes it and :func:`read_config` reads it: the one
    statement of its fields. ``graph_digests``: each ONNX file's SHA-256, exported from these weights."""
    config = {
        "name": art.name,
        "weights_sha256": weights_digest,
        "model": art.config.to_dict(),
        "words": art.words.items,
        "chars": art.chars.items if art.chars else None,
        "tags": art.tags,
        "intents": art.intents,
        "frame_tags": art.frame_tags,
        "glove_words": art.glove.items if art.glove else None,
        "gazetteer": art.gazetteer.names if art.gazetteer else None,
        "meta": art.meta,
    }
    if graph_digests:
        config["onnx"] = {"from_weights_sha256": weights_digest, "files": dict(graph_digests)}
    return config


def read_graphs(art_dir: Path, cfg: dict, weights_digest: str) -> dict[str, bytes]:
    """The artifact's ONNX graphs, verified against config.json; {} when it has none."""
    onnx = cfg.get("onnx")
    if not onnx:
        return {}
    cfg_path = art_dir / CONFIG
    if onnx.get("from_weights_sha256") != weights_digest:
        raise ArtifactError(f"{cfg_path}: the ONNX graphs were exported from other weights "
                            "(re-export them: python -m model.export)")
    graphs = {}
    for fname, digest in onnx.get("files", {}).items():
        path = art_dir / fname
        if not path.is_file():
            raise ArtifactError(f"missing artifact file: {path}")
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            raise ArtifactError(f"{path}: SHA-256 does not match {cfg_path} (truncated or tampered with)")
        graphs[fname.removesuffix(".onnx")] = data
    if "tagger" not in graphs:
        raise ArtifactError(f"{cfg_path}: lists ONNX graphs but not tagger.onnx")
    return graphs


def read_config(art_dir: str | Path) -> tuple[dict, Artifact, str]:
    """(raw config.json, the artifact without network or graphs, the weights' SHA-256), verified."""
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
        glove = Vocab(list(cfg["glove_words"])) if cfg.get("glove_words") else None
        gazetteer = Gazetteer(list(cfg["gazetteer"])) if cfg.get("gazetteer") else None
    except (KeyError, TypeError, ValueError) as exc:
        raise ArtifactError(f"{cfg_path}: invalid configuration: {exc!r}") from exc
    checks = [
        (len(words) == config.vocab_size, f"{len(words)} words but vocab_size {config.vocab_size}"),
        (len(tags) == config.n_tags, f"{len(tags)} tags but n_tags {config.n_tags}"),
        (len(intents) == config.n_intents, f"{len(intents)} intents but n_intents {config.n_intents}"),
        (len(frame_tags) == config.n_frame_tags, f"{len(frame_tags)} frame tags but n_frame_tags {config.n_frame_tags}"),
        ((len(chars) if chars else 0) == config.n_chars, f"char inventory does not match n_chars {config.n_chars}"),
        ((len(glove) if glove else 0) == config.glove_size, f"glove_words do not match glove_size {config.glove_size}"),
        ((gazetteer is not None) == config.gazetteer, "gazetteer names do not match the gazetteer setting"),
    ]
    for ok, msg in checks:
        if not ok:
            raise ArtifactError(f"{cfg_path}: {msg}")
    metrics_path = art_dir / METRICS
    metrics = _read_json(metrics_path) if metrics_path.exists() else {}
    art = Artifact(None, words, chars, tags, intents, frame_tags, cfg.get("name", art_dir.name), digest[:8],
                   cfg.get("meta", {}), metrics, {}, config, glove=glove, gazetteer=gazetteer)
    return cfg, art, digest


def load(art_dir: str | Path) -> Artifact:
    """The artifact as served: verified configuration and ONNX graphs (and CRF scores); no network."""
    art_dir = Path(art_dir)
    cfg, art, digest = read_config(art_dir)
    art.graphs = read_graphs(art_dir, cfg, digest)
    if not art.graphs:
        raise ArtifactError(f"{art_dir / CONFIG}: the artifact carries no ONNX graphs to serve "
                            "(export them: python -m model.export; Jordan networks run in PyTorch only)")
    art.crf = crf_tensors(art_dir / WEIGHTS, art.config)
    return art


CRF_MODULES = ("tag_crf", "frame_crf")


def crf_tensors(w_path: Path, config: TaggerConfig) -> dict:
    """The CRF layers' scores from the weights, read with numpy (serving: no PyTorch)."""
    if config.crf == "none":
        return {}
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(w_path), framework="numpy") as f:
            return {k: f.get_tensor(k) for k in f.keys() if k.split(".")[0] in CRF_MODULES}
    except (SafetensorError, OSError, ValueError) as exc:
        raise ArtifactError(f"corrupt weights in {w_path}: {exc}") from exc


COMMITTED_DIR = Path(__file__).resolve().parents[1] / "model" / "artifacts" / "default"  # the shipped model
COMMITTED_ZH_DIR = COMMITTED_DIR.parent / "zh"  # the shipped Chinese model (engine.chinese)


def default_dir() -> Path:
    """The committed default model (the service reads ``SLOT_MODEL_DIR`` through ``app.settings``)."""
    return COMMITTED_DIR


__all__ = ["Artifact", "ArtifactError", "Network", "config_json", "load", "read_config", "default_dir", "sha256_file"]
