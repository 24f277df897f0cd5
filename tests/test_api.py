"""REST API v1: every endpoint's success path, bearer-token authentication, roles, every kind of
bad input answered with a 4xx JSON error that changes nothing, the control state machine, results
of answers sent over /live, and the OpenAPI document."""

import json
import re

import jsonschema
import pytest
import sqlalchemy as sa

from facilitate.auth import ApiToken, Role, User
from facilitate.auth.operations import create_token
from facilitate.content import library
from facilitate.core.messages import message
from facilitate.extensions import db
from facilitate.sessions.kinds import kind_of
from facilitate.sessions.models import LiveSession, Response

from .conftest import call, events

API = "/api/v1"
NS = "/live"
DEMOGRAFI = ("norrbotten-for-alla", "demografi")
NEW_SESSION = {"module": DEMOGRAFI[0], "part": DEMOGRAFI[1]}
#: Every endpoint of the public contract that this API serves.
CONTRACT_PATHS = {
    ("get", "/api/v1/export"),
    ("get", "/api/v1/modules"),
    ("post", "/api/v1/sessions"),
    ("get", "/api/v1/sessions/{session_id}"),
    ("post", "/api/v1/sessions/{session_id}/control"),
    ("get", "/api/v1/sessions/{session_id}/results"),
    ("get", "/api/v1/openapi.json"),
}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def token_for(app):
    def make(user):
        """A committed API token for ``user``."""
        with app.app_context():
            token = create_token(db.session.get(User, user.id))
            db.session.commit()
        return token

    return make


@pytest.fixture
def leader(make_user):
    return make_user()


@pytest.fixture
def token(leader, token_for):
    return token_for(leader)


@pytest.fixture
def api(client, token):
    """The test client with the leader's token on every request."""

    class Api:
        def get(self, path, **kwargs):
            return client.get(API + path, headers={**bearer(token), **kwargs.pop("headers", {})})

        def post(self, path, body=None, **kwargs):
            headers = {**bearer(token), **kwargs.pop("headers", {})}
            return client.post(API + path, json=body, headers=headers, **kwargs)

        def delete(self, path, **kwargs):
            headers = {**bearer(token), **kwargs.pop("headers", {})}
            return client.delete(API + path, headers=headers, **kwargs)

        def control(self, session_id, action, step=None):
            body = {"action": action, **({"step": step} if step else {})}
            return self.post(f"/sessions/{session_id}/control", body)

    return Api()


@pytest.fixture
def session_id(api):
    response = api.post("/sessions", NEW_SESSION)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def db_state(app):
    """Everything a refused request must leave as it was."""
    with app.app_context():
        sessions = [
            (s.id, s.leader_id, s.status.value, s.current_step, s.step_open, s.revealed)
            for s in db.session.scalars(sa.select(LiveSession).order_by(LiveSession.id))
        ]
        responses = db.session.scalar(sa.select(sa.func.count()).select_from(Response))
    return sessions, responses


def assert_error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()
    assert body["error"] == code
    assert isinstance(body["message"], str) and body["message"]


def part_steps(app, module=DEMOGRAFI[0], part=DEMOGRAFI[1]):
    with app.app_context():
        return library().get(module).part(part).steps


# --- the OpenAPI document -----------------------------------------------------------------------


def openapi(client):
    response = client.get(API + "/openapi.json")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


def conforms(document, schema, instance):
    """Validate ``instance`` against ``schema``, whose refs point into the document."""
    jsonschema.validate(instance, {**schema, "components": document["components"]})


