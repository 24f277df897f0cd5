"""Error acks on the real server (``facilitate serve`` on loopback, both transports), issue 16:
every refusal is in the phone's language — the one its ``join`` asks for, else its browser's —
before and after joining, and an event nobody handles is refused like any other."""

from collections.abc import Iterator
from contextlib import ExitStack

import pytest
import requests
import socketio

from facilitate import create_app
from facilitate.core.messages import message

from .realserver import cli, running_server, server_env

NAMESPACE = "/live"
EMAIL, PASSWORD = "leader@example.org", "correct horse battery staple"
ACK_LIMIT = 30
TRANSPORTS = ["websocket", "polling"]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("errors")
    with ExitStack() as stack:
        env = server_env(folder / "instance")
        cli(env, "db", "upgrade")
        cli(env, "users", "create", EMAIL, "--role", "leader", "--password-stdin", stdin=PASSWORD)
        token = cli(env, "tokens", "create", EMAIL).strip().splitlines()[-1].strip()
        base, _process = stack.enter_context(running_server(env))
        yield base, token


@pytest.fixture(scope="module")
def words():
    """``words(code, locale)``: the message the server should send, from the same catalogs."""
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "test"})

    def render(code: str, locale: str) -> str:
        with app.test_request_context():
            return message(code, locale)

    return render


@pytest.fixture
def connect(server) -> Iterator:
    made = []

    def make(transport: str, language: str | None = None) -> socketio.Client:
        client = socketio.Client(reconnection=False)
        headers = {"Accept-Language": language} if language else {}
        client.connect(
            server[0],
            namespaces=[NAMESPACE],
            transports=[transport],
            headers=headers,
            wait_timeout=ACK_LIMIT,
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.disconnect()


def call(client: socketio.Client, event: str, data=None):
    return client.call(event, data or {}, namespace=NAMESPACE, timeout=ACK_LIMIT)


def refused(ack, code: str, text: str) -> None:
    assert ack == {"ok": False, "error": code, "message": text}


def lobby_code(server) -> str:
    base, token = server
    response = requests.post(
        f"{base}/api/v1/sessions",
        json={"module": "norrbotten-for-alla", "part": "demografi"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=ACK_LIMIT,
    )
    assert response.status_code == 201, response.text
    return response.json()["code"]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_failed_join_answers_in_the_language_it_asks_for(connect, words, transport):
    assert words("unknown_code", "fi") != words("unknown_code", "sv")
    phone = connect(transport, language="sv")
    refused(
        call(phone, "join", {"code": "00000000", "locale": "fi"}),
        "unknown_code",
        words("unknown_code", "fi"),
    )
    # Before joining, every refusal follows the language the join asked for.
    refused(
        call(phone, "answer", {"step": "x", "value": "a", "submission_id": "s1"}),
        "not_joined",
        words("not_joined", "fi"),
    )
    # A broken join payload that names its language is refused in it too.
    refused(
        call(phone, "join", {"code": [], "locale": "en"}),
        "invalid_payload",
        words("invalid_payload", "en"),
    )


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_without_a_language_in_the_join_the_browsers_decides(connect, words, transport):
    phone = connect(transport, language="fi")
    refused(call(phone, "join", {"code": "00000000"}), "unknown_code", words("unknown_code", "fi"))
    plain = connect(transport)
    refused(call(plain, "join", {"code": "00000000"}), "unknown_code", words("unknown_code", "sv"))


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_once_joined_the_participants_language_decides(server, connect, words, transport):
    phone = connect(transport, language="en")
    ack = call(phone, "join", {"code": lobby_code(server), "locale": "fi"})
    assert ack["ok"] is True, ack
    refused(
        call(phone, "answer", {"step": "demografi-q-tathet", "value": "a", "submission_id": "s1"}),
        "session_not_started",
        words("session_not_started", "fi"),
    )
    # A failed join of a joined phone: that join's own language, and the phone stays joined.
    refused(
        call(phone, "join", {"code": "00000000", "locale": "sv"}),
        "unknown_code",
        words("unknown_code", "sv"),
    )
    assert call(phone, "sync")["ok"] is True


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_an_unknown_event_is_refused_like_any_other(connect, words, transport):
    phone = connect(transport, language="fi")
    assert words("unknown_event", "fi") != words("unknown_event", "sv")
    for event in ("no_such_event", "on_join", "trigger_event"):
        refused(call(phone, event, {"code": "1234"}), "unknown_event", words("unknown_event", "fi"))
    refused(call(phone, "no_such_event"), "unknown_event", words("unknown_event", "fi"))
