"""Acceptance test on the real network: a whole live session on ``facilitate serve`` (gunicorn,
gevent worker) over loopback, as ``make run`` starts it.

The leader drives the session through the REST API and follows it on ``/live`` with an API
token; fifty participants join with python-socketio clients over WebSocket and answer every
answerable step. Along the way one phone loses its connection around an answer (with the ack
seen, and without), and one phone reloads. At the end the stored results must be exactly what
was sent: nothing lost, nothing stored twice.

Time limits here are generous upper bounds, so that a hang fails instead of blocking; nothing
asserts how fast anything is.
"""

import socket
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any

import pytest
import requests
import socketio

from .realserver import cli, running_server, server_env

NAMESPACE = "/live"
MODULE, PART = "norrbotten-for-alla", "demografi"
PARTICIPANTS = 50
EMAIL, PASSWORD = "leader@example.org", "correct horse battery staple"
#: Upper bounds for one ack, one HTTP request, and for broadcasts to reach every client.
ACK_LIMIT = 30
HTTP_LIMIT = 30
EVENT_LIMIT = 30
#: Step kinds whose answers and results this test knows how to make and check.
ANSWERED_KINDS = ("open", "scale", "poll", "quiz")


def wait_for(predicate, what: str, limit: float = EVENT_LIMIT) -> None:
    """Poll ``predicate`` until it holds; fail with ``what`` after ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {limit} s waiting for {what}")
        time.sleep(0.02)


def live_client(base: str, auth: dict | None = None, **handlers) -> socketio.Client:
    """A python-socketio client connected to ``/live`` over WebSocket only, without automatic
    reconnection (the test reconnects on purpose, with the participant's token)."""
    client = socketio.Client(reconnection=False)
    for event, handler in handlers.items():
        client.on(event, handler, namespace=NAMESPACE)
    client.connect(
        base, namespaces=[NAMESPACE], transports=["websocket"], auth=auth, wait_timeout=ACK_LIMIT
    )
    return client


def ok(ack: Any) -> dict:
    assert isinstance(ack, dict) and ack.get("ok") is True, ack
    return ack


class Phone:
    """One participant's phone: the token it keeps across connections, and the ``state``
    broadcasts received on its current connection."""

    def __init__(self, base: str, code: str, number: int):
        self.base = base
        self.code = code
        self.name = f"P{number}"
        self.number = number
        self.token: str | None = None
        self.participant_id: int | None = None
        self.client: socketio.Client | None = None
        self.states: list[dict] = []
        #: Every connection this phone has had; all are disconnected at the end.
        self.clients: list[socketio.Client] = []

    def connect(self) -> None:
        """A new connection (the old one, if any, is gone); it has not joined yet."""
        states: list[dict] = []
        self.client = live_client(self.base, state=states.append)
        self.clients.append(self.client)
        self.states = states

    def call(self, event: str, data: dict) -> Any:
        return self.client.call(event, data, namespace=NAMESPACE, timeout=ACK_LIMIT)

    def join(self) -> dict:
        """``join`` with the code (and the kept token, if any); returns the ack."""
        payload = {"code": self.code, "name": self.name, "locale": "sv"}
        if self.token:
            payload["token"] = self.token
        ack = ok(self.call("join", payload))
        assert isinstance(ack["token"], str) and ack["token"], ack
        assert ack["participant"]["name"] == self.name, ack
        if self.token is None:
            self.token, self.participant_id = ack["token"], ack["participant"]["id"]
        return ack

    def answer(self, step: str, value: Any, submission_id: str) -> dict:
        payload = {"step": step, "value": value, "submission_id": submission_id}
        return ok(self.call("answer", payload))

    def drop(self) -> None:
        """The connection goes away (mobile data lost, page closed)."""
        self.client.disconnect()

    def lose_network(self) -> None:
        """The network goes away under the connection once what was sent is on the wire: no
        goodbye reaches the server, and no ack reaches the phone."""
        engine = self.client.eio
        wait_for(lambda: engine.queue.unfinished_tasks == 0, "the client to send what it has")
        engine.ws.sock.shutdown(socket.SHUT_RDWR)
        self.client.disconnect()  # the client's own threads end

    def last_state(self) -> dict | None:
        return self.states[-1] if self.states else None

    def close(self) -> None:
        for client in self.clients:
            client.disconnect()


class Leader:
    """The leader's script: the REST API with a Bearer token."""

    def __init__(self, base: str, token: str):
        self.base = base
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, expect: int = 200, **kwargs) -> Any:
        response = self.http.request(method, self.base + path, timeout=HTTP_LIMIT, **kwargs)
        assert response.status_code == expect, (method, path, response.status_code, response.text)
        return response.json()

    def control(self, session_id: int, action: str) -> Any:
        return self.request(
            "POST", f"/api/v1/sessions/{session_id}/control", json={"action": action}
        )

    def close(self) -> None:
        self.http.close()


