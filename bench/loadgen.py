"""The load generator: python-socketio asyncio clients speaking the real ``/live`` protocol
(docs/protocol.md), and a leader that drives each session through the REST API.

One asyncio process holds every phone. A run is a list of sessions; each session is a leader and
its phones. The leader shows a step (t0 = just before the control request leaves) and every phone
notes when the ``state`` of that step arrives (push latency); then every phone answers at once
(t0 = when the burst starts) and notes when its ack arrives (ack latency). The same code drives
the bare baseline server (``bench/baseline.py``), whose leader posts to ``/broadcast`` instead.

All times are ``time.monotonic()`` (CLOCK_MONOTONIC, one clock for the whole machine).
"""

import asyncio
import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import socketio

NAMESPACE = "/live"
#: Upper bound for one ack or one connect; a hang fails instead of blocking the run.
ACK_LIMIT = 60.0
#: Upper bound for a broadcast to reach every phone.
PUSH_LIMIT = 60.0
#: Phones connecting at the same time while a run is set up (a crowd arriving, not a DoS).
CONNECT_CONCURRENCY = 50
#: How often a phone whose answer got no ack within ACK_LIMIT resends it (same submission id).
RESENDS = 2
#: A join storm's client connect timeout: socket.io-client's default (20 s), not
#: python-socketio's 1 s namespace wait.
STORM_CONNECT_TIMEOUT = 20.0


@dataclass
class Measures:
    """What one run measured; latencies in seconds."""

    push: list[float] = field(default_factory=list)
    ack: list[float] = field(default_factory=list)
    push_missed: int = 0
    sent: int = 0
    acked: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    unacked: int = 0
    resent: int = 0
    #: Submission ids acknowledged ``ok`` (the answers that must be stored exactly once).
    acked_ids: set[str] = field(default_factory=set)
    #: The generator's own CPU use (cores) over each push and each answer burst.
    generator_busy: list[float] = field(default_factory=list)
    #: Join storm: from each phone's arrival (its place in the schedule) to its join ack.
    join: list[float] = field(default_factory=list)
    #: Join storm: from each phone's arrival to its connection (the part of ``join`` before
    #: the join event was sent; the rest is the join's own round trip).
    connected: list[float] = field(default_factory=list)
    #: Join storm: phones that did not get joined, by what went wrong.
    join_failed: dict[str, int] = field(default_factory=dict)

    def merge(self, other: "Measures") -> None:
        self.push += other.push
        self.ack += other.ack
        self.push_missed += other.push_missed
        self.sent += other.sent
        self.acked += other.acked
        self.unacked += other.unacked
        self.resent += other.resent
        self.acked_ids |= other.acked_ids
        self.generator_busy += other.generator_busy
        self.join += other.join
        self.connected += other.connected
        for code, n in other.refused.items():
            self.refused[code] = self.refused.get(code, 0) + n
        for code, n in other.join_failed.items():
            self.join_failed[code] = self.join_failed.get(code, 0) + n


def value_for(step: dict, number: int) -> Any:
    """A valid answer of phone ``number`` to ``step`` (as participants see it)."""
    if step["kind"] in ("open", "wordcloud"):
        return f"svar {number}"
    if step["kind"] == "scale":
        return step["min"] + number % (step["max"] - step["min"] + 1)
    options = [option["id"] for option in step["options"]]
    choice = options[number % len(options)]
    return [choice] if step.get("multiple") else choice


class Phone:
    """One participant: a Socket.IO connection to ``/live`` (WebSocket only), its resume token,
    and when it first saw each step index."""

    def __init__(self, url: str, code: str, number: int, tag: str):
        self.url = url
        self.code = code
        self.number = number
        self.tag = tag
        self.token: str | None = None
        #: When this phone first saw each step index, and that step as it was shown.
        self.seen: dict[int, float] = {}
        self.views: dict[int, dict | None] = {}
        self.client = socketio.AsyncClient(reconnection=False)
        self.client.on("state", self._on_state, namespace=NAMESPACE)

    def _on_state(self, state: dict) -> None:
        now = time.monotonic()
        index = (state.get("session") or {}).get("step_index")
        if index is not None and index not in self.seen:
            self.seen[index] = now
            self.views[index] = state.get("step")

    async def connect(self, limit: float = ACK_LIMIT) -> None:
        await self.client.connect(
            self.url,
            namespaces=[NAMESPACE],
            transports=["websocket"],
            wait_timeout=limit,
        )

    async def join(self, limit: float = ACK_LIMIT) -> dict:
        payload = {"code": self.code, "name": f"P{self.number}", "locale": "sv"}
        if self.token:
            payload["token"] = self.token
        ack = await self.client.call("join", payload, namespace=NAMESPACE, timeout=limit)
        if not (isinstance(ack, dict) and ack.get("ok")):
            raise RuntimeError(f"join refused: {ack}")
        self.token = ack["token"]
        return ack

    async def answer(self, step: dict, t0: float, measures: Measures) -> None:
        """Send one answer; resend it with the same submission id if no ack comes."""
        submission_id = f"{self.tag}-{self.number}-{step['id']}"
        payload = {
            "step": step["id"],
            "value": value_for(step, self.number),
            "submission_id": submission_id,
        }
        measures.sent += 1
        for attempt in range(1 + RESENDS):
            try:
                ack = await self.client.call(
                    "answer", payload, namespace=NAMESPACE, timeout=ACK_LIMIT
                )
            except (TimeoutError, socketio.exceptions.TimeoutError):
                measures.resent += attempt < RESENDS
                continue
            if isinstance(ack, dict) and ack.get("ok"):
                measures.ack.append(time.monotonic() - t0)
                measures.acked += 1
                measures.acked_ids.add(submission_id)
            else:
                code = ack.get("error", "?") if isinstance(ack, dict) else "?"
                measures.refused[code] = measures.refused.get(code, 0) + 1
            return
        measures.unacked += 1

    async def close(self) -> None:
        if self.client.connected:
            await self.client.disconnect()


