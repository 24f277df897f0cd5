"""Helpers for tests against a real server: ``facilitate serve`` (gunicorn with one gevent
worker) on a free loopback port, with its own instance folder, as ``make run`` starts it.

The server runs in its own process group, so stopping it (terminate, then kill on timeout)
takes gunicorn's worker with it and no process is left behind.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
FACILITATE = str(BIN / "facilitate")
#: How long the server may take to come up on a slow machine (not a performance assertion).
STARTUP_LIMIT = 60
#: How long a graceful shutdown may take before the server is killed.
SHUTDOWN_LIMIT = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(instance: Path, **settings: str) -> dict[str, str]:
    """The environment of a server with its own instance folder and no FACILITATE_* settings of
    the developer's; ``settings`` are added as they are (e.g. ``FACILITATE_PUBLIC_URL``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACILITATE_")}
    env["FACILITATE_INSTANCE_PATH"] = str(instance)
    # Most servers here analyse nothing: their analysis worker starts on the first analysis
    # request, not with every server (seconds of CPU each); tests/test_analysis_server.py
    # starts it ahead as `facilitate serve` does.
    env["FACILITATE_ANALYSIS_WORKER_AHEAD"] = "0"
    env.update(settings)
    return env


def cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """Run ``facilitate ARGS`` and return its output; fail the test with the output on error."""
    done = subprocess.run(
        [FACILITATE, *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=STARTUP_LIMIT,
    )
    if done.returncode != 0:
        pytest.fail(f"facilitate {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return done.stdout


def stop(server: subprocess.Popen) -> None:
    """Terminate the server and wait; kill its whole process group if it does not stop."""
    if server.poll() is None:
        server.terminate()
    try:
        server.wait(timeout=SHUTDOWN_LIMIT)
    except subprocess.TimeoutExpired:
        # The whole group: gunicorn's master and its worker.
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=SHUTDOWN_LIMIT)


@contextmanager
def running_server(
    env: dict[str, str], output=subprocess.PIPE, port: int | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """``facilitate serve`` on a loopback port until the block ends: ``(base_url, process)``.

    ``output`` receives the server's stdout and stderr: a pipe (read it only after the server
    stopped, e.g. with ``communicate``) or an open file for long, chatty runs. ``port`` is a
    free one unless given (pass one when the environment must name the address beforehand,
    e.g. ``FACILITATE_PUBLIC_URL``)."""
    port = port or free_port()
    server = subprocess.Popen(
        [FACILITATE, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_LIMIT
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):
                    break
            except OSError:
                if server.poll() is not None:
                    text = server.stdout.read() if server.stdout else ""
                    pytest.fail(f"server exited with {server.returncode}: {text}")
                if time.monotonic() > deadline:
                    pytest.fail(f"server did not answer /healthz within {STARTUP_LIMIT} s")
                time.sleep(0.2)
        yield base, server
    finally:
        stop(server)
        if server.stdout:
            server.stdout.close()
