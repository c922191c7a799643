"""Performance suite: in-process inference, HTTP against its own ceiling, start-up, memory.

    scripts/bench.sh                      # installs wrk if missing, then runs this
    python -m benchmarks.perf --data ../shared/data [--seconds 10] [--repeats 3]

1. In-process, one thread: single-utterance ``Predictor.predict`` latency
   p50/p99 over the ATIS test utterances, batch throughput at batch sizes 1, 8,
   64 and 256, and model load time — for the PyTorch reference and the ONNX
   Runtime path the service uses, side by side.
2. Start-up: from launching the image's command (``gunicorn -c
   app/gunicorn.conf.py app.wsgi:app``) to ``/readyz`` answering 200.
3. HTTP: ``wrk`` posting the ATIS test utterances to ``/parse`` at 1, 4, 16 and 64
   connections, against the service (ONNX and PyTorch backends) and, in the
   same run and the same gunicorn configuration, an empty Flask endpoint that
   parses the same JSON body (``benchmarks/ceiling.py``). Runs alternate
   between the servers; figures are medians over ``--repeats``. Reports
   ``/parse`` ÷ ceiling. Also served the same way: the service with sync workers and no batching
   (the previous configuration) and the CRF peer (``benchmarks/crf_server.py``). A throughput-latency
   plot is written beside ``--out`` (``.png``), and the batchers' utterances per network call.
4. Memory: RSS and PSS of the gunicorn master and workers after warm-up and
   after ``--requests`` more requests.

Prints a table and writes everything to ``--out`` as JSON.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch is imported
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from .faults import ROOT, free_port, start_server, workers_of  # noqa: E402

CONNECTIONS = (1, 4, 16, 64)
BATCH_SIZES = (1, 8, 64, 256)
SERVERS = {  # name -> (gunicorn target, extra environment); all under the image's gunicorn command
    "ceiling": ("benchmarks.ceiling:app", {}),
    "parse (onnx)": ("app.wsgi:app", {"SLOT_BACKEND": "onnx"}),
    "parse (onnx-int8)": ("app.wsgi:app", {"SLOT_BACKEND": "onnx-int8"}),
    "parse (sync, no batching)": ("app.wsgi:app", {"SLOT_BACKEND": "onnx", "SLOT_WORKER_CLASS": "sync"}),
    "crf peer": ("benchmarks.crf_server:app", {}),
}

LUA = r"""
local bodies = {%(bodies)s}
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i %% #bodies + 1
  return wrk.format(nil, "/parse", nil, bodies[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, '
    .. '"non_2xx": %%d, "socket_errors": %%d}\n', summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data",
                   help="corpus root holding atis/test (falls back to the test fixtures)")
    p.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--requests", type=int, default=100_000, help="requests between the two memory readings")
    p.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "perf.json")
    p.add_argument("--skip-http", action="store_true", help="in-process figures only")
    p.add_argument("--model", type=Path, default=None,
                   help="artifact directory to measure (default: the committed default model)")
    return p.parse_args(argv)


def test_texts(data: Path) -> tuple[list[str], str]:
    from model.data import read_atis

    for d in (data / "atis" / "test", data / "test"):
        if (d / "seq.in").is_file():
            return [e.text for e in read_atis(d)], str(d)
    d = ROOT / "tests" / "fixtures" / "data" / "atis" / "test"
    print(f"warning: no ATIS test split under {data}; using the {d} fixture", file=sys.stderr)
    return [e.text for e in read_atis(d)], str(d)


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(xs, q))


# --------------------------------------------------------------------------- in-process


def in_process(texts: list[str], model_dir: Path) -> dict:
    import torch

    from model.research.compare import predict_latencies_ms

    from .versus import batch_rate
    from model.torch_backend import BACKENDS, predictor as load_predictor

    torch.set_num_threads(1)
    out = {}
    for backend in BACKENDS:
        t0 = time.perf_counter()
        predictor = load_predictor(model_dir, backend)  # ONNX backends as the service loads them
        load_s = time.perf_counter() - t0
        single = predict_latencies_ms(predictor, texts, warm=50)
        batch = {bs: batch_rate(predictor, texts, bs) for bs in BATCH_SIZES}
        out[backend] = {"load_seconds": load_s, "single_p50_ms": pct(single, 50), "single_p99_ms": pct(single, 99),
                        "batch_utterances_per_s": batch}
    return out


# --------------------------------------------------------------------------- start-up, HTTP, memory


