"""A phone of a deleted session can never act in another one (issue 16), on the real server
(``facilitate serve`` on loopback) with SQLite and with PostgreSQL.

Two depths. Row ids are never handed out twice: deleting the newest session and creating
another gives a new session id and new participant ids. And should ids ever repeat anyway (a
database whose counters were set back, e.g. restored from an older backup — forced here), every
event re-checks who the connection joined as: the old phone is told its session has ended and
is out of the session's rooms, and the new session's participant keeps their own answer.

The PostgreSQL variants need PostgreSQL's programs (``make cluster-deps`` installs them; ``make
test-cluster`` runs this file too) and are skipped without them. Time limits are upper bounds,
nothing is timed.
"""

import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
import requests
import socketio
import sqlalchemy as sa

from . import services
from .realserver import cli, running_server, server_env

NAMESPACE = "/live"
MODULE, PART = "norrbotten-for-alla", "demografi"
STEP = "demografi-q-tathet"
EMAIL, PASSWORD = "leader@example.org", "correct horse battery staple"
ACK_LIMIT = 30
EVENT_LIMIT = 30
#: How long a phone listens for a broadcast that must not come, after another phone got it.
QUIET = 0.5


class Server:
    def __init__(self, base: str, token: str, database: str):
        self.base, self.token, self.database = base, token, database

    def api(self, method: str, path: str, **kwargs) -> Any:
        response = requests.request(
            method,
            f"{self.base}/api/v1{path}",
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=ACK_LIMIT,
            **kwargs,
        )
        assert response.status_code < 300, (response.status_code, response.text)
        return response.json() if response.content else None

    def running_session(self) -> dict:
        """A new session, started and showing the quiz question ``STEP``."""
        created = self.api("POST", "/sessions", json={"module": MODULE, "part": PART})
        for action in ({"action": "start"}, {"action": "goto", "step": STEP}):
            self.api("POST", f"/sessions/{created['id']}/control", json=action)
        return created

    def answers(self, session_id: int) -> dict:
        results = self.api("GET", f"/sessions/{session_id}/results")
        return next(r for r in results if r["step"] == STEP)

    def set_next_ids(self, table: str, next_id: int) -> None:
        """Make the database hand out ``next_id`` next in ``table``, as a set-back counter
        would: the forced id reuse of the second depth."""
        engine = sa.create_engine(self.database)
        with engine.begin() as connection:
            if engine.dialect.name == "sqlite":
                connection.execute(
                    sa.text("UPDATE sqlite_sequence SET seq = :seq WHERE name = :table"),
                    {"seq": next_id - 1, "table": table},
                )
            else:
                connection.execute(
                    sa.text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :seq)"),
                    {"seq": next_id - 1, "table": table},
                )
        engine.dispose()


class Phone:
    def __init__(self, base: str):
        self.states: list[dict] = []
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("state", self._state, namespace=NAMESPACE)
        self.client.connect(
            base, namespaces=[NAMESPACE], transports=["websocket"], wait_timeout=ACK_LIMIT
        )

    def _state(self, state: dict) -> None:
        with self.lock:
            self.states.append(state)

    def call(self, event: str, data: dict) -> Any:
        return self.client.call(event, data, namespace=NAMESPACE, timeout=ACK_LIMIT)

    def join(self, code: str) -> dict:
        ack = self.call("join", {"code": code, "locale": "sv"})
        assert ack.get("ok") is True, ack
        return ack

    def answer(self, value: str, submission_id: str) -> dict:
        return self.call("answer", {"step": STEP, "value": value, "submission_id": submission_id})

    def wait_for(self, predicate, what: str) -> None:
        deadline = time.monotonic() + EVENT_LIMIT
        while True:
            with self.lock:
                if any(predicate(state) for state in self.states):
                    return
            if time.monotonic() > deadline:
                pytest.fail(f"the phone never got {what}: {self.states}")
            time.sleep(0.02)

    def wait_for_status(self, status: str) -> None:
        self.wait_for(lambda state: state["session"]["status"] == status, f"status {status}")

    def seen(self) -> int:
        with self.lock:
            return len(self.states)