class Expected:
    """What was stored, as the test knows it: per step, every accepted (participant, value) in
    the order sent."""

    def __init__(self) -> None:
        self.stored: dict[str, list[tuple[int, Any]]] = {}
        self.lock = threading.Lock()

    def add(self, step: str, participant_id: int, value: Any) -> None:
        with self.lock:
            self.stored.setdefault(step, []).append((participant_id, value))

    def results(self, step: dict) -> dict:
        """What the API must report for ``step`` (its participant view): ``responses`` (every
        stored answer), ``respondents``, and ``texts`` as a multiset (open) or ``counts`` of
        each participant's latest answer (scale, poll)."""
        stored = self.stored.get(step["id"], [])
        if step["kind"] == "open":
            texts = [value for _, value in stored]
            return {"responses": len(stored), "respondents": len(texts), "texts": Counter(texts)}
        latest = {participant: value for participant, value in stored}
        values = list(latest.values())
        if step["kind"] == "scale":
            counts = {str(n): values.count(n) for n in range(step["min"], step["max"] + 1)}
        else:  # poll and quiz: a person counts once per chosen option
            chosen = Counter(o for v in values for o in (v if isinstance(v, list) else [v]))
            counts = {option["id"]: chosen[option["id"]] for option in step["options"]}
        want = {"responses": len(stored), "respondents": len(values), "counts": counts}
        if step["kind"] == "scale":
            want["mean"] = sum(values) / len(values)
        return want


def value_for(step: dict, number: int, change: int = 0) -> Any:
    """A valid answer for phone ``number`` to ``step`` (a participant view), varied by
    ``change`` so that a changed answer differs."""
    if step["kind"] == "open":
        return f"svar från P{number}" + (f" (igen {change})" if change else "")
    if step["kind"] == "scale":
        return step["min"] + (number + change) % (step["max"] - step["min"] + 1)
    options = [option["id"] for option in step["options"]]
    choice = options[(number + change) % len(options)]
    return [choice] if step.get("multiple") else choice


class Console:
    """The leader console on ``/live``, recognised by the API token at connect: it follows
    the session and collects ``host_state`` and ``tally`` events."""

    def __init__(self, base: str, token: str):
        self.tallies: list[dict] = []
        self.states: list[dict] = []
        self.client = live_client(
            base, auth={"token": token}, tally=self.tallies.append, host_state=self.states.append
        )

    def host(self, session_id: int) -> dict:
        ack = self.client.call(
            "host", {"session": session_id}, namespace=NAMESPACE, timeout=ACK_LIMIT
        )
        return ok(ack)

    def close(self) -> None:
        self.client.disconnect()


@pytest.fixture
def live_server(tmp_path):
    """A served instance with one leader, set up as ``make run`` does: ``(base_url, token)``.
    The server's log is printed at teardown (pytest shows it when the test failed)."""
    env = server_env(tmp_path / "instance")
    cli(env, "db", "upgrade")
    cli(
        env, "users", "create", EMAIL, "--role", "leader", "--password-stdin", stdin=PASSWORD + "\n"
    )
    token = cli(env, "tokens", "create", EMAIL).strip().splitlines()[-1].strip()
    log_path = tmp_path / "server.log"
    try:
        with open(log_path, "w") as log, running_server(env, output=log) as (base, _server):
            yield base, token
    finally:
        print(log_path.read_text()[-20000:])


def show(leader: Leader, phones: list[Phone], session_id: int, index: int, step: dict) -> dict:
    """The leader shows step ``index`` (start, then next); every phone gets it as ``state``.
    Returns the step as participants see it."""
    leader.control(session_id, "start" if index == 0 else "next")
    wait_for(
        lambda: all((s := p.last_state()) and s["session"]["step_index"] == index for p in phones),
        f"every phone to be shown step {index} ({step['id']})",
    )
    for phone in phones:
        state = phone.last_state()
        assert state["session"]["status"] == "running", state
        assert state["step"]["id"] == step["id"] and state["step"]["kind"] == step["kind"], state
        assert state["session"]["open"] is state["step"]["answerable"], state
    now = leader.request("GET", f"/api/v1/sessions/{session_id}")
    assert now["status"] == "running" and now["current_step"] == step["id"], now
    return phones[0].last_state()["step"]


