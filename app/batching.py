"""Dynamic batching: the utterances of requests that arrive together share one network call.

Each gunicorn worker serves many connections at once (gevent greenlets, or gthread threads); a
request hands its utterances to this worker's :class:`Batcher` and waits. One runner per worker
takes the first waiting request, then every other request already waiting (up to ``max_batch``
utterances, waiting at most ``max_wait_us`` for more -- by default not at all: the window closes
as soon as nothing else is queued, so a lone request is not delayed), runs the network once for all
of them and hands each request its predictions. Single utterances go before batches (fairness: a
client pipelining 64-text batches does not queue a /parse behind all of them).

Under gevent a batch of several requests runs in the hub's thread pool (ONNX Runtime releases the
GIL), so the worker keeps reading and parsing the next requests while it runs; those form the next
batch. A lone request runs in the runner itself: the hand-off would cost more than it frees. Under threads, the runner is a thread of its own. With ``max_batch`` 1 there is no runner:
requests call the predictor directly (the sync worker's way).
"""
from __future__ import annotations

import os
import queue
import threading
import time
from dataclasses import dataclass, field

from prometheus_client import Counter

from .metrics_files import record
from engine.predict import Prediction, Predictor

BATCHES = Counter("slot_inference_batches_total", "network calls made by the batcher")
BATCHED_TEXTS = Counter("slot_inference_batched_texts_total", "utterances those calls carried")


def _gevent_active() -> bool:
    try:
        from gevent import monkey
    except ImportError:
        return False
    return monkey.is_module_patched("threading")


@dataclass
class _Job:
    texts: list[str]
    done: threading.Event = field(default_factory=threading.Event)
    result: list[Prediction] | None = None
    error: BaseException | None = None
    passed_over: int = 0  # calls made without it (it did not fit): after two it goes first


class Batcher:
    def __init__(self, predictor: Predictor, max_batch: int = 32, max_wait_us: int = 0) -> None:
        self.predictor = predictor
        self.max_batch = max_batch
        self.max_wait = max_wait_us / 1e6
        self._queue: queue.Queue[_Job] | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._backlog: list[_Job] = []  # requests taken off the queue that did not fit the last call

    def predict(self, texts: list[str]) -> list[Prediction]:
        """Predictions for ``texts``, computed with whatever other requests are waiting."""
        if self.max_batch <= 1:
            return self.predictor.predict_batch(texts)
        job = _Job(texts)
        self._runner_queue().put(job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        assert job.result is not None
        return job.result

    def _runner_queue(self) -> queue.Queue:
        """This process's queue, its runner started on first use (never inherited through fork)."""
        if self._pid != os.getpid():
            if _gevent_active():
                # No lock: this one was made in the master before gevent patched threading, and a greenlet
                # waiting on a real lock would block the whole worker. Greenlets switch only where they
                # block, and _start sets the state before anything blocks.
                self._start()
            else:
                with self._lock:
                    if self._pid != os.getpid():
                        self._start()
        assert self._queue is not None
        return self._queue

    def _start(self) -> None:
        jobs: queue.Queue[_Job] = queue.Queue()
        self._queue, self._pid, self._backlog = jobs, os.getpid(), []
        threading.Thread(target=self._run, args=(jobs,), name="batcher", daemon=True).start()

    def _gather(self, jobs: queue.Queue) -> list[_Job]:
        """The next call's requests: single utterances first, then batches, in arrival order within each, up to
        ``max_batch`` utterances (a /parse waits behind at most the call already running, not behind every
        64-text batch queued before it). A batch passed over twice goes first in the next call."""
        backlog = self._backlog
        if not backlog:
            backlog.append(jobs.get())
        deadline = time.monotonic() + self.max_wait
        time.sleep(0)  # let requests already read by this worker enqueue (a greenlet switch under gevent)
        while True:
            try:
                backlog.append(jobs.get_nowait())
                continue
            except queue.Empty:
                pass
            if sum(len(j.texts) for j in backlog) >= self.max_batch or time.monotonic() >= deadline:
                break
            time.sleep(min(50e-6, max(0.0, deadline - time.monotonic())))
        order = sorted(backlog, key=lambda j: len(j.texts) > 1 and j.passed_over < 2)  # stable: arrival order
        batch, size = [], 0
        for job in order:
            if batch and size + len(job.texts) > self.max_batch:
                job.passed_over += 1
                continue
            batch.append(job)
            size += len(job.texts)
        taken = set(map(id, batch))
        backlog[:] = [j for j in backlog if id(j) not in taken]
        return batch

    def _run(self, jobs: queue.Queue) -> None:
        offload = None
        if _gevent_active():
            import gevent

            offload = gevent.get_hub().threadpool.apply  # the network off the hub: reading goes on meanwhile
        while True:
            batch = self._gather(jobs)
            texts = [t for job in batch for t in job.texts]
            try:
                # a lone request runs right here (a thread hand-off costs more than it frees when nothing else
                # waits); a batch of several goes to the thread pool so the worker reads the next ones meanwhile
                preds = (offload(self.predictor.predict_batch, (texts,)) if offload and len(batch) > 1
                         else self.predictor.predict_batch(texts))
                at = 0
                for job in batch:
                    job.result, at = preds[at: at + len(job.texts)], at + len(job.texts)
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting requests, which raise it
                for job in batch:
                    job.error = exc
            for job in batch:
                job.done.set()
            record(BATCHES.inc)  # after the answers are handed over: a metric never delays or fails them
            record(BATCHED_TEXTS.inc, len(texts))