def _postgres_available() -> bool:
    return not {"initdb", "postgres"} & set(services.missing_programs())


@pytest.fixture(
    scope="module",
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(
                not _postgres_available(),
                reason="PostgreSQL's programs are not installed (make cluster-deps)",
            ),
        ),
    ],
)
def server(request, tmp_path_factory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp(request.param)
    with ExitStack() as stack:
        if request.param == "postgresql":
            database = stack.enter_context(services.postgres(folder / "postgres"))
        else:
            database = f"sqlite:///{folder / 'facilitate.sqlite3'}"
        env = server_env(folder / "instance", FACILITATE_DATABASE_URL=database)
        cli(env, "db", "upgrade")
        cli(env, "users", "create", EMAIL, "--role", "leader", "--password-stdin", stdin=PASSWORD)
        token = cli(env, "tokens", "create", EMAIL).strip().splitlines()[-1].strip()
        base, _process = stack.enter_context(running_server(env))
        yield Server(base, token, database)


@pytest.fixture
def phones(server) -> Iterator[list[Phone]]:
    made: list[Phone] = []
    yield made
    for phone in made:
        phone.client.disconnect()


def test_a_deleted_sessions_ids_are_never_given_to_the_next(server, phones):
    old = server.running_session()
    phone_a = Phone(server.base)
    phones.append(phone_a)
    joined_a = phone_a.join(old["code"])

    server.api("DELETE", f"/sessions/{old['id']}")
    phone_a.wait_for_status("ended")
    new = server.running_session()
    phone_b = Phone(server.base)
    phones.append(phone_b)
    joined_b = phone_b.join(new["code"])

    assert new["id"] != old["id"]
    assert joined_b["participant"]["id"] != joined_a["participant"]["id"]
    refused = phone_a.answer("b", "a-1")
    assert refused["ok"] is False and refused["error"] == "session_ended", refused
    assert phone_b.answer("a", "b-1") == {"ok": True, "duplicate": False}
    result = server.answers(new["id"])
    assert result["responses"] == 1
    assert result["results"]["counts"] == {"a": 1, "b": 0, "c": 0}


def test_even_with_reused_ids_a_stale_phone_cannot_act_as_the_new_participant(server, phones):
    old = server.running_session()
    phone_a = Phone(server.base)
    phones.append(phone_a)
    joined_a = phone_a.join(old["code"])
    server.api("DELETE", f"/sessions/{old['id']}")
    phone_a.wait_for_status("ended")
    told = phone_a.seen()

    # The counters go back: the next session and participant get the deleted ones' ids.
    server.set_next_ids("live_sessions", old["id"])
    server.set_next_ids("participants", joined_a["participant"]["id"])
    new = server.running_session()
    phone_b = Phone(server.base)
    phones.append(phone_b)
    joined_b = phone_b.join(new["code"])
    assert new["id"] == old["id"]
    assert joined_b["participant"]["id"] == joined_a["participant"]["id"]

    assert phone_b.answer("a", "b-1") == {"ok": True, "duplicate": False}
    refused = phone_a.answer("b", "a-1")
    assert refused["ok"] is False and refused["error"] == "session_ended", refused
    # The old phone is out of the session's rooms: the new session's broadcasts, which reach
    # the new phone, never reach it.
    server.api("POST", f"/sessions/{new['id']}/control", json={"action": "reveal"})
    phone_b.wait_for(lambda state: state["session"]["revealed"], "the reveal")
    time.sleep(QUIET)
    assert phone_a.seen() == told
    assert phone_a.call("sync", {})["error"] == "not_joined"

    result = server.answers(new["id"])
    assert result["responses"] == 1
    assert result["results"]["counts"] == {"a": 1, "b": 0, "c": 0}
