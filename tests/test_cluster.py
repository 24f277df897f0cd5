"""Scale-out on loopback, as docs/deploy.md sets it up: PostgreSQL as the database, Redis as the
Socket.IO message queue, two single-worker gevent processes (``facilitate serve``) behind nginx
with sticky routing on a client-chosen value.

400 phones join through nginx and are spread over both processes; the leader drives the session
on one process and reaches every phone; every answer is stored once. Then one process is killed
while answers are in flight: its phones reconnect through nginx to the other process, resume
with their tokens, resend what was not acknowledged, and nothing acknowledged is lost.

Run by ``make test-cluster`` (which installs the Debian packages when missing); skipped in a
plain ``make test``. Time limits are upper bounds so that a hang fails; nothing is timed.
"""

import asyncio
import os
import signal
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest

if os.environ.get("CLUSTER_TEST") != "1":
    pytest.skip(
        "needs PostgreSQL, Redis and nginx: run by make test-cluster", allow_module_level=True
    )

import aiohttp  # installed by make test-cluster, not by make test
import socketio
import sqlalchemy as sa

from . import services
from .realserver import cli, running_server, server_env

NAMESPACE = "/live"
MODULE, PART = "norrbotten-for-alla", "demografi"
PHONES = 400
EMAIL, PASSWORD = "leader@example.org", "correct horse battery staple"
#: Upper bounds for an ack, a connect, and for a broadcast or reconnection to complete.
ACK_LIMIT = 60
EVENT_LIMIT = 60
#: Phones connecting at the same time (a crowd arriving, not a flood).
CONNECT_CONCURRENCY = 40


@dataclass
class Cluster:
    nginx: str
    apps: list[str]  # base URLs of the app processes, for the leader and for checks
    processes: list  # their gunicorn masters
    token: str
    database: str


