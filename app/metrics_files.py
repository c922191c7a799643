"""Prometheus multiprocess files: space taken before it is written, a full disk costing metrics only, dead
workers' files folded into archives, and dead masters' directories removed.

In multiprocess mode every worker writes its counters and histograms to memory-mapped files named by its
pid, and ``/metrics`` sums all files. Three things could go wrong, and don't:

* **A full disk.** prometheus_client sizes a file by ``truncate`` (a sparse file) and writes through the
  mapping: on a full file system the write is a SIGBUS that kills the process -- a worker, or the master
  while archiving. :func:`install` makes every size change allocate its blocks first
  (``posix_fallocate``), so a full disk is an ``OSError`` at that moment; :func:`record` takes a metric
  update and, on that error, logs once and drops the update: the request is answered, the metric misses it.
* **Dead workers.** A replaced worker's files would stay forever (one set per worker death), so when
  gunicorn reports a worker gone (``child_exit``, in the master) its values are added into
  ``counter_archive.db`` / ``histogram_archive.db`` and its files removed: totals unchanged, files bounded.
* **Dead masters.** A master killed with SIGKILL cannot remove its directory. Each master holds an
  exclusive lock on ``master.lock`` in its directory for its whole life; at start-up
  (:func:`remove_orphans`) a directory whose lock can be taken belongs to no live master and is removed
  (pids are no help: a container's master is pid 1 every time).
"""
from __future__ import annotations

import fcntl
import glob
import logging
import os
import shutil
import tempfile

KINDS = ("counter", "histogram")
PREFIX = "slot-metrics-"
LOCK = "master.lock"
log = logging.getLogger(__name__)
_warned = False


def _allocate(f, size: int) -> None:
    os.posix_fallocate(f.fileno(), 0, size)  # ENOSPC here, as an exception, not a SIGBUS later


def install() -> None:
    """Make prometheus_client's files allocate their blocks before they are mapped and written."""
    from prometheus_client import mmap_dict
    from prometheus_client.mmap_dict import MmapedDict

    if getattr(MmapedDict, "_slot_allocates", False):
        return
    original_init, original_grow = MmapedDict.__init__, MmapedDict._init_value

    def __init__(self, filename, read_mode=False):
        if not read_mode:
            with open(filename, "a+b") as f:
                if os.fstat(f.fileno()).st_size == 0:
                    try:
                        _allocate(f, mmap_dict._INITIAL_MMAP_SIZE)
                    except OSError:
                        os.remove(filename)  # no empty file left for /metrics to stumble on
                        raise
        original_init(self, filename, read_mode)

    def _init_value(self, key):
        encoded = key.encode("utf-8")
        needed = self._used + 4 + len(encoded) + (8 - (len(encoded) + 4) % 8) + 16  # as _init_value packs it
        capacity = self._capacity
        while needed > capacity:
            capacity *= 2
        if capacity != self._capacity:
            _allocate(self._f, capacity)
        original_grow(self, key)

    MmapedDict.__init__, MmapedDict._init_value = __init__, _init_value
    MmapedDict._slot_allocates = True


def record(update, *args) -> None:
    """Run one metric update (``REQUESTS.labels(...).inc``, ...); a full disk drops it (and every later update
    of a file that could not be made), logged once: no metric fails a request."""
    global _warned
    try:
        update(*args)
    except Exception as exc:  # noqa: BLE001 - OSError at the allocation, TypeError from a file never made
        if not _warned:
            _warned = True
            log.error("metrics are not being recorded: %s (the service answers on; free space in %s)",
                      exc, os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def readable(path: str) -> bool:
    """A metrics file /metrics can read (not one cut short by a full disk)."""
    from prometheus_client.mmap_dict import MmapedDict

    try:
        for _ in MmapedDict.read_all_values_from_file(path):
            pass
    except Exception:  # noqa: BLE001 - struct.error, UnicodeDecodeError, OSError from a damaged file
        return False
    return True


def collector(registry, path: str) -> None:
    """prometheus_client's multiprocess collector over the directory's readable files only."""
    from prometheus_client import multiprocess

    class Readable(multiprocess.MultiProcessCollector):
        def collect(self):
            files = [f for f in glob.glob(os.path.join(self._path, "*.db")) if readable(f)]
            return self.merge(files, accumulate=True)

    Readable(registry, path)


def archive_dead(pid: int, path: str | None = None) -> None:
    """Fold a dead worker's files into the archives (in the master); a full disk leaves them as they are."""
    from prometheus_client import multiprocess
    from prometheus_client.mmap_dict import MmapedDict

    path = path or os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not path:
        return
    try:
        multiprocess.mark_process_dead(pid, path)  # live gauges
        for kind in KINDS:
            dead = os.path.join(path, f"{kind}_{pid}.db")
            if not os.path.exists(dead):
                continue
            archive = MmapedDict(os.path.join(path, f"{kind}_archive.db"))
            try:
                for key, value, timestamp, _ in MmapedDict.read_all_values_from_file(dead):
                    total, _ = archive.read_value(key)
                    archive.write_value(key, total + value, timestamp)
            finally:
                archive.close()
            os.remove(dead)
    except Exception as exc:  # noqa: BLE001 - ENOSPC, or a file cut short by it
        log.error("could not archive the metrics of worker %s: %s (its files stay; /metrics still counts them)",
                  pid, exc)


def remove_orphans(parent: str | None = None) -> list[str]:
    """Remove the metrics directories under ``parent`` (default: the temporary directory) whose master is
    gone (their lock is free); returns them."""
    removed = []
    for path in glob.glob(os.path.join(parent or tempfile.gettempdir(), PREFIX + "*")):
        lock = os.path.join(path, LOCK)
        try:
            fd = os.open(lock, os.O_RDWR)
        except OSError:
            continue  # no lock file: not a directory this code made, or one being made right now
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # a live master holds it
        os.close(fd)
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


ROOM = 8 << 20  # bytes a new directory must have room for: a worker's two files (1 MiB each) and the archives


def make_directory() -> tuple[str, int] | None:
    """A fresh metrics directory for this master, its lock held (the descriptor stays open for its life);
    None when the temporary directory has no room for it (metrics then per worker, in memory)."""
    try:
        path = tempfile.mkdtemp(prefix=PREFIX)
    except OSError as exc:
        log.error("no metrics directory (%s): /metrics shows the answering worker's counts only", exc)
        return None
    try:
        fd = os.open(os.path.join(path, LOCK), os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        probe = os.path.join(path, "room")
        with open(probe, "wb") as f:
            _allocate(f, ROOM)
        os.remove(probe)
    except OSError as exc:
        shutil.rmtree(path, ignore_errors=True)
        log.error("no room for metrics in %s (%s): /metrics shows the answering worker's counts only",
                  tempfile.gettempdir(), exc)
        return None
    return path, fd
