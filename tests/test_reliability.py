"""Issue 24, in-process: native code fenced, every resolution under a deadline, places in other scripts,
inputs that answered 5xx, fairness between batches and single requests, metrics on a full disk, the
connection budget's choice. (Against the image's command: tests/test_attacks.py.)"""
import io
import json
import logging
import os
import queue
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from app.settings import Settings
from conftest import ROOT
from engine.resolve import dates, duckling_time
from engine.resolve.places import PlaceIndex
from engine.safe_text import for_native
from engine.tokenizer import tokenize

REF = datetime(2026, 11, 25, 10, 0, tzinfo=timezone(timedelta(hours=-5)))
CHAINED = "next friday at 9 pm until next friday at 9 pm until next friday at 9 pm"  # ~4 s of Duckling's CPU
from conftest import API_KEY as KEY


def slots(client, text: str, **extra) -> dict:
    res = client.post("/parse", json={"text": text, "reference_time": REF.isoformat(), **extra})
    assert res.status_code == 200, res.get_data(as_text=True)
    return res.get_json()["slots"]


# -- native code fenced ------------------------------------------------------------------------------------

def test_text_for_native_code_holds_no_nul_control_or_lone_surrogate():
    cleaned = for_native("a\u0000b\u0007c\u0085d\ud800e\u200bf\u00adg\tn")
    assert cleaned == "a b c d\ufffdefg\tn"
    cleaned.encode("utf-8")  # valid UTF-8: a Rust string can hold it


def test_a_nul_inside_a_time_span_resolves_as_a_space(client):
    """Duckling's binding panicked on a NUL (CString::new failed) and took the worker with it."""
    with_nul = slots(client, "fly to denver tomorrow\u0000morning")["time"]
    assert with_nul["value"] == slots(client, "fly to denver tomorrow morning")["time"]["value"] is not None
    assert with_nul["text"] == "tomorrow\u0000morning"  # the span is cut from the text as sent


@pytest.mark.parametrize("text,status", [("fly to bos\ud800ton tomorrow", 422), ("\u0000\u0001\u0002", 200),
                                         ("hola\u0000 quiero volar a madrid mañana", 200),
                                         ("fly to denver \udfff\ud800 friday at 9", 422),
                                         ("fly to denver friday\u0085at 9 \u001b[31m", 200)])
def test_lone_surrogates_and_controls_answer_as_documented(client, text, status):
    """Control characters are read as spaces (200); a lone surrogate is no text (422, pydantic's)."""
    res = client.post("/parse", data=json.dumps({"text": text}), content_type="application/json")
    assert res.status_code == status and res.is_json


def test_zero_width_characters_and_soft_hyphens_keep_a_name_whole(client):
    for name in ("Bos\u200bton", "Bos\u00adton", "Bos\u200dton", "\u2060Boston"):
        assert [t.text for t in tokenize(f"fly to {name} tomorrow")] == ["fly", "to", "boston", "tomorrow"]
        dest = slots(client, f"fly to {name} tomorrow")["destination"]
        assert dest["text"] == name.lstrip("\u2060") and dest["value"]["airports"] == ["BOS"]
    assert slots(client, "fly to boston to\u200bmorrow")["time"]["value"] == "2026-11-26"


# -- every resolution under a deadline --------------------------------------------------------------------

def test_a_duckling_call_past_the_deadline_is_stopped_and_the_next_one_works():
    duckling_time.warm_up()
    t0 = time.monotonic()
    with pytest.raises(duckling_time.ResolutionTimeout), duckling_time.budget(0.2):
        duckling_time._get().parse(CHAINED, datetime(2026, 11, 25))  # below the caps: straight to the child
    assert time.monotonic() - t0 < 1.5
    with duckling_time.budget(5):  # a new child answers the next call
        assert duckling_time._get().parse("tomorrow at 9am", datetime(2026, 11, 25))


def test_phrases_over_the_caps_are_not_sent_to_duckling():
    for text in ("x" * 61, CHAINED, "at 9:30 at 9 noon until noon dec 5 tonight at 9 afternoon"):
        with pytest.raises(duckling_time.TooLong):
            duckling_time.readings(text, datetime(2026, 11, 25))
    assert duckling_time.readings("from 9 am to 5 pm on december 5th 2026", datetime(2026, 11, 25))


