"""From the village hall to the county, on the real network: a laptop server (SQLite) where
phones answer a session, and a central server — SQLite here, PostgreSQL under ``make
test-cluster`` — that ``facilitate sync push`` sends the ended session to. Every export format
of the central server then says what the laptop's says for that session. A push interrupted by
the central server dying mid-request leaves nothing half-imported, and the next push succeeds.

Time limits are upper bounds, so that a hang fails; nothing is timed."""

import json
import os
import signal
import socket
import subprocess
import threading
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
import requests

from . import services
from .realserver import FACILITATE, STARTUP_LIMIT, cli, running_server, server_env
from .syncfiles import VIEWS
from .test_live_server import Leader, Phone, show, value_for

MODULE, PART = "norrbotten-for-alla", "demografi"
PHONES = 5
PASSWORD = "correct horse battery staple"
HTTP_LIMIT = 60
ANSWERED_KINDS = ("open", "scale", "poll", "quiz")


def _user(env: dict, email: str, role: str) -> str:
    cli(env, "users", "create", email, "--role", role, "--password-stdin", stdin=PASSWORD + "\n")
    return cli(env, "tokens", "create", email).strip().splitlines()[-1].strip()


@dataclass
class Server:
    env: dict
    base: str
    process: subprocess.Popen
    leader: str  # API tokens
    analyst: str


def server(stack: ExitStack, folder, name: str, **settings: str) -> Server:
    """A served instance with a leader and an analyst, running until ``stack`` closes."""
    folder.mkdir(parents=True, exist_ok=True)
    env = server_env(folder / "instance", FACILITATE_INSTANCE_NAME=name, **settings)
    cli(env, "db", "upgrade")
    leader = _user(env, f"ledare@{name}.example", "leader")
    analyst = _user(env, f"analys@{name}.example", "analyst")
    return serve(stack, Server(env, "", None, leader, analyst), folder)


def serve(stack: ExitStack, instance: Server, folder) -> Server:
    """``instance`` (started again, after it was killed) on a new port."""
    log = stack.enter_context(open(folder / "server.log", "a"))  # noqa: SIM115 (closed by stack)
    base, process = stack.enter_context(running_server(instance.env, output=log))
    return Server(instance.env, base, process, instance.leader, instance.analyst)


@pytest.fixture(params=["sqlite", "postgresql"])
def central_database(request, tmp_path):
    """The central server's database URL: its own SQLite file, or a PostgreSQL server."""
    if request.param == "sqlite":
        yield ""
        return
    if os.environ.get("CLUSTER_TEST") != "1":
        pytest.skip("needs PostgreSQL: run by make test-cluster")
    with services.postgres(tmp_path / "postgres") as url:
        yield url


def run_evening(laptop: Server, steps_shown: int | None = None, circle: int | None = None) -> int:
    """A session on the laptop (a meeting of ``circle``, if given) with phones answering every
    step they can (of the first ``steps_shown`` steps, if given); ended."""
    leader = Leader(laptop.base, laptop.leader)
    new = {"module": MODULE, "part": PART, **({"circle": str(circle)} if circle else {})}
    made = leader.request("POST", "/api/v1/sessions", expect=201, json=new)
    session_id = made["id"]
    steps = leader.request("GET", f"/api/v1/sessions/{session_id}")["steps"]
    phones = [Phone(laptop.base, made["code"], n) for n in range(PHONES)]
    try:
        for phone in phones:
            phone.connect()
            phone.join()
        for index, step in enumerate(steps[:steps_shown]):
            view = show(leader, phones, session_id, index, step)
            if step["answerable"] and step["kind"] in ANSWERED_KINDS:
                for phone in phones:
                    value = value_for(view, phone.number)
                    ack = phone.answer(step["id"], value, f"{phone.name}-{step['id']}")
                    assert ack["duplicate"] is False
        leader.control(session_id, "end")
    finally:
        for phone in phones:
            phone.close()
        leader.close()
    return session_id


def push(laptop: Server, to: str, token: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [FACILITATE, "sync", "push", "--to", to, "--token", token, *extra],
        env=laptop.env,
        capture_output=True,
        text=True,
        timeout=STARTUP_LIMIT + HTTP_LIMIT,
    )


def exported(at: Server, session_id: int | None, format: str) -> requests.Response:
    params = {"format": format}
    if session_id is not None:
        params["session"] = str(session_id)
    return requests.get(
        at.base + "/api/v1/export",
        params=params,
        headers={"Authorization": f"Bearer {at.analyst}"},
        timeout=HTTP_LIMIT,
    )


