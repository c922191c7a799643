"""A span's confidence as the probability that it is exactly right: a monotone map from the raw confidence
(the least confident token's probability), per kind of slot (place, time), fitted on held-out dialogues by
``python -m model.calibration`` and stored in the artifact as ``calibration.json``.

The file is JSON (never unpickled) and names the model version it was fitted for; a map for another model is
not applied (the raw confidence is answered, as without a file).
"""
from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from pathlib import Path

CALIBRATION = "calibration.json"


def fit(obs: list[tuple[float, bool]]) -> list[tuple[float, float]]:
    """Isotonic regression (pool adjacent violators): ``(raw upper bound, share right)`` steps, increasing; a
    raw confidence above the last bound takes the last step."""
    blocks: list[list[float]] = []  # [sum right, count, highest raw]
    for raw, right in sorted(obs):
        blocks.append([float(right), 1.0, raw])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            y, n, hi = blocks.pop()
            blocks[-1][0] += y
            blocks[-1][1] += n
            blocks[-1][2] = hi
    return [(hi, round((y + 0.5) / (n + 1), 4)) for y, n, hi in blocks]  # a half-count prior: no step at 0 or 1


@dataclass
class Calibration:
    steps: dict[str, list[tuple[float, float]]]  # kind -> isotonic steps
    model_version: str

    def apply(self, kind: str, raw: float) -> float:
        steps = self.steps.get(kind)
        if not steps:
            return raw
        i = bisect.bisect_left([hi for hi, _ in steps], raw)
        return steps[min(i, len(steps) - 1)][1]

    def to_json(self) -> dict:
        return {"model_version": self.model_version, "steps": {k: [list(s) for s in v] for k, v in self.steps.items()}}

    @classmethod
    def read(cls, art_dir: Path, version: str) -> "Calibration | None":
        """The artifact's calibration for this model version, or None (none, or fitted for another model)."""
        path = Path(art_dir) / CALIBRATION
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("model_version") != version:
            return None
        return cls({k: [(float(a), float(b)) for a, b in v] for k, v in data["steps"].items()}, version)