def test_a_span_over_the_budget_answers_null_with_the_reason_and_the_request_in_time(predictor, monkeypatch):
    """With the caps lifted, Duckling's worst case reaches it: the request still answers within its budget."""
    monkeypatch.setattr(duckling_time, "MAX_CHARS", 10_000)
    monkeypatch.setattr(duckling_time, "MAX_PIECES", 10_000)
    monkeypatch.setattr(duckling_time, "MAX_LINKS", 10_000)
    monkeypatch.setattr(dates, "_own_rules", lambda s, ref: None)  # straight to Duckling
    dates._resolve.cache_clear()
    app = create_app(predictor=predictor, settings=Settings(resolve_budget_ms=300), config={"ACCESS_LOG": False})
    t0 = time.monotonic()
    res = app.test_client().post("/parse", json={"text": f"fly to denver {CHAINED}"})
    took = time.monotonic() - t0
    dates._resolve.cache_clear()
    assert res.status_code == 200 and took < 2.0, took
    when = res.get_json()["slots"]["time"]
    assert when["value"] is None and when["unresolved"] == "deadline"


PIECES = ["next friday", "at 9 pm", "until", "noon", "dec 5", "tonight", "at 9:30", "afternoon", "at 9", "to",
          "and", "between", "tomorrow", "morning", "till", "the 3rd", "-", "12/05", "after", "before"]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12))
def test_no_time_phrase_takes_longer_than_its_budget(pieces):
    """A search for slow spans: chains of time words, resolved under a 0.25 s budget, each answered within it
    (plus a restart of the child) -- a value, None, or ResolutionTimeout; nothing else."""
    text = " ".join(pieces)
    dates._resolve.cache_clear()
    duckling_time.readings.cache_clear()
    t0 = time.monotonic()
    try:
        with duckling_time.budget(0.25):
            dates.resolve_time(text, REF)
    except duckling_time.ResolutionTimeout:
        pass
    assert time.monotonic() - t0 < 1.0, text


# -- places in other scripts ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def places(predictor):
    return PlaceIndex(known_words=predictor.artifact.known_words())


def test_no_name_folds_to_the_airports_without_a_city(places):
    assert "" not in places.by_city
    for text in ("Москва", "東京", "תל אביב", "القاهرة", "กรุงเทพ", "दिल्ली", "Рим", "", "...", "\u200b"):
        found = places.resolve(text)
        assert found is None or found["city"], (text, found)
    assert places.resolve("東京") is None and places.resolve("Рим") is None  # no exact match: no guess


def test_names_in_other_scripts_resolve_when_their_transliteration_is_a_city_flown_to(places):
    assert places.resolve("Москва")["airports"][0] == "SVO"
    assert places.resolve("Αθήνα")["airports"][0] == "ATH"


def test_a_departure_in_cyrillic_is_moscow_not_yemen(client):
    dep = slots(client, "fly from Москва to Boston tomorrow")["departure"]
    assert dep is None or dep["value"] is None or dep["value"]["country"] == "RU"


# -- inputs that answered 5xx --------------------------------------------------------------------------

@pytest.mark.parametrize("zone", ["America", "Etc", "a" * 256, "../../etc/passwd", "America/\u0000"])
@pytest.mark.parametrize("path", ["/parse", "/parse/batch", "/model/parse"])
def test_a_timezone_outside_the_iana_list_is_a_422(client, path, zone):
    body = {"texts": ["to boston"]} if path == "/parse/batch" else {"text": "to boston"}
    res = client.post(path, json={**body, "timezone": zone})
    assert res.status_code == 422 and res.get_json()["field"] == "timezone"


def test_the_key_is_checked_before_the_body_on_every_protected_route(keyed):
    for path, body in (("/parse", {"text": "x", "timezone": "America"}), ("/parse/batch", {"texts": "x"}),
                       ("/model/parse", {"text": "x", "timezone": "America"}), ("/model/parse", "not json")):
        data = body if isinstance(body, str) else json.dumps(body)
        assert keyed.post(path, data=data, content_type="application/json").status_code == 401, path
    ok = keyed.post("/model/parse", json={"text": "to boston", "token": KEY})  # Rasa's way still works
    assert ok.status_code == 200


@pytest.mark.parametrize("length", ["18446744073709551616", "9" * 40, "1e3", "-5", "12 34"])
def test_an_absurd_content_length_is_a_400_and_logged(predictor, length, caplog):
    app = create_app(predictor=predictor)
    with caplog.at_level(logging.INFO, logger="slot.access"):
        res = app.test_client().post("/parse", data=b'{"text": "to boston"}', content_type="application/json",
                                     environ_overrides={"CONTENT_LENGTH": length})
    assert res.status_code == 400 and res.is_json
    logged = [json.loads(r.getMessage()) for r in caplog.records if r.name == "slot.access"]
    assert logged and logged[-1]["status"] == 400


class Aborted(io.BytesIO):
    """A chunked upload whose client went away midway: the read fails as gunicorn's does (NoMoreData)."""

    def read(self, n=-1):
        raise OSError("No more data after: b'{\"text\": \"to bo'")