class FacilitateLeader:
    """The leader of one facilitate session, driving it through the REST API."""

    def __init__(self, http: aiohttp.ClientSession, base: str, token: str):
        self.http = http
        self.base = base
        self.headers = {"Authorization": f"Bearer {token}"}
        self.session_id: int | None = None
        self.steps: list[dict] = []
        self.console: socketio.AsyncClient | None = None
        self.screen: socketio.AsyncClient | None = None
        self.tallies: list[dict] = []
        self.screen_tallies: list[dict] = []

    async def _request(self, method: str, path: str, **kwargs) -> Any:
        async with self.http.request(
            method, self.base + path, headers=self.headers, **kwargs
        ) as response:
            body = await response.json()
            if response.status >= 400:
                raise RuntimeError(f"{method} {path}: {response.status} {body}")
            return body

    async def create(self, module: str, part: str) -> str:
        """Create the session and follow it on a leader console and on the big screen, as a
        leader does in the room (both stay connected for the whole run)."""
        created = await self._request(
            "POST", "/api/v1/sessions", json={"module": module, "part": part}
        )
        self.session_id = created["id"]
        info = await self._request("GET", f"/api/v1/sessions/{self.session_id}")
        self.steps = info["steps"]
        self.console = await self._follow("host", self.tallies)
        self.screen = await self._follow("screen", self.screen_tallies)
        return created["code"]

    async def _follow(self, event: str, tallies: list[dict]) -> socketio.AsyncClient:
        """A leader's client (``host``: the console, ``screen``: the big screen) that keeps
        every ``tally`` it gets."""
        client = socketio.AsyncClient(reconnection=False)
        client.on("tally", tallies.append, namespace=NAMESPACE)
        await client.connect(
            self.base,
            namespaces=[NAMESPACE],
            transports=["websocket"],
            auth={"token": self.headers["Authorization"].split()[1]},
            wait_timeout=ACK_LIMIT,
        )
        ack = await client.call(
            event, {"session": self.session_id}, namespace=NAMESPACE, timeout=ACK_LIMIT
        )
        if not (isinstance(ack, dict) and ack.get("ok")):
            raise RuntimeError(f"{event} refused: {ack}")
        return client

    def answerable(self) -> list[int]:
        """Indexes of steps whose answers the generator can make (quiz, poll, scale)."""
        return [i for i, s in enumerate(self.steps) if s["kind"] in ("quiz", "poll", "scale")]

    async def show(self, index: int) -> float:
        """Show step ``index``; returns t0, taken just before the request leaves."""
        t0 = time.monotonic()
        if index == 0:
            await self._request(
                "POST", f"/api/v1/sessions/{self.session_id}/control", json={"action": "start"}
            )
        else:
            await self._request(
                "POST",
                f"/api/v1/sessions/{self.session_id}/control",
                json={"action": "goto", "step": self.steps[index]["id"]},
            )
        return t0

    async def end(self) -> None:
        await self._request(
            "POST", f"/api/v1/sessions/{self.session_id}/control", json={"action": "end"}
        )
        for client in (self.console, self.screen):
            if client is not None and client.connected:
                await client.disconnect()


