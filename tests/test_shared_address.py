"""Many phones behind one address (a venue's NAT: a whole hall on one public IP), on a real
server on loopback, SQLite and PostgreSQL (issue #23, point 4): joins with a session's code
are never counted against the guess limits, however many arrive at once; unknown codes from
the same address still are, exactly up to the limit, however they are sent."""

import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
import requests

from . import services
from .attackers import LIMIT, NAMESPACE, call, client_from
from .realserver import cli, running_server, server_env

EMAIL, PASSWORD = "leader@example.org", "correct horse battery"
MODULE, PART = "strategiskt-forum", "principer"
#: JOIN_LIMIT_PER_ADDRESS's default: unknown codes one address may try per minute.
GUESSES_PER_ADDRESS = 20
#: Valid joins released together from one address: connections × joins on each.
CONNECTIONS, JOINS_EACH = 60, 5


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
def server(request, tmp_path_factory) -> Iterator[tuple[str, requests.Session]]:
    """A server with the default limits: ``(base, api)``, ``api`` with the leader's token."""
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
        api = stack.enter_context(requests.Session())
        api.headers["Authorization"] = f"Bearer {token}"
        yield base, api


def _new_session(server) -> dict:
    base, api = server
    response = api.post(base + "/api/v1/sessions", json={"module": MODULE, "part": PART})
    assert response.status_code == 201, response.text
    return response.json()


def _released_together(
    base: str, source: str, connections: int, each: int, payload: Callable[[int], dict]
) -> list[dict]:
    """``connections`` phones from ``source``, each sending ``each`` joins without waiting for
    an answer (join number ``n`` sends ``payload(n)``), all sent before the first is answered
    can be read: the acks, in join order."""
    clients = [client_from(base, source) for _ in range(connections)]
    acks: list[dict | None] = [None] * (connections * each)
    done = threading.Semaphore(0)

    def answered(n):
        def callback(ack):
            acks[n] = ack
            done.release()

        return callback

    try:
        for m in range(each):
            for c, client in enumerate(clients):
                n = m * connections + c
                client.emit("join", payload(n), namespace=NAMESPACE, callback=answered(n))
        for _ in acks:
            assert done.acquire(timeout=LIMIT * 4), "a join was not answered"
    finally:
        for client in clients:
            client.disconnect()
    return acks


def _unknown(n: int) -> dict:
    return {"code": f"{90_000_000 + n}", "locale": "sv"}


def test_valid_joins_released_together_from_one_address_all_get_in(server):
    base, _ = server
    session = _new_session(server)
    acks = _released_together(
        base,
        "127.0.0.70",
        CONNECTIONS,
        JOINS_EACH,
        lambda n: {"code": session["code"], "name": f"P{n}", "locale": "sv"},
    )
    refused = [ack["error"] for ack in acks if not ack["ok"]]
    assert refused == []  # before the fix: all but about 20 were rate_limited
    assert len({ack["participant"]["id"] for ack in acks}) == CONNECTIONS * JOINS_EACH

    # Unknown codes from the same address are still limited, exactly to JOIN_LIMIT_PER_ADDRESS:
    # all those valid joins used none of it.
    guesses = _released_together(base, "127.0.0.70", 25, 4, _unknown)
    errors = [ack["error"] for ack in guesses]
    assert errors.count("unknown_code") == GUESSES_PER_ADDRESS
    assert errors.count("rate_limited") == 100 - GUESSES_PER_ADDRESS

    # While the allowance is used up, a member comes back with their token; a new phone
    # waits (every code now gets the same refusal, so a guesser learns nothing).
    phone = client_from(base, "127.0.0.70")
    back = call(phone, "join", {"code": session["code"], "token": acks[0]["token"]})
    assert back["ok"] and back["participant"]["id"] == acks[0]["participant"]["id"]
    new = client_from(base, "127.0.0.70")
    refused_new = call(new, "join", {"code": session["code"], "locale": "sv"})
    assert refused_new["error"] == "rate_limited" and refused_new["message"]
    for client in (phone, new):
        client.disconnect()


def test_unknown_codes_sent_together_with_valid_joins_stay_within_the_limit(server):
    base, _ = server
    session = _new_session(server)

    def mixed(n: int) -> dict:
        if n % 2:
            return _unknown(n)
        return {"code": session["code"], "name": f"P{n}", "locale": "sv"}

    acks = _released_together(base, "127.0.0.71", 40, 5, mixed)
    guesses = [ack["error"] for n, ack in enumerate(acks) if n % 2]
    valid = [ack for n, ack in enumerate(acks) if not n % 2]
    assert guesses.count("unknown_code") == GUESSES_PER_ADDRESS
    assert guesses.count("rate_limited") == 100 - GUESSES_PER_ADDRESS
    # A valid join is let in, or refused like every code once the guesses used the allowance.
    assert {ack.get("error") for ack in valid if not ack["ok"]} <= {"rate_limited"}
    # Other addresses are not affected.
    elsewhere = client_from(base, "127.0.0.72")
    assert call(elsewhere, "join", {"code": session["code"], "locale": "sv"})["ok"]
    elsewhere.disconnect()
