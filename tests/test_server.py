"""`facilitate serve` as `make run` starts it: gunicorn with a gevent worker, on loopback."""

import urllib.request

import pytest

from .realserver import cli, running_server, server_env


@pytest.fixture
def served(tmp_path):
    env = server_env(tmp_path / "instance", FACILITATE_PUBLIC_URL="https://dialog.example.org")
    cli(env, "db", "upgrade")
    demo_output = cli(env, "demo")
    with running_server(env) as (base, server):
        yield base, server, demo_output


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
