"""Prometheus multiprocess files of dead workers, folded into one archive file per kind.

In multiprocess mode every worker writes its counters and histograms to files named by its pid, and
``/metrics`` sums all files. A replaced worker's files would stay forever (one set per worker death),
so when gunicorn reports a worker gone (``child_exit``, in the master) its values are added into
``counter_archive.db`` / ``histogram_archive.db`` and its files removed: totals unchanged, files bounded.
"""
from __future__ import annotations

import os

from prometheus_client import multiprocess
from prometheus_client.mmap_dict import MmapedDict

KINDS = ("counter", "histogram")


def archive_dead(pid: int, path: str | None = None) -> None:
    path = path or os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not path:
        return
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
