"""Slow clients against the service: does a normal request still get answered?

    python -m benchmarks.slowclients [--url http://127.0.0.1:8000] [--slow 64] [--seconds 60]
    python -m benchmarks.slowclients --start sync   # start the image's command with that worker class

``--slow`` connections each send a request's headers one byte a second (never finishing them);
meanwhile one normal client posts a /parse every half second and the timeline of its latencies is
printed (and the worst). With ``--start WORKER_CLASS`` the image's command (gunicorn,
app/gunicorn.conf.py, 2 workers) is started on a free port for the run and stopped after it.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADERS = b"POST /parse HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 30\r\n" + b"X-Pad: " + b"a" * 200


def dribble(host: str, port: int, stop: threading.Event) -> None:
    """One slow client: a byte a second, reconnecting when the server drops it."""
    while not stop.is_set():
        try:
            with socket.create_connection((host, port), timeout=5) as s:
                for b in HEADERS:
                    if stop.is_set():
                        return
                    s.sendall(bytes([b]))
                    stop.wait(1.0)
        except OSError:
            stop.wait(0.5)


def probe(url: str, stop: threading.Event, out: list[tuple[float, float, int]], t0: float) -> None:
    body = json.dumps({"text": "fly from boston to denver tomorrow"}).encode()
    while not stop.is_set():
        start = time.monotonic()
        try:
            req = urllib.request.Request(url + "/parse", body, {"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=40) as res:
                status = res.status
        except Exception:  # noqa: BLE001 - a refused or timed-out probe is a data point
            status = 0
        out.append((start - t0, time.monotonic() - start, status))
        stop.wait(max(0.0, 0.5 - (time.monotonic() - start)))


def start_server(worker_class: str) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, SLOT_BIND=f"127.0.0.1:{port}", SLOT_WORKERS="2", SLOT_WORKER_CLASS=worker_class)
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "app/gunicorn.conf.py", "app.wsgi:app"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=1):
                break
        except OSError:
            time.sleep(0.25)
    time.sleep(2)  # workers warmed up
    return proc, url


def run(url: str, slow: int, seconds: int) -> dict:
    host, port = url.split("//")[1].split(":")
    stop = threading.Event()
    t0 = time.monotonic()
    samples: list[tuple[float, float, int]] = []
    threads = [threading.Thread(target=dribble, args=(host, int(port), stop), daemon=True) for _ in range(slow)]
    threads.append(threading.Thread(target=probe, args=(url, stop, samples, t0), daemon=True))
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(45)
    lat = [s[1] for s in samples]
    return {"slow_clients": slow, "seconds": seconds, "probes": len(samples),
            "failed": sum(1 for s in samples if s[2] != 200), "worst_s": round(max(lat), 3) if lat else None,
            "over_1s": sum(1 for x in lat if x >= 1.0),
            "timeline": [(round(a, 1), round(b, 3), c) for a, b, c in samples]}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default="http://127.0.0.1:8000")
    p.add_argument("--start", choices=["gevent", "gthread", "sync"], default=None)
    p.add_argument("--slow", type=int, default=64)
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--timeline", action="store_true", help="print every probe")
    args = p.parse_args(argv)
    proc = None
    if args.start:
        proc, args.url = start_server(args.start)
    try:
        res = run(args.url, args.slow, args.seconds)
    finally:
        if proc:
            proc.terminate()
            proc.wait(30)
    res["worker_class"] = args.start or "as running"
    timeline = res.pop("timeline")
    print(json.dumps(res))
    if args.timeline:
        for at, took, status in timeline:
            print(f"  t={at:6.1f}s  {took:7.3f}s  {status}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
