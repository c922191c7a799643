"""The service probed as an attacker would, on loopback, against the image's command (bare gunicorn).

    python -m benchmarks.attacks [--seconds 10] [--slow 2000] [--only nul,chained,...] [--root CHECKOUT]

Starts the image's command (gunicorn, app/gunicorn.conf.py, 2 gevent workers) on a free port (of this
checkout, or ``--root``'s: the same probes against an older revision's worktree), runs each probe and
prints one JSON line per probe:

* ``nul``: 4 clients looping a request with a NUL inside its time span; answers by status, workers
  replaced while it ran (a dead worker is replaced by the master).
* ``chained``: 8 clients sending Duckling's worst cases (chained intervals, three and four pieces, and a
  batch of 8 of them) while one normal client posts every 0.1 s: the slowest attack answer, the normal
  client's p50/p99 and share answered, 5xx.
* ``scripts``: places written in other scripts ("fly from Москва to Boston tomorrow", Greek, Han, Hebrew,
  Arabic, Thai, Devanagari) on /parse and /model/parse: departures resolved to an empty city.
* ``inputs``: the inputs that answered 5xx (timezones "America", "Etc", 256 letters on every route, a
  keyed /model/parse without its key, a 20-digit Content-Length, an aborted chunked upload, UTF-16/32
  bodies, a numeric reference_time): their statuses, and whether each got an access-log line.
* ``slow_body``: ``--slow`` connections (default 2,000) each sending a body a byte a second (reconnecting
  when dropped) while a normal client posts every 0.05 s: its p50/p99/worst and failures.
* ``idle``: the same number of connections opened and left idle (reopened when closed).
* ``batches``: 32 connections posting 64-text batches back to back while the normal client runs.
* ``sigterm_warming``: a worker killed, SIGTERM to the master while the replacement warms up: seconds to exit.
* ``full_disk``: the metrics directory on a tmpfs filled up (root only), three workers replaced: the answers.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NORMAL = {"text": "fly from boston to denver tomorrow morning"}
WORST = ["fly to denver next friday at 9 pm until next friday at 9 pm until next friday at 9 pm",
         "fly to denver next friday at 9 pm until next friday at 9 pm until next friday at 9 pm until next friday",
         "fly to denver at 9:30 at 9 noon until noon dec 5 tonight at 9 afternoon",
         "to denver at 9 noon until noon dec 5 tonight at 9 afternoon at 9:30 at 9 noon until noon dec 5"]
SCRIPTS = ["fly from Москва to Boston tomorrow", "fly from Αθήνα to Boston tomorrow", "fly from 東京 to Boston tomorrow",
           "fly from תל אביב to Boston tomorrow", "fly from القاهرة to Boston tomorrow",
           "fly from กรุงเทพ to Boston tomorrow", "fly from दिल्ली to Boston tomorrow"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The image's command on a free port, its log in a file (for access-log lines and worker boots)."""

    root = ROOT  # the checkout whose command runs (--root: another one, e.g. a worktree of an older revision)

    def __init__(self, env: dict | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile("w+", prefix="slot-attacks-", suffix=".log", delete=False)
        full = dict(os.environ, SLOT_BIND=f"127.0.0.1:{self.port}", SLOT_WORKERS="2", **(env or {}))
        full.pop("PYTHONPATH", None)
        self.proc = subprocess.Popen([str(BIN / "gunicorn"), "-c", "app/gunicorn.conf.py", "app.wsgi:app"], cwd=self.root,
                                     env=full, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 90
        while self.log_text().count("Worker warmed up") < 2:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("the server did not start:\n" + self.log_text()[-3000:])
            time.sleep(0.2)

    def log_text(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def boots(self) -> int:
        return self.log_text().count("Booting worker")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        os.unlink(self.log.name)


class Normal:
    """One normal client posting /parse every ``every`` seconds until stopped: its latencies and statuses."""

    def __init__(self, url: str, every: float) -> None:
        self.url, self.every = url, every
        self.samples: list[tuple[float, int]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with requests.Session() as http:
            while not self.stop.is_set():
                t0 = time.monotonic()
                try:
                    status = http.post(self.url + "/parse", json=NORMAL, timeout=10).status_code
                except requests.RequestException:
                    status, http = 0, requests.Session()
                took = time.monotonic() - t0
                self.samples.append((took, status))
                self.stop.wait(max(0.0, self.every - took))

    def __enter__(self) -> "Normal":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(15)

    def summary(self) -> dict:
        lat = sorted(t for t, _ in self.samples)
        if not lat:
            return {"normal_requests": 0}
        return {"normal_requests": len(lat), "normal_ok": sum(1 for _, s in self.samples if s == 200),
                "normal_p50_ms": round(1000 * statistics.median(lat), 1),
                "normal_p99_ms": round(1000 * lat[min(len(lat) - 1, int(0.99 * len(lat)))], 1),
                "normal_worst_ms": round(1000 * lat[-1], 1)}


def loop(url: str, body_of, clients: int, seconds: float, path: str = "/parse") -> dict:
    """``clients`` threads posting ``body_of(i)`` back to back for ``seconds``: statuses and the slowest answer."""
    counts: dict[str, int] = {}
    worst = [0.0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run(c: int) -> None:
        http, i = requests.Session(), 0
        while time.monotonic() < stop:
            t0 = time.monotonic()
            try:
                status = str(http.post(url + path, json=body_of(c + i), timeout=35).status_code)
            except requests.RequestException as exc:
                status, http = type(exc).__name__, requests.Session()
            with lock:
                counts[status] = counts.get(status, 0) + 1
                worst[0] = max(worst[0], time.monotonic() - t0)
            i += clients

    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 40)
    return {"answers": counts, "slowest_s": round(worst[0], 3)}


def probe_nul(server: Server, seconds: float) -> dict:
    boots = server.boots()
    out = loop(server.url, lambda i: {"text": "fly to denver tomorrow\u0000morning"}, 4, seconds)
    return {**out, "workers_replaced": server.boots() - boots}


def probe_chained(server: Server, seconds: float) -> dict:
    def body(i: int) -> dict:
        return {"text": WORST[i % len(WORST)]}
    boots = server.boots()
    with Normal(server.url, 0.1) as normal:
        single = loop(server.url, body, 6, seconds)
        batch = {}
        batch_thread = threading.Thread(target=lambda: batch.update(loop(
            server.url, lambda i: {"texts": [WORST[0]] * 8}, 2, seconds, "/parse/batch")), daemon=True)
        batch_thread.start()
        batch_thread.join(seconds + 45)
    return {"single": single, "batch_of_8": batch, **normal.summary(), "workers_replaced": server.boots() - boots}


def probe_scripts(server: Server, seconds: float) -> dict:  # noqa: ARG001
    empty, resolved, answers = 0, 0, {}
    for text in SCRIPTS:
        for path in ("/parse", "/model/parse"):
            r = requests.post(server.url + path, json={"text": text}, timeout=10)
            answers[str(r.status_code)] = answers.get(str(r.status_code), 0) + 1
            body = r.json()
            values = ([body["slots"]["departure"]["value"]] if path == "/parse" and body["slots"]["departure"]
                      else [e.get("additional_info") or e.get("value") for e in body.get("entities", [])
                            if e["entity"] == "departure"])
            for v in values:
                if isinstance(v, dict):
                    empty += v.get("city") == ""
                    resolved += bool(v.get("city"))
    return {"texts": len(SCRIPTS), "answers": answers, "departure_with_empty_city": empty,
            "departure_resolved": resolved}


def raw(port: int, data: bytes, shut: bool = False, timeout: float = 10) -> int:
    """Send raw bytes, return the answer's status (0: none)."""
    got = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
        try:
            while b"\r\n" not in got and (chunk := s.recv(4096)):
                got += chunk
        except OSError:
            pass
    try:
        return int(got.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return 0


def probe_inputs(keyed: Server, seconds: float) -> dict:  # noqa: ARG001
    """Run against a server started with SLOT_API_KEY=k (the key sent where a route needs it)."""
    h = {"Authorization": "Bearer k"}
    out = {}
    for tz in ("America", "Etc", "a" * 256):
        for path, body in (("/parse", {"text": "to boston"}), ("/parse/batch", {"texts": ["to boston"]}),
                           ("/model/parse", {"text": "to boston"})):
            r = requests.post(keyed.url + path, json={**body, "timezone": tz}, headers=h, timeout=10)
            out[f"timezone {tz[:10]} {path}"] = r.status_code
    r = requests.post(keyed.url + "/model/parse", json={"text": "to boston", "timezone": "America"}, timeout=10)
    out["/model/parse, key not sent, bad timezone"] = r.status_code
    before = keyed.log_text().count('"status":400')
    out["Content-Length 18446744073709551616"] = raw(keyed.port, b"POST /parse HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k"
                                                     b"\r\nContent-Type: application/json\r\nContent-Length: "
                                                     b"18446744073709551616\r\n\r\n{}")
    out["aborted chunked upload"] = raw(keyed.port, b"POST /parse HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"
                                                    b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                    b"10\r\n{\"text\": \"to bo", shut=True)
    time.sleep(0.5)
    out["400s with an access-log line (of the two above)"] = keyed.log_text().count('"status":400') - before
    for enc in ("utf-16", "utf-32"):
        r = requests.post(keyed.url + "/parse", data=json.dumps({"text": "to boston"}).encode(enc),
                          headers={**h, "Content-Type": "application/json"}, timeout=10)
        out[f"{enc} body"] = r.status_code
    r = requests.post(keyed.url + "/parse", json={"text": "to boston", "reference_time": "1764000000"}, headers=h,
                      timeout=10)
    out["reference_time 1764000000"] = r.status_code
    out["5xx"] = sum(1 for v in out.values() if isinstance(v, int) and v >= 500)
    return out


class Holders:
    """``n`` connections driven from one thread: each sends a request's headers, then (``body``) a body a byte
    a second, or (idle) nothing, each on its own clock (independent clients, not one burst a second); a
    connection the server closes is opened again at once."""

    HEAD = (b"POST /parse HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n")

    def __init__(self, port: int, n: int, body: bool) -> None:
        self.port, self.n, self.body = port, n, body
        self.stop = threading.Event()
        self.reopened = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _open(self, sel: selectors.BaseSelector) -> None:
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", self.port))
        sel.register(s, selectors.EVENT_READ, {"sent_head": False, "next": time.monotonic() + random.random()})

    def _run(self) -> None:
        sel = selectors.DefaultSelector()
        for _ in range(self.n):
            self._open(sel)
        while not self.stop.is_set():
            for key, _ in sel.select(timeout=0.01):  # the server answered or closed: open another
                try:
                    data = key.fileobj.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    sel.unregister(key.fileobj)
                    key.fileobj.close()
                    self.reopened += 1
                    self._open(sel)
            now = time.monotonic()
            for key in list(sel.get_map().values()):  # each connection on its own one-second clock
                if now < key.data["next"]:
                    continue
                key.data["next"] = now + 1.0
                try:
                    if not key.data["sent_head"]:
                        if self.body:
                            key.fileobj.send(self.HEAD)
                        key.data["sent_head"] = True
                    elif self.body:
                        key.fileobj.send(b" ")
                except OSError:
                    pass
        for key in list(sel.get_map().values()):
            key.fileobj.close()

    def __enter__(self) -> "Holders":
        self.thread.start()
        time.sleep(3)  # all connected
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(30)


def probe_holders(server: Server, seconds: float, n: int, body: bool) -> dict:
    with Holders(server.port, n, body) as holders, Normal(server.url, 0.05) as normal:
        time.sleep(seconds)
    return {"connections": n, "reopened_by_server_close": holders.reopened, **normal.summary()}


def probe_batches(server: Server, seconds: float) -> dict:
    with Normal(server.url, 0.05) as normal:
        out = loop(server.url, lambda i: {"texts": [f"fly from boston to denver on june {i % 28 + 1}"] * 64}, 32,
                   seconds, "/parse/batch")
    return {"batch_answers": out["answers"], **normal.summary()}


def probe_full_disk(seconds: float) -> dict:  # noqa: ARG001
    """The metrics directory on a 16 MiB tmpfs (mounted here: needs root), filled once the server is up; three
    workers killed (their replacements and the master's archives need new files), then 50 requests."""
    mount = Path(tempfile.mkdtemp(prefix="slot-full-"))
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], capture_output=True).returncode:
        mount.rmdir()
        return {"skipped": "cannot mount a tmpfs (not root)"}
    try:
        server = Server({"TMPDIR": str(mount)})
        try:
            with open(mount / "fill", "wb") as f:
                try:
                    while True:
                        f.write(b"\0" * (1 << 20))
                        f.flush()
                except OSError:
                    pass
            for _ in range(3):
                workers = Path(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children").read_text().split()
                boots = server.boots()
                os.kill(int(workers[0]), signal.SIGKILL)
                while server.boots() == boots or server.log_text().count("Worker warmed up") < server.boots():
                    time.sleep(0.05)
            def status(method, path, **kw) -> str:
                try:
                    return str(method(server.url + path, timeout=10, **kw).status_code)
                except requests.RequestException as exc:
                    return type(exc).__name__

            codes = [status(requests.post, "/parse", json=NORMAL) for _ in range(50)]
            metrics = status(requests.get, "/metrics")
            return {"parse": {c: codes.count(c) for c in set(codes)}, "metrics": metrics,
                    "master_alive": server.proc.poll() is None,
                    "logged": "metrics are not being recorded" in server.log_text()}
        finally:
            server.stop()
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
        mount.rmdir()


def probe_sigterm_warming(seconds: float) -> dict:  # noqa: ARG001
    server = Server()
    try:
        workers = [int(p) for p in Path(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children").read_text().split()]
        boots = server.boots()
        os.kill(workers[0], signal.SIGKILL)
        while server.boots() == boots:
            time.sleep(0.005)
        t0 = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(60)
        return {"exit_s": round(time.monotonic() - t0, 2), "exit_code": server.proc.returncode}
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--slow", type=int, default=2000)
    p.add_argument("--root", type=Path, default=ROOT, help="run the image's command of this checkout")
    p.add_argument("--only", default="nul,chained,scripts,inputs,slow_body,idle,batches,sigterm_warming,full_disk")
    args = p.parse_args(argv)
    only = args.only.split(",")
    Server.root = args.root
    probes = {
        "nul": probe_nul, "chained": probe_chained, "scripts": probe_scripts,
        "slow_body": lambda s, t: probe_holders(s, t, args.slow, True),
        "idle": lambda s, t: probe_holders(s, t, args.slow, False),
        "batches": probe_batches,
    }
    server = Server() if any(k in only for k in probes) else None
    try:
        for name, fn in probes.items():
            if name in only:
                print(json.dumps({"probe": name, **fn(server, args.seconds)}), flush=True)
    finally:
        if server:
            server.stop()
    if "inputs" in only:
        keyed = Server({"SLOT_API_KEY": "k"})
        try:
            print(json.dumps({"probe": "inputs", **probe_inputs(keyed, args.seconds)}), flush=True)
        finally:
            keyed.stop()
    if "sigterm_warming" in only:
        print(json.dumps({"probe": "sigterm_warming", **probe_sigterm_warming(args.seconds)}), flush=True)
    if "full_disk" in only:
        print(json.dumps({"probe": "full_disk", **probe_full_disk(args.seconds)}), flush=True)


if __name__ == "__main__":
    main()