def answer_all(phones: list[Phone], step: dict, expected: Expected) -> int:
    """Every phone in ``phones`` answers at once; each is stored, none a duplicate."""

    def send(phone: Phone) -> None:
        value = value_for(step, phone.number)
        ack = phone.answer(step["id"], value, f"{phone.name}-{step['id']}-1")
        assert ack == {"ok": True, "duplicate": False}, (phone.name, ack)
        expected.add(step["id"], phone.participant_id, value)

    with ThreadPoolExecutor(max_workers=len(phones)) as pool:
        list(pool.map(send, phones))
    return len(phones)


def resume(phone: Phone, step: dict) -> dict:
    """A new connection joins with the kept token: the same participant, the current step."""
    phone.connect()
    ack = phone.join()
    assert ack["participant"]["id"] == phone.participant_id, ack
    assert ack["state"]["step"]["id"] == step["id"], ack
    return ack


def lose_ack(phone: Phone, step: dict) -> int:
    """Fault 1a: the phone's answer was stored and acknowledged, but the connection drops before
    the phone takes note; it reconnects, resumes and resends with the same submission id."""
    value = value_for(step, phone.number)
    phone.drop()
    ack = resume(phone, step)
    assert [c["text"] for c in ack["state"]["answer"]] == [value], ack
    resent = phone.answer(step["id"], value, f"{phone.name}-{step['id']}-1")
    assert resent == {"ok": True, "duplicate": True}, resent
    return 1


def send_and_drop(phone: Phone, step: dict, expected: Expected) -> int:
    """Fault 1b: the phone sends and loses its connection at once, without waiting for the ack;
    the answer may or may not have arrived. After reconnecting it resends with the same
    submission id, and the answer is stored exactly once either way."""
    value = value_for(step, phone.number)
    payload = {"step": step["id"], "value": value, "submission_id": f"{phone.name}-{step['id']}-1"}
    phone.client.emit("answer", payload, namespace=NAMESPACE, callback=lambda *ack: None)
    phone.lose_network()
    ack = resume(phone, step)
    assert [c["text"] for c in ack["state"]["answer"]] in ([], [value]), ack
    resent = phone.answer(**payload)
    assert resent["duplicate"] in (True, False), resent
    expected.add(step["id"], phone.participant_id, value)
    synced = ok(phone.call("sync", {}))
    assert [c["text"] for c in synced["state"]["answer"]] == [value], synced
    return 2


def change_answers(phones: list[Phone], step: dict, expected: Expected) -> int:
    """Poll and scale: a new submission changes the answer; the latest counts."""
    for phone in phones:
        value = value_for(step, phone.number, change=1)
        ack = phone.answer(step["id"], value, f"{phone.name}-{step['id']}-2")
        assert ack == {"ok": True, "duplicate": False}, ack
        expected.add(step["id"], phone.participant_id, value)
    return len(phones)


def reload(phone: Phone, step: dict) -> None:
    """Fault 2: the page reloads. A brand-new connection joins with the kept token and gets the
    same participant and its stored answer to the current step."""
    phone.drop()
    ack = resume(phone, step)
    assert ack["state"]["answer"] == value_for(step, phone.number, change=0), ack


