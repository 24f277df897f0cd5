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


def _connect(base: str, origin: str | None):
    import socketio

    # The WebSocket library sends the server's own address as Origin unless told otherwise.
    options = {"origin": origin} if origin else {"suppress_origin": True}
    client = socketio.Client(reconnection=False, websocket_extra_options=options)
    client.connect(base, namespaces=["/live"], transports=["websocket"], wait_timeout=10)
    return client


def test_socket_connections_only_from_allowed_origins(served):
    import socketio

    base, _, _ = served
    for allowed in (base, "https://dialog.example.org", None):  # own origin, PUBLIC_URL, no browser
        client = _connect(base, allowed)
        assert client.connected
        client.disconnect()
    refused = socketio.Client(
        reconnection=False, websocket_extra_options={"origin": "http://evil.example"}
    )
    with pytest.raises(socketio.exceptions.ConnectionError):
        refused.connect(base, namespaces=["/live"], transports=["websocket"], wait_timeout=10)
    refused.disconnect()


# The client library (websocket-client) leaves its socket for the garbage collector when the
# server closes the connection under it; that is the behaviour under test, not a leak of ours.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_oversized_messages_close_the_connection(served):
    import gc
    import time

    base, _, _ = served
    client = _connect(base, base)
    ack = client.call("join", {"code": "1" * 8}, namespace="/live", timeout=10)
    assert ack["error"] == "unknown_code"  # a normal message is answered
    client.emit("join", {"code": "1" * 8, "name": "x" * 20_000}, namespace="/live")
    deadline = time.monotonic() + 30
    while client.connected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not client.connected
    del client
    gc.collect()  # let the library's abandoned socket go here, under this test's warning filter
