"""A console or big screen connected with a login cookie is closed when that login ends, in
every process: two ``facilitate serve`` processes on one database (as behind nginx), a leader
logged in at one, consoles at both (issue #23: a connected leader socket survived logout)."""

import re
import time
from contextlib import ExitStack

import pytest
import requests
import socketio

from .attackers import LIMIT, NAMESPACE, call
from .realserver import cli, running_server, server_env

EMAIL, PASSWORD = "leader@example.org", "correct horse battery"
MODULE, PART = "strategiskt-forum", "principer"
#: LOGIN_CHECK_SECONDS here; a closed connection is waited for a few checks at most.
CHECK = 1
WAIT = 10 * CHECK


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Two app processes on one SQLite database and instance folder (one secret key):
    ``(env, [base_a, base_b], api)``, ``api`` with the leader's token."""
    folder = tmp_path_factory.mktemp("logout")
    env = server_env(
        folder / "instance",
        FACILITATE_DATABASE_URL=f"sqlite:///{folder / 'facilitate.sqlite3'}",
        FACILITATE_LOGIN_CHECK_SECONDS=str(CHECK),
    )
    cli(env, "db", "upgrade")
    cli(env, "users", "create", EMAIL, "--role", "leader", "--password-stdin", stdin=PASSWORD)
    token = cli(env, "tokens", "create", EMAIL).strip().splitlines()[-1].strip()
    with ExitStack() as stack:
        bases = [stack.enter_context(running_server(env))[0] for _ in range(2)]
        api = stack.enter_context(requests.Session())
        api.headers["Authorization"] = f"Bearer {token}"
        yield env, bases, api


def _session(base: str, api: requests.Session) -> int:
    response = api.post(base + "/api/v1/sessions", json={"module": MODULE, "part": PART})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _csrf(browser: requests.Session, url: str) -> str:
    page = browser.get(url, timeout=LIMIT).text
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _logged_in(base: str, password: str = PASSWORD) -> requests.Session:
    browser = requests.Session()
    form = {"csrf_token": _csrf(browser, base + "/login"), "email": EMAIL, "password": password}
    response = browser.post(base + "/login", data=form, allow_redirects=False, timeout=LIMIT)
    assert response.status_code == 302, response.text
    return browser


def _console(base: str, session_id: int, browser=None, token=None) -> socketio.Client:
    """A leader console on ``base`` following the session: by the browser's login cookie, or
    by an API token."""
    client = socketio.Client(reconnection=False, websocket_extra_options={"suppress_origin": True})
    headers = {"Cookie": f"session={browser.cookies['session']}"} if browser else {}
    client.connect(
        base,
        namespaces=[NAMESPACE],
        transports=["websocket"],
        headers=headers,
        auth={"token": token} if token else None,
        wait_timeout=LIMIT,
    )
    assert call(client, "host", {"session": session_id})["ok"]
    return client


def _closed_within(client: socketio.Client, seconds: float) -> float | None:
    """Seconds until the server closed ``client``, None if it did not within ``seconds``."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if not client.connected:
            return time.monotonic() - start
        time.sleep(0.05)
    return None


def test_logout_closes_that_logins_consoles_in_every_process(servers):
    _, (a, b), api = servers
    session_id = _session(a, api)
    browser = _logged_in(a)
    other_login = _logged_in(b)
    here, there = _console(a, session_id, browser), _console(b, session_id, browser)
    kept = _console(b, session_id, other_login)
    copied = browser.cookies["session"]

    response = browser.post(
        a + "/logout", data={"csrf_token": _csrf(browser, a + "/modules")}, timeout=LIMIT
    )
    assert response.status_code == 200  # the login page, after the redirect
    assert _closed_within(here, 2) is not None  # the process that logged out: at once
    assert _closed_within(there, WAIT) is not None  # the other: at its next check
    # The same leader's other login is not touched, and goes on following the session.
    assert kept.connected
    assert call(kept, "control", {"session": session_id, "action": "start"})["ok"]
    # Connecting again with the ended login's cookie gives no leader.
    again = socketio.Client(reconnection=False, websocket_extra_options={"suppress_origin": True})
    again.connect(
        b,
        namespaces=[NAMESPACE],
        transports=["websocket"],
        headers={"Cookie": f"session={copied}"},
        wait_timeout=LIMIT,
    )
    assert call(again, "host", {"session": session_id})["error"] == "not_authenticated"
    for client in (here, there, kept, again):
        client.disconnect()
    for session in (browser, other_login):
        session.close()


def test_a_password_change_closes_every_console_of_the_user_but_not_token_ones(servers):
    env, (a, b), api = servers
    session_id = _session(a, api)
    browsers = [_logged_in(a), _logged_in(b)]
    consoles = [_console(a, session_id, browsers[0]), _console(b, session_id, browsers[1])]
    by_token = _console(b, session_id, token=api.headers["Authorization"].split()[1])
    new_password = "Ny-Fin-Promenad-Vid-Sjön-42"
    cli(env, "users", "password", EMAIL, "--password-stdin", stdin=new_password + "\n")
    for console in consoles:
        assert _closed_within(console, WAIT) is not None
    assert by_token.connected
    assert call(by_token, "host", {"session": session_id})["ok"]
    for client in (*consoles, by_token):
        client.disconnect()
    for browser in browsers:
        browser.close()
    cli(env, "users", "password", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