class BaselineLeader:
    """The baseline's leader: a room instead of a session, ``/broadcast`` instead of control.
    It broadcasts a state of the same shape and about the same size as facilitate's."""

    _rooms = itertools.count(1)
    STEPS = 4

    def __init__(self, http: aiohttp.ClientSession, base: str):
        self.http = http
        self.base = base
        self.room = f"room-{next(self._rooms)}"
        self.steps = [{"id": f"q{i}", "kind": "quiz"} for i in range(self.STEPS)]
        self.followers: list[socketio.AsyncClient] = []
        self.tallies: list[dict] = []
        self.screen_tallies: list[dict] = []

    async def create(self, module: str, part: str) -> str:
        """Two clients in the room for the whole run, where facilitate has the console and
        the big screen (the bare stack has no tallies: they get the broadcasts)."""
        for _ in range(2):
            client = socketio.AsyncClient(reconnection=False)
            await client.connect(
                self.base, namespaces=[NAMESPACE], transports=["websocket"], wait_timeout=ACK_LIMIT
            )
            await client.call("join", {"code": self.room}, namespace=NAMESPACE, timeout=ACK_LIMIT)
            self.followers.append(client)
        return self.room

    def answerable(self) -> list[int]:
        return list(range(1, self.STEPS))

    def _state(self, index: int) -> dict:
        options = [
            {"id": o, "text": f"Alternativ {o}: en text av ungefär samma längd som i modulerna"}
            for o in "abcd"
        ]
        return {
            "session": {
                "id": 1,
                "code": self.room,
                "status": "running",
                "title": "Demografi",
                "step_index": index,
                "step_count": self.STEPS,
                "open": True,
                "revealed": False,
                "server_time": "2026-01-01T00:00:00+00:00",
                "deadline": None,
                "time_left": None,
                "paused": False,
                "competitive": False,
                "speed_bonus": False,
                "team_mode": False,
                "extra_time": 1.0,
                "timer_seconds": None,
            },
            "step": {
                "id": f"q{index}",
                "kind": "quiz",
                "lang": "sv",
                "answerable": True,
                "multiple": False,
                "options": options,
                "prompt": "Hur stor andel av befolkningen i Norrbotten är 65 år eller äldre?",
            },
            "results": None,
        }

    async def show(self, index: int) -> float:
        t0 = time.monotonic()
        async with self.http.post(
            self.base + "/broadcast", json={"room": self.room, "state": self._state(index)}
        ) as response:
            response.raise_for_status()
        return t0

    async def end(self) -> None:
        for client in self.followers:
            if client.connected:
                await client.disconnect()


async def connect_all(phones: list[Phone]) -> None:
    """Connect and join every phone, at most CONNECT_CONCURRENCY at a time."""
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def arrive(phone: Phone) -> None:
        async with gate:
            await phone.connect()
            await phone.join()

    await asyncio.gather(*(arrive(p) for p in phones))


async def storm(phones: list[Phone], start: float, rate: float, measures: Measures) -> None:
    """A join storm: phone n arrives at ``start + number / rate`` (whatever the server's pace:
    arrivals do not wait for earlier joins) and connects and joins with
    STORM_CONNECT_TIMEOUT; its time to joined counts from its arrival."""

    async def arrive(phone: Phone) -> None:
        arrival = start + phone.number / rate
        await asyncio.sleep(max(0.0, arrival - time.monotonic()))
        try:
            await asyncio.wait_for(phone.connect(STORM_CONNECT_TIMEOUT), STORM_CONNECT_TIMEOUT)
        except Exception as failure:  # counted, not raised: the run goes on
            reason = f"connect: {type(failure).__name__}"
            measures.join_failed[reason] = measures.join_failed.get(reason, 0) + 1
            return
        measures.connected.append(time.monotonic() - arrival)
        try:
            await phone.join(STORM_CONNECT_TIMEOUT)
        except Exception as failure:
            reason = f"join: {type(failure).__name__}"
            measures.join_failed[reason] = measures.join_failed.get(reason, 0) + 1
            return
        measures.join.append(time.monotonic() - arrival)

    await asyncio.gather(*(arrive(p) for p in phones))


async def wait_until(predicate, limit: float) -> bool:
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


async def drive(leader, phones: list[Phone], rounds: int, measures: Measures) -> None:
    """Start, then ``rounds`` times: show an answerable step (push) and let every phone answer
    at once (acks)."""
    indexes = [0, *leader.answerable()[:rounds]]
    for n, index in enumerate(indexes):
        cpu = time.process_time()
        t0 = await leader.show(index)
        await wait_until(lambda index=index: all(index in p.seen for p in phones), PUSH_LIMIT)
        _note_busy(measures, cpu, t0)
        for phone in phones:
            if index in phone.seen:
                measures.push.append(phone.seen[index] - t0)
            else:
                measures.push_missed += 1
        if n == 0:
            continue
        cpu, burst = time.process_time(), time.monotonic()
        await asyncio.gather(
            *(p.answer(p.views[index], burst, measures) for p in phones if p.views.get(index))
        )
        _note_busy(measures, cpu, burst)


def _note_busy(measures: Measures, cpu: float, since: float) -> None:
    """The generator's CPU use since (``cpu``, ``since``) in cores: near 1.0 would mean it,
    not the server, set the pace."""
    wall = time.monotonic() - since
    if wall > 0:
        measures.generator_busy.append((time.process_time() - cpu) / wall)


def new_tag() -> str:
    """A prefix for submission ids that no earlier run used."""
    return secrets.token_hex(4)
