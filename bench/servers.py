"""Servers the benchmark starts, as deployed: ``facilitate serve`` (gunicorn, one gevent worker)
and the bare baseline under the same gunicorn settings; and what /proc says about them."""

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.services import free_port, stop

BIN = Path(sys.executable).parent
FACILITATE = str(BIN / "facilitate")
ROOT = Path(__file__).resolve().parent.parent
STARTUP_LIMIT = 60
EMAIL, PASSWORD = "bench@example.org", "bench leader password"
#: gunicorn settings shared by facilitate serve and the baseline (see facilitate/cli.py).
WORKER_CONNECTIONS = 5000
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def app_env(instance: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACILITATE_")}
    env["FACILITATE_INSTANCE_PATH"] = str(instance)
    # The generator's thousands of phones share one loopback address, as behind one NAT, and
    # join with the default limits (at most 2,000 per session: within one address's 2,400).
    # Their events: the generator's phones answer faster than people do (three answers each
    # within seconds), and a refused answer would flatter the numbers, so the per-address
    # event limit (15,000 per 10 s, sized for a hall behind one address) is lifted here.
    env["FACILITATE_EVENT_LIMIT_PER_ADDRESS"] = "1000000 per 10 seconds"
    env.update(settings)
    return env


def cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [FACILITATE, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        raise RuntimeError(f"facilitate {' '.join(args)}: {done.stderr}")
    return done.stdout


def prepare(env: dict[str, str]) -> str:
    """Create or upgrade the database and a leader; returns the leader's API token."""
    cli(env, "db", "upgrade")
    cli(
        env, "users", "create", EMAIL, "--role", "leader", "--password-stdin", stdin=PASSWORD + "\n"
    )
    return cli(env, "tokens", "create", EMAIL).strip().splitlines()[-1].strip()


def _wait_healthy(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text()[-4000:]}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not healthy in {STARTUP_LIMIT} s") from None
            time.sleep(0.2)


@contextmanager
def facilitate(env: dict[str, str], log: Path, port: int | None = None) -> Iterator[tuple]:
    """``facilitate serve`` on loopback: yields ``(base_url, gunicorn master process)``."""
    port = port or free_port()
    with open(log, "a") as out:
        process = subprocess.Popen(
            [FACILITATE, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process, log)
        yield base, process
    finally:
        stop(process)


@contextmanager
def baseline(log: Path) -> Iterator[tuple]:
    """The bare baseline (bench/baseline.py) under the same gunicorn settings."""
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "--worker-class",
        "gevent",
        "--workers",
        "1",
        "--worker-connections",
        str(WORKER_CONNECTIONS),
        "--bind",
        f"127.0.0.1:{port}",
        "bench.baseline:app",
    ]
    with open(log, "a") as out:
        process = subprocess.Popen(
            argv, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process, log)
        yield base, process
    finally:
        stop(process)


def worker_pid(master: int) -> int:
    """The single gunicorn worker of ``master``."""
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError(f"no worker under gunicorn {master}")


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
