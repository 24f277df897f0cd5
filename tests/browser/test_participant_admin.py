"""The console's "who may be in the session" block (issue #23): the leader sees the participants,
removes one (their phone is told and cannot come back) and closes the session to new joins, in
a real Chromium against a real server; axe checks the block."""

import socketio
from playwright.sync_api import expect

from .conftest import check_axe

NAMESPACE = "/live"
LIMIT = 30


def phone(base: str, removed: list | None = None) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    if removed is not None:
        client.on("removed", removed.append, namespace=NAMESPACE)
    client.connect(base, namespaces=[NAMESPACE], transports=["websocket"], wait_timeout=LIMIT)
    return client


def join(client: socketio.Client, code: str, **extra) -> dict:
    payload = {"code": code, "locale": "sv", **extra}
    return client.call("join", payload, namespace=NAMESPACE, timeout=LIMIT)


def test_the_leader_removes_a_participant_and_locks_the_session(served, api, leader):
    session = api.create("norrbotten-for-alla", "introduktion")
    removed: list = []
    per, stranger = phone(served.base), phone(served.base, removed)
    assert join(per, session["code"], name="Per")["ok"]
    stranger_ack = join(stranger, session["code"], name="Störande")
    console = leader().new_page()
    console.goto(f"{served.base}/sessions/{session['id']}")
    block = console.locator("#participant-admin")
    expect(block.locator("li")).to_have_count(2)
    check_axe(console, "the console with the participant controls")

    console.once("dialog", lambda dialog: dialog.accept())
    block.get_by_role("button", name="Ta bort Störande").click()
    expect(block.get_by_role("status")).to_have_text("Störande är borttagen.")
    expect(block.locator("li")).to_have_count(1)
    expect(block.locator("li")).to_contain_text("Per")

    block.get_by_label("Stäng sessionen för nya deltagare").check()
    expect(block.get_by_role("status")).to_have_text("Sessionen är stängd för nya deltagare.")
    assert api.session(session["id"])["settings"]["joins_locked"] is True
    newcomer = phone(served.base)
    assert join(newcomer, session["code"])["error"] == "session_locked"
    assert removed == [{"session": session["id"]}]
    again = join(stranger, session["code"], token=stranger_ack["token"])
    assert again["error"] == "session_locked"
    console.reload()
    expect(block.get_by_label("Stäng sessionen för nya deltagare")).to_be_checked()
    for client in (per, stranger, newcomer):
        client.disconnect()
