"""A phone that opts in at one meeting of a circle is recognised at the next: the circle token
the server gives is kept on the phone and sent with the next meeting's join, never a name."""

import json
import re

from playwright.sync_api import expect

from .conftest import PHONE


def test_an_opted_in_phone_sends_its_circle_token_to_the_next_meeting(
    served, api, leader, new_context
):
    # The leader makes a circle through its form.
    page = leader().new_page()
    page.goto(served.base + "/circles/new")
    page.locator("#name").fill("Kalix bibliotek")
    page.locator("#municipality").select_option(label="Kalix")
    page.locator("#organiser").fill("Studieförbundet Vuxenskolan")
    page.locator("#module").select_option(value="norrbotten-for-alla")
    page.get_by_role("button", name="Skapa cirkeln").click()
    page.wait_for_url(re.compile(r"/circles/\d+$"))
    circle = page.url.rsplit("/", 1)[1]
    meetings = []
    for part in ("introduktion", "demografi"):
        created = api.call(
            "POST",
            "/sessions",
            expect=201,
            json={"module": "norrbotten-for-alla", "part": part, "circle": circle},
        )
        meetings.append(created["code"])

    phone = new_context(viewport=PHONE, locale="sv-SE", phone=True).new_page()
    # Socket.IO starts on HTTP long-polling and upgrades to a WebSocket when it can: a join may
    # travel either way (on a busy machine the upgrade comes later), so watch both.
    sent = []
    phone.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(frame)))
    phone.on("request", lambda request: sent.append(request.post_data or ""))
    phone.goto(f"{served.base}/j/{meetings[0]}")
    recognise = phone.get_by_label("Känn igen min telefon vid cirkelns träffar (frivilligt)")
    expect(recognise).not_to_be_checked()
    recognise.check()
    phone.locator("#join-form button[type=submit]").click()
    expect(phone.locator("#lobby")).to_be_visible()
    key = f"facilitate:circle:{circle}:token"
    token = phone.evaluate("(key) => JSON.parse(localStorage.getItem(key))", key)
    assert isinstance(token, str) and len(token) > 20

    sent.clear()
    phone.goto(f"{served.base}/j/{meetings[1]}")
    phone.locator("#join-form button[type=submit]").click()
    expect(phone.locator("#lobby")).to_be_visible()
    joins = [
        json.loads(packet[packet.index("[") :])[1]
        for frame in sent
        if isinstance(frame, str)
        for packet in frame.split("\x1e")  # polling bodies may hold several packets
        if '["join"' in packet  # 42/live,<ack id>["join",{...}]
    ]
    assert joins and joins[-1]["circle_token"] == token
    assert "name" not in joins[-1] or joins[-1]["name"] is None