def test_openapi_document_describes_every_endpoint(client, app):
    document = openapi(client)  # no token needed
    assert document["openapi"].startswith("3.1")
    base = document["servers"][0]["url"]
    described = {
        (method, base + path)
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert described >= CONTRACT_PATHS
    routes = {
        (method.lower(), re.sub(r"<(?:int:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == described
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "`Authorization: Bearer fct_...`",
    }
    assert document["security"] == [{"bearer": []}]
    assert document["components"]["schemas"]["Error"]["required"] == ["error", "message"]
    for schema in document["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                assert operation["responses"], (method, path)


def test_responses_match_the_documented_schemas(client, api, session_id):
    document = openapi(client)
    schemas = document["components"]["schemas"]
    conforms(
        document, {"type": "array", "items": schemas["Module"]}, api.get("/modules").get_json()
    )
    created = api.post("/sessions", NEW_SESSION).get_json()
    conforms(document, schemas["CreatedSession"], created)
    conforms(document, schemas["Session"], api.get(f"/sessions/{session_id}").get_json())
    conforms(document, schemas["Session"], api.control(session_id, "start").get_json())
    results = api.get(f"/sessions/{session_id}/results").get_json()
    conforms(document, {"type": "array", "items": schemas["StepResult"]}, results)
    listed = api.get(f"/sessions/{session_id}/participants").get_json()
    conforms(document, {"type": "array", "items": schemas["Participant"]}, listed)
    conforms(document, schemas["Error"], api.get("/sessions/999").get_json())
    for bad in ({"module": 1}, {**NEW_SESSION, "extra": True}):
        with pytest.raises(jsonschema.ValidationError):
            conforms(document, schemas["NewSession"], bad)


# --- modules -------------------------------------------------------------------------------------


def test_modules_list_parts_in_the_requests_language(api, app):
    with app.app_context():
        modules = list(library())
    swedish = api.get("/modules").get_json()
    assert [m["id"] for m in swedish] == [m.id for m in modules]
    assert swedish[0]["title"] == modules[0].title.get("sv")
    assert swedish[0]["parts"] == [
        {"id": p.id, "title": p.title.get("sv")} for p in modules[0].parts
    ]
    english = api.get("/modules", headers={"Accept-Language": "en"}).get_json()
    assert english[0]["title"] == modules[0].title.get("en") != swedish[0]["title"]
    assert {p["id"] for p in english[1]["parts"]} == {p.id for p in modules[1].parts}


# --- creating sessions ---------------------------------------------------------------------------


def test_create_session(api, app, leader):
    response = api.post("/sessions", NEW_SESSION)
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"id", "code", "join_url", "status"}
    assert body["status"] == "lobby"
    assert re.fullmatch(r"[0-9]{8}", body["code"])
    assert body["join_url"].endswith(f"/j/{body['code']}")
    assert response.headers["Location"] == f"{API}/sessions/{body['id']}"
    with app.app_context():
        session = db.session.get(LiveSession, body["id"])
        assert (session.module_id, session.part_id) == DEMOGRAFI
        assert session.leader_id == leader.id
        assert session.code == body["code"]
    assert api.post("/sessions", {**NEW_SESSION, "circle": None}).status_code == 201


def test_a_session_is_held_in_the_municipality_given(api, app, leader):
    created = api.post("/sessions", {**NEW_SESSION, "municipality": "Piteå"}).get_json()
    assert api.get(f"/sessions/{created['id']}").get_json()["municipality"] == "pitea"
    with app.app_context():
        assert db.session.get(LiveSession, created["id"]).municipality == "pitea"
        assert db.session.get(User, leader.id).last_municipality == "pitea"  # offered next time
    before = db_state(app)
    refused = api.post("/sessions", {**NEW_SESSION, "municipality": "Stockholm"})
    assert_error(refused, 400, "unknown_municipality")
    assert "14" in refused.get_json()["message"]
    assert_error(api.post("/sessions", {**NEW_SESSION, "municipality": 25}), 400, "invalid_payload")
    assert db_state(app) == before


def test_session_language_follows_the_request(api, app):
    response = api.post("/sessions", NEW_SESSION, headers={"Accept-Language": "fi"})
    with app.app_context():
        assert db.session.get(LiveSession, response.get_json()["id"]).locale == "fi"


def test_admin_may_create_sessions_and_analysts_may_not(client, app, make_user, token_for):
    admin = token_for(make_user(email="admin@example.org", role=Role.admin))
    analyst = token_for(make_user(email="analyst@example.org", role=Role.analyst))
    assert (
        client.post(API + "/sessions", json=NEW_SESSION, headers=bearer(admin)).status_code == 201
    )
    before = db_state(app)
    refused = client.post(API + "/sessions", json=NEW_SESSION, headers=bearer(analyst))
    assert_error(refused, 403, "forbidden")
    assert db_state(app) == before


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"module": "no-such-module", "part": "demografi"}, "unknown_module"),
        ({"module": DEMOGRAFI[0], "part": "no-such-part"}, "unknown_part"),
    ],
)
def test_unknown_module_or_part(api, app, body, code):
    assert_error(api.post("/sessions", body), 400, code)
    assert db_state(app) == ([], 0)


