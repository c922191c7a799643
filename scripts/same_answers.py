"""Are the /parse answers byte-identical between two checkouts? (The check of a behaviour-neutral change.)

    python scripts/same_answers.py --data ../shared/data --before REV [--model DIR] [--model-before DIR]

Sends every ATIS test utterance and every SGD-travel dev turn through ``POST /parse`` of the app
in this checkout and in a ``git worktree`` of ``REV`` (both serving ``--model``, default the
committed model of this checkout, with one fixed ``reference_time``), and compares the answers'
bytes. Prints the number of texts and of differing answers (the first few shown); exit status 1
when any differ. ``--root DIR --out FILE`` writes one checkout's answers (what each side runs).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
REFERENCE = "2026-11-25T09:00:00-05:00"


def texts(data: Path) -> list[str]:
    atis = (data / "atis" / "test" / "seq.in").read_text(encoding="utf-8").splitlines()
    sgd = [json.loads(line)["text"] for line in (data / "sgd-travel" / "dev.jsonl").read_text(encoding="utf-8").splitlines()]
    return atis + sgd


def write_answers(root: Path, data: Path, model: Path, out: Path) -> None:
    """One checkout's answers, one JSON body per line (run with that checkout first on sys.path)."""
    sys.path.insert(0, str(root))
    from app import create_app  # the checkout under test

    client = create_app(model_dir=model, config={"ACCESS_LOG": False}).test_client()
    with open(out, "wb") as f:
        for text in texts(data):
            r = client.post("/parse", json={"text": text, "reference_time": REFERENCE})
            f.write(r.get_data().rstrip(b"\n") + b"\n")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--before", help="git revision to compare this checkout with")
    p.add_argument("--model", type=Path, default=HERE / "model" / "artifacts" / "default")
    p.add_argument("--model-before", type=Path, help="what REV serves instead of --model (e.g. the same weights "
                   "exported by REV's code: a copy of the artifact as REV has it)")
    p.add_argument("--root", type=Path, help="(one side) the checkout to run")
    p.add_argument("--out", type=Path, help="(one side) where to write its answers")
    args = p.parse_args()
    if args.root:
        write_answers(args.root.resolve(), args.data.resolve(), args.model.resolve(), args.out)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        before = tmp / "before"
        subprocess.run(["git", "worktree", "add", "--detach", str(before), args.before], cwd=HERE, check=True,
                       capture_output=True)
        try:
            for side, root, model in (("before", before, args.model_before or args.model), ("after", HERE, args.model)):
                subprocess.run([sys.executable, __file__, "--data", str(args.data), "--model", str(model),
                                "--root", str(root), "--out", str(tmp / f"{side}.jsonl")], check=True)
            a = (tmp / "before.jsonl").read_bytes().splitlines()
            b = (tmp / "after.jsonl").read_bytes().splitlines()
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=HERE, capture_output=True)
    diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    print(f"{len(a)} texts through POST /parse, {args.before} vs this checkout: {len(diff)} answers differ"
          + ("" if len(a) == len(b) else f" (and {len(a)} vs {len(b)} answers)"))
    for i in diff[:5]:
        print(f"  before: {a[i][:300]!r}\n  after:  {b[i][:300]!r}")
    return int(bool(diff) or len(a) != len(b))


if __name__ == "__main__":
    sys.exit(main())
