"""The performance suite's own parts (the suite itself is not a test): the ceiling app, the wrk
script, the report."""
import json

from benchmarks.ceiling import create_app
from benchmarks.perf import BATCH_SIZES, CONNECTIONS, report, write_lua


def test_ceiling_parses_the_same_body_and_answers_json():
    c = create_app().test_client()
    r = c.post("/parse", json={"text": "leave Taipei on November 2nd"})
    assert r.status_code == 200 and r.get_json() == {"text": "leave Taipei on November 2nd", "ok": True}
    assert c.get("/readyz").status_code == 200


def test_wrk_script_carries_every_body_verbatim(tmp_path):
    texts = ['fly "quoted" to boston', "台北 😀", "it's 9pm"]
    lua = write_lua(texts, tmp_path / "s.lua").read_text()
    for t in texts:
        assert "[==[" + json.dumps({"text": t}) + "]==]" in lua
    assert 'wrk.method = "POST"' in lua and "latency:percentile(99)" in lua


def test_report_shows_ratio_to_the_ceiling():
    ip = {b: {"load_seconds": 0.1, "single_p50_ms": 1.0, "single_p99_ms": 2.0,
              "batch_utterances_per_s": {str(bs): 100.0 for bs in BATCH_SIZES}} for b in ("torch", "onnx")}
    per = lambda rps: {str(c): {"requests_per_s": rps, "p50_ms": 1.0, "p99_ms": 2.0, "non_2xx": 0,  # noqa: E731
                                "socket_errors": 0} for c in CONNECTIONS}
    mem = {"master": {"rss_mib": 10.0, "pss_mib": 5.0}, "workers": {"7": {"rss_mib": 20.0, "pss_mib": 9.0}}}
    res = {"machine": {"cpu": "x", "cpus": 2}, "data": "d", "in_process": ip, "start_to_ready_s": [1.0, 2.0, 3.0],
           "http": {"servers": {"ceiling": per(1000.0), "parse (onnx)": per(250.0)},
                    "memory": {"after_warm_up": mem, "after_requests": mem, "requests": 100000, "non_2xx": 0,
                               "same_workers": True}}}
    text = report(res)
    assert "0.25" in text and "median 2.00 s" in text and "worker 7" in text


def test_versus_measures_each_batch_size_of_a_tree():
    from benchmarks.versus import BATCH_SIZES as SIZES, one_side

    got = one_side(["onnx"], None)  # the ATIS test fixture, this checkout's committed model
    assert set(got) == {"onnx"} and set(got["onnx"]) == {str(b) for b in SIZES}
    assert all(v > 0 for v in got["onnx"].values())


def test_frontier_reads_each_artifacts_figures_and_times_it(tmp_path):
    from benchmarks import frontier
    from engine.artifact import default_dir

    rows = frontier.main([str(default_dir()), "--repeats", "1", "--png", str(tmp_path / "f.png")])
    (row,) = rows
    assert row["cell"] == "lstm" and row["hidden"] == 256 and not row["distilled"]
    assert 90 < row["heldout_micro"] < 100 and 90 < row["atis_dev"] < 100
    assert all(row[f"{b}_b{n}_us"] > 0 for b in ("onnx", "onnx-int8") for n in (1, 8))
    assert (tmp_path / "f.png").stat().st_size > 0