# --- bad input -----------------------------------------------------------------------------------

BAD_BODIES = {
    "empty body": dict(data=b"", content_type="application/json"),
    "not JSON": dict(data=b"module=norrbotten-for-alla", content_type="application/json"),
    "plain text": dict(data=json.dumps(NEW_SESSION), content_type="text/plain"),
    "form": dict(data=NEW_SESSION),
    "not UTF-8": dict(data=b'{"module": "\xff\xfe"}', content_type="application/json"),
    "array": dict(json=[NEW_SESSION]),
    "string": dict(json="norrbotten-for-alla"),
    "number": dict(json=12),
    "null": dict(data=b"null", content_type="application/json"),
    "empty object": dict(json={}),
    "deeply nested": dict(data=b"[" * 5000 + b"]" * 5000, content_type="application/json"),
    "too large": dict(json={**NEW_SESSION, "circle": "x" * 100_000}),
    "NaN": dict(data=b'{"module": NaN, "part": "demografi"}', content_type="application/json"),
}
BAD_SESSIONS = {
    "module missing": {"part": "demografi"},
    "part missing": {"module": DEMOGRAFI[0]},
    "module a number": {"module": 7, "part": "demografi"},
    "part a list": {"module": DEMOGRAFI[0], "part": ["demografi"]},
    "module null": {"module": None, "part": "demografi"},
    "module an object": {"module": {"id": DEMOGRAFI[0]}, "part": "demografi"},
    "module too long": {"module": "a" * 1000, "part": "demografi"},
    "module with odd characters": {"module": "../etc/passwd", "part": "demografi"},
    "circle a number": {**NEW_SESSION, "circle": 3},
    "circle a list": {**NEW_SESSION, "circle": ["a"]},
    "circle too long": {**NEW_SESSION, "circle": "c" * 129},
    "unknown field": {**NEW_SESSION, "leader": 1},
}


@pytest.mark.parametrize("name", BAD_BODIES)
def test_bad_bodies_are_refused(client, app, token, name):
    response = client.post(API + "/sessions", headers=bearer(token), **BAD_BODIES[name])
    assert_error(response, 400, "invalid_payload")
    assert db_state(app) == ([], 0)


@pytest.mark.parametrize("name", BAD_SESSIONS)
def test_bad_new_sessions_are_refused(api, app, name):
    assert_error(api.post("/sessions", BAD_SESSIONS[name]), 400, "invalid_payload")
    assert db_state(app) == ([], 0)


BAD_CONTROLS = [
    (None, "invalid_payload"),
    ([], "invalid_payload"),
    ("start", "invalid_payload"),
    ({}, "invalid_payload"),
    ({"action": 1}, "invalid_payload"),
    ({"action": ["start"]}, "invalid_payload"),
    ({"action": "start", "session": 2}, "invalid_payload"),
    ({"action": "goto", "step": 3}, "invalid_payload"),
    ({"action": "goto", "step": "x" * 10_000}, "invalid_payload"),
    ({"action": "dance"}, "unknown_action"),
    ({"action": "x" * 1000}, "unknown_action"),
    ({"action": "goto"}, "invalid_payload"),
    ({"action": "goto", "step": None}, "invalid_payload"),
    ({"action": "extend_timer"}, "invalid_payload"),
    ({"action": "extend_timer", "seconds": 2.5}, "invalid_payload"),
    ({"action": "goto", "step": "no-such-step"}, "unknown_step"),
]


@pytest.mark.parametrize(("body", "code"), BAD_CONTROLS)
def test_bad_controls_are_refused_and_change_nothing(api, app, session_id, body, code):
    api.control(session_id, "start")
    before = db_state(app)
    assert_error(api.post(f"/sessions/{session_id}/control", body), 400, code)
    assert db_state(app) == before


