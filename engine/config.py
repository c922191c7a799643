"""The tagger's architecture settings: plain data, importable without PyTorch (serving needs it alone)."""
from __future__ import annotations

from dataclasses import asdict, dataclass

CELLS = ("elman", "jordan", "lstm", "gru")
CRF_HEADS = ("none", "frame", "both")


@dataclass
class TaggerConfig:
    vocab_size: int
    n_tags: int
    n_intents: int
    n_chars: int = 0  # 0 disables the character CNN
    cell: str = "lstm"
    layers: int = 1
    bidirectional: bool = True
    emb_dim: int = 100
    char_dim: int = 32
    char_filters: int = 64
    char_width: int = 3
    hidden: int = 200  # per direction
    dropout: float = 0.5
    n_frame_tags: int = 0  # 0: no frame head (see model card for its use)
    n_shapes: int = 0  # 0: no casing feature; else the size of tokenizer.SHAPES
    shape_dim: int = 8
    context: int = 0  # word-context window: each step also sees the k words either side (Mesnil et al.)
    glove_size: int = 0  # 0: no pretrained vectors; else rows of the frozen GloVe table (model.lexicon)
    glove_dim: int = 50
    gazetteer: bool = False  # a "part of a known place name" input (model.lexicon.Gazetteer)
    gaz_dim: int = 4
    crf: str = "none"  # a CRF output layer (learned transitions, Viterbi decoding) on "frame", "both" heads or "none"

    def __post_init__(self) -> None:
        if self.cell not in CELLS:
            raise ValueError(f"cell must be one of {CELLS}, got {self.cell!r}")
        if self.layers < 1:
            raise ValueError("layers must be >= 1")
        if self.context < 0:
            raise ValueError("context must be >= 0")
        if isinstance(self.crf, bool):  # artifacts written while it was a yes/no setting (both heads)
            self.crf = "both" if self.crf else "none"
        if self.crf not in CRF_HEADS:
            raise ValueError(f"crf must be one of {CRF_HEADS}, got {self.crf!r}")

    def to_dict(self) -> dict:
        return asdict(self)
