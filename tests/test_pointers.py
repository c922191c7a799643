"""Nothing stale: every module, file and name the docs, docstrings, comments and requirements files point at
exists. Pointers are what is written in backticks (``engine.frame.build_frame``, `app/worker.py`) in the
README, docs/, the model card, requirements comments and the project's own docstrings and comments."""
import ast
import importlib
import io
import re
import tokenize
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGES = ("engine", "app", "model", "benchmarks", "scripts", "tests", "deploy", "docs")
POINTER = re.compile(r"`{1,2}((?:%s)[./][\w./-]*[\w])(?:\(\))?`{1,2}" % "|".join(PACKAGES))
SOURCES = ("engine", "app", "model", "benchmarks", "scripts", "tests")


def prose(path: Path) -> str:
    """What a file says in words: all of a Markdown or requirements file; a Python file's docstrings and comments."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        return text
    parts = [ast.get_docstring(n, clean=False) or "" for n in ast.walk(ast.parse(text))
             if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))]
    parts += [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.COMMENT]
    return "\n".join(parts)


def documents() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "model" / "MODEL_CARD.md", *ROOT.glob("requirements*.txt"), *ROOT.glob("docs/*.md")]
    for pkg in SOURCES:
        files += [p for p in (ROOT / pkg).rglob("*.py") if ".venv" not in p.parts]
    return files


def exists(pointer: str) -> bool:
    if re.search(r"[A-Z]{3,}", pointer):
        return True  # a placeholder ("model/recipes/NAME.json", "DIR")
    if "/" in pointer:
        return (ROOT / pointer).exists()
    parts = pointer.split(".")
    for cut in range(len(parts), 0, -1):  # the longest importable module, then attributes of it
        name = ".".join(parts[:cut])
        try:
            obj = importlib.import_module(name)
        except ImportError:
            continue
        for attr in parts[cut:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


POINTERS = sorted({(str(path.relative_to(ROOT)), m.group(1)) for path in documents()
                   for m in POINTER.finditer(prose(path))})


def test_pointers_are_found():
    assert len(POINTERS) > 100


@pytest.mark.parametrize("where,pointer", POINTERS, ids=[f"{w}:{p}" for w, p in POINTERS])
def test_every_pointer_exists(where, pointer):
    assert exists(pointer), f"{where} points at {pointer}, which does not exist"
