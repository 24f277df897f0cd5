"""Faults on a real server (``facilitate serve`` on loopback, SQLite in its instance folder):
the server killed with SIGKILL mid-session and started again, and the database briefly
unavailable. Nothing acknowledged is lost, nothing is stored twice, and a failed store is
answered as a failure — never as a false success."""

import os
import signal
import sqlite3

import pytest

from .realserver import cli, free_port, running_server, server_env
from .test_live_server import EMAIL, PASSWORD, Leader, Phone, ok, wait_for

MODULE, PART = "strategiskt-forum", "principer"
OPEN = "principer-i-praktiken"
PHONES = 5


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    """One installation for the tests here (each runs its own session in it)."""
    folder = tmp_path_factory.mktemp("faults") / "instance"
    env = server_env(folder)
    cli(env, "db", "upgrade")
    cli(
        env, "users", "create", EMAIL, "--role", "leader", "--password-stdin", stdin=PASSWORD + "\n"
    )
    token = cli(env, "tokens", "create", EMAIL).strip().splitlines()[-1].strip()
    return env, token, folder / "facilitate.sqlite3"


def contributions(leader, session_id):
    results = leader.request("GET", f"/api/v1/sessions/{session_id}/results")
    step = next(r for r in results if r["step"] == OPEN)
    return sorted(c["text"] for c in step["results"]["contributions"])


def test_a_killed_server_resumes_the_session_with_every_acked_answer(instance):
    env, token, _ = instance
    port = free_port()
    with running_server(env, port=port) as (base, server):
        leader = Leader(base, token)
        created = leader.request(
            "POST", "/api/v1/sessions", expect=201, json={"module": MODULE, "part": PART}
        )
        session_id, code = created["id"], created["code"]
        phones = [Phone(base, code, n) for n in range(PHONES)]
        for phone in phones:
            phone.connect()
            phone.join()
        leader.control(session_id, "start")
        leader.request(
            "POST",
            f"/api/v1/sessions/{session_id}/control",
            json={"action": "goto", "step": OPEN},
        )
        for phone in phones:
            phone.answer(OPEN, f"före {phone.name}", "before")
        # No goodbye: the whole server dies at once.
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        for phone in phones:
            phone.close()

    with running_server(env, port=port) as (base, _server):
        leader = Leader(base, token)
        session = leader.request("GET", f"/api/v1/sessions/{session_id}")
        assert (session["status"], session["current_step"]) == ("running", OPEN)
        assert contributions(leader, session_id) == sorted(f"före P{n}" for n in range(PHONES))
        for phone in phones:
            phone.connect()
            ack = phone.join()  # resumes with the token kept on the phone
            assert ack["participant"]["id"] == phone.participant_id
            assert [c["text"] for c in ack["state"]["answer"]] == [f"före {phone.name}"]
            resent = ok(
                phone.call("answer", {"step": OPEN, "value": "x", "submission_id": "before"})
            )
            assert resent["duplicate"] is True  # a resend after the crash is not stored twice
            phone.answer(OPEN, f"efter {phone.name}", "after")
        assert len(contributions(leader, session_id)) == 2 * PHONES
        for phone in phones:
            phone.close()
        leader.close()


def test_a_locked_database_gets_an_error_ack_and_the_resend_is_stored_once(instance):
    env, token, database = instance
    with running_server(env) as (base, _server):
        leader = Leader(base, token)
        created = leader.request(
            "POST", "/api/v1/sessions", expect=201, json={"module": MODULE, "part": PART}
        )
        session_id = created["id"]
        phone = Phone(base, created["code"], 1)
        phone.connect()
        phone.join()
        leader.control(session_id, "start")
        leader.request(
            "POST",
            f"/api/v1/sessions/{session_id}/control",
            json={"action": "goto", "step": OPEN},
        )
        # Another program holds the database: every write waits, then fails.
        blocker = sqlite3.connect(database, timeout=30)
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            payload = {"step": OPEN, "value": "under låset", "submission_id": "locked"}
            refused = phone.call("answer", payload)
            assert refused["ok"] is False and refused["error"] == "unavailable", refused
            assert refused["message"]
        finally:
            blocker.rollback()
            blocker.close()
        stored = ok(phone.call("answer", payload))  # the phone resends, same submission id
        assert stored["duplicate"] is False
        assert ok(phone.call("answer", payload))["duplicate"] is True
        wait_for(lambda: contributions(leader, session_id) == ["under låset"], "the answer")
        phone.close()
        leader.close()
