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
