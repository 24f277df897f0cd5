"""Shared fixtures: an app on in-memory SQLite with the shipped modules, clients, factories."""

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from facilitate import create_app
from facilitate.auth import Role
from facilitate.auth.operations import create_user
from facilitate.extensions import db
from facilitate.sessions.models import LiveSession, Response

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No test reads the developer's instance folder or FACILITATE_* settings."""
    for name in list(__import__("os").environ):
        if name.startswith("FACILITATE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("FACILITATE_INSTANCE_PATH", str(tmp_path / "instance"))


#: The settings of every test app: a fresh in-memory database, cheap password hashing.
BASE_SETTINGS = {
    "TESTING": True,
    "DATABASE_URL": "sqlite://",
    "SECRET_KEY": "test",
    "TALLY_INTERVAL": 0,
    "LOGIN_CHECK_SECONDS": 0,  # checked by calling auth.sockets.check in the tests that need it
    "ARGON2_PROFILE": "CHEAPEST",
}


def new_app(**settings):
    """An app on a fresh in-memory database with its tables, for a ``yield`` fixture: no app
    context stays pushed, so every request gets its own, as in production; tests that read
    the database push one themselves."""
    app = create_app({**BASE_SETTINGS, **settings})
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def app():
    # Tests send events far faster than people do; the limits have their own tests.
    app = new_app(
        EVENT_LIMIT_PER_CONNECTION="10000 per second",
        ANSWER_LIMIT_PER_PARTICIPANT="10000 per minute",
    )
    yield app
    with app.app_context():
        db.drop_all()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    """Runs the ``facilitate`` command against the test app."""
    from facilitate.cli import cli

    flask_runner = app.test_cli_runner()

    class Runner:
        def invoke(self, args, **kwargs):
            return flask_runner.invoke(cli, args, **kwargs)

    return Runner()


@pytest.fixture
def make_user(app):
    def make(email="leader@example.org", role=Role.leader, password=PASSWORD):
        """A committed account, returned detached with its columns loaded."""
        with app.app_context():
            user = create_user(email, role, password, min_length=app.config["PASSWORD_MIN_LENGTH"])
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    return make


def csrf_token(client, path="/login") -> str:
    """The CSRF token of the form on ``path``, as a browser would find it."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert match, f"no CSRF token in the form on {path}"
    return match.group(1)


def log_in(client, email="leader@example.org", password=PASSWORD, **extra):
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(client)},
        **extra,
    )


@pytest.fixture
def logged_in(client, make_user):
    make_user()
    response = log_in(client)
    assert response.status_code == 302
    return client


@pytest.fixture
def make_session(app, make_user):
    """A session in the lobby for a part, led by a (new or given) leader; returns its id."""
    from facilitate.sessions.operations import create_session

    made = []

    def make(module="norrbotten-for-alla", part="demografi", leader=None):
        made.append(None)
        leader = leader or make_user(email=f"session-leader-{len(made)}@example.org")
        with app.app_context():
            session = create_session(db.session.get(type(leader), leader.id), module, part)
            db.session.commit()
            return session.id

    return make


@pytest.fixture
def socket_client(app, client):
    """A factory of /live Socket.IO test clients; pass ``flask_client`` for a logged-in one."""
    from facilitate.extensions import socketio

    made = []

    def connect(flask_client=None, auth=None):
        sio = socketio.test_client(
            app, namespace="/live", flask_test_client=flask_client, auth=auth
        )
        made.append(sio)
        return sio

    yield connect
    for sio in made:
        if sio.is_connected("/live"):
            sio.disconnect("/live")


# --- the /live protocol ------------------------------------------------------------------------

NS = "/live"


def call(sio, event, data=None):
    return sio.emit(event, data if data is not None else {}, namespace=NS, callback=True)


def events(sio, name):
    return [r["args"][0] for r in sio.get_received(NS) if r["name"] == name]


def commits(app) -> list:
    """A list that grows by one on every commit of the app's engine."""
    seen = []
    with app.app_context():
        sa.event.listen(db.engine, "commit", lambda connection: seen.append(1))
    return seen


@pytest.fixture
def live_session(app, client, make_user, make_session, socket_client):
    """A factory: a session of a module part with its leader's console connected; returns
    helpers to control it, join phones and read what was stored. One per test."""

    app_ = app

    def make(module="norrbotten-for-alla", part="demografi", email="leader@example.org"):
        leader = make_user(email=email)
        session_id = make_session(module=module, part=part, leader=leader)
        # The default leader uses the test's ``client``; another leader their own browser.
        browser = client if email == "leader@example.org" else app.test_client()
        assert log_in(browser, email=email).status_code == 302
        host = socket_client(browser)
        assert call(host, "host", {"session": session_id})["ok"]
        with app.app_context():
            code = db.session.get(LiveSession, session_id).code

        class Live:
            id = session_id
            app = app_

            def __init__(self):
                self.code = code
                self.host = host

            def control(self, action, step=None):
                payload = {"session": session_id, "action": action}
                if step:
                    payload["step"] = step
                return call(host, "control", payload)

            def leader_call(self, event, **payload):
                """A leader event about this session (moderate, proposal, behalf, settings)."""
                return call(host, event, {"session": session_id, **payload})

            def screen(self):
                """The big screen, following the session."""
                sio = socket_client(browser)
                assert call(sio, "screen", {"session": session_id})["ok"]
                return sio

            def phone(self, **join):
                sio = socket_client()
                ack = call(sio, "join", {"code": code, **join})
                assert ack["ok"], ack
                sio.ack = ack
                return sio

            def stored(self):
                with app.app_context():
                    return [
                        (r.participant_id, r.step_id, r.value)
                        for r in db.session.scalars(sa.select(Response).order_by(Response.id))
                    ]

        return Live()

    return make


@pytest.fixture
def live(live_session):
    """A session of norrbotten-for-alla/demografi with its leader's console connected."""
    return live_session()


def answer(sio, step, value, submission_id):
    return call(sio, "answer", {"step": step, "value": value, "submission_id": submission_id})


def texts(contributions):
    """The texts of a participant's own contributions, as a join or sync snapshot lists them."""
    return [c["text"] for c in contributions]