def test_an_aborted_upload_is_a_400(client):
    res = client.post("/parse", input_stream=Aborted(), content_type="application/json",
                      headers={"Transfer-Encoding": "chunked"})
    assert res.status_code == 400 and "before it was complete" in res.get_json()["detail"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32", "utf-32-be"])
def test_bodies_that_are_not_utf8_are_refused(client, encoding):
    res = client.post("/parse", data=json.dumps({"text": "to boston"}).encode(encoding), content_type="application/json")
    assert res.status_code == 400


@pytest.mark.parametrize("ref", ["1764000000", "1764000000.5", "2026", "tomorrow"])
def test_reference_time_is_an_iso_date_time_only(client, ref):
    res = client.post("/parse", json={"text": "to boston", "reference_time": ref})
    assert res.status_code == 422 and res.get_json()["field"] == "reference_time"


# -- fairness -----------------------------------------------------------------------------------------

def test_a_single_request_goes_before_batches_queued_ahead_of_it():
    from app.batching import Batcher, _Job

    batcher = Batcher(predictor=None, max_batch=64)
    jobs = queue.Queue()
    big = [_Job([f"text {i}"] * 64) for i in range(3)]
    single = _Job(["to boston"])
    for job in (*big, single):
        jobs.put(job)
    assert batcher._gather(jobs) == [single]  # not behind three 64-text calls
    assert batcher._gather(jobs) == [big[0]]
    another = _Job(["another"])
    jobs.put(another)
    assert batcher._gather(jobs) == [big[1]]  # passed over twice: before the newer single (batches not starved)
    assert batcher._gather(jobs) == [big[2]]
    assert batcher._gather(jobs) == [another]


# -- metrics on a full disk ---------------------------------------------------------------------------

FULL_DISK = """
import errno, os, sys
from app import metrics_files
metrics_files.install()
def full(fd, offset, size):
    raise OSError(errno.ENOSPC, "No space left on device")
os.posix_fallocate = full
from prometheus_client import Counter
c = Counter("demo", "demo", ["status"])
for i in range(20000):  # past the file's first MiB: it must grow, and the disk has no room
    metrics_files.record(lambda: c.labels(str(i)).inc())
metrics_files.archive_dead(12345)
print("alive", metrics_files.make_directory())
"""


def test_a_full_disk_costs_metrics_not_the_process(tmp_path):
    """prometheus_client sized its files sparsely and wrote through the mapping: SIGBUS on a full disk."""
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    for kind in ("counter", "histogram"):
        (tmp_path / f"{kind}_12345.db").write_bytes(b"")  # a dead worker's files to archive
    done = subprocess.run([sys.executable, "-c", FULL_DISK], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and "alive None" in done.stdout, done.stderr[-2000:]  # no directory made either
    assert "metrics are not being recorded" in done.stderr and "could not archive" in done.stderr
    assert "no room for metrics" in done.stderr


DEAD_MASTER = """
import os, signal
from app import metrics_files
path, fd = metrics_files.make_directory()
print(path, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_directories_of_killed_masters_are_removed_and_live_ones_kept(tmp_path):
    from app import metrics_files

    env = dict(os.environ, TMPDIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", DEAD_MASTER], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    dead = done.stdout.strip()
    assert dead.startswith(str(tmp_path)) and os.path.isdir(dead)
    live = subprocess.Popen([sys.executable, "-c", DEAD_MASTER.replace("os.kill(os.getpid(), signal.SIGKILL)",
                                                                        "import time; time.sleep(60)")],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        alive = live.stdout.readline().strip()
        assert metrics_files.remove_orphans(str(tmp_path)) == [dead]
        assert not os.path.exists(dead) and os.path.isdir(alive)
    finally:
        live.kill()
        live.wait()
    assert metrics_files.remove_orphans(str(tmp_path)) == [alive]  # its master gone now


# -- the connection budget ----------------------------------------------------------------------------

def test_the_budget_sheds_a_never_served_connection_first_and_never_one_being_answered():
    from app.connections import APP, BODY, Budget

    budget = Budget(limit=10, reserve=2)
    for name in ("kept-alive", "slow-body", "idle", "working"):
        budget.opened(name)
        time.sleep(0.001)
    budget.served("kept-alive")  # a client that completed a request, now idle (the oldest)
    budget.mark("slow-body", BODY)
    budget.mark("working", APP)
    budget.mark("idle", "wait")
    assert budget.victim() == "slow-body"  # never served, and waiting longest
    budget.mark("slow-body", APP)
    budget.mark("idle", APP)
    assert budget.victim() == "kept-alive"  # served clients only when no other is waiting
    budget.mark("kept-alive", APP)
    assert budget.victim() is None  # all being answered: none shed
    assert budget.budget == 8
