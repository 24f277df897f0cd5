"""Edges of the REST API that outside tools found (issue 16): ``Allow`` on a 405 (API and pages),
``goto``/``extend_timer`` without what they need, whole numbers sent as ``30.0``, and a document
that says all of it (required fields with ``if``/``then``, the languages as an enum, no example
that points at nothing). Empty export filters and unknown sessions: tests/test_exports.py."""

import jsonschema
import pytest

from facilitate.auth.models import User
from facilitate.auth.operations import create_token
from facilitate.extensions import db
from facilitate.sessions.models import Response

from .conftest import NS, answer, call
from .test_api import API, NEW_SESSION, assert_error, bearer, db_state

STEP = "demografi-q-tathet"
SCALE = "demografi-scale-framtid"


@pytest.fixture
def api(app, client, make_user):
    """The test client with a leader's token on every request."""
    leader = make_user()
    with app.app_context():
        token = create_token(db.session.get(User, leader.id))
        db.session.commit()

    class Api:
        def post(self, path, body=None):
            return client.post(API + path, json=body, headers=bearer(token))

        def control(self, session_id, action, step=None):
            body = {"action": action, **({"step": step} if step else {})}
            return self.post(f"/sessions/{session_id}/control", body)

    return Api()


@pytest.fixture
def session_id(api):
    response = api.post("/sessions", NEW_SESSION)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("put", "/api/v1/sessions/{id}", {"GET", "DELETE"}),
        ("get", "/api/v1/sessions/{id}/control", {"POST"}),
        ("delete", "/api/v1/modules", {"GET"}),
        ("patch", "/healthz", {"GET"}),
        ("put", "/j", {"GET", "POST"}),
    ],
)
def test_a_405_says_which_methods_are_allowed(client, api, session_id, method, path, allowed):
    response = getattr(client, method)(path.format(id=session_id))
    assert response.status_code == 405
    offered = {m.strip() for m in response.headers["Allow"].split(",")}
    assert allowed <= offered and method.upper() not in offered
    if path.startswith("/api/"):
        assert response.is_json and response.get_json()["error"] == "method_not_allowed"
    else:
        assert response.mimetype == "text/html"


def _control_schema(client) -> dict:
    document = client.get(f"{API}/openapi.json").get_json()
    return {**document["components"]["schemas"]["Control"], "components": document["components"]}


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"action": "goto"}, False),
        ({"action": "goto", "step": STEP}, True),
        ({"action": "extend_timer"}, False),
        ({"action": "extend_timer", "seconds": 30}, True),
        ({"action": "extend_timer", "seconds": 30.0}, True),
        ({"action": "next"}, True),
    ],
)
def test_the_document_and_the_api_agree_on_what_a_control_needs(
    client, api, app, session_id, body, valid
):
    schema = _control_schema(client)
    assert jsonschema.Draft202012Validator(schema).is_valid(body) is valid
    api.control(session_id, "start")
    if not valid:
        before = db_state(app)
        assert_error(api.post(f"/sessions/{session_id}/control", body), 400, "invalid_payload")
        assert db_state(app) == before


def test_whole_numbers_sent_as_floats_count_as_integers(api, app, session_id):
    changed = api.post(f"/sessions/{session_id}/settings", {"timer_seconds": 30.0})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["settings"]["timer_seconds"] == 30
    api.control(session_id, "start")
    shown = api.control(session_id, "goto", STEP).get_json()
    extended = api.post(
        f"/sessions/{session_id}/control", {"action": "extend_timer", "seconds": 30.0}
    )
    assert extended.status_code == 200, extended.get_json()
    assert extended.get_json()["time_left"] > shown["time_left"]
    # Not whole, or not numbers at all: refused as before.
    for seconds in (30.5, True, "30"):
        refused = api.post(
            f"/sessions/{session_id}/control", {"action": "extend_timer", "seconds": seconds}
        )
        assert_error(refused, 400, "invalid_payload")


def test_whole_number_floats_in_live_events(live):
    ack = call(live.host, "host", {"session": float(live.id)})
    assert ack["ok"] is True, ack
    live.control("start")
    live.control("goto", SCALE)
    phone = live.phone(locale="sv")
    assert answer(phone, SCALE, 4.0, "s1") == {"ok": True, "duplicate": False}
    assert answer(phone, SCALE, 4.5, "s2")["error"] == "invalid_value"
    with live.app.app_context():
        stored = db.session.scalars(db.select(Response.value)).all()
    assert stored == [4] and isinstance(stored[0], int)
    phone.get_received(NS)


def test_the_document_names_the_languages_and_no_circle_that_is_not_there(client, app):
    document = client.get(f"{API}/openapi.json").get_json()
    languages = list(app.config["LANGUAGES"])
    export = document["paths"]["/export"]["get"]["parameters"]
    assert next(p for p in export if p["name"] == "language")["schema"] == {"enum": languages}
    settings = document["components"]["schemas"]["Settings"]["properties"]
    assert settings["locale"]["enum"] == languages
    circle = document["components"]["schemas"]["NewSession"]["properties"]["circle"]
    assert "examples" not in circle and "example" not in circle
