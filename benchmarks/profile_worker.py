"""Where a /parse request's time goes: py-spy on one gunicorn worker under wrk load.

    python -m benchmarks.profile_worker [--backend onnx|onnx-int8|torch] [--seconds 10]

Starts the shipped configuration with one worker, loads it with wrk (``--connections``, the ATIS
test utterances), samples the worker with py-spy and prints the share of samples per part of
the request path. Needs wrk and py-spy (scripts/bench.sh installs wrk; py-spy is in
requirements-dev.txt) and permission to trace the worker.
"""
from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import tempfile
from pathlib import Path

from .faults import free_port, start_server, workers_of
from .perf import stop, test_texts, write_lua

# a sample counts for the innermost frame matching one of these (a stack's frames, leaf first)
PARTS = [("network (onnxruntime run)", "onnxruntime_inference_collection.py"),
         ("tokenizer", "engine/tokenizer.py"), ("decode (best path, spans)", "_labelled"),
         ("decode (best path, spans)", "_spans"), ("decode (best path, spans)", "_prediction"), ("encode inputs", "_feeds"),
         ("language check", "engine/language.py"), ("value resolution", "engine/resolve/"),
         ("frame (spans, time completion)", "engine/frame.py"), ("frame (spans, time completion)", "engine/timespans.py"),
         ("answer building", "engine/parser.py"), ("batcher hand-off", "app/batching.py"),
         ("access log + metrics", "observability.py"), ("request validation (JSON, pydantic)", "read_body"),
         ("response JSON", "jsonify"), ("response JSON", "orjson"),
         ("gunicorn / werkzeug / flask", "gunicorn/"), ("gunicorn / werkzeug / flask", "werkzeug/"),
         ("gunicorn / werkzeug / flask", "flask/"), ("gevent hub / sockets", "gevent/")]
OTHER = "other (stdlib, numpy, pydantic, ...)"


def part(stack: str) -> str:
    """The innermost frame of the request path's parts that the stack passes through (leaf first)."""
    for frame in reversed(stack.split(";")):
        for name, key in PARTS:
            if key in frame:
                return name
    return OTHER


def py_spy() -> str:
    """py-spy from this interpreter's environment (requirements-dev.txt), else from PATH."""
    local = Path(sys.executable).parent / "py-spy"
    return str(local) if local.is_file() else "py-spy"


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--backend", default="onnx")
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = p.parse_args(argv)
    texts, _ = test_texts(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        script = write_lua(texts, Path(tmp) / "parse.lua")
        raw = Path(tmp) / "samples.txt"
        port = free_port()
        proc = start_server(port, workers=1, extra_env={"SLOT_BACKEND": args.backend})
        try:
            load = subprocess.Popen(["wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds + 4}s", "-s", str(script),
                                     f"http://127.0.0.1:{port}"], stdout=subprocess.DEVNULL)
            subprocess.run([py_spy(), "record", "--pid", str(workers_of(proc.pid)[0]), "--duration",
                            str(args.seconds), "--rate", "500", "--format", "raw", "-o", str(raw), "--nonblocking"],
                           check=True, capture_output=True)
            load.wait()
        finally:
            stop(proc)
        shares, total = collections.Counter(), 0
        for line in raw.read_text(errors="replace").splitlines():
            stack, _, n = line.rpartition(" ")
            if not n.isdigit():  # a frame's text can carry a newline of the request it was serving
                continue
            total += int(n)
            shares[part(stack)] += int(n)
    print(f"backend {args.backend}: {total} samples of one busy worker")
    for name, n in shares.most_common():
        print(f"  {name:<40} {100 * n / total:5.1f}%")


if __name__ == "__main__":
    main()