def start_to_ready(repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        port = free_port()
        t0 = time.perf_counter()
        proc = start_server(port, poll=0.02)
        times.append(time.perf_counter() - t0)
        stop(proc)
    return times


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


def write_lua(texts: list[str], path: Path) -> Path:
    bodies = ",\n".join("[==[" + json.dumps({"text": t}) + "]==]" for t in texts)
    path.write_text(LUA % {"bodies": bodies})
    return path


def wrk(port: int, connections: int, seconds: int, script: Path) -> dict:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
           f"http://127.0.0.1:{port}"]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    line = next(ln for ln in res.stdout.splitlines() if ln.startswith("RESULT "))
    r = json.loads(line[len("RESULT "):])
    r["requests_per_s"] = r["requests"] / (r["duration_us"] / 1e6)
    return r


def memory(master: int) -> dict:
    def read(pid: int) -> dict:
        fields = {}
        for ln in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            k, v = ln.split(":")
            if k in ("Rss", "Pss"):
                fields[k.lower() + "_mib"] = int(v.split()[0]) / 1024
        return fields
    return {"master": read(master), "workers": {w: read(w) for w in workers_of(master)}}


def train_crf(data: Path, tmp: Path) -> Path | None:
    """The CRF peer's model (SGD-travel train frame tags, typed-word features), or None without the corpus."""
    from model.crf_baseline import CRFTagger
    from model.data import read_sgd, sgd_path

    train = sgd_path(data, "train")
    if not train.is_file():
        print("  no SGD-travel train: the CRF peer is not served", file=sys.stderr)
        return None
    examples = read_sgd(train)
    for e in examples:
        e.frame_tags = e.tags
    crf = CRFTagger().fit(examples, attr="frame_tags", surface=True)
    shutil.copy(crf.path, tmp / "crf.model")
    return tmp / "crf.model"


def batching(port: int) -> dict:
    """The service's batch counters from /metrics: network calls and the utterances they carried."""
    import requests

    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    get = lambda name: sum(float(ln.rsplit(" ", 1)[1]) for ln in text.splitlines() if ln.startswith(name + " "))  # noqa: E731
    return {"calls": get("slot_inference_batches_total"), "texts": get("slot_inference_batched_texts_total")}


