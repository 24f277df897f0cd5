"""Whether an analysis request holds up live sessions on ``facilitate serve`` (one gevent
process): while the analyst's API requests run, a probe asks ``/healthz`` every 20 ms and a
participant's phone, joined to a running session over WebSocket, answers its open question
every 50 ms; their latencies during each request, against the same with no analysis running.

    python -m bench.analysis_loop            # before (in the server) and after (in a worker)
    python -m bench.analysis_loop --contributions 2000 --people 400    # smaller

*before* runs the server with ``ANALYSIS_WORKER=inline``: the read on the event loop and the
computations in gevent's thread pool, as before the worker; *after* with the default
(``auto``: a worker process). Both on the same database, made by :func:`bench.analysis.build`
(10,000 contributions, 2,000 people × 30 statements by default). Prints a Markdown table.
"""

import argparse
import os
import statistics
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import socketio

from bench.analysis import MODULE, OPEN_STEP, PART, build

NAMESPACE = "/live"
PATHS = ("/api/v1/analysis/themes", "/api/v1/analysis/opinions", "/api/v1/export?format=json")


def live_session(app) -> str:
    """A running session of the bench's module, its open question open; its join code."""
    from facilitate.auth import Role, User
    from facilitate.extensions import db
    from facilitate.sessions import operations

    with app.app_context():
        leader = db.session.scalars(db.select(User).where(User.role == Role.leader)).first()
        session = operations.create_session(leader, MODULE, PART, "sv", None)
        operations.control(session, "start")
        operations.control(session, "goto", OPEN_STEP)
        db.session.commit()
        code = session.code
        db.engine.dispose()
    return code


class Probe:
    """``/healthz`` every 20 ms and a phone answering every 50 ms, each in its own thread,
    recording (sent, answered) times until :meth:`stop`."""

    def __init__(self, base: str, code: str, name: str = "Mätare"):
        self.base = base
        self.healthz: list[tuple[float, float]] = []
        self.acks: list[tuple[float, float]] = []
        self.done = threading.Event()
        self.phone = socketio.Client(reconnection=False)
        self.phone.connect(base, namespaces=[NAMESPACE], transports=["websocket"], wait_timeout=60)
        ack = self.phone.call(
            "join",
            {"code": code, "name": name, "locale": "sv"},
            namespace=NAMESPACE,
            timeout=60,
        )
        assert ack.get("ok"), ack
        self.sent = 0
        self.threads = [
            threading.Thread(target=self._ask_healthz, daemon=True),
            threading.Thread(target=self._answer, daemon=True),
        ]
        for thread in self.threads:
            thread.start()

    def _ask_healthz(self) -> None:
        while not self.done.is_set():
            started = time.perf_counter()
            with urllib.request.urlopen(self.base + "/healthz", timeout=120) as answer:
                answer.read()
            self.healthz.append((started, time.perf_counter()))
            time.sleep(0.02)

    def _answer(self) -> None:
        while not self.done.is_set():
            self.sent += 1
            payload = {
                "step": OPEN_STEP,
                "value": f"svar {self.sent}",
                "submission_id": f"m{self.sent}",
            }
            started = time.perf_counter()
            ack = self.phone.call("answer", payload, namespace=NAMESPACE, timeout=120)
            assert ack.get("ok"), ack
            self.acks.append((started, time.perf_counter()))
            time.sleep(0.05)

    def stop(self) -> None:
        self.done.set()
        for thread in self.threads:
            thread.join(timeout=180)
        self.phone.disconnect()


def _during(samples: list[tuple[float, float]], start: float, end: float) -> list[float]:
    """Latencies (ms) of the requests that overlapped ``start``–``end``."""
    return [(b - a) * 1000 for a, b in samples if b >= start and a <= end]


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(path: Path, token: str, code: str, mode: str, answer_limit: str) -> list[dict]:
    """One server (``ANALYSIS_WORKER=mode``): idle, then each analysis request."""
    from tests.realserver import running_server, server_env

    env = server_env(
        path.parent / f"instance-{mode}",
        FACILITATE_DATABASE_URL=f"sqlite:///{path}",
        FACILITATE_ANALYSIS_WORKER=mode,
        FACILITATE_ANSWER_LIMIT_PER_PARTICIPANT=answer_limit,
        FACILITATE_EVENT_LIMIT_PER_CONNECTION="1000 per second",
    )
    rows = []
    with (
        open(path.parent / f"server-{mode}.log", "w") as log,
        running_server(env, output=log) as (base, _server),
    ):
        probe = Probe(base, code, f"Mätare {mode}")
        try:
            time.sleep(1)
            start = time.perf_counter()
            time.sleep(4)
            rows.append(_row(mode, "idle", probe, start, time.perf_counter(), None))
            for target in PATHS:
                request = urllib.request.Request(
                    base + target, headers={"Authorization": f"Bearer {token}"}
                )
                start = time.perf_counter()
                with urllib.request.urlopen(request, timeout=600) as answer:
                    answer.read()
                end = time.perf_counter()
                rows.append(_row(mode, target, probe, start, end, end - start))
                time.sleep(1)
        finally:
            probe.stop()
    return rows


def _row(mode, what, probe, start, end, took) -> dict:
    healthz = _during(probe.healthz, start, end)
    acks = _during(probe.acks, start, end)
    return {
        "mode": mode,
        "what": what,
        "took": took,
        "healthz": healthz,
        "acks": acks,
        "load": os.getloadavg()[0],
    }


def table(rows: list[dict]) -> str:
    lines = [
        "| server | during | request s | load | /healthz n · p50 / p99 / max ms "
        "| phone acks n · p50 / p99 / max ms |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        h, a = r["healthz"], r["acks"]
        took = "–" if r["took"] is None else f"{r['took']:.1f}"
        lines.append(
            f"| {r['mode']} | {r['what']} | {took} | {r['load']:.1f} | "
            f"{len(h)} · {statistics.median(h) if h else float('nan'):.0f} / {_p(h, 0.99):.0f} / "
            f"{max(h, default=float('nan')):.0f} | "
            f"{len(a)} · {statistics.median(a) if a else float('nan'):.0f} / {_p(a, 0.99):.0f} / "
            f"{max(a, default=float('nan')):.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contributions", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--modes", default="inline,auto")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="facilitate-analysis-loop-"))
    path = folder / "bench.sqlite3"
    started = time.perf_counter()
    app, token, _statements = build(path, args.contributions, args.people)
    code = live_session(app)
    print(f"built in {time.perf_counter() - started:.0f} s: {path}", flush=True)
    rows = []
    for mode in args.modes.split(","):
        rows += measure(path, token, code, mode, "100000 per minute")
        print(table(rows), flush=True)


if __name__ == "__main__":
    main()
