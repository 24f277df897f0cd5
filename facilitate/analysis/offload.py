"""Where the analysis computes when it runs in the server's own process (``ANALYSIS_WORKER=
inline``; by default a whole analysis runs in a worker process instead, see
:mod:`facilitate.analysis.worker`, and this runs the computations in place there).

The server runs on gevent: one OS thread whose event loop serves every live session. The
analysis computations are seconds of CPU on large selections (tokenising, TF-IDF, k-means,
silhouette), and a greenlet doing that would stall every phone and big screen meanwhile. So
:func:`run` does the pure computation (plain data in and out: no database, no Flask context,
no locks shared with the server) in gevent's pool of native threads, while the analyst's
request greenlet waits for it cooperatively and the event loop goes on serving the live
sessions. Nothing is computed ahead or in the background: only the analyst's request waits.

The read of the selection before it (the export's rows, :func:`facilitate.exports.queries.load`)
runs in the request's greenlet, as every export does: SQLAlchemy's connection pool and the
Flask contexts are not safe to use from a native thread under gevent (a trial that read in the
worker left a live request hanging). That read pauses for the other greenlets every few hundred
rows (:func:`facilitate.exports.queries.cooperate`), which is not enough: the read is blocking C
code and held live sessions up for seconds (bench/results.md, "Issue #19"); hence the worker.

Outside a monkey-patched server (the CLI, tests, a plain WSGI server), or when already in a
worker, it runs in the calling thread.

The computations run their numerical libraries single-threaded (``threadpool_limits(1)``): on
a machine with few cores, OpenMP's busy-waiting worker threads made k-means fifty times slower,
and they would compete with the live server for the cores.
"""

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def run(func: Callable[..., T], *args) -> T:
    """``func(*args)`` in a worker thread under a gevent server, else here. ``func`` must be
    pure: no database, no Flask context (see the module docstring)."""
    from gevent import get_hub, monkey

    if not monkey.is_module_patched("threading"):
        return func(*args)
    return get_hub().threadpool.apply(func, args)