def plot(summary: dict, path: Path) -> None:
    """Throughput against p99 latency per server, one point per connection count."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, per_c in summary.items():
        cs = sorted(per_c, key=int)
        xs = [per_c[c]["requests_per_s"] for c in cs]
        ys = [per_c[c]["p99_ms"] for c in cs]
        ax.plot(xs, ys, marker="o", label=name)
        for c, x, y in zip(cs, xs, ys):
            ax.annotate(str(c), (x, y), textcoords="offset points", xytext=(3, 3), fontsize=7)
    ax.set_xlabel("requests/s (wrk, median of runs)")
    ax.set_ylabel("p99 latency (ms, log)")
    ax.set_yscale("log")
    ax.set_title("POST /parse under 1/4/16/64 connections (labels), 2 gunicorn workers")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def http(texts: list[str], seconds: int, repeats: int, n_requests: int, data: Path = Path("")) -> dict:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run scripts/bench.sh (installs it), or apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="perf-"))
    script = write_lua(texts, tmp / "parse.lua")
    servers = {}
    crf_model = train_crf(data, tmp)
    try:
        for name, (target, env) in SERVERS.items():
            if name == "crf peer":
                if crf_model is None:
                    continue
                env = {**env, "CRF_MODEL": str(crf_model)}
            port = free_port()
            servers[name] = (start_server(port, target=target, extra_env=env), port)
        for name, (_, port) in servers.items():  # warm-up: every worker has answered, lazily built state exists
            wrk(port, 16, 2, script)
        runs: dict = {name: {c: [] for c in CONNECTIONS} for name in servers}
        for r in range(repeats):
            for c in CONNECTIONS:
                for name, (_, port) in servers.items():  # interleaved, so drift hits all alike
                    runs[name][c].append(wrk(port, c, seconds, script))
                    print(f"  repeat {r + 1} c={c} {name}: {runs[name][c][-1]['requests_per_s']:.0f} req/s",
                          file=sys.stderr)
        batch_counts = {name: batching(port) for name, (_, port) in servers.items() if name.startswith("parse")}
        for name in [n for n in servers if n != "parse (onnx)"]:
            stop(servers.pop(name)[0])
        proc, port = servers["parse (onnx)"]
        before = memory(proc.pid)
        t0, done, non_2xx = time.perf_counter(), 0, 0
        rate = statistics.median(x["requests_per_s"] for x in runs["parse (onnx)"][16])
        while done < n_requests:  # wrk runs for a duration: size each run from the measured rate
            r = wrk(port, 16, max(2, int((n_requests - done) / rate * 1.05) + 1), script)
            done, non_2xx = done + r["requests"], non_2xx + r["non_2xx"] + r["socket_errors"]
        after = memory(proc.pid)
        mem = {"after_warm_up": before, "after_requests": after, "requests": done,
               "seconds": time.perf_counter() - t0, "non_2xx": non_2xx,
               "same_workers": sorted(before["workers"]) == sorted(after["workers"])}
    finally:
        for proc, _ in servers.values():
            stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)
    summary = {name: {c: {"requests_per_s": statistics.median(x["requests_per_s"] for x in rs),
                          "p50_ms": statistics.median(x["p50_us"] for x in rs) / 1000,
                          "p99_ms": statistics.median(x["p99_us"] for x in rs) / 1000,
                          "non_2xx": sum(x["non_2xx"] for x in rs), "socket_errors": sum(x["socket_errors"] for x in rs),
                          "runs_requests_per_s": [x["requests_per_s"] for x in rs]}
                      for c, rs in per_c.items()} for name, per_c in runs.items()}
    return {"servers": summary, "memory": mem, "batching": batch_counts}


# --------------------------------------------------------------------------- report


def report(res: dict) -> str:
    lines = [f"machine: {res['machine']['cpu']}, {res['machine']['cpus']} CPUs; data: {res['data']}",
             f"model: {res.get('model', 'default')}", "",
             "In-process, one thread, backend: " + "  ".join(f"{b:>10}" for b in res["in_process"])]
    ip = res["in_process"]
    for key, label in (("load_seconds", "model load (s)"), ("single_p50_ms", "single predict p50 (ms)"),
                       ("single_p99_ms", "single predict p99 (ms)")):
        lines.append(f"  {label:<31}" + "  ".join(f"{m[key]:10.3f}" for m in ip.values()))
    for bs in BATCH_SIZES:
        lines.append(f"  {f'batch {bs} (utterances/s)':<31}"
                     + "  ".join(f"{m['batch_utterances_per_s'][str(bs)]:10.0f}" for m in ip.values()))
    if "start_to_ready_s" in res:
        s = res["start_to_ready_s"]
        lines += ["", f"Start to /readyz 200: median {statistics.median(s):.2f} s (runs: "
                  + ", ".join(f"{x:.2f}" for x in s) + ")"]
    if "http" in res:
        srv = res["http"]["servers"]
        lines += ["", "HTTP /parse (wrk, medians)       conns   req/s   p50 ms   p99 ms   ÷ ceiling   errors"]
        for name, per_c in srv.items():
            for c, m in per_c.items():
                ratio = m["requests_per_s"] / srv["ceiling"][c]["requests_per_s"]
                lines.append(f"  {name:<30} {c:>5} {m['requests_per_s']:7.0f} {m['p50_ms']:8.2f} {m['p99_ms']:8.2f}"
                             f"   {ratio:8.2f}   {m['non_2xx'] + m['socket_errors']}")
        for name, b in res["http"].get("batching", {}).items():
            if b["calls"]:
                lines.append(f"  {name}: {b['texts'] / b['calls']:.2f} utterances per network call over the run")
        mem = res["http"]["memory"]
        lines += ["", f"Memory, parse (onnx), MiB          after warm-up    after {mem['requests']:,} requests"]
        for who in ["master"] + [f"worker {w}" for w in mem["after_warm_up"]["workers"]]:
            get = (lambda m: m["master"]) if who == "master" else (lambda m, w=who.split()[1]: m["workers"].get(w))
            b, a = get(mem["after_warm_up"]), get(mem["after_requests"]) or {"rss_mib": float("nan"),
                                                                              "pss_mib": float("nan")}
            lines.append(f"  {who:<16} RSS / PSS    {b['rss_mib']:7.1f} / {b['pss_mib']:6.1f}    "
                         f"{a['rss_mib']:7.1f} / {a['pss_mib']:6.1f}")
        lines.append(f"  same worker processes throughout: {mem['same_workers']}; non-2xx: {mem['non_2xx']}")
    return "\n".join(lines)


def machine() -> dict:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    return {"cpu": cpu, "cpus": os.cpu_count(), "python": platform.python_version()}


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    texts, source = test_texts(args.data)
    res = {"machine": machine(), "data": source, "utterances": len(texts),
           "command": "python -m benchmarks.perf " + " ".join(argv if argv is not None else sys.argv[1:])}
    print("in-process ...", file=sys.stderr)
    from model.artifact import default_dir

    model_dir = (args.model or default_dir()).resolve()
    res["model"] = str(model_dir)
    if args.model is not None:
        os.environ["SLOT_MODEL_DIR"] = str(model_dir)  # the servers started below inherit it
    res["in_process"] = in_process(texts, model_dir)
    if not args.skip_http:
        print("start-up ...", file=sys.stderr)
        res["start_to_ready_s"] = start_to_ready(args.repeats)
        print("HTTP ...", file=sys.stderr)
        res["http"] = http(texts, args.seconds, args.repeats, args.requests, args.data)
        plot(res["http"]["servers"], args.out.with_suffix(".png"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2) + "\n")
    print(report(json.loads(json.dumps(res))))  # the report reads what was written (JSON keys are strings)
    print(f"\nwrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
