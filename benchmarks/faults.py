"""Load and fault scenarios against the shipped gunicorn configuration on loopback.

    python -m benchmarks.faults [--seconds 20] [--clients 8]

Starts exactly the image's command (``gunicorn -c app/gunicorn.conf.py app.wsgi:app``)
on a free loopback port with two workers and runs, each bounded in time:

1. steady load;
2. ``kill -9`` of one worker mid-run: the master must replace it and the service keep
   answering, losing at most the requests in flight on that worker;
3. ``SIGTERM`` to the master mid-run: in-flight requests complete, new connections are
   refused, and the master exits within the graceful timeout.

For each scenario it reports requests sent, answered (200), failed (any other outcome
while the server should be up) and refused (connection refused after shutdown began).
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TEXTS = ["leave Taipei on November 2nd", "i want to fly from baltimore to dallas round trip",
         "I'm leaving on the 11th from Portland, OR to Seattle, WA.", "fly from boston to denver tomorrow morning"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int = 2, graceful: int = 10, target: str = "app.wsgi:app",
                 poll: float = 0.1, extra_env: dict | None = None) -> subprocess.Popen:
    """The shipped gunicorn configuration serving ``target`` on ``port``, once /readyz answers 200."""
    env = dict(os.environ, **(extra_env or {}), SLOT_BIND=f"127.0.0.1:{port}", SLOT_WORKERS=str(workers),
               SLOT_GRACEFUL_TIMEOUT=str(graceful), SLOT_LOG_LEVEL="warning")
    proc = subprocess.Popen([str(BIN / "gunicorn"), "-c", "app/gunicorn.conf.py", target], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    with requests.Session() as http:
        while time.monotonic() < deadline:
            try:
                if http.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    return proc
            except (requests.ConnectionError, requests.Timeout):  # not listening, or not answering yet
                time.sleep(poll)
    proc.kill()
    raise RuntimeError("server did not become ready")


@contextmanager
def running_server(workers: int = 2, graceful: int = 10, target: str = "app.wsgi:app"):
    """A started server and its port; stopped (SIGTERM to its process group) on the way out."""
    port = free_port()
    proc = start_server(port, workers, graceful, target)
    try:
        yield proc, port
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=graceful + 30)


def workers_of(master: int) -> list[int]:
    path = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


class Load:
    """Client threads posting /parse until stopped; counts outcomes."""

    def __init__(self, port: int, clients: int):
        self.url = f"http://127.0.0.1:{port}/parse"
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.counts = {"sent": 0, "answered": 0, "failed": 0, "refused": 0}
        self.shutting_down = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(clients)]

    def _count(self, key: str) -> None:
        with self.lock:
            self.counts[key] += 1

    def _run(self, i: int) -> None:
        session = requests.Session()
        n = 0
        while not self.stop.is_set():
            n += 1
            self._count("sent")
            try:
                r = session.post(self.url, json={"text": TEXTS[(i + n) % len(TEXTS)]}, timeout=10)
                self._count("answered" if r.status_code == 200 else "failed")
            except requests.ConnectionError:
                self._count("refused" if self.shutting_down.is_set() else "failed")
                session = requests.Session()
                if self.shutting_down.is_set():
                    time.sleep(0.05)
            except requests.RequestException:
                self._count("failed")

    def __enter__(self) -> "Load":
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=15)


def steady(seconds: float, clients: int) -> dict:
    with running_server() as (_, port), Load(port, clients) as load:
        time.sleep(seconds)
    return dict(load.counts)


def kill_worker(seconds: float, clients: int) -> dict:
    with running_server() as (proc, port):
        with Load(port, clients) as load:
            time.sleep(seconds / 2)
            before = workers_of(proc.pid)
            os.kill(before[0], signal.SIGKILL)
            time.sleep(seconds / 2)
        after = workers_of(proc.pid)
        ok = requests.post(f"http://127.0.0.1:{port}/parse", json={"text": "fly to boston"}, timeout=10).ok
    return dict(load.counts, workers_before=len(before), workers_after=len(after),
                replaced=before[0] not in after and len(after) == len(before), answering_after=ok)


def sigterm_master(seconds: float, clients: int, graceful: int = 10) -> dict:
    with running_server(graceful=graceful) as (proc, port), Load(port, clients) as load:
        time.sleep(seconds / 2)
        load.shutting_down.set()
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=graceful + 30)
        exit_s = time.monotonic() - t0
        time.sleep(min(1.0, seconds / 2))
    return dict(load.counts, exit_code=proc.returncode, exit_seconds=round(exit_s, 2), graceful_timeout=graceful)


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--clients", type=int, default=8)
    args = p.parse_args(argv)
    results = {"steady": steady(args.seconds, args.clients),
               "kill -9 one worker": kill_worker(args.seconds, args.clients),
               "SIGTERM master": sigterm_master(args.seconds, args.clients)}
    for name, r in results.items():
        print(f"{name:<20} " + "  ".join(f"{k}={v}" for k, v in r.items()))
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
