"""`facilitate serve` as `make run` starts it: gunicorn with a gevent worker, on loopback."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
#: How long the server may take to come up on a slow machine (not a performance assertion).
STARTUP_LIMIT = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACILITATE_")}
    env["FACILITATE_INSTANCE_PATH"] = str(tmp_path / "instance")
    env["FACILITATE_PUBLIC_URL"] = "https://dialog.example.org"
    facilitate = str(BIN / "facilitate")
    subprocess.run([facilitate, "db", "upgrade"], env=env, check=True, capture_output=True)
    demo = subprocess.run([facilitate, "demo"], env=env, check=True, capture_output=True, text=True)
    port = free_port()
    server = subprocess.Popen(
        [facilitate, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"server exited: {server.stdout.read()}")
            time.sleep(0.2)
    yield base, server, demo.stdout
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


def test_serve_runs_gunicorn_with_gevent_and_answers(served):
    base, server, demo_output = served
    with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
        assert response.status == 200
        assert response.read() == b'{"status":"ok"}\n'
    with urllib.request.urlopen(base + "/login", timeout=5) as response:
        assert "Logga in" in response.read().decode()
    assert "password:" in demo_output
    server.terminate()
    output = server.communicate(timeout=30)[0]
    assert "participants join at https://dialog.example.org/j" in output
    assert "Using worker: gevent" in output
