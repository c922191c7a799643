"""Model artifacts on disk: ``weights.safetensors`` plus JSON, written atomically.

Layout of an artifact directory::

    weights.safetensors   tensors only (never pickle)
    tagger.onnx           the network for serving (model/export.py), and
    chars.onnx            its character CNN; absent for Jordan networks
    config.json           architecture, vocabularies, label inventories,
                          training settings, SHA-256 of the weights and of
                          the graphs (with the weights they came from)
    metrics.json          evaluation figures (written by training)
    training_curves.png   loss and dev scores per epoch

Loading verifies the weights' SHA-256 and that vocabularies, labels and
tensor shapes agree with the configuration; any problem raises
:class:`ArtifactError` naming the file. ``load(..., network=False)`` skips
building the PyTorch network when the artifact carries its ONNX graphs (the
service's path: PyTorch is not imported), and verifies the graphs instead.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .config import TaggerConfig
from .lexicon import Gazetteer
from .vocab import Vocab

if TYPE_CHECKING:
    from .network import JointTagger

WEIGHTS, CONFIG, METRICS = "weights.safetensors", "config.json", "metrics.json"


class ArtifactError(RuntimeError):
    """The artifact is missing, corrupt or inconsistent."""


@dataclass
class Artifact:
    model: JointTagger | None  # None when loaded for serving from the ONNX graphs alone
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
    glove: Vocab | None = None  # words with a pretrained vector (model.lexicon), when configured
    gazetteer: Gazetteer | None = None  # place names (model.lexicon), when configured
    crf: dict = field(default_factory=dict)  # "tag_crf.transitions" etc. as numpy arrays, for a CRF output layer

    @property
    def config(self) -> TaggerConfig:
        return self.model.config if self.model is not None else self._config


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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
        config = {
            "name": artifact.name,
            "weights_sha256": digest,
            "model": artifact.model.config.to_dict(),
            "words": artifact.words.items,
            "chars": artifact.chars.items if artifact.chars else None,
            "tags": artifact.tags,
            "intents": artifact.intents,
            "frame_tags": artifact.frame_tags,
            "glove_words": artifact.glove.items if artifact.glove else None,
            "gazetteer": artifact.gazetteer.names if artifact.gazetteer else None,
            "meta": artifact.meta,
        }
        if graphs:
            for name, graph in graphs.items():
                (tmp / f"{name}.onnx").write_bytes(graph)
            config["onnx"] = {"from_weights_sha256": digest,
                              "files": {f"{n}.onnx": sha256_file(tmp / f"{n}.onnx") for n in graphs}}
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


def _read_graphs(art_dir: Path, cfg: dict, weights_digest: str) -> dict[str, bytes]:
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


def load(art_dir: str | Path, network: bool = True) -> Artifact:
    """Load and verify an artifact directory; raises :class:`ArtifactError`.

    ``network=False``: when the artifact carries its ONNX graphs, return them instead of the PyTorch
    network (``model`` is None; PyTorch is not imported).
    """
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
    graphs = _read_graphs(art_dir, cfg, digest)
    if not network and graphs:
        return Artifact(None, words, chars, tags, intents, frame_tags, cfg.get("name", art_dir.name),
                        digest[:8], cfg.get("meta", {}), metrics, graphs, config, glove=glove, gazetteer=gazetteer,
                        crf=_crf_tensors(w_path, config))
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    from .network import JointTagger

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
    crf = {k: v.numpy() for k, v in state.items() if k.split(".")[0] in CRF_MODULES}
    return Artifact(model, words, chars, tags, intents, frame_tags, cfg.get("name", art_dir.name),
                    digest[:8], cfg.get("meta", {}), metrics, glove=glove, gazetteer=gazetteer, crf=crf)


CRF_MODULES = ("tag_crf", "frame_crf")


def _crf_tensors(w_path: Path, config: TaggerConfig) -> dict:
    """The CRF layers' scores from the weights, read with numpy (serving: no PyTorch)."""
    if config.crf == "none":
        return {}
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(w_path), framework="numpy") as f:
            return {k: f.get_tensor(k) for k in f.keys() if k.split(".")[0] in CRF_MODULES}
    except (SafetensorError, OSError, ValueError) as exc:
        raise ArtifactError(f"corrupt weights in {w_path}: {exc}") from exc


COMMITTED_DIR = Path(__file__).resolve().parent / "artifacts" / "default"


def default_dir() -> Path:
    """The committed default model (the service reads ``SLOT_MODEL_DIR`` through ``app.settings``)."""
    return COMMITTED_DIR


__all__ = ["Artifact", "ArtifactError", "save", "load", "default_dir", "sha256_file"]
