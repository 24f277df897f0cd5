"""The phones live in several generator processes, so that no one process's CPU sets the pace
(python-socketio clients cost about as much CPU per message as the server does).

The main process keeps the leaders and the clock: it takes t0 before a leader's request or a
burst, then asks every worker for its phones' receipt and ack times (absolute
``time.monotonic()``, one clock for the whole machine) and subtracts t0. Each worker is an
asyncio loop that answers numbered requests over a pipe; requests run concurrently, so 50
sessions can be driven at once.
"""

import asyncio
import contextlib
import itertools
import multiprocessing
import threading
import time
from typing import Any

from bench import loadgen


class Worker:
    """The main process's handle on one generator process."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_main, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self._ids = itertools.count()
        self._waiting: dict[int, asyncio.Future] = {}

    def attach(self) -> None:
        """Take replies on the running loop (once per run). A thread reads the pipe: an event
        loop's reader would make it non-blocking, and large messages then fail to send."""
        loop = asyncio.get_running_loop()
        threading.Thread(target=self._read, args=(loop,), daemon=True).start()

    def _read(self, loop) -> None:
        while True:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                return
            loop.call_soon_threadsafe(self._reply, *message)

    def _reply(self, request, ok, value) -> None:
        future = self._waiting.pop(request)
        if ok:
            future.set_result(value)
        else:
            future.set_exception(RuntimeError(value))

    async def call(self, command: str, *args: Any) -> Any:
        request = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        self._waiting[request] = future
        self.conn.send((request, command, args))
        return await future

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send((None, "stop", ()))
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()


def _main(conn) -> None:
    import uvloop

    uvloop.run(_serve(conn))


async def _serve(conn) -> None:
    groups: dict[str, list[loadgen.Phone]] = {}
    incoming: asyncio.Queue = asyncio.Queue()
    loop = asyncio.get_running_loop()

    def read() -> None:  # a thread, as in Worker.attach
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                message = (None, "stop", ())
            loop.call_soon_threadsafe(incoming.put_nowait, message)
            if message[1] == "stop":
                return

    threading.Thread(target=read, daemon=True).start()
    tasks = set()
    while True:
        request, command, args = await incoming.get()
        if command == "stop":
            break
        task = asyncio.ensure_future(_handle(conn, groups, request, command, args))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    for phones in groups.values():
        await asyncio.gather(*(p.close() for p in phones), return_exceptions=True)


async def _handle(conn, groups, request, command, args) -> None:
    try:
        value = await COMMANDS[command](groups, *args)
        conn.send((request, True, (value, time.process_time())))
    except Exception as error:  # reported to the main process, which fails the scenario
        conn.send((request, False, repr(error)))


async def _cpu(groups) -> None:
    """Nothing: every reply carries the worker's CPU time so far."""


async def _connect(groups, group: str, phones: list[tuple[str, str, int, str]]) -> None:
    """Connect and join phones given as (url, code, number, tag)."""
    made = [loadgen.Phone(*spec) for spec in phones]
    groups[group] = made
    await loadgen.connect_all(made)


async def _storm(
    groups, group: str, phones: list[tuple[str, str, int, str]], start: float, rate: float
) -> loadgen.Measures:
    """A join storm of phones given as (url, code, number, tag): see :func:`loadgen.storm`."""
    made = [loadgen.Phone(*spec) for spec in phones]
    groups[group] = made
    measures = loadgen.Measures()
    await loadgen.storm(made, start, rate, measures)
    return measures


async def _wait_push(groups, group: str, index: int, limit: float) -> dict[int, float | None]:
    """When each phone of ``group`` first saw step ``index`` (None: not within ``limit``)."""
    phones = groups[group]
    await loadgen.wait_until(lambda: all(index in p.seen for p in phones), limit)
    return {p.number: p.seen.get(index) for p in phones}


async def _burst(groups, group: str, index: int) -> loadgen.Measures:
    """Every phone of ``group`` that saw step ``index`` answers it at once; ack times are
    absolute."""
    measures = loadgen.Measures()
    phones = groups[group]
    await asyncio.gather(
        *(p.answer(p.views[index], 0.0, measures) for p in phones if p.views.get(index))
    )
    return measures


async def _close(groups, group: str) -> None:
    phones = groups.pop(group, [])
    await asyncio.gather(*(p.close() for p in phones), return_exceptions=True)


COMMANDS = {
    "cpu": _cpu,
    "connect": _connect,
    "storm": _storm,
    "wait_push": _wait_push,
    "burst": _burst,
    "close": _close,
}


class RemoteGroup:
    """One session's phones, spread over the workers (phone n on worker n mod k)."""

    def __init__(self, workers: list[Worker], key: str, specs: list[tuple[str, str, int, str]]):
        self.workers = workers
        self.key = key
        self.specs = specs

    def _share(self, n: int) -> list:
        return [spec for i, spec in enumerate(self.specs) if i % len(self.workers) == n]

    async def connect(self) -> None:
        await asyncio.gather(
            *(w.call("connect", self.key, self._share(n)) for n, w in enumerate(self.workers))
        )

    async def storm(self, rate: float) -> tuple[loadgen.Measures, list[float]]:
        """Every phone arrives on one schedule (``rate`` per second from one second from now)
        and connects and joins; the merged measures and each worker's CPU time after it."""
        start = time.monotonic() + 1.0
        replies = await asyncio.gather(
            *(
                w.call("storm", self.key, self._share(n), start, rate)
                for n, w in enumerate(self.workers)
            )
        )
        measures = loadgen.Measures()
        for part, _ in replies:
            measures.merge(part)
        return measures, [cpu for _, cpu in replies]

    async def everyone(self, command: str, *args) -> list[tuple[Any, float]]:
        """``command`` on every worker; their replies and CPU times so far."""
        return await asyncio.gather(*(w.call(command, self.key, *args) for w in self.workers))

    async def cpu(self) -> list[float]:
        return [cpu for _, cpu in await asyncio.gather(*(w.call("cpu") for w in self.workers))]

    async def close(self) -> None:
        await self.everyone("close")


async def drive(leader, group: RemoteGroup, rounds: int, measures: loadgen.Measures) -> None:
    """:func:`loadgen.drive` with the phones in the workers."""
    indexes = [0, *leader.answerable()[:rounds]]
    for n, index in enumerate(indexes):
        cpu = await group.cpu()
        t0 = await leader.show(index)
        replies = await group.everyone("wait_push", index, loadgen.PUSH_LIMIT)
        _note_busy(measures, cpu, replies, t0)
        for seen, _ in replies:
            for at in seen.values():
                if at is None:
                    measures.push_missed += 1
                else:
                    measures.push.append(at - t0)
        if n == 0:
            continue
        cpu = await group.cpu()
        burst = time.monotonic()
        replies = await group.everyone("burst", index)
        _note_busy(measures, cpu, replies, burst)
        for part, _ in replies:
            part.ack = [at - burst for at in part.ack]
            measures.merge(part)


def _note_busy(measures: loadgen.Measures, cpu: list[float], replies: list, since: float) -> None:
    """The busiest generator process's CPU use over the window, in cores."""
    wall = time.monotonic() - since
    if wall > 0:
        used = max(after - before for before, (_, after) in zip(cpu, replies, strict=True))
        measures.generator_busy.append(used / wall)