@pytest.fixture
def cluster(tmp_path):
    with ExitStack() as stack:
        database = stack.enter_context(services.postgres(tmp_path / "postgres"))
        queue = stack.enter_context(services.redis(tmp_path / "redis"))
        env = server_env(
            tmp_path / "instance",
            FACILITATE_DATABASE_URL=database,
            FACILITATE_MESSAGE_QUEUE=queue,
            FACILITATE_TRUSTED_PROXIES="1",
            # Every phone here comes from one loopback address, as from one venue's NAT, and
            # joins with the default limits: valid joins are never counted as guesses.
        )
        cli(env, "db", "upgrade")
        cli(
            env,
            "users",
            "create",
            EMAIL,
            "--role",
            "leader",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        token = cli(env, "tokens", "create", EMAIL).strip().splitlines()[-1].strip()
        apps, processes = [], []
        for n in range(2):
            log = stack.enter_context(open(tmp_path / f"app{n}.log", "w"))
            base, process = stack.enter_context(running_server(env, output=log))
            apps.append(base)
            processes.append(process)
        ports = [int(base.rpartition(":")[2]) for base in apps]
        front = stack.enter_context(services.nginx(tmp_path / "nginx", ports))
        try:
            yield Cluster(front, apps, processes, token, database)
        finally:
            for n in range(2):
                print(f"--- app{n}.log\n" + (tmp_path / f"app{n}.log").read_text()[-6000:])


def ok(ack: Any) -> dict:
    assert isinstance(ack, dict) and ack.get("ok") is True, ack
    return ack


async def wait_for(predicate, what: str, limit: float = EVENT_LIMIT) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {limit} s waiting for {what}")
        await asyncio.sleep(0.05)


class Phone:
    """A participant's phone that reaches the app through nginx with its own affinity value.
    Every other phone starts with HTTP long-polling and upgrades (several requests that must
    reach the same process); the others use WebSocket only."""

    def __init__(self, front: str, code: str, number: int):
        self.url = f"{front}/?affinity=phone-{number}"
        self.code = code
        self.number = number
        self.transports = ["polling", "websocket"] if number % 2 else ["websocket"]
        self.token: str | None = None
        self.participant_id: int | None = None
        self.client: socketio.AsyncClient | None = None
        self.states: list[dict] = []
        #: Answers sent, by submission id, and the acks received for them.
        self.sent: dict[str, dict] = {}
        self.acks: dict[str, dict] = {}
        self.sending: list[asyncio.Future] = []

    async def connect_and_join(self) -> dict:
        self.client = socketio.AsyncClient(reconnection=False)
        self.client.on("state", self.states.append, namespace=NAMESPACE)
        await self.client.connect(
            self.url, namespaces=[NAMESPACE], transports=self.transports, wait_timeout=ACK_LIMIT
        )
        payload = {"code": self.code, "name": f"P{self.number}", "locale": "sv"}
        if self.token:
            payload["token"] = self.token
        ack = ok(await self.client.call("join", payload, namespace=NAMESPACE, timeout=ACK_LIMIT))
        if self.token is None:
            self.token, self.participant_id = ack["token"], ack["participant"]["id"]
        assert ack["participant"]["id"] == self.participant_id, ack
        return ack

    def step(self, index: int) -> dict | None:
        for state in reversed(self.states):
            if state["session"]["step_index"] == index:
                return state["step"]
        return None

    def send(self, step: dict) -> None:
        """Emit this phone's answer to ``step`` without waiting; the ack is noted when it comes."""
        options = [o["id"] for o in step["options"]]
        submission_id = f"p{self.number}-{step['id']}"
        payload = {
            "step": step["id"],
            "value": options[self.number % len(options)],
            "submission_id": submission_id,
        }
        self.sent[submission_id] = payload

        def noted(ack):
            self.acks[submission_id] = ack

        self.sending.append(
            asyncio.ensure_future(
                self.client.emit("answer", payload, namespace=NAMESPACE, callback=noted)
            )
        )

    async def resend_unacked(self) -> None:
        """After a reconnect: resend every answer without an ack, with the same submission id."""
        for submission_id, payload in self.sent.items():
            if submission_id not in self.acks:
                ack = await self.client.call(
                    "answer", payload, namespace=NAMESPACE, timeout=ACK_LIMIT
                )
                self.acks[submission_id] = ok(ack)

    async def close(self) -> None:
        if self.client is not None and self.client.connected:
            await self.client.disconnect()


class Leader:
    """The leader: REST calls and a console on ``/live``, both on one app process."""

    def __init__(self, http: aiohttp.ClientSession, base: str, token: str):
        self.http, self.base, self.token = http, base, token
        self.tallies: list[dict] = []
        self.console = socketio.AsyncClient(reconnection=False)
        self.console.on("tally", self.tallies.append, namespace=NAMESPACE)

    async def request(self, method: str, path: str, **kwargs) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"}
        async with self.http.request(method, self.base + path, headers=headers, **kwargs) as r:
            body = await r.json()
            assert r.status < 400, (method, path, r.status, body)
            return body

    async def follow(self, session_id: int) -> None:
        await self.console.connect(
            self.base,
            namespaces=[NAMESPACE],
            transports=["websocket"],
            auth={"token": self.token},
            wait_timeout=ACK_LIMIT,
        )
        ok(
            await self.console.call(
                "host", {"session": session_id}, namespace=NAMESPACE, timeout=ACK_LIMIT
            )
        )

    async def control(self, session_id: int, action: str, step: str | None = None) -> None:
        body = {"action": action, **({"step": step} if step else {})}
        await self.request("POST", f"/api/v1/sessions/{session_id}/control", json=body)


async def upstream_of(http: aiohttp.ClientSession, front: str, number: int) -> str:
    """The app process nginx routes phone ``number``'s affinity value to."""
    async with http.get(f"{front}/healthz?affinity=phone-{number}") as response:
        assert response.status == 200
        return response.headers["X-Facilitate-Upstream"]


def stored_answers(database: str) -> list[tuple[int, str, str]]:
    engine = sa.create_engine(database)
    try:
        with engine.connect() as connection:
            return [
                tuple(row)
                for row in connection.execute(
                    sa.text("SELECT participant_id, step_id, submission_id FROM responses")
                )
            ]
    finally:
        engine.dispose()


async def show(leader, phones, session_id, index, step_id, action="goto") -> None:
    """The leader on one process shows a step; every phone, on either process, receives it."""
    await leader.control(session_id, action, step_id if action == "goto" else None)
    await wait_for(
        lambda: all(p.step(index) is not None for p in phones),
        f"every phone to be shown step {index}",
    )


async def answer_all(phones: list, index: int) -> None:
    for phone in phones:
        phone.send(phone.step(index))
    await wait_for(
        lambda: all(len(p.acks) == len(p.sent) for p in phones), "every answer to be acked"
    )
    for phone in phones:
        for ack in phone.acks.values():
            assert ack == {"ok": True, "duplicate": False}, ack


async def scenario(cluster: Cluster) -> None:
    timeout = aiohttp.ClientTimeout(total=ACK_LIMIT)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        leader = Leader(http, cluster.apps[0], cluster.token)
        created = await leader.request(
            "POST", "/api/v1/sessions", json={"module": MODULE, "part": PART}
        )
        session_id, code = created["id"], created["code"]
        info = await leader.request("GET", f"/api/v1/sessions/{session_id}")
        quiz = [(i, s["id"]) for i, s in enumerate(info["steps"]) if s["kind"] == "quiz"][:3]
        assert len(quiz) == 3, info["steps"]
        await leader.follow(session_id)

        # --- 400 phones through nginx, spread over both processes ---------------------------
        phones = [Phone(cluster.nginx, code, n) for n in range(PHONES)]
        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

        async def arrive(phone: Phone) -> None:
            async with gate:
                await phone.connect_and_join()

        try:
            await asyncio.gather(*(arrive(p) for p in phones))
            assert len({p.participant_id for p in phones}) == PHONES
            routes = await asyncio.gather(
                *(upstream_of(http, cluster.nginx, p.number) for p in phones)
            )
            spread = Counter(routes)
            assert len(spread) == 2 and min(spread.values()) >= PHONES // 4, spread
            ports = {base.rpartition(":")[2] for base in cluster.apps}
            assert {route.rpartition(":")[2] for route in spread} == ports, spread
            doomed_port = cluster.apps[1].rpartition(":")[2]
            doomed = [p for p, r in zip(phones, routes, strict=True) if r.endswith(doomed_port)]

            # --- the leader on process 0 reaches everyone; every answer is stored once ------
            await show(leader, phones, session_id, 0, None, action="start")
            index, step_id = quiz[0]
            await show(leader, phones, session_id, index, step_id)
            await answer_all(phones, index)
            await wait_for(
                lambda: any(
                    t["step_id"] == step_id and t["answered_count"] == PHONES
                    for t in leader.tallies
                ),
                "the console's tally to count every answer, from both processes",
            )

            # --- process 1 dies while answers are in flight ---------------------------------
            index, step_id = quiz[1]
            await show(leader, phones, session_id, index, step_id)
            for phone in phones:
                phone.send(phone.step(index))
            await asyncio.sleep(0.01)  # some answers are stored, some acked, some neither
            os.killpg(cluster.processes[1].pid, signal.SIGKILL)
            await wait_for(
                lambda: not any(p.client.connected for p in doomed),
                "the killed process's phones to notice",
            )
            survivors = [p for p in phones if p not in doomed]
            await wait_for(
                lambda: all(len(p.acks) == len(p.sent) for p in survivors),
                "the surviving process to ack its phones' answers",
            )
            acked_before = {sid for p in phones for sid in p.acks if sid.endswith(step_id)}
            in_flight = sum(sid not in p.acks for p in doomed for sid in p.sent)
            print(f"at the kill: {len(acked_before)} of {PHONES} acked, {in_flight} in flight")

            # --- they reconnect through nginx to the other process and resend ---------------
            for phone in doomed:
                await phone.close()

            async def come_back(phone: Phone) -> None:
                async with gate:
                    ack = await phone.connect_and_join()
                    assert ack["state"]["step"]["id"] == step_id, ack
                    await phone.resend_unacked()

            await asyncio.gather(*(come_back(p) for p in doomed))
            back = await asyncio.gather(
                *(upstream_of(http, cluster.nginx, p.number) for p in doomed)
            )
            assert all(r.endswith(cluster.apps[0].rpartition(":")[2]) for r in back), back

            stored = stored_answers(cluster.database)
            assert len(stored) == len(set(stored)), "an answer was stored twice"
            on_step = Counter(pid for pid, step, _ in stored if step == step_id)
            assert set(on_step) == {p.participant_id for p in phones}, "an answer was lost"
            assert set(on_step.values()) == {1}, on_step
            submissions = {sid for _, _, sid in stored}
            assert acked_before <= submissions, "an acknowledged answer was lost"

            # --- and the session goes on, everyone on the surviving process ------------------
            index, step_id = quiz[2]
            await show(leader, phones, session_id, index, step_id)
            await answer_all(phones, index)

            results = await leader.request("GET", f"/api/v1/sessions/{session_id}/results")
            counted = {r["step"]: r["responses"] for r in results}
            assert [counted[s] for _, s in quiz] == [PHONES] * 3, counted
        finally:
            await asyncio.gather(*(p.close() for p in phones), return_exceptions=True)
            if leader.console.connected:
                await leader.console.disconnect()


def test_two_processes_behind_nginx_lose_nothing_when_one_dies(cluster):
    asyncio.run(scenario(cluster))
