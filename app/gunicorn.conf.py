"""gunicorn settings for the slot-filling service (from ``app.settings``: the SLOT_* environment).

The model loads once in the master (``preload_app``) and is shared by the
forked workers. Workers are gevent by default (``SLOT_WORKER_CLASS``): each serves many
connections, and its requests share network calls through ``app.batching``; ONNX Runtime is
started per worker in ``post_fork``, Duckling's child process in ``post_worker_init``.
"""
import atexit
import os
import shutil
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch is imported by the app
os.environ.setdefault("MKL_NUM_THREADS", "1")
# Prometheus multiprocess mode: every worker writes its metrics to this directory (fresh for each master,
# locked by it for its life), /metrics adds them up. Must be set before the app imports prometheus_client.
# Removed when the master exits, however it exits (a failed start too); directories that killed masters
# left behind are removed first (app/metrics_files.py). Without room for it, metrics stay per worker.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repository root


def _metrics_files():
    """app/metrics_files.py, loaded by path: importing the app package would import prometheus_client now."""
    import importlib.util

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "metrics_files.py")
    spec = importlib.util.spec_from_file_location("app.metrics_files", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["app.metrics_files"] = module  # the app's later imports get this same module
    spec.loader.exec_module(module)
    return module


metrics_files = _metrics_files()

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    metrics_files.remove_orphans()
    if (_made := metrics_files.make_directory()) is not None:
        _metrics_dir, _master = _made[0], os.getpid()
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir
        atexit.register(lambda: os.getpid() == _master and shutil.rmtree(_metrics_dir, ignore_errors=True))
metrics_files.install()  # a full disk is an error metrics survive, not a SIGBUS

from app.settings import StartupError, load_settings  # noqa: E402

try:
    settings = load_settings()
except StartupError as exc:
    print(f"slot-filling service: cannot start: {exc}", file=sys.stderr, flush=True)
    sys.exit(3)

from app import gunicorn_errors  # noqa: E402 - after the settings check above

gunicorn_errors.install()  # gunicorn's own 400/414/431/... answers as problem+json, not HTML

bind = settings.bind
workers = settings.workers
# gevent: gunicorn's gevent worker with the connection budget (app/worker.py, app/connections.py)
worker_class = "app.worker.GeventWorker" if settings.worker_class == "gevent" else settings.worker_class
worker_connections = settings.worker_connections
threads = settings.threads if settings.worker_class == "gthread" else 1
preload_app = True
timeout = settings.worker_timeout
graceful_timeout = settings.graceful_timeout
keepalive = 5
accesslog = None  # the app writes one JSON access-log line per request itself
errorlog = "-"
loglevel = settings.log_level
limit_request_line = 4096
# No runtime-management socket: nothing to write under $HOME on a read-only root filesystem,
# and no control surface beyond signals.
control_socket_disable = True


def post_fork(server, worker):  # noqa: ARG001 - gunicorn hook signature
    import signal
    import sys

    # Until the worker installs its own handlers (after this hook), it has the master's, which only queue the
    # signal for a master loop this process does not run: a SIGTERM during warm-up would wait out the
    # graceful timeout. Nothing is in flight yet, so the default (end now) is right.
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
        signal.signal(sig, signal.SIG_DFL)

    torch = sys.modules.get("torch")  # imported only when the PyTorch backend serves
    if torch is not None:
        torch.set_num_threads(1)
    service = sys.modules.get("app.wsgi")  # loaded in the master (preload_app)
    if service is not None:  # build this worker's ONNX Runtime session now, not on its first request
        service.app.extensions["predictor"].warm_up()


def post_worker_init(worker):
    # Duckling's child process, started in each worker (never in the master: a Haskell runtime does not survive
    # fork) once gevent has patched the worker, so that its lock and pipes are gevent's: a greenlet waiting for
    # Duckling lets the others run.
    from engine.resolve import duckling_time

    duckling_time.warm_up()
    worker.log.info("Worker warmed up (pid: %s)", worker.pid)


def child_exit(server, worker):  # noqa: ARG001 - gunicorn hook signature
    from app.metrics_files import archive_dead

    archive_dead(worker.pid)  # its counts kept in the archive files, its own files removed


def on_exit(server):  # noqa: ARG001 - gunicorn hook signature
    shutil.rmtree(os.environ.get("PROMETHEUS_MULTIPROC_DIR", ""), ignore_errors=True)

# Worker heartbeat files in memory: works with a read-only root filesystem.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
