"""app.metrics_files: a dead worker's Prometheus files fold into the archive; /metrics totals do not change."""
import os
import subprocess
import sys

from conftest import ROOT

WORKER = """
from prometheus_client import Counter, Histogram
c = Counter("demo_requests", "requests", ["status"])
h = Histogram("demo_latency_seconds", "latency")
for _ in range({n}):
    c.labels("200").inc()
    h.observe(0.01)
"""

TOTALS = """
from prometheus_client import CollectorRegistry, multiprocess
r = CollectorRegistry()
multiprocess.MultiProcessCollector(r)
for m in r.collect():
    for s in m.samples:
        if s.name in ("demo_requests_total", "demo_latency_seconds_count"):
            print(s.name, s.value)
"""


def run(code: str, path: str) -> str:
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=path)
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout


def test_dead_workers_files_fold_into_the_archive(tmp_path):
    from app.metrics_files import archive_dead

    path = str(tmp_path)
    pids = []
    for n in (3, 4, 5):  # three workers, each gone after its requests
        env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=path)
        proc = subprocess.Popen([sys.executable, "-c", WORKER.format(n=n)], env=env, cwd=ROOT)
        proc.wait()
        pids.append(proc.pid)
    before = run(TOTALS, path)
    assert "demo_requests_total 12.0" in before and "demo_latency_seconds_count 12.0" in before
    for pid in pids:
        archive_dead(pid, path)
    assert sorted(os.listdir(path)) == ["counter_archive.db", "histogram_archive.db"]
    assert sorted(run(TOTALS, path).splitlines()) == sorted(before.splitlines())
