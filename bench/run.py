"""``make bench``: the scenarios of issues #9 and #20 against facilitate as deployed, and the
bare baseline driven by the same generator in the same run; writes bench/results.md and a plot.

    python -m bench.run [--scale 0.1] [--only s1,b1000] [--rounds 3] [--profile bench/profiles]

Each scenario gets fresh servers (and a fresh database). Latencies are measured by the
generator (bench/loadgen.py); server memory and CPU come from /proc of the gunicorn workers.
"""

import argparse
import asyncio
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

import aiohttp
import sqlalchemy as sa

from bench import loadgen, plot, servers
from bench import workers as remote
from tests import services

MODULE, PART = "norrbotten-for-alla", "demografi"
HERE = Path(__file__).resolve().parent

#: The bars of issue #20 (scenarios 1 and 2 with the console and the big screen following).
TARGET_PUSH_1 = 1.5  # scenario 1 push p95 / baseline
TARGET_ACK_1 = 2.0  # scenario 1 ack p99 / baseline
TARGET_CPU_1 = 2.0  # scenario 1 server CPU seconds / baseline
TARGET_PUSH_2 = 2.0  # scenario 2 push p95 / baseline
TARGET_ACK_2 = 2.5  # scenario 2 ack p99 / baseline
TARGET_JOIN = 2.0  # join storm p99 time to joined / baseline
TARGET_RSS = 100 * 1024  # bytes per connected participant
#: The join storm: phones arriving per second (× --scale, so a smaller run lasts as long).
STORM_RATE = 500
#: Each join storm runs this many times, each on a fresh server, and each facilitate run right
#: after a run of the bare stack's storm (a pair): the machine's own speed drifts (a pure
#: Python loop took 0.97-1.52 s in six runs in a row), so a ratio is taken within a pair, and
#: the median of the pairs' ratios is reported, with every run's p99 (bench/NOTES.md, fourth
#: round). The run shown is the one with the median p99.
STORM_RUNS = 3
#: py-spy's samples per second with --profile (100 gave a few hundred samples per scenario:
#: too few to compare functions). A profiled run's latencies are not comparable to an
#: unprofiled one's: py-spy takes CPU from the same two cores.
PROFILE_RATE = 400


@dataclass
class Result:
    key: str
    title: str
    sessions: int
    per_session: int
    baseline: str | None
    #: A join storm at this many arrivals per second instead of answering rounds.
    storm_rate: float = 0.0
    measures: loadgen.Measures = field(default_factory=loadgen.Measures)
    stored: int | None = None
    duplicated: int | None = None
    lost: int | None = None
    rss_idle: int = 0
    rss_connected: int = 0
    rss_end: int = 0
    generator_cpu: float = 0.0
    server_cpu: float = 0.0
    #: CPU time the server workers used for the measured phases (robust against a busy machine).
    server_cpu_seconds: float = 0.0
    wall: float = 0.0
    connect_seconds: float = 0.0
    #: Prefix of this run's submission ids.
    tag: str = ""
    #: Tallies the console and the big screen got, and the last console tally's head count.
    console_tallies: int = 0
    screen_tallies: int = 0
    console_count: int | None = None

    @property
    def participants(self) -> int:
        return self.sessions * self.per_session

    def pct(self, values: list[float], q: float) -> float | None:
        if not values:
            return None
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def summary(self) -> dict:
        m = self.measures
        return {
            "key": self.key,
            "title": self.title,
            "participants": self.participants,
            "push_p50": self.pct(m.push, 0.50),
            "push_p95": self.pct(m.push, 0.95),
            "push_p99": self.pct(m.push, 0.99),
            "ack_p50": self.pct(m.ack, 0.50),
            "ack_p99": self.pct(m.ack, 0.99),
            "storm_rate": self.storm_rate,
            "join_p50": self.pct(m.join, 0.50),
            "join_p95": self.pct(m.join, 0.95),
            "join_p99": self.pct(m.join, 0.99),
            "connected_p50": self.pct(m.connected, 0.50),
            "connected_p99": self.pct(m.connected, 0.99),
            "joined": len(m.join),
            "join_failed": m.join_failed,
            "console_tallies": self.console_tallies,
            "screen_tallies": self.screen_tallies,
            "console_count": self.console_count,
            "push_missed": m.push_missed,
            "sent": m.sent,
            "acked": m.acked,
            "refused": m.refused,
            "unacked": m.unacked,
            "resent": m.resent,
            "stored": self.stored,
            "duplicated": self.duplicated,
            "lost": self.lost,
            "rss_idle": self.rss_idle,
            "rss_connected": self.rss_connected,
            "rss_end": self.rss_end,
            "rss_per_participant": (self.rss_end - self.rss_idle) / self.participants,
            "generator_cpu": self.generator_cpu,
            "generator_peak": max(m.generator_busy, default=0.0),
            "server_cpu": self.server_cpu,
            "server_cpu_seconds": self.server_cpu_seconds,
            "wall": self.wall,
            "connect_seconds": self.connect_seconds,
            "baseline": self.baseline,
        }


