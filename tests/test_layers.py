"""The import rules between the engine, the HTTP layer and the training lab, checked by import-linter."""
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_import_contracts_are_kept():
    lint = Path(sys.executable).parent / "lint-imports"
    out = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "3 kept, 0 broken" in out.stdout


def test_the_contracts_would_catch_a_forbidden_import(tmp_path):
    """A copy of the engine with one torch import breaks the first contract (the rule is live, not vacuous)."""
    import shutil

    for pkg in ("engine", "app", "model", "benchmarks"):
        shutil.copytree(ROOT / pkg, tmp_path / pkg, ignore=shutil.ignore_patterns("artifacts", "comparison", "*.onnx"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    spans = tmp_path / "engine" / "spans.py"
    spans.write_text(spans.read_text() + "\nimport torch  # noqa\n")
    lint = Path(sys.executable).parent / "lint-imports"
    out = subprocess.run([str(lint)], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert out.returncode != 0 and "engine.spans -> torch" in out.stdout