def test_a_whole_session_with_fifty_phones_over_the_network(live_server):
    base, token = live_server
    with ExitStack() as cleanup:
        leader = Leader(base, token)
        cleanup.callback(leader.close)

        # --- the leader creates a session and follows it on /live -------------------------
        created = leader.request(
            "POST", "/api/v1/sessions", 201, json={"module": MODULE, "part": PART}
        )
        session_id, code = created["id"], created["code"]
        assert created["status"] == "lobby", created
        assert created["join_url"].endswith(f"/j/{code}"), created
        console = Console(base, token)
        cleanup.callback(console.close)
        assert console.host(session_id)["state"]["session"]["status"] == "lobby"

        # --- fifty phones join at once ------------------------------------------------------
        phones = [Phone(base, code, n) for n in range(1, PARTICIPANTS + 1)]
        for phone in phones:
            cleanup.callback(phone.close)

        def arrive(phone: Phone) -> dict:
            phone.connect()
            return phone.join()

        with ThreadPoolExecutor(max_workers=PARTICIPANTS) as pool:
            joined = list(pool.map(arrive, phones))
        for ack in joined:
            assert ack["state"]["session"]["status"] == "lobby", ack
            assert ack["state"]["step"] is None, ack
        assert len({phone.participant_id for phone in phones}) == PARTICIPANTS
        assert len({phone.token for phone in phones}) == PARTICIPANTS
        wait_for(
            lambda: any(t["participant_count"] == PARTICIPANTS for t in console.tallies),
            "a tally counting every participant",
        )

        info = leader.request("GET", f"/api/v1/sessions/{session_id}")
        assert (info["id"], info["code"], info["status"]) == (session_id, code, "lobby"), info
        steps = info["steps"]

        # --- through every step of the part -----------------------------------------------
        expected = Expected()
        answers_sent = 0
        opens = 0
        reloaded = False
        # Phones with a part to play besides answering.
        changing, lost_ack, unacked, reloading = phones[0:2], phones[2], phones[3], phones[4]
        views: dict[str, dict] = {}
        for index, step_ref in enumerate(steps):
            step = views[step_ref["id"]] = show(leader, phones, session_id, index, step_ref)
            if not step["answerable"] or step["kind"] not in ANSWERED_KINDS:
                continue
            opens += step["kind"] == "open"
            if step["kind"] == "open" and opens == 2:
                answers_sent += answer_all([p for p in phones if p is not unacked], step, expected)
                answers_sent += send_and_drop(unacked, step, expected)
            else:
                answers_sent += answer_all(phones, step, expected)
            if step["kind"] == "open" and opens == 1:
                answers_sent += lose_ack(lost_ack, step)
            if step["kind"] in ("scale", "poll"):
                answers_sent += change_answers(changing, step, expected)
                if not reloaded:
                    reload(reloading, step)
                    reloaded = True
            # The console's tallies catch up with everyone's answer.
            wait_for(
                lambda step=step: any(
                    t["step_id"] == step["id"] and t["answered_count"] == PARTICIPANTS
                    for t in console.tallies
                ),
                f"a tally with every participant answered on {step['id']}",
            )
        assert opens >= 2, "the part needs two open steps for the connection faults"
        assert reloaded, "the part needs a scale or poll step for the reload"

        # --- the end ----------------------------------------------------------------------
        leader.control(session_id, "end")
        wait_for(
            lambda: all(
                (s := p.last_state()) and s["session"]["status"] == "ended" for p in phones
            ),
            "every connected phone to receive the ended state",
        )
        wait_for(
            lambda: console.states and console.states[-1]["session"]["status"] == "ended",
            "the leader console to receive the ended state",
        )
        assert leader.request("GET", f"/api/v1/sessions/{session_id}")["status"] == "ended"
        # Phones connected all along were shown every step, in order.
        for phone in phones:
            if phone not in (lost_ack, unacked, reloading):
                running = [s for s in phone.states if s["session"]["status"] == "running"]
                shown = [s["step"]["id"] for s in running]
                assert shown == [s["id"] for s in steps], (phone.name, shown)

        # --- the results are exactly what was sent ------------------------------------------
        results = leader.request("GET", f"/api/v1/sessions/{session_id}/results")
        assert [r["step"] for r in results] == [s["id"] for s in steps], results
        for result in results:
            step = views[result["step"]]
            assert result["kind"] == step["kind"], result
            if not step["answerable"] or step["kind"] not in ANSWERED_KINDS:
                assert result["responses"] == 0, result
                continue
            want, got = expected.results(step), result["results"]
            assert result["responses"] == want["responses"], result
            assert got["respondents"] == want["respondents"] == PARTICIPANTS, result
            if step["kind"] == "open":
                texts = [c["text"] for c in got["contributions"]]
                assert Counter(texts) == want["texts"], result
                for phone in (lost_ack, unacked):
                    assert texts.count(value_for(step, phone.number)) == 1, result
            else:
                assert got["counts"] == want["counts"], result
            if step["kind"] == "scale":
                assert got["mean"] == pytest.approx(want["mean"], abs=0.01), result

        # --- tallies came while answers came in, throttled, not one per answer --------------
        # Each answered step had a tally counting everyone (checked above). At most one tally
        # per TALLY_INTERVAL (0.25 s) means a handful per step here; one per answer would be
        # over 250. Half of that is a bound only a grossly overloaded machine could reach.
        assert console.tallies, "the leader console got no tally"
        assert len(console.tallies) < answers_sent / 2, (len(console.tallies), answers_sent)

        # --- the protocol: "step is null in the lobby and after the end" --------------------
        ended = [p.last_state() for p in phones]
        assert all(state["step"] is None for state in ended)
