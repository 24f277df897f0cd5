"""Where a whole analysis runs: in a separate worker process, so the live server never waits.

The server is one gevent process: one OS thread whose event loop serves every phone, console
and big screen. An analysis reads tens of thousands of rows (SQLAlchemy over SQLite or
psycopg is blocking C code that gevent cannot interrupt) and computes for seconds (TF-IDF,
k-means, silhouette); in the server's process either would hold the loop up (bench/analysis.md
measured stalls of 5–7 s of ``/healthz`` with the read on the loop and the computation in a
thread). So :func:`run` hands the whole task (read and computation) to a worker
(``facilitate/analysis_worker.py``), a process with its own app and engine on the same
``DATABASE_URL`` (SQLite in WAL mode and PostgreSQL both serve a second reader), running at a
lower CPU priority than the server from its first instruction (on Linux an idle-class process:
it runs on CPU time the server leaves), so its start (seconds of CPU, the app and
scikit-learn) and its work never compete with a room joining. The request's greenlet waits on the
worker's pipe through gevent's cooperative ``subprocess``; the loop goes on serving the live
sessions.

A worker is started with the server (:func:`start_ahead`: starting one costs seconds of CPU,
the app and scikit-learn, which the first analysis request should not wait for; at the lower
priority it takes only what the live server leaves) and kept for
the next requests; it does one task at a time, in a fresh
database session each, so it always reads what is committed. At most ``ANALYSIS_WORKERS`` run
at once; further analysis requests wait (cooperatively) for one. A worker that fails, dies or
runs longer than ``ANALYSIS_TIMEOUT`` seconds is an error of that request (logged; a killed
worker is replaced on the next request), never a stalled server. Workers end with the server:
they stop when their pipe closes.

The answer is the same as computed in place: the same functions, the same deterministic seeds,
in the request's language. Where no live server can be held up — the CLI, tests, a plain WSGI
server — or where a second process cannot see the database (SQLite in memory), ``run`` calls
the function in place. ``ANALYSIS_WORKER`` says which: ``auto`` (a worker under a gevent
server, else in place), ``process`` (always a worker) or ``inline`` (never).
"""

import contextlib
import importlib
import logging
import pickle
import struct
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any

from flask import current_app

log = logging.getLogger(__name__)

#: The functions a worker may run, by name (registered with :func:`task`).
TASKS: dict[str, Callable[..., Any]] = {}
#: Settings a worker never takes from the server: it emits nothing to live clients and starts
#: no worker of its own.
WORKER_SETTINGS = {"MESSAGE_QUEUE": "", "ANALYSIS_WORKER": "inline"}
#: How much lower a worker's CPU priority is than the server's (``nice``).
NICENESS = 10
#: How a worker process starts: at the lower priority first, then the entry point (``import
#: facilitate`` alone is a second of CPU; the app and scikit-learn are seconds more). On Linux
#: also as an idle-class process (``SCHED_IDLE``): ``nice`` orders processes within one
#: session's scheduling group only, so a worker niced from the start still took a core's half
#: from a server whose room was joining in the same seconds (bench/NOTES.md, fourth round).
LAUNCH = """
import os, runpy, sys
os.nice(int(sys.argv[1]))
if hasattr(os, "SCHED_IDLE"):
    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
runpy.run_module("facilitate.analysis_worker", run_name="__main__")
"""
#: Tasks a worker does before it is replaced by a fresh one (its memory given back).
JOBS_PER_WORKER = 20


class WorkerError(RuntimeError):
    """The worker process failed or took too long; ``code`` is the public error code."""

    code = "analysis_unavailable"


def task(func: Callable[..., Any]) -> Callable[..., Any]:
    """Register ``func`` (a module-level function of plain, picklable arguments and result, run
    in an app and request context) as one a worker may run."""
    TASKS[f"{func.__module__}:{func.__qualname__}"] = func
    return func


def in_worker() -> bool:
    """Whether a call of :func:`run` starts a worker process here (see the module docstring)."""
    mode = current_app.config["ANALYSIS_WORKER"]
    if mode == "inline":
        return False
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if url in ("sqlite://", "sqlite:///:memory:") or ":memory:" in url:
        return False
    if mode == "process":
        return True
    from gevent import monkey

    return monkey.is_module_patched("socket")


def run(func: Callable[..., Any], *args: Any) -> Any:
    """``func(*args)``, in a worker process when :func:`in_worker`, else in place."""
    name = f"{func.__module__}:{func.__qualname__}"
    if TASKS.get(name) is not func:
        raise ValueError(f"{name} is not an analysis task")
    if not in_worker():
        return func(*args)
    from ..core.i18n import current_locale

    job = pickle.dumps({"locale": current_locale(), "task": name, "args": args})
    settings = pickle.dumps(_settings())
    timeout = current_app.config["ANALYSIS_TIMEOUT"]
    with _slots(current_app.config["ANALYSIS_WORKERS"]):
        worker = _idle_worker(settings) or Worker(settings)
        try:
            return worker.call(name, job, timeout)
        finally:
            # Kept for the next request unless it died, was stopped or has done its share.
            if worker.alive() and worker.jobs < JOBS_PER_WORKER:
                _idle.append(worker)
            else:
                worker.stop()


