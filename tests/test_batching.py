"""app.batching: concurrent requests share network calls, each gets its own predictions."""
import threading
import time

import pytest

from app.batching import Batcher


class FakePredictor:
    """Answers each text with itself upper-cased; records the batches it was called with."""

    def __init__(self, delay: float = 0.02, fail_on: str | None = None):
        self.calls: list[list[str]] = []
        self.delay, self.fail_on = delay, fail_on

    def predict_batch(self, texts):
        self.calls.append(list(texts))
        time.sleep(self.delay)  # the network's time: requests arriving meanwhile form the next batch
        if self.fail_on in texts:
            raise RuntimeError("network failed")
        return [t.upper() for t in texts]


def run_concurrently(batcher, texts_per_request):
    out = [None] * len(texts_per_request)

    def one(i):
        try:
            out[i] = batcher.predict(texts_per_request[i])
        except RuntimeError as exc:
            out[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(texts_per_request))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return out


def test_concurrent_requests_share_calls_and_get_their_own_answers():
    fake = FakePredictor()
    batcher = Batcher(fake, max_batch=32)
    requests = [[f"text {i}"] for i in range(40)] + [["a", "b", "c"]]
    out = run_concurrently(batcher, requests)
    assert out == [[t.upper() for t in texts] for texts in requests]
    assert len(fake.calls) < len(requests) / 2  # gathered, not one call per request
    assert max(len(c) for c in fake.calls) <= 32 + 2  # a batch stops growing at max_batch (one request may cross it)


def test_a_lone_request_is_not_held_back():
    """With nothing else queued the window closes at once: the request runs alone (no wait for company;
    its latency is benchmarks.batching's to measure)."""
    fake = FakePredictor(delay=0)
    batcher = Batcher(fake, max_batch=32, max_wait_us=0)
    batcher.predict(["warm"])
    assert batcher.predict(["hello"]) == ["HELLO"]
    assert fake.calls[-1] == ["hello"]


def test_a_failed_call_fails_its_requests_and_the_next_ones_go_on():
    fake = FakePredictor(fail_on="boom")
    batcher = Batcher(fake, max_batch=32)
    with pytest.raises(RuntimeError):
        batcher.predict(["boom"])
    assert batcher.predict(["fine"]) == ["FINE"]


def test_max_batch_one_calls_the_predictor_directly():
    fake = FakePredictor(delay=0)
    batcher = Batcher(fake, max_batch=1)
    assert batcher.predict(["x", "y"]) == ["X", "Y"]
    assert batcher._queue is None  # no runner started


GEVENT_CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from app.batching import Batcher          # made before patching, as in the gunicorn master
class Slow:
    def predict_batch(self, texts):
        time.sleep(0.01)
        return [t.upper() for t in texts]
batcher = Batcher(Slow(), max_batch=32)
from gevent import monkey
monkey.patch_all()                        # what gunicorn's gevent worker does after fork
import gevent
jobs = [gevent.spawn(batcher.predict, [f"t{{i}}"]) for i in range(16)]
gevent.joinall(jobs, timeout=10)
assert all(j.successful() for j in jobs), "a request never got its answer"
assert [j.value for j in jobs] == [[f"T{{i}}"] for i in range(16)]
"""


def test_concurrent_first_requests_under_gevent_do_not_deadlock():
    """Two requests arriving together on a fresh gevent worker: the runner starts once, nobody blocks the hub
    (a real lock made in the master once did: two requests hung until the graceful timeout)."""
    import subprocess
    import sys

    from conftest import ROOT

    done = subprocess.run([sys.executable, "-c", GEVENT_CHILD.format(root=str(ROOT))], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