def central_session(central: Server) -> int:
    answer = exported(central, None, "json")
    assert answer.status_code == 200, answer.text
    sessions = answer.json()["sessions"]
    assert len(sessions) == 1, sessions
    return sessions[0]["id"]


def _same(here, there) -> bool:
    if isinstance(here, dict) and "origins" in here:
        assert there["origins"] == ["laptop-by"], there["origins"]
        return {**here, "origins": None} == {**there, "origins": None}
    if isinstance(here, dict):
        return here.keys() == there.keys() and all(_same(here[k], there[k]) for k in here)
    return here == there


def assert_same_exports(laptop: Server, laptop_id: int, central: Server, central_id: int):
    for format, view in VIEWS.items():
        here, there = exported(laptop, laptop_id, format), exported(central, central_id, format)
        assert here.status_code == there.status_code == 200, (format, there.text[:300])
        assert _same(view(here.content), view(there.content)), format


def test_push_push_again_and_the_central_server_has_the_same_numbers(tmp_path, central_database):
    with ExitStack() as stack:
        laptop = server(stack, tmp_path / "laptop", "laptop-by")
        settings = {"FACILITATE_DATABASE_URL": central_database} if central_database else {}
        central = server(stack, tmp_path / "central", "region", **settings)
        session_id = run_evening(laptop)

        first = push(laptop, central.base, central.leader)
        assert first.returncode == 0, first.stderr
        assert first.stdout.splitlines() == [
            f"[1/1] session {session_id} ({MODULE}/{PART}): imported"
        ]
        again = push(laptop, central.base, central.leader)
        assert again.returncode == 0, again.stderr
        assert again.stdout.strip() == f"Nothing to send: {central.base} has every ended session."
        forced = push(laptop, central.base, central.leader, "--session", str(session_id))
        assert forced.stdout.strip().endswith(": unchanged"), forced.stdout

        imported = central_session(central)
        assert_same_exports(laptop, session_id, central, imported)
        document = exported(central, imported, "json").json()
        assert document["sessions"][0]["origin"] == "laptop-by"
        # The leader's own account on the central server holds it: its results are theirs.
        results = requests.get(
            f"{central.base}/api/v1/sessions/{imported}/results",
            headers={"Authorization": f"Bearer {central.leader}"},
            timeout=HTTP_LIMIT,
        )
        assert results.status_code == 200
        here = requests.get(
            f"{laptop.base}/api/v1/sessions/{session_id}/results",
            headers={"Authorization": f"Bearer {laptop.leader}"},
            timeout=HTTP_LIMIT,
        ).json()
        assert results.json() == here


