"""/live events run in a light request context (facilitate/core/namespace.py): the connection's
request and identity, without matching the URL against the app's routes on every event."""

from flask.ctx import RequestContext

from facilitate.extensions import socketio
from tests.conftest import NS, call


def test_an_event_is_answered_in_the_language_of_the_phones_browser(app):
    phone = socketio.test_client(app, namespace=NS, headers={"Accept-Language": "fi"})
    ack = call(phone, "answer", {"step": "x", "value": 1, "submission_id": "s-1"})
    assert ack["error"] == "not_joined"
    assert ack["message"] == "Liity ensin istuntoon."
    phone.disconnect(NS)


def test_a_leader_logged_in_by_cookie_is_recognised_in_every_event(live, socket_client):
    assert live.control("start")["ok"]
    assert live.control("next")["ok"]
    stranger = socket_client()
    assert call(stranger, "host", {"session": live.id})["error"] == "not_authenticated"


def test_events_do_not_match_the_url_against_the_routes(live, monkeypatch):
    live.control("start")
    phone = live.phone(name="Aino")
    matched = []
    original = RequestContext.match_request
    monkeypatch.setattr(
        RequestContext, "match_request", lambda self: matched.append(1) or original(self)
    )
    for _ in range(3):
        assert call(phone, "sync")["ok"]
    assert matched == []


def test_connecting_does_not_match_the_url_but_reads_the_login_cookie(
    live, socket_client, client, monkeypatch
):
    matched = []
    original = RequestContext.match_request
    monkeypatch.setattr(
        RequestContext, "match_request", lambda self: matched.append(1) or original(self)
    )
    live.phone(name="Aino")
    console = socket_client(client)  # the leader's browser: recognised by its login cookie
    assert call(console, "host", {"session": live.id})["ok"]
    assert call(socket_client(), "host", {"session": live.id})["error"] == "not_authenticated"
    assert matched == []


def test_a_phone_without_a_cookie_connects_without_a_request_context_and_joins(
    live, socket_client, monkeypatch
):
    from flask.sessions import SecureCookieSessionInterface

    from facilitate.core.namespace import EventContext

    opened, pushed = [], []
    original_open, original_push = SecureCookieSessionInterface.open_session, EventContext.push
    monkeypatch.setattr(
        SecureCookieSessionInterface,
        "open_session",
        lambda self, app, request: opened.append(1) or original_open(self, app, request),
    )
    monkeypatch.setattr(EventContext, "push", lambda self: pushed.append(1) or original_push(self))
    phone = socket_client()  # a phone that scanned the QR code: no cookie, no token
    assert (opened, pushed) == ([], [])  # connected with nothing of Flask's
    joined = call(phone, "join", {"code": live.code, "name": "Aino"})
    assert joined["ok"] and joined["participant"]["name"] == "Aino"
    assert opened == []  # its events get the connection's (empty) session, never the cookie's
    assert call(phone, "host", {"session": live.id})["error"] == "not_authenticated"
