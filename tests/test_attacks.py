"""Issue 24 against the image's command (bare gunicorn, 2 gevent workers), with benchmarks.attacks' probes at a
size a test can afford (the benchmark runs them at full size: 2,000 connections, 8 clients, 10 s each)."""
import pytest

from benchmarks import attacks

pytestmark = pytest.mark.slow  # starts servers: not in the fast lane


@pytest.fixture(scope="module")
def server():
    s = attacks.Server({"SLOT_WORKER_CONNECTIONS": "60"})  # a small budget: 54 per worker, so 300 fill it
    yield s
    s.stop()


def test_a_nul_in_a_time_span_kills_no_worker(server):
    out = attacks.probe_nul(server, 3)
    assert set(out["answers"]) == {"200"} and out["workers_replaced"] == 0, out


def test_duckling_worst_cases_leave_normal_requests_answered(server):
    out = attacks.probe_chained(server, 4)
    assert out["workers_replaced"] == 0 and out["normal_ok"] == out["normal_requests"] > 0, out
    assert set(out["single"]["answers"]) == {"200"} and out["single"]["slowest_s"] < 2.0, out
    assert set(out["batch_of_8"]["answers"]) == {"200"}, out


def test_other_scripts_never_resolve_to_an_empty_city(server):
    out = attacks.probe_scripts(server, 0)
    assert out["departure_with_empty_city"] == 0 and out["answers"] == {"200": 2 * len(attacks.SCRIPTS)}, out


@pytest.mark.parametrize("body", [True, False], ids=["slow-body", "idle"])
def test_connections_held_open_leave_room_for_new_requests(server, body):
    """300 connections that never finish (a body a byte a second, or nothing) against a budget of 54 per worker:
    the worker sheds the ones waiting longest, and a normal client is answered throughout."""
    out = attacks.probe_holders(server, 5, 300, body)
    assert out["normal_requests"] > 20 and out["normal_ok"] == out["normal_requests"], out
    assert out["reopened_by_server_close"] > 0 and out["normal_worst_ms"] < 2000, out


def test_inputs_that_answered_5xx_answer_4xx_and_are_logged():
    keyed = attacks.Server({"SLOT_API_KEY": "k"})
    try:
        out = attacks.probe_inputs(keyed, 0)
    finally:
        keyed.stop()
    assert out["5xx"] == 0 and out["/model/parse, key not sent, bad timezone"] == 401, out
    assert out["Content-Length 18446744073709551616"] == 400 and out["aborted chunked upload"] == 400, out
    assert out["400s with an access-log line (of the two above)"] == 2, out
    assert out["utf-16 body"] == out["utf-32 body"] == 400 and out["reference_time 1764000000"] == 422, out


def test_sigterm_while_a_replacement_worker_warms_up_ends_the_server_quickly():
    out = attacks.probe_sigterm_warming(0)
    assert out["exit_code"] == 0 and out["exit_s"] < 8, out


def test_a_full_disk_under_the_metrics_directory_costs_metrics_only():
    out = attacks.probe_full_disk(0)
    if "skipped" in out:
        pytest.skip(out["skipped"] + "; tests/test_reliability.py shows the same with the allocation failing")
    assert out == {"parse": {"200": 50}, "metrics": "200", "master_alive": True, "logged": True}, out
