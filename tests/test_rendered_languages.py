"""Pages rendered in English and Finnish hold no Swedish interface text: every Swedish source
string of the catalog that is translated differently is looked for in the page — its HTML and
the JSON strings blocks its scripts read their words from."""

import html
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from facilitate.auth import User
from facilitate.authoring.operations import new_module
from facilitate.extensions import db
from facilitate.sessions.models import LiveSession

from .conftest import log_in

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "facilitate" / "translations"
JSON_BLOCK = re.compile(r'<script type="application/json" id="[\w-]+">(.*?)</script>', re.S)
TAG = re.compile(r"<[^>]+>")
#: Words the same in Swedish and the other language, or names, are not Swedish UI text.
SAME_EVERYWHERE = {"facilitate", "OK", "Norrbotten", "Region Norrbotten"}


def swedish_strings(language):
    """Swedish source strings (placeholders cut away) whose translation differs."""
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalog = read_po(file)
    found = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for source in ids:
            if not source or source in strings:
                continue
            # The longest piece without a placeholder is what would show.
            piece = max(re.split(r"%\(\w+\)[sd]|\{\w+\}", source), key=len).strip(" .,:–")
            if len(piece) >= 8 and piece not in SAME_EVERYWHERE:
                found.add(piece)
    return found


def visible_text(page):
    """The page's text and the words in its JSON blocks, unescaped."""
    words = [html.unescape(TAG.sub(" ", JSON_BLOCK.sub(" ", page)))]
    for block in JSON_BLOCK.findall(page):
        stack = [json.loads(block)]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                stack.extend(value.values())
            elif isinstance(value, list):
                stack.extend(value)
            elif isinstance(value, str):
                words.append(value)
    return " ".join(" ".join(words).split())


@pytest.fixture
def pages(app, client, make_user, make_session):
    """Every page kind, as a logged-in leader sees it, plus the participant's. (The big screen
    is in the session's language: the test runs the session in the language it checks.)"""
    leader = make_user()
    session_id = make_session(leader=leader)
    with app.app_context():
        code = db.session.get(LiveSession, session_id).code
        module = new_module(db.session.get(User, leader.id), "Byakväll")
        db.session.commit()
        edit = f"/authoring/{module.module_id}/edit"
    anonymous = app.test_client()
    assert log_in(client).status_code == 302
    leader_pages = [
        "/modules",
        f"/sessions/{session_id}",
        f"/sessions/{session_id}/screen",
        f"/sessions/{session_id}/behalf",
        "/authoring",
        edit,
    ]
    return [(anonymous, p) for p in ("/", "/login", "/j", f"/j/{code}")] + [
        (client, p) for p in leader_pages
    ]


@pytest.mark.parametrize("language", ["en", "fi"])
def test_pages_in_other_languages_hold_no_swedish_interface_text(pages, language):
    swedish = swedish_strings(language)
    assert len(swedish) > 100  # the catalog was read
    problems = []
    app = pages[0][0].application
    with app.app_context():
        for session in db.session.scalars(sa.select(LiveSession)):
            session.locale = language
        db.session.commit()
    for browser, path in pages:
        browser.get(f"/language/{language}")
        response = browser.get(path)
        assert response.status_code == 200, path
        text = visible_text(response.get_data(as_text=True))
        problems += [f"{path}: {s!r}" for s in sorted(swedish) if s in text]
    assert problems == []