def test_non_json_control_is_refused(client, app, token, session_id):
    before = db_state(app)
    response = client.post(
        f"{API}/sessions/{session_id}/control", data="action=start", headers=bearer(token)
    )
    assert_error(response, 400, "invalid_payload")
    assert db_state(app) == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", "/sessions/{id}/control"),
        ("put", "/sessions/{id}"),
        ("get", "/sessions/{id}/control"),
        ("post", "/modules"),
        ("get", "/sessions"),
        ("post", "/sessions/{id}/results"),
    ],
)
def test_wrong_methods_get_405_json(client, app, token, session_id, method, path):
    before = db_state(app)
    response = getattr(client, method)(API + path.format(id=session_id), headers=bearer(token))
    assert_error(response, 405, "method_not_allowed")
    assert db_state(app) == before


def test_unknown_api_paths_get_404_json(api):
    assert_error(api.get("/nothing-here"), 404, "not_found")
    assert_error(api.get("/sessions/abc"), 404, "not_found")
    assert_error(api.get("/sessions/-1"), 404, "not_found")


def test_error_messages_follow_the_request_language(api, app):
    response = api.get("/sessions/999", headers={"Accept-Language": "en"})
    with app.test_request_context():
        expected = message("not_found", "en")
    assert response.get_json() == {"error": "not_found", "message": expected}


def test_a_database_failure_is_503_and_changes_nothing(api, app, monkeypatch):
    from facilitate.sessions import operations

    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(operations, "create_session", broken)
    assert_error(api.post("/sessions", NEW_SESSION), 503, "unavailable")
    assert db_state(app) == ([], 0)


# --- authentication and roles --------------------------------------------------------------------