def _rss(pids: list[int]) -> int:
    return sum(servers.rss_bytes(p) for p in pids)


def _cpu(pids: list[int]) -> float:
    return sum(servers.cpu_seconds(p) for p in pids)


#: Generator processes holding the phones (see bench/workers.py).
GENERATORS = 2


async def _load(
    result: Result,
    leader_for: Callable,
    phone_url: Callable[[int], str],
    workers: list[int],
    rounds: int,
) -> None:
    """Create the sessions (each followed by a console and a big screen), connect every phone,
    drive every session at once; or, for a join storm, let the phones arrive on schedule."""
    result.tag = tag = loadgen.new_tag()
    timeout = aiohttp.ClientTimeout(total=loadgen.ACK_LIMIT)
    # A new connection per request: gunicorn closes idle keep-alive connections after 2 s.
    connector = aiohttp.TCPConnector(force_close=True)
    generators = [remote.Worker() for _ in range(GENERATORS)]
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        for generator in generators:
            generator.attach()
        leaders = [leader_for(http) for _ in range(result.sessions)]
        codes = [await leader.create(MODULE, PART) for leader in leaders]
        groups = [
            remote.RemoteGroup(
                generators,
                f"{tag}-{s}",
                [
                    (phone_url(s * result.per_session + n), code, n, f"{tag}-{s}")
                    for n in range(result.per_session)
                ],
            )
            for s, code in enumerate(codes)
        ]
        result.rss_idle = _rss(workers)
        started = time.monotonic()
        try:
            if result.storm_rate:
                with _profiled(result, workers):
                    await _storm(result, groups, workers)
            else:
                await asyncio.gather(*(group.connect() for group in groups))
                result.connect_seconds = time.monotonic() - started
                await asyncio.sleep(1)  # let the join tallies settle
                result.rss_connected = _rss(workers)
                with _profiled(result, workers):
                    await _drive(result, leaders, groups, workers, rounds)
            await asyncio.sleep(1)  # the last tally
            result.rss_end = _rss(workers)
            result.console_tallies = sum(len(leader.tallies) for leader in leaders)
            result.screen_tallies = sum(len(leader.screen_tallies) for leader in leaders)
            last = leaders[0].tallies[-1] if leaders[0].tallies else {}
            result.console_count = last.get("participant_count")
            for leader in leaders:
                await leader.end()
        finally:
            await asyncio.gather(*(g.close() for g in groups), return_exceptions=True)
            for generator in generators:
                generator.stop()


