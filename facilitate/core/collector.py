"""Python's cyclic garbage collector, tuned for a server process that holds thousands of
connections.

A full collection walks every object the process tracks, and the whole process waits for it: a
server holding 2,000 phones tracks about 630,000 objects, and each full collection took about
450 ms, during which no phone got its step and no answer its ack. Python starts one whenever
the objects that outlived two younger collections grow by a quarter: in a burst of answers,
every ~2 s (bench/NOTES.md, third round). Each found fewer than 1,200 objects to free: what a
live session leaves behind is freed by reference counting, not by the cyclic collector.

So, in a server process (one gevent has patched, see :func:`install`):

* what the app built at start (modules, content, translations: about 145,000 objects) is
  frozen (:func:`gc.freeze`): no full collection walks it again. It lives as long as the
  process anyway.
* Python starts no full collection by itself; the two younger generations are collected as
  before, and they find the short-lived cycles.
* this module's watcher runs a full collection once the process has been quiet (no Socket.IO
  event, no HTTP request) for :data:`QUIET` seconds and at least :data:`MIN_GAP` seconds have
  passed since the last one; and at the latest every :data:`MAX_GAP` seconds however busy it is,
  so that garbage cannot pile up without bound.

Nothing here is state a restart could lose: only when the last activity and collection were.
"""

import gc
import time

#: Seconds without any event or request before a full collection may run.
QUIET = 1.0
#: Seconds at least between two full collections (each walks every object: ~0.5 s at 2,000
#: phones), so an idle process does not spend its time collecting.
MIN_GAP = 30.0
#: Seconds at most between two full collections, quiet or not.
MAX_GAP = 600.0
#: How often the watcher looks (seconds).
CHECK = 0.5
#: Python's automatic full collection is never reached: it waits for this many collections of
#: the middle generation.
NEVER = 1_000_000_000

_activity = 0


def active() -> None:
    """Note that the process is doing something (an event, a request): cheap, once per event."""
    global _activity
    _activity += 1


def due(now: float, quiet_since: float, last_full: float) -> bool:
    """Whether a full collection should run now: quiet for :data:`QUIET` seconds and
    :data:`MIN_GAP` after the last one, or :data:`MAX_GAP` after it however busy."""
    since_full = now - last_full
    if since_full >= MAX_GAP:
        return True
    return since_full >= MIN_GAP and now - quiet_since >= QUIET


def install(start_background_task, sleep) -> bool:
    """Freeze what exists now, stop Python's own full collections and start the watcher (with
    the server's ``start_background_task`` and ``sleep``). Only in a gevent-patched process,
    i.e. a ``facilitate serve`` worker; once per process. Returns whether it did."""
    from gevent import monkey

    if not monkey.is_module_patched("socket") or gc.get_threshold()[2] == NEVER:
        return False
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, NEVER)
    start_background_task(_watch, sleep)
    return True


def _watch(sleep) -> None:
    seen, quiet_since, last_full = _activity, time.monotonic(), time.monotonic()
    while True:
        sleep(CHECK)
        now = time.monotonic()
        if _activity != seen:
            seen, quiet_since = _activity, now
        if due(now, quiet_since, last_full):
            gc.collect()
            last_full = time.monotonic()
