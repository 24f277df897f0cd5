"""Where the analysis computes: off the live server's event loop.

The server runs on gevent: one OS thread whose event loop serves every live session. Themes
and opinion groups are seconds of CPU on large selections (tokenising, TF-IDF, k-means,
silhouette), and a greenlet doing that would stall every phone and big screen meanwhile. So the
pure computation runs in gevent's pool of native threads while the analyst's request greenlet
waits for it cooperatively; the event loop keeps serving the live sessions. Outside a
monkey-patched server (the CLI, tests, a plain WSGI server) it runs in the calling thread.

The computations themselves run their numerical libraries single-threaded
(``threadpool_limits(1)``): on a machine with few cores, OpenMP's busy-waiting worker threads
made k-means fifty times slower, and they would compete with the live server for the cores.
"""

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def compute(func: Callable[..., T], *args) -> T:
    """``func(*args)`` where it cannot block the live sessions (see the module docstring)."""
    from gevent import get_hub, monkey

    if monkey.is_module_patched("threading"):
        return get_hub().threadpool.apply(func, args)
    return func(*args)