async def _drive(result: Result, leaders: list, groups: list, workers: list[int], rounds: int):
    cpu0, server0, wall0 = time.process_time(), _cpu(workers), time.monotonic()
    generators0 = await groups[0].cpu()
    parts = [loadgen.Measures() for _ in leaders]
    await asyncio.gather(
        *(
            remote.drive(leader, group, rounds, part)
            for leader, group, part in zip(leaders, groups, parts, strict=True)
        )
    )
    result.wall = time.monotonic() - wall0
    generators1 = await groups[0].cpu()
    generator_seconds = (time.process_time() - cpu0) + sum(
        after - before for before, after in zip(generators0, generators1, strict=True)
    )
    result.generator_cpu = generator_seconds / result.wall
    result.server_cpu_seconds = _cpu(workers) - server0
    result.server_cpu = result.server_cpu_seconds / result.wall
    for part in parts:
        result.measures.merge(part)


async def _storm(result: Result, groups: list, workers: list[int]) -> None:
    """Every phone of the (one) session arrives on schedule; CPU over the whole storm."""
    (group,) = groups
    server0, wall0 = _cpu(workers), time.monotonic()
    generators0 = await group.cpu()
    measures, generators1 = await group.storm(result.storm_rate)
    result.wall = result.connect_seconds = time.monotonic() - wall0
    busy = [after - before for before, after in zip(generators0, generators1, strict=True)]
    result.generator_cpu = sum(busy) / result.wall
    measures.generator_busy.append(max(busy) / result.wall)
    result.server_cpu_seconds = _cpu(workers) - server0
    result.server_cpu = result.server_cpu_seconds / result.wall
    result.rss_connected = _rss(workers)
    result.measures.merge(measures)


#: Set by --profile: a folder for py-spy's collapsed stacks of the measured phases.
PROFILE: Path | None = None