def start_ahead(app) -> None:
    """Under the gevent server (``ANALYSIS_WORKER=auto``), start one worker as the server
    starts, so that the first analysis request does not wait for its start (seconds of the
    worker's own CPU, at its lower priority). Elsewhere nothing."""
    with app.app_context():
        config = current_app.config
        if config["ANALYSIS_WORKER"] != "auto" or not config["ANALYSIS_WORKER_AHEAD"]:
            return
        if not in_worker():
            return
        settings = pickle.dumps(_settings())
    import gevent

    gevent.spawn(lambda: _idle.append(Worker(settings)))


def _settings() -> dict[str, Any]:
    """The server's settings a worker's app is built with: every one that pickles."""
    found = {}
    for key, value in current_app.config.items():
        if not key.isupper():
            continue
        try:
            pickle.dumps(value)
        except Exception:
            continue
        found[key] = value
    found.update(WORKER_SETTINGS)
    return found


_idle: list["Worker"] = []
_semaphore: tuple[int, threading.BoundedSemaphore] | None = None


def _slots(size: int) -> threading.BoundedSemaphore:
    global _semaphore
    size = max(1, int(size))
    if _semaphore is None or _semaphore[0] != size:
        _semaphore = (size, threading.BoundedSemaphore(size))
    return _semaphore[1]


def _idle_worker(settings: bytes) -> "Worker | None":
    """A started worker for these settings; the others (dead, or of other settings) stop."""
    while _idle:
        worker = _idle.pop()
        if worker.settings == settings and worker.alive():
            return worker
        worker.stop()
    return None


class Worker:
    """One worker process: started with the server's settings, then one task after another."""

    def __init__(self, settings: bytes):
        self.settings = settings
        self.jobs = 0
        # Under the gevent server this is gevent's subprocess: waiting on it is cooperative.
        self.process = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, str(NICENESS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        _send(self.process.stdin, settings)

    def alive(self) -> bool:
        return self.process.poll() is None

    def call(self, name: str, job: bytes, timeout: float) -> Any:
        """Run the pickled ``job``; its answer, or :class:`WorkerError`."""
        self.jobs += 1
        late = threading.Event()

        def stop_late():
            late.set()
            self.process.kill()

        timer = threading.Timer(timeout, stop_late)
        timer.daemon = True
        timer.start()
        try:
            _send(self.process.stdin, job)
            kind, value = pickle.loads(_receive(self.process.stdout))
        except (OSError, EOFError, pickle.UnpicklingError):
            self.stop()
            if late.is_set():
                log.error("analysis worker for %s ran longer than %s s", name, timeout)
                raise WorkerError(f"{name} timed out") from None
            log.error("analysis worker for %s ended (exit code %s)", name, self.process.poll())
            raise WorkerError(f"{name} failed") from None
        except BaseException:
            # The request was given up (a client gone, the server stopping): no orphan left.
            self.stop()
            raise
        finally:
            timer.cancel()
        if kind != "ok":
            log.error("analysis worker for %s failed: %s", name, value)
            raise WorkerError(f"{name} failed")
        return value

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()


def _send(stream, data: bytes) -> None:
    stream.write(struct.pack(">Q", len(data)) + data)
    stream.flush()


def _receive(stream) -> bytes:
    header = stream.read(8)
    if len(header) < 8:
        raise EOFError("worker pipe closed")
    size = struct.unpack(">Q", header)[0]
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("worker pipe closed")
    return data


def main(create_app: Callable[[dict], Any]) -> None:
    """The worker: settings from stdin, then jobs from stdin and their answers to stdout, until
    the server closes the pipe; ``create_app`` builds the app the tasks run in (the entry point,
    ``facilitate/analysis_worker.py``, passes the app factory)."""
    jobs, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not break the answers
    logging.basicConfig(level=logging.WARNING)
    try:
        settings = pickle.loads(_receive(jobs))
    except EOFError:
        return
    from ..core.i18n import in_language

    app = create_app(settings)
    while True:
        try:
            job = pickle.loads(_receive(jobs))
        except EOFError:
            return
        try:
            importlib.import_module(job["task"].partition(":")[0])
            with app.test_request_context(), in_language(job["locale"]):
                answer = pickle.dumps(("ok", TASKS[job["task"]](*job["args"])))
        except Exception:
            answer = pickle.dumps(("error", traceback.format_exc()))
        _send(answers, answer)
