"""Which language a participant's page is in: an explicit choice > the session's language >
the browser's Accept-Language > Swedish. (Error acks in each phone's own language: test_live.)"""

import re

import pytest

from facilitate.extensions import db
from facilitate.sessions.models import LiveSession


@pytest.fixture
def finnish_session(app, make_session):
    session_id = make_session()
    with app.app_context():
        session = db.session.get(LiveSession, session_id)
        session.locale = "fi"
        db.session.commit()
        return session.code


def page_language(response):
    return re.search(r'<html lang="([a-z]+)"', response.get_data(as_text=True)).group(1)


def test_the_sessions_language_beats_the_browsers(client, finnish_session):
    response = client.get(f"/j/{finnish_session}", headers={"Accept-Language": "en"})
    assert page_language(response) == "fi"
    assert "Liity" in response.get_data(as_text=True)  # the join button, in Finnish


def test_an_explicit_choice_beats_the_sessions_language(client, finnish_session):
    client.get("/language/en")
    response = client.get(f"/j/{finnish_session}", headers={"Accept-Language": "sv"})
    assert page_language(response) == "en"


def test_without_a_session_the_browser_decides_then_swedish(client):
    assert page_language(client.get("/j", headers={"Accept-Language": "fi"})) == "fi"
    assert page_language(client.get("/j", headers={"Accept-Language": "de"})) == "sv"


def test_a_bilingual_big_screen_shows_the_step_in_both_languages(live):
    from .conftest import call

    screen = live.screen()
    live.control("start")
    ack = live.leader_call("settings", second_locale="fi")
    assert ack["state"]["session"]["second_locale"] == "fi"
    state = call(screen, "screen", {"session": live.id})["state"]
    first, second = state["step"], state["second"]["step"]
    assert state["session"]["locale"] == "sv" and state["second"]["locale"] == "fi"
    assert first["id"] == second["id"] and second["lang"] == "fi"
    assert first["prompt"] != second["prompt"]  # norrbotten-for-alla has Finnish
    # Phones are not affected: each follows its own language.
    phone = live.phone(locale="en")
    assert "second" not in call(phone, "sync")["state"]
    # The big screen's own language can change too; the same language twice is shown once.
    assert live.leader_call("settings", locale="fi")["state"]["session"]["second_locale"] is None
    assert call(screen, "screen", {"session": live.id})["state"]["second"] is None
    for bad in ("xx", 3, ""):
        ack = live.leader_call("settings", second_locale=bad)
        assert ack["ok"] is False and ack["error"] in ("unknown_language", "invalid_payload")