class _profiled:
    """py-spy (``py-spy record --format raw``) on each server worker during the measured phase,
    when --profile is given: collapsed stacks, one file per scenario and worker."""

    def __init__(self, result: Result, workers: list[int]):
        self.result = result
        self.workers = workers
        self.spies: list[subprocess.Popen] = []

    def __enter__(self):
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        if PROFILE is None:
            return self
        PROFILE.mkdir(parents=True, exist_ok=True)
        for n, pid in enumerate(self.workers):
            out = PROFILE / f"{self.result.key}-{n}.txt"
            self.spies.append(
                subprocess.Popen(
                    [
                        *(spy, "record", "--pid", str(pid), "--rate", str(PROFILE_RATE)),
                        *("--format", "raw", "--nonblocking", "--output", str(out)),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        return self

    def __exit__(self, *exc):
        for spy in self.spies:
            spy.send_signal(signal.SIGINT)
        for spy in self.spies:
            spy.wait(timeout=30)


def _run(coroutine) -> None:
    """Run the generator on uvloop (about twice as fast as asyncio's own loop, so the generator
    does not set the pace on two cores)."""
    import uvloop

    uvloop.run(coroutine)


def _verify(result: Result, database_url: str) -> None:
    """Every acked answer stored exactly once: count the stored submission ids of this run.
    After a join storm: every joined phone is one participant (``stored``), none twice."""
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        if result.storm_rate:
            result.stored = connection.scalar(sa.text("SELECT count(*) FROM participants"))
            result.duplicated = connection.scalar(
                sa.text("SELECT count(*) - count(DISTINCT name) FROM participants WHERE NOT proxy")
            )
            result.lost = max(0, len(result.measures.join) - result.stored)
            engine.dispose()
            return
        rows = connection.execute(
            sa.text(
                "SELECT submission_id, count(*) FROM responses "
                "WHERE submission_id LIKE :tag GROUP BY submission_id"
            ),
            {"tag": f"{result.tag}-%"},
        ).all()
    engine.dispose()
    stored = {sid: n for sid, n in rows}
    result.stored = len(stored)
    result.duplicated = sum(n - 1 for n in stored.values())
    result.lost = len(result.measures.acked_ids - stored.keys())


def run_baseline(result: Result, work: Path, rounds: int) -> None:
    with servers.baseline(work / f"{result.key}.log") as (base, master):
        workers = [servers.worker_pid(master.pid)]
        _run(
            _load(
                result,
                lambda http: loadgen.BaselineLeader(http, base),
                lambda n: base,
                workers,
                rounds,
            )
        )


def run_facilitate(result: Result, work: Path, rounds: int, database_url: str = "") -> None:
    settings = {"FACILITATE_DATABASE_URL": database_url} if database_url else {}
    env = servers.app_env(work / result.key, **settings)
    token = servers.prepare(env)
    with servers.facilitate(env, work / f"{result.key}.log") as (base, master):
        workers = [servers.worker_pid(master.pid)]
        _run(
            _load(
                result,
                lambda http: loadgen.FacilitateLeader(http, base, token),
                lambda n: base,
                workers,
                rounds,
            )
        )
    _verify(result, database_url or f"sqlite:///{work / result.key / 'facilitate.sqlite3'}")


def run_postgres(result: Result, work: Path, rounds: int) -> None:
    with services.postgres(work / f"{result.key}-pg") as url:
        run_facilitate(result, work, rounds, url)


def run_scale_out(result: Result, work: Path, rounds: int, processes: int = 2) -> None:
    """PostgreSQL + Redis + ``processes`` app processes behind nginx; phones spread over the
    processes by their affinity value; the leader's requests go through nginx as well."""
    with ExitStack() as stack:
        database = stack.enter_context(services.postgres(work / f"{result.key}-pg"))
        queue = stack.enter_context(services.redis(work / f"{result.key}-redis"))
        env = servers.app_env(
            work / result.key,
            FACILITATE_DATABASE_URL=database,
            FACILITATE_MESSAGE_QUEUE=queue,
        )
        token = servers.prepare(env)
        masters, ports = [], []
        for n in range(processes):
            port = services.free_port()
            _, master = stack.enter_context(
                servers.facilitate(env, work / f"{result.key}-app{n}.log", port)
            )
            masters.append(master)
            ports.append(port)
        base = stack.enter_context(services.nginx(work / f"{result.key}-nginx", ports))
        workers = [servers.worker_pid(m.pid) for m in masters]
        _run(
            _load(
                result,
                lambda http: loadgen.FacilitateLeader(http, base, token),
                lambda n: f"{base}/?affinity=phone-{n}",
                workers,
                rounds,
            )
        )
        _verify(result, database)  # while its server still runs


def _storms(result: Result, run: Callable, work: Path, args, baseline: tuple | None) -> dict:
    """Run a join storm ``--storm-runs`` times, each on a fresh server and database, each after
    a run of ``baseline`` (its Result template and run function) when given; the summary of the
    run with the median join p99, every run's p99 and server CPU, and the median of the pairs'
    ratios."""
    summaries, bases = [], []
    for n in range(max(1, args.storm_runs)):
        if baseline:
            bases.append(_fresh_run(*baseline, work / f"{result.key}-base{n}", args.rounds))
        summaries.append(_fresh_run(result, run, work / f"{result.key}-run{n}", args.rounds))
        shown = [("", summaries[-1])] + ([("bare ", bases[-1])] if bases else [])
        print(f"bench: {result.key} run {n}: " + "; ".join(map(_storm_line, shown)), flush=True)
    ordered = sorted(summaries, key=lambda s: s["join_p99"] if s["join_p99"] is not None else 1e9)
    summary = dict(ordered[(len(ordered) - 1) // 2])
    summary["join_p99_runs"] = [s["join_p99"] for s in summaries]
    summary["server_cpu_seconds_runs"] = [s["server_cpu_seconds"] for s in summaries]
    summary["join_failed_runs"] = [sum(s["join_failed"].values()) for s in summaries]
    if bases:
        summary["paired_base_join_p99_runs"] = [b["join_p99"] for b in bases]
        summary["paired_base_cpu_runs"] = [b["server_cpu_seconds"] for b in bases]
        summary["paired_join_ratio"] = _median(
            [_ratio(s["join_p99"], b["join_p99"]) for s, b in zip(summaries, bases, strict=True)]
        )
        summary["paired_cpu_ratio"] = _median(
            [
                _ratio(s["server_cpu_seconds"], b["server_cpu_seconds"])
                for s, b in zip(summaries, bases, strict=True)
            ]
        )
    return summary


def _fresh_run(template: Result, run: Callable, folder: Path, rounds: int) -> dict:
    """One run of ``template``'s scenario with fresh measures, in its own folder (a fresh
    server and database); its summary."""
    again = replace(template, measures=loadgen.Measures())
    folder.mkdir()
    run(again, folder, rounds)
    return again.summary()


def _median(values: list[float | None]) -> float | None:
    known = sorted(v for v in values if v is not None)
    return known[(len(known) - 1) // 2] if known else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="participants × this")
    parser.add_argument("--rounds", type=int, default=3, help="answered steps per session")
    parser.add_argument("--only", default="", help="comma-separated keys, e.g. s1,b1000")
    parser.add_argument("--output", default=str(HERE / "results.md"))
    parser.add_argument(
        "--profile", default="", help="folder for py-spy's collapsed stacks of the server"
    )
    parser.add_argument(
        "--storm-rate", type=float, default=STORM_RATE, help="join storm arrivals per second"
    )
    parser.add_argument(
        "--storm-runs", type=int, default=STORM_RUNS, help="runs of each join storm (median)"
    )
    args = parser.parse_args()
    global PROFILE
    PROFILE = Path(args.profile) if args.profile else None

    def n(count: int) -> int:
        return max(2, round(count * args.scale))

    rate = args.storm_rate * args.scale
    plan = [
        (Result("b1000", "baseline, 1 room", 1, n(1000), None), run_baseline),
        (Result("b2000", "baseline, 1 room", 1, n(2000), None), run_baseline),
        (Result("b50x20", "baseline, 50 rooms", 50, n(20), None), run_baseline),
        (Result("bj2000", "baseline, join storm", 1, n(2000), None, rate), run_baseline),
        (Result("s1", "1: one session (SQLite)", 1, n(1000), "b1000"), run_facilitate),
        (Result("s2", "2: one session (SQLite)", 1, n(2000), "b2000"), run_facilitate),
        (Result("s3", "3: 50 sessions (SQLite)", 50, n(20), "b50x20"), run_facilitate),
        (Result("s4", "4: one session (PostgreSQL)", 1, n(1000), "b1000"), run_postgres),
        (Result("s5", "5: scale-out, 2 processes", 1, n(1000), "b1000"), run_scale_out),
        (Result("j1", "join storm (SQLite)", 1, n(2000), "bj2000", rate), run_facilitate),
        (Result("j5", "join storm, scale-out", 1, n(2000), "bj2000", rate), run_scale_out),
    ]
    #: A storm's paired baseline (see STORM_RUNS): its Result template and run function.
    templates = {r.key: (r, run) for r, run in plan if r.storm_rate and r.baseline is None}
    only = {k for k in args.only.split(",") if k}
    output = Path(args.output)
    raw = output.with_suffix(".json")
    previous = {r["key"]: r for r in json.loads(raw.read_text())} if only and raw.exists() else {}
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    results = []
    with tempfile.TemporaryDirectory(prefix="facilitate-bench-") as folder:
        work = Path(folder)
        for result, run in plan:
            if only and result.key not in only:
                if result.key in previous:
                    results.append(previous[result.key])
                continue
            print(f"bench: {result.key} {result.title}, {result.participants} phones", flush=True)
            started, load = time.monotonic(), os.getloadavg()[0]
            try:
                if result.storm_rate:
                    paired = templates.get(result.baseline or "")
                    summary = _storms(result, run, work, args, paired)
                else:
                    run(result, work, args.rounds)
                    summary = result.summary()
            except Exception as error:  # one failed scenario is reported, not fatal
                print(f"bench: {result.key} failed: {error!r}", file=sys.stderr, flush=True)
                summary = result.summary()
                summary["error"] = repr(error)[:300]
                summary["load"] = load
                results.append(summary)
                continue
            summary["load"] = load
            results.append(summary)
            shown = ("push_p95", "ack_p99", "join_p99", "lost", "join_failed", "server_cpu_seconds")
            print(
                f"bench: {result.key} done in {time.monotonic() - started:.0f} s: "
                + json.dumps({k: summary[k] for k in shown}),
                flush=True,
            )
    raw.write_text(json.dumps(results, indent=1))
    plot.write(results, output.with_suffix(".svg"))
    output.write_text(report(results, args))
    print(f"bench: wrote {output}", flush=True)


def _storm_line(shown: tuple[str, dict]) -> str:
    """A storm run for the log: its join p50 / p99, how much of it was connecting, its CPU."""
    name, r = shown
    return (
        f"{name}join p50 / p99 {_ms(r['join_p50'])} / {_ms(r['join_p99'])} ms, connected by "
        f"{_ms(r.get('connected_p50'))} / {_ms(r.get('connected_p99'))} ms, "
        f"CPU {r['server_cpu_seconds']:.2f} s"
    )


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.0f}"


def _ratio(value: float | None, base: float | None) -> float | None:
    return value / base if value and base else None


def _join_ratio(r: dict, base: dict | None) -> float | None:
    """A join storm's p99 over the bare stack's: the median of its pairs' ratios (see
    STORM_RUNS), else over the baseline scenario's."""
    if r.get("paired_join_ratio") is not None:
        return r["paired_join_ratio"]
    return _ratio(r["join_p99"], base and base.get("join_p99"))


def _cpu_cell(r: dict, base: dict | None) -> str:
    cell = f"{r['server_cpu_seconds']:.1f}"
    if r.get("paired_cpu_ratio") is not None:
        cell += f" ({r['paired_cpu_ratio']:.1f}× paired)"
    elif base and base.get("server_cpu_seconds"):
        cell += f" ({r['server_cpu_seconds'] / base['server_cpu_seconds']:.1f}×)"
    return cell


def _followers(r: dict) -> str:
    if r.get("console_count") is None and not r.get("console_tallies"):
        return "–"
    return (
        f"{r.get('console_tallies', 0)} / {r.get('screen_tallies', 0)}"
        f" (last: {r.get('console_count')} here)"
    )


def report(results: list[dict], args) -> str:
    by_key = {r["key"]: r for r in results}
    loads = [r["load"] for r in results if r.get("load") is not None]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` on {time.strftime('%Y-%m-%d %H:%M')} "
        f"({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average (1 min) before each scenario {min(loads, default=0):.2f}–"
        f"{max(loads, default=0):.2f}, in the *load* column; scale {args.scale}, "
        f"{args.rounds} answered steps per session). Baselines and scenarios come from this "
        "same run. Every facilitate session is followed by the leader's console (`host`) and "
        "the big screen (`screen`) for the whole run; the baseline's rooms have two such "
        "clients too. Latencies in ms. *push*: from the leader's control request leaving to "
        "each phone receiving the new `state`; *ack*: from the start of the answer burst (every "
        "phone answers at once) to each phone's ack. *RSS/phone*: growth of the server "
        "workers' resident memory from before the phones connected to after the run, per "
        "phone. *gen CPU*: the generator's own CPU use during the measured phases, in cores "
        "(1.0 = one core busy), on average and over its busiest push or burst; *srv CPU* "
        "likewise for the server workers, and *srv CPU-s* the "
        "CPU seconds they spent on the measured phases (compared with the baseline doing the "
        "same pushes and answers, this ratio hardly depends on what else the machine is doing). "
        "*tallies console / screen*: `tally` events the console and the big screen got, and "
        "the head count in the console's last one.",
        "",
        "| scenario | phones | load | push p50 / p95 / p99 | ack p50 / p99 | answers sent / "
        "stored / duplicated (lost) | RSS/phone KB | push p95 × base | ack p99 × base | "
        "gen CPU | srv CPU | srv CPU-s (× base) | tallies console / screen |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if r.get("storm_rate"):
            continue
        base = by_key.get(r.get("baseline") or "")
        if r.get("error"):
            lines.append(f"| {r['title']} | {r['participants']} | failed: {r['error']} |||||||||| ")
            continue
        push_ratio = _ratio(r["push_p95"], base and base["push_p95"])
        ack_ratio = _ratio(r["ack_p99"], base and base["ack_p99"])
        answers = (
            f"{r['sent']} / {r['stored']} / {r['duplicated']} ({r['lost']})"
            if r["stored"] is not None
            else f"{r['sent']} / – / –"
        )
        extra = []
        if r["refused"]:
            extra.append("refused " + ", ".join(f"{k}: {v}" for k, v in r["refused"].items()))
        if r["unacked"] or r["push_missed"]:
            extra.append(f"unacked {r['unacked']}, push missed {r['push_missed']}")
        lines.append(
            f"| {r['title']} | {r['participants']} | {r.get('load', 0):.1f} | "
            f"{_ms(r['push_p50'])} / {_ms(r['push_p95'])} / {_ms(r['push_p99'])} | "
            f"{_ms(r['ack_p50'])} / {_ms(r['ack_p99'])} | "
            f"{answers}{'; ' + '; '.join(extra) if extra else ''} | "
            f"{r['rss_per_participant'] / 1024:.0f} | "
            f"{'–' if push_ratio is None else f'{push_ratio:.2f}'} | "
            f"{'–' if ack_ratio is None else f'{ack_ratio:.2f}'} | "
            f"{r['generator_cpu']:.2f} (peak {r.get('generator_peak', 0):.2f}) | "
            f"{r['server_cpu']:.2f} | {_cpu_cell(r, base)} | {_followers(r)} |"
        )
    lines += [
        "",
        "Join storms: every phone arrives on one schedule (*rate* per second, whatever the "
        "server's pace), connects over WebSocket with a 20 s connect timeout (socket.io-client's "
        "default) and joins; *join* is from its arrival to its join ack. Each storm runs "
        "several times on a fresh server (*p99 of each run*); the run with the median p99 is "
        "the one shown. *connected p50 / p99*: from arrival to connected, the part of *join* "
        "before the join event was sent. *participants / duplicated*: rows in the database "
        "afterwards.",
        "",
        "| scenario | phones | load | rate /s | join p50 / p95 / p99 | connected p50 / p99 | "
        "p99 of each run | "
        "joined (failed) | participants / duplicated | RSS/phone KB | join p99 × base | "
        "gen CPU | srv CPU | srv CPU-s (× base) | tallies console / screen |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if not r.get("storm_rate"):
            continue
        base = by_key.get(r.get("baseline") or "")
        if r.get("error"):
            row = f"| {r['title']} | {r['participants']} | failed: {r['error']} "
            lines.append(row + "|" * 11 + " ")
            continue
        failed = sum(r["join_failed"].values())
        reasons = ", ".join(f"{k}: {v}" for k, v in r["join_failed"].items())
        join_ratio = _join_ratio(r, base)
        runs = " / ".join(_ms(v) for v in r.get("join_p99_runs", [r["join_p99"]]))
        if r.get("paired_base_join_p99_runs"):
            runs += " (bare: " + " / ".join(_ms(v) for v in r["paired_base_join_p99_runs"]) + ")"
        lines.append(
            f"| {r['title']} | {r['participants']} | {r.get('load', 0):.1f} | "
            f"{r['storm_rate']:.0f} | "
            f"{_ms(r['join_p50'])} / {_ms(r['join_p95'])} / {_ms(r['join_p99'])} | "
            f"{_ms(r.get('connected_p50'))} / {_ms(r.get('connected_p99'))} | {runs} | "
            f"{r['joined']} ({failed}{'; ' + reasons if reasons else ''}) | "
            + (f"{r['stored']} / {r['duplicated']}" if r["stored"] is not None else "– / –")
            + f" | {r['rss_per_participant'] / 1024:.0f} | "
            f"{'–' if join_ratio is None else f'{join_ratio:.2f}'} | "
            f"{r['generator_cpu']:.2f} (peak {r.get('generator_peak', 0):.2f}) | "
            f"{r['server_cpu']:.2f} | {_cpu_cell(r, base)} | {_followers(r)} |"
        )
    lines += ["", "![push p95 and ack p99 per scenario](results.svg)", "", "## Targets", ""]
    lines += _targets(by_key)
    notes = HERE / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    return "\n".join(lines) + "\n"


def _usable(*results: dict | None) -> bool:
    return all(r and not r.get("error") for r in results)


def _targets(by_key: dict) -> list[str]:
    out = []

    def check(label: str, value: float | None, bar: float | None, unit: str = "×") -> None:
        if value is None:
            out.append(f"- {label}: not measured")
        elif bar is None:
            out.append(f"- {label}: {value:.2f}{unit} (reported, no bar)")
        else:
            verdict = "met" if value <= bar else f"**missed by {value / bar:.2f}×**"
            out.append(f"- {label}: {value:.2f}{unit} (bar ≤ {bar:g}{unit}) — {verdict}")

    def exactly_once(label: str, r: dict) -> None:
        exact = (
            r["lost"] == 0
            and r["duplicated"] == 0
            and r["stored"] == r["acked"]
            and r["unacked"] == 0
        )
        out.append(
            f"- {label} every acked answer stored exactly once: "
            f"{'met' if exact else '**missed**'} ({r['sent']} sent, {r['acked']} acked, "
            f"{r['stored']} stored, {r['duplicated']} duplicated, {r['lost']} lost)"
        )

    def answering(key: str, base_key: str, push: float | None, ack: float | None, cpu=None):
        r, b = by_key.get(key), by_key.get(base_key)
        if not _usable(r, b):
            return
        label = f"scenario {key[1]}"
        check(f"{label} push p95 vs baseline", _ratio(r["push_p95"], b["push_p95"]), push)
        check(f"{label} ack p99 vs baseline", _ratio(r["ack_p99"], b["ack_p99"]), ack)
        check(
            f"{label} server CPU-s vs baseline",
            _ratio(r["server_cpu_seconds"], b["server_cpu_seconds"]),
            cpu,
        )
        exactly_once(label, r)

    answering("s1", "b1000", TARGET_PUSH_1, TARGET_ACK_1, TARGET_CPU_1)
    answering("s2", "b2000", TARGET_PUSH_2, TARGET_ACK_2)
    answering("s4", "b1000", None, None)
    answering("s5", "b1000", None, None)
    for key, bar in (("j1", TARGET_JOIN), ("j5", None)):
        r, b = by_key.get(key), by_key.get("bj2000")
        if not _usable(r, b):
            continue
        check(f"{r['title']}: join p99 vs baseline", _join_ratio(r, b), bar)
        failed = sum(r.get("join_failed_runs", [sum(r["join_failed"].values())]))
        runs = len(r.get("join_p99_runs", [None]))
        out.append(
            f"- {r['title']}: no failed connection with a 20 s connect timeout: "
            f"{'met' if failed == 0 else f'**missed** ({failed} failed)'} in {runs} runs "
            f"(median run: {r['joined']} of {r['participants']} joined; {r['stored']} "
            f"participants stored, {r['duplicated']} twice)"
        )
    for key in ("s1", "s2", "s3", "s4", "s5", "j1", "j5"):
        r = by_key.get(key)
        if r and not r.get("error"):
            check(
                f"{r['title']}: server memory per phone",
                r["rss_per_participant"] / 1024,
                TARGET_RSS / 1024,
                " KB",
            )
    return out


if __name__ == "__main__":
    main()