class CuttingProxy:
    """A TCP relay to the central server that kills it once the request's headers and
    ``share`` of its body have gone through: the server dies mid-request, before it answers,
    and the client sees the connection break."""

    def __init__(self, target_port: int, share: float, kill):
        self.target_port, self.share, self.kill = target_port, share, kill
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        client, _ = self.listener.accept()
        upstream = socket.create_connection(("127.0.0.1", self.target_port))
        received, cut_after = b"", None
        try:
            while cut_after is None or len(received) < cut_after:
                want = 65536 if cut_after is None else cut_after - len(received)
                chunk = client.recv(min(65536, want))
                if not chunk:
                    break
                upstream.sendall(chunk)
                received += chunk
                if cut_after is None and b"\r\n\r\n" in received:
                    head = received.split(b"\r\n\r\n", 1)[0]
                    length = next(
                        int(line.split(b":", 1)[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    )
                    cut_after = len(head) + 4 + int(length * self.share)
            self.kill()
        finally:
            client.close()
            upstream.close()
            self.listener.close()

    def join(self) -> None:
        self.thread.join(timeout=HTTP_LIMIT)


@pytest.mark.parametrize("share", [0.5, 1.0], ids=["half of the body", "all of the body"])
def test_an_interrupted_push_leaves_nothing_half_imported(tmp_path, central_database, share):
    with ExitStack() as stack:
        laptop = server(stack, tmp_path / "laptop", "laptop-by")
        settings = {"FACILITATE_DATABASE_URL": central_database} if central_database else {}
        central_folder = tmp_path / "central"
        central = server(stack, central_folder, "region", **settings)
        session_id = run_evening(laptop, steps_shown=6)

        port = int(central.base.rpartition(":")[2])

        def kill() -> None:
            os.killpg(central.process.pid, signal.SIGKILL)
            central.process.wait(timeout=HTTP_LIMIT)

        proxy = CuttingProxy(port, share, kill)
        broken = push(laptop, f"http://127.0.0.1:{proxy.port}", central.leader)
        proxy.join()
        assert broken.returncode == 1, broken.stdout
        assert "cannot reach" in broken.stderr and "Nothing more was marked as sent" in (
            broken.stderr
        ), broken.stderr

        central = serve(stack, central, central_folder)
        before = exported(central, None, "json")
        if before.status_code == 404:  # nothing was stored
            assert before.json()["error"] == "no_matching_sessions"
        else:  # the import had committed whole before the server died: all of it is there
            assert_same_exports(laptop, session_id, central, central_session(central))

        retry = push(laptop, central.base, central.leader)
        assert retry.returncode == 0, retry.stderr
        assert retry.stdout.strip().endswith(("imported", "unchanged")), retry.stdout
        assert_same_exports(laptop, session_id, central, central_session(central))
        assert push(laptop, central.base, central.leader).stdout.startswith("Nothing to send")


def test_unreachable_central_server_is_said_clearly_and_nothing_is_marked(tmp_path):
    with ExitStack() as stack:
        laptop = server(stack, tmp_path / "laptop", "laptop-by")
        run_evening(laptop, steps_shown=2)
        nowhere = f"http://127.0.0.1:{services.free_port()}"
        for _ in range(2):  # still pending the second time: nothing was marked as sent
            failed = push(laptop, nowhere, "token")
            assert failed.returncode == 1
            assert f"cannot reach {nowhere}" in failed.stderr, failed.stderr
            assert "run again when online" in failed.stderr
        refused = push(laptop, laptop.base, "not-a-token")
        assert refused.returncode == 1 and "token is not valid" in refused.stderr
        assert json.loads(requests.get(laptop.base + "/healthz", timeout=HTTP_LIMIT).text) == {
            "status": "ok"
        }


def test_the_console_button_sends_the_ended_session(tmp_path):
    """With a central server configured, the leader presses "Skicka till regionen"."""
    import re

    with ExitStack() as stack:
        central = server(stack, tmp_path / "central", "region")
        laptop = server(
            stack,
            tmp_path / "laptop",
            "laptop-by",
            FACILITATE_CENTRAL_URL=central.base,
            FACILITATE_CENTRAL_TOKEN=central.leader,
        )
        browser = requests.Session()

        def csrf(path: str) -> str:
            page = browser.get(laptop.base + path, timeout=HTTP_LIMIT).text
            found = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page)
            assert found, f"no CSRF token on {path}"
            return found.group(1)

        logged_in = browser.post(
            laptop.base + "/login",
            data={
                "email": "ledare@laptop-by.example",
                "password": PASSWORD,
                "csrf_token": csrf("/login"),
            },
            timeout=HTTP_LIMIT,
        )
        assert logged_in.status_code == 200, logged_in.status_code
        # The evening is a meeting of a study circle in Övertorneå.
        circle = browser.post(
            laptop.base + "/circles/new",
            data={
                "name": "Byacirkeln",
                "municipality": "overtornea",
                "organiser": "ABF Norrbotten",
                "module": MODULE,
                "csrf_token": csrf("/circles/new"),
            },
            timeout=HTTP_LIMIT,
        )
        circle_id = int(circle.url.rstrip("/").rpartition("/")[2])
        session_id = run_evening(laptop, steps_shown=3, circle=circle_id)
        console = f"/sessions/{session_id}"
        assert "Skicka till regionen" in browser.get(laptop.base + console, timeout=HTTP_LIMIT).text
        sent = browser.post(
            f"{laptop.base}{console}/push", data={"csrf_token": csrf(console)}, timeout=HTTP_LIMIT
        )
        assert sent.status_code == 200 and "Sessionen är skickad till regionen." in sent.text
        assert "Skickad till regionen" in sent.text  # the console now says when
        imported = central_session(central)
        assert_same_exports(laptop, session_id, central, imported)
        circles = exported(central, imported, "json").json()["circles"]
        assert [(c["name"], c["municipality"], c["organiser"]) for c in circles] == [
            ("Byacirkeln", "overtornea", "ABF Norrbotten")
        ]
        # The command run from cron afterwards finds nothing left to send.
        cron = subprocess.run(
            [FACILITATE, "sync", "push"],
            env=laptop.env,
            capture_output=True,
            text=True,
            timeout=STARTUP_LIMIT + HTTP_LIMIT,
        )
        assert cron.returncode == 0 and cron.stdout.startswith("Nothing to send"), cron.stderr