ENDPOINTS = [
    ("get", "/modules", None),
    ("post", "/sessions", NEW_SESSION),
    ("get", "/sessions/{id}", None),
    ("post", "/sessions/{id}/control", {"action": "start"}),
    ("get", "/sessions/{id}/results", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Bearer fct_not-a-token",
        "Basic dXNlcjpwYXNz",
        "fct_x",
        "Bearer " + "x" * 5000,
    ],
)
def test_missing_or_bad_tokens_get_401(client, app, session_id, method, path, body, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    before = db_state(app)
    response = getattr(client, method)(API + path.format(id=session_id), json=body, headers=headers)
    assert_error(response, 401, "not_authenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert db_state(app) == before


def test_tokens_of_deactivated_users_get_401(api, app, leader):
    with app.app_context():
        db.session.get(User, leader.id).active = False
        db.session.commit()
    assert_error(api.get("/modules"), 401, "not_authenticated")


def test_the_scheme_is_case_insensitive(client, token):
    assert (
        client.get(API + "/modules", headers={"Authorization": f"bearer {token}"}).status_code
        == 200
    )


def test_token_use_is_recorded_and_committed_once_per_request(api, app, session_id):
    def last_used():
        with app.app_context():
            return db.session.scalar(sa.select(ApiToken.last_used_at))

    commits = []

    def count(connection):
        commits.append(connection)

    with app.app_context():
        sa.event.listen(db.engine, "commit", count)
    try:
        first = last_used()
        assert first is not None  # set by the request that created the session
        for request in (
            lambda: api.get("/modules"),
            lambda: api.control(session_id, "start"),
            lambda: api.control(session_id, "start"),  # refused: already_started
            lambda: api.get("/sessions/999"),
        ):
            commits.clear()
            request()
            assert len(commits) == 1
        assert last_used() > first
    finally:
        with app.app_context():
            sa.event.remove(db.engine, "commit", count)


def test_other_leaders_sessions_are_forbidden(client, app, make_user, token_for, session_id):
    other = token_for(make_user(email="other@example.org"))
    api_path = f"{API}/sessions/{session_id}"
    before = db_state(app)
    assert_error(client.get(api_path, headers=bearer(other)), 403, "forbidden")
    assert_error(client.get(api_path + "/results", headers=bearer(other)), 403, "forbidden")
    control = client.post(api_path + "/control", json={"action": "end"}, headers=bearer(other))
    assert_error(control, 403, "forbidden")
    assert db_state(app) == before


def test_admins_may_do_anything_and_analysts_may_read(
    client, app, make_user, token_for, session_id
):
    admin = token_for(make_user(email="admin@example.org", role=Role.admin))
    analyst = token_for(make_user(email="analyst@example.org", role=Role.analyst))
    api_path = f"{API}/sessions/{session_id}"
    for token in (admin, analyst):
        assert client.get(api_path, headers=bearer(token)).status_code == 200
        assert client.get(api_path + "/results", headers=bearer(token)).status_code == 200
        assert client.get(API + "/modules", headers=bearer(token)).status_code == 200
    refused = client.post(api_path + "/control", json={"action": "start"}, headers=bearer(analyst))
    assert_error(refused, 403, "forbidden")
    started = client.post(api_path + "/control", json={"action": "start"}, headers=bearer(admin))
    assert started.get_json()["status"] == "running"


@pytest.mark.parametrize("session", ["999", "0", str(2**31), str(2**64), "9" * 40])
def test_unknown_sessions_get_404(api, app, session):
    before = db_state(app)
    assert_error(api.get(f"/sessions/{session}"), 404, "not_found")
    assert_error(api.get(f"/sessions/{session}/results"), 404, "not_found")
    assert_error(api.control(session, "start"), 404, "not_found")
    assert db_state(app) == before


# --- sessions and control ------------------------------------------------------------------------


def test_get_session(api, app, session_id):
    body = api.get(f"/sessions/{session_id}").get_json()
    steps = part_steps(app)
    assert body["id"] == session_id
    assert body["status"] == "lobby"
    assert body["current_step"] is None
    assert (body["module"], body["part"]) == DEMOGRAFI
    assert body["steps"] == [
        {"id": s.id, "kind": s.kind, "answerable": kind_of(s).answerable} for s in steps
    ]
    assert body["participant_count"] == 0
    assert body["open"] is False and body["revealed"] is False
    assert body["join_url"].endswith(f"/j/{body['code']}")


def test_control_state_machine(api, app, session_id):
    steps = [s.id for s in part_steps(app)]
    ids = {s.kind: s.id for s in reversed(part_steps(app))}  # the first step of each kind

    def refused(action, code, step=None):
        before = db_state(app)
        assert_error(api.control(session_id, action, step), 409, code)
        assert db_state(app) == before

    refused("next", "session_not_started")
    refused("previous", "session_not_started")
    refused("goto", "session_not_started", steps[1])
    refused("reveal", "session_not_started")
    started = api.control(session_id, "start").get_json()
    assert (started["status"], started["current_step"]) == ("running", steps[0])
    refused("start", "already_started")
    refused("previous", "no_such_step")
    refused("open", "not_answerable")  # an info step
    for expected in steps[1:]:
        body = api.control(session_id, "next").get_json()
        assert body["current_step"] == expected
        assert body["revealed"] is False
    refused("next", "no_such_step")
    assert api.control(session_id, "previous").get_json()["current_step"] == steps[-2]
    shown = api.control(session_id, "goto", ids["open"]).get_json()
    assert (shown["current_step"], shown["open"]) == (ids["open"], True)
    assert api.control(session_id, "close").get_json()["open"] is False
    assert api.control(session_id, "open").get_json()["open"] is True
    assert api.control(session_id, "reveal").get_json()["revealed"] is True
    ended = api.control(session_id, "end").get_json()
    assert (ended["status"], ended["open"]) == ("ended", False)
    for action in ("next", "previous", "reveal", "open", "close", "end", "start"):
        refused(action, "session_ended")
    refused("goto", "session_ended", steps[0])
    assert api.get(f"/sessions/{session_id}").get_json()["status"] == "ended"


def test_a_session_may_end_in_the_lobby(api, session_id):
    assert api.control(session_id, "end").get_json()["status"] == "ended"


def test_control_reaches_connected_phones(api, app, session_id, socket_client):
    code = api.get(f"/sessions/{session_id}").get_json()["code"]
    phone = socket_client()
    assert phone.emit("join", {"code": code}, namespace=NS, callback=True)["ok"]
    phone.get_received(NS)
    api.control(session_id, "start")
    states = [r["args"][0] for r in phone.get_received(NS) if r["name"] == "state"]
    assert states[-1]["session"]["status"] == "running"
    assert states[-1]["step"]["id"] == part_steps(app)[0].id
    assert api.get(f"/sessions/{session_id}").get_json()["participant_count"] == 1


# --- participants ---------------------------------------------------------------------------------


def _running_with_phones(api, app, session_id, socket_client, names):
    """The session started on an open step, one phone per name joined and answered."""
    code = api.get(f"/sessions/{session_id}").get_json()["code"]
    open_step = next(s for s in part_steps(app) if s.kind == "open")
    api.control(session_id, "start")
    api.control(session_id, "goto", open_step.id)
    phones = []
    for n, name in enumerate(names):
        phone = socket_client()
        joined = phone.emit("join", {"code": code, "name": name}, namespace=NS, callback=True)
        answered = phone.emit(
            "answer",
            {"step": open_step.id, "value": f"Tanke {n}", "submission_id": f"s{n}"},
            namespace=NS,
            callback=True,
        )
        assert joined["ok"] and answered["ok"], (joined, answered)
        phones.append((phone, joined))
    return code, phones


def test_the_leader_removes_a_participant_through_the_api(api, app, session_id, socket_client):
    code, [(fake, fake_ack), (real, real_ack)] = _running_with_phones(
        api, app, session_id, socket_client, ["Störande", "Aino"]
    )
    listed = api.get(f"/sessions/{session_id}/participants").get_json()
    assert [(p["name"], p["number"], p["proxy"]) for p in listed] == [
        ("Störande", 1, False),
        ("Aino", 2, False),
    ]
    fake.get_received(NS)
    real.get_received(NS)
    fake_id = fake_ack["participant"]["id"]
    removed = api.delete(f"/sessions/{session_id}/participants/{fake_id}")
    assert removed.status_code == 204 and removed.get_data() == b""

    # Their phone is told, and only theirs; it can neither answer nor come back as them.
    assert events(fake, "removed") == [{"session": session_id}]
    assert events(real, "removed") == []
    assert call(fake, "sync")["error"] == "not_joined"
    again = call(fake, "join", {"code": code, "token": fake_ack["token"]})
    assert again["ok"] and again["participant"]["id"] != fake_id  # a new participant
    # What they sent is gone; the others' is kept.
    with app.app_context():
        owners = set(db.session.scalars(sa.select(Response.participant_id)))
    assert owners == {real_ack["participant"]["id"]}
    assert fake_id not in {
        p["id"] for p in api.get(f"/sessions/{session_id}/participants").get_json()
    }
    assert_error(
        api.delete(f"/sessions/{session_id}/participants/{fake_id}"),
        404,
        "unknown_participant",
    )


@pytest.mark.parametrize("participant", ["999", "0", str(2**31), str(2**64), "9" * 40, "x", "-1"])
def test_removing_an_unknown_participant_is_404_and_changes_nothing(
    api, app, session_id, socket_client, participant
):
    _running_with_phones(api, app, session_id, socket_client, ["Aino"])
    before = db_state(app)
    response = api.delete(f"/sessions/{session_id}/participants/{participant}")
    assert response.status_code == 404 and response.get_json()["error"]
    assert response.get_json()["message"]
    assert db_state(app) == before


def test_a_participant_of_another_session_cannot_be_removed_through_this_one(
    api, app, session_id, socket_client
):
    other = api.post("/sessions", NEW_SESSION).get_json()["id"]
    _, [(_, joined)] = _running_with_phones(api, app, other, socket_client, ["Aino"])
    before = db_state(app)
    path = f"/sessions/{session_id}/participants/{joined['participant']['id']}"
    assert_error(api.delete(path), 404, "unknown_participant")
    assert db_state(app) == before
    path = f"/sessions/999/participants/{joined['participant']['id']}"
    assert_error(api.delete(path), 404, "not_found")


def test_only_the_sessions_leader_and_admins_see_and_remove_participants(
    client, api, app, make_user, token_for, session_id, socket_client
):
    _, [(_, joined)] = _running_with_phones(api, app, session_id, socket_client, ["Aino"])
    path = f"{API}/sessions/{session_id}/participants"
    one = f"{path}/{joined['participant']['id']}"
    before = db_state(app)
    for email, role in (("other@example.org", Role.leader), ("analyst@example.org", Role.analyst)):
        refused = token_for(make_user(email=email, role=role))
        assert_error(client.get(path, headers=bearer(refused)), 403, "forbidden")
        assert_error(client.delete(one, headers=bearer(refused)), 403, "forbidden")
    assert_error(client.delete(one), 401, "not_authenticated")
    assert_error(api.post(one.removeprefix(API)), 405, "method_not_allowed")
    assert db_state(app) == before
    admin = token_for(make_user(email="admin@example.org", role=Role.admin))
    assert client.delete(one, headers=bearer(admin)).status_code == 204


# --- a whole part through the API, with answers over /live ---------------------------------------


def value_for(step, n):
    """The ``n``-th phone's answer to ``step``."""
    if step.kind == "open":
        return f"Svar {n} på {step.id}"
    if step.kind == "scale":
        return step.scale_min + n % (step.scale_max - step.scale_min + 1)
    if step.options:
        chosen = step.options[n % len(step.options)].id
        return [chosen] if step.multiple else chosen
    return "x"


def expected_results(step, values):
    """What the results of ``step`` must be for these answers (one per phone)."""
    if step.kind == "open":
        contributions = [
            {"text": v, "votes": 0, "highlighted": False, "theme": None, "tags": [], "merged": 0}
            for v in values
        ]
        return {"respondents": len(values), "contributions": contributions, "themes": []}
    if step.kind == "scale":
        counts = {str(n): values.count(n) for n in range(step.scale_min, step.scale_max + 1)}
        mean = round(sum(values) / len(values), 2)
        return {"respondents": len(values), "counts": counts, "mean": mean}
    if step.kind == "poll":
        chosen = [v for value in values for v in (value if step.multiple else [value])]
        counts = {o.id: chosen.count(o.id) for o in step.options}
        return {"respondents": len(values), "counts": counts}
    return None  # kinds still to come (quiz, rank...): only the response count is checked


@pytest.mark.parametrize(
    ("module", "part"),
    [DEMOGRAFI, ("norrbotten-for-alla", "introduktion"), ("samverkansdialog", "civilsamhalle")],
)
def test_a_whole_part_through_the_api(api, app, socket_client, module, part):
    created = api.post("/sessions", {"module": module, "part": part}).get_json()
    session_id = created["id"]
    phones = [socket_client() for _ in range(3)]
    for phone in phones:
        assert phone.emit("join", {"code": created["code"]}, namespace=NS, callback=True)["ok"]
    steps = part_steps(app, module, part)
    assert api.control(session_id, "start").get_json()["current_step"] == steps[0].id
    sent = {}
    for index, step in enumerate(steps):
        if index:
            assert api.control(session_id, "next").get_json()["current_step"] == step.id
        sent[step.id] = []
        for n, phone in enumerate(phones):
            value = value_for(step, n)
            payload = {"step": step.id, "value": value, "submission_id": f"p{n}-{index}"}
            ack = phone.emit("answer", payload, namespace=NS, callback=True)
            if step.kind in ("open", "scale", "poll"):
                assert ack == {"ok": True, "duplicate": False}, (step.id, ack)
            elif not kind_of(step).answerable:
                assert ack["error"] in {"not_answerable", "step_closed"}, (step.id, ack)
            if ack["ok"]:
                sent[step.id].append(value)
        if step.kind == "poll" and step.multiple:
            sent[step.id] = [[o.id for o in step.options if o.id in v] for v in sent[step.id]]
        assert api.control(session_id, "reveal").get_json()["revealed"] is True
    assert_error(api.control(session_id, "next"), 409, "no_such_step")
    assert api.control(session_id, "end").get_json()["status"] == "ended"
    assert_error(api.control(session_id, "next"), 409, "session_ended")

    results = api.get(f"/sessions/{session_id}/results").get_json()
    assert [r["step"] for r in results] == [s.id for s in steps]
    assert any(sent.values())
    for step, result in zip(steps, results, strict=True):
        assert result["kind"] == step.kind
        assert result["responses"] == len(sent[step.id]), step.id
        expected = expected_results(step, sent[step.id]) if sent[step.id] else None
        if expected is not None:
            for contribution in result["results"].get("contributions", ()):
                del contribution["id"]
            assert result["results"] == expected, step.id
    with app.app_context():
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(Response))
    assert stored == sum(len(values) for values in sent.values())
