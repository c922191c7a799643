"""Short form of benchmarks/faults.py: the shipped gunicorn setup under load, a killed worker,
and a graceful shutdown."""
import pytest

from benchmarks import faults

pytestmark = pytest.mark.slow  # trains, starts servers or scores whole sets: not in the fast lane

CLIENTS = 4


def test_steady_load_answers_everything():
    r = faults.steady(2.0, CLIENTS)
    assert r["sent"] > 0 and r["failed"] == 0 and r["answered"] == r["sent"]


def test_killed_worker_is_replaced_and_service_keeps_answering():
    r = faults.kill_worker(4.0, CLIENTS)
    assert r["replaced"] and r["answering_after"]
    assert r["failed"] <= CLIENTS  # at most the requests in flight on the killed worker
    assert r["answered"] >= r["sent"] - CLIENTS


def test_sigterm_drains_and_exits_within_grace():
    r = faults.sigterm_master(3.0, CLIENTS, graceful=10)
    assert r["exit_code"] == 0 and r["exit_seconds"] <= r["graceful_timeout"]
    assert r["failed"] == 0  # before shutdown every request was answered; after it, refused
    assert r["answered"] + r["refused"] == r["sent"]
