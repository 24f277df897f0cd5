"""A server process does not stop for full garbage collections while it is busy
(facilitate/core/collector.py): a room of 2,000 phones waited about 450 ms for each one, every
~2 s of a burst of answers. Garbage is still collected, once the process is quiet."""

import subprocess
import sys
import textwrap

from facilitate.core import collector

#: A server process as gunicorn's gevent worker makes it: gevent patched, then the app built.
#: Cyclic garbage old enough for the oldest generation is made while the process is busy
#: (every 0.1 s an event), then the process goes quiet.
SERVER_PROCESS = textwrap.dedent(
    """
    from gevent import monkey
    monkey.patch_all()
    import gc, sys, weakref
    import gevent
    from facilitate import create_app
    from facilitate.core import collector

    collector.MIN_GAP, collector.QUIET, collector.CHECK = 0.5, 0.4, 0.05
    create_app()
    frozen, threshold = gc.get_freeze_count(), gc.get_threshold()

    class Node:
        pass

    def garbage():
        node = Node()
        node.itself = node  # a cycle: reference counting alone never frees it
        gc.collect(1)  # it survives the two younger generations: now it is in the oldest
        return weakref.ref(node)

    gevent.sleep(1.0)
    busy = garbage()
    for _ in range(30):  # three busy seconds: an event every 0.1 s, and many young collections
        collector.active()
        [[] for _ in range(5000)]
        gevent.sleep(0.1)
    alive_while_busy = busy() is not None
    gevent.sleep(1.5)  # quiet
    print(frozen, threshold[2], alive_while_busy, busy() is None)
    """
)


def test_a_busy_server_process_waits_for_a_quiet_moment_to_collect_its_garbage(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", SERVER_PROCESS],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    frozen, automatic, alive_while_busy, collected_when_quiet = done.stdout.split()
    assert int(frozen) > 10_000  # what the app built at start is walked no more
    assert int(automatic) == collector.NEVER  # Python starts no full collection itself
    assert alive_while_busy == "True"  # no pause while events keep coming
    assert collected_when_quiet == "True"  # but nothing is kept for good


def test_outside_a_server_process_nothing_changes():
    import gc

    before = gc.get_threshold()
    assert collector.install(lambda *a: None, lambda s: None) is False
    assert gc.get_threshold() == before


def test_a_full_collection_waits_for_quiet_and_a_gap_unless_it_is_long_overdue():
    now = 1000.0
    quiet = now - collector.QUIET
    assert collector.due(now, quiet_since=quiet, last_full=now - collector.MIN_GAP)
    assert not collector.due(now, quiet_since=now - 0.1, last_full=now - collector.MIN_GAP)
    assert not collector.due(now, quiet_since=quiet, last_full=now - collector.MIN_GAP / 2)
    assert collector.due(now, quiet_since=now, last_full=now - collector.MAX_GAP)
