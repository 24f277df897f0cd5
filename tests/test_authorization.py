"""The authorisation matrix: every HTTP route, API endpoint and leader /live event against
every kind of visitor — anonymous, a participant of this or another session, the session's own
leader, another leader, an analyst, an admin. Who may do what is written out here once; a
route or event missing from the matrix fails the test, so new ones get decided on."""

import pytest

from facilitate.auth import Role, User
from facilitate.auth.operations import create_token
from facilitate.authoring.operations import new_module
from facilitate.circles.operations import create_circle
from facilitate.extensions import db
from facilitate.sessions.models import LiveSession
from facilitate.sessions.operations import control, join

from .conftest import PASSWORD, answer, call, csrf_token

ACTORS = ("anonymous", "leader_own", "leader_other", "analyst", "admin")
EVERYONE = set(ACTORS)
SIGNED_IN = EVERYONE - {"anonymous"}
LEADERS = {"leader_own", "leader_other", "admin"}
OWN = {"leader_own", "admin"}
READERS = {"leader_own", "analyst", "admin"}
ANALYSTS = {"analyst", "admin"}

#: (method, path, who may) — ``{id}`` is a session led by leader_own, ``{code}`` its join code.
HTTP = {
    "auth.login": ("GET", "/login", EVERYONE),
    "auth.logout": ("POST", "/logout", SIGNED_IN),
    "home.index": ("GET", "/", EVERYONE),
    "home.module_library": ("GET", "/modules", SIGNED_IN),
    "core.healthz": ("GET", "/healthz", EVERYONE),
    "core.choose_language": ("GET", "/language/fi", EVERYONE),
    "core.privacy": ("GET", "/integritet", EVERYONE),
    "core.accessibility_statement": ("GET", "/tillganglighet", EVERYONE),
    "sessions.start": ("POST", "/sessions", LEADERS),
    "sessions.console": ("GET", "/sessions/{id}", OWN),
    "sessions.screen": ("GET", "/sessions/{id}/screen", OWN),
    "sessions.behalf": ("GET", "/sessions/{id}/behalf", OWN),
    "sessions.qr": ("GET", "/sessions/{id}/qr.svg", OWN),
    "sessions.delete": ("POST", "/sessions/{id}/delete", OWN),
    "sessions.enter_code": ("GET", "/j", EVERYONE),
    "sessions.participant": ("GET", "/j/{code}", EVERYONE),
    "api.openapi": ("GET", "/api/v1/openapi.json", EVERYONE),
    "api.modules": ("GET", "/api/v1/modules", SIGNED_IN),
    "api.create_session": ("POST", "/api/v1/sessions", LEADERS),
    "api.get_session": ("GET", "/api/v1/sessions/{id}", READERS),
    "api.control": ("POST", "/api/v1/sessions/{id}/control", OWN),
    "api.change_settings": ("POST", "/api/v1/sessions/{id}/settings", OWN),
    "api.results": ("GET", "/api/v1/sessions/{id}/results", READERS),
    # names are for whoever runs the session, not for analysts
    "api.participants": ("GET", "/api/v1/sessions/{id}/participants", OWN),
    "api.remove_participant": ("DELETE", "/api/v1/sessions/{id}/participants/{participant}", OWN),
    "api.delete_session": ("DELETE", "/api/v1/sessions/{id}", OWN),
    "api.export_file": ("GET", "/api/v1/export?format=json&session={id}", ANALYSTS),
    # a leader imports into their own account, analysts and admins into the importer's
    "api.imports": ("POST", "/api/v1/imports", SIGNED_IN),
    "sync.download": ("GET", "/sessions/{id}/transfer.json", OWN),
    "sync.push": ("POST", "/sessions/{id}/push", OWN),
    "sync.imports": ("GET", "/analysis/imports", ANALYSTS),
    "circles.index": ("GET", "/circles/", LEADERS),
    "circles.new": ("GET", "/circles/new", LEADERS),
    "circles.circle": ("GET", "/circles/{circle}", OWN),
    "analysis.sessions": ("GET", "/analysis/", ANALYSTS),
    "analysis.results": ("GET", "/analysis/results", ANALYSTS),
    "analysis.download": ("GET", "/analysis/export?format=csv&session={id}", ANALYSTS),
    "analysis.export_log": ("GET", "/analysis/exports", ANALYSTS),
    "analysis_pages.themes": ("GET", "/analysis/themes?session={id}", ANALYSTS),
    "analysis_pages.accept": ("POST", "/analysis/themes/accept", ANALYSTS),
    "analysis_pages.opinions": ("GET", "/analysis/opinions?session={id}", ANALYSTS),
    "analysis_pages.participation": ("GET", "/analysis/participation?session={id}", ANALYSTS),
    "analysis_api.themes": ("GET", "/api/v1/analysis/themes?session={id}", ANALYSTS),
    "analysis_api.opinions": ("GET", "/api/v1/analysis/opinions?session={id}", ANALYSTS),
    # authoring: {module} is a private module of leader_own; shipped ones anyone leading may copy
    "authoring.index": ("GET", "/authoring", LEADERS),
    "authoring.new": ("POST", "/authoring/new", LEADERS),
    "authoring.upload": ("POST", "/authoring/upload", LEADERS),
    "authoring.copy": ("POST", "/authoring/{module}/copy", OWN),
    "authoring.edit": ("GET", "/authoring/{module}/edit", OWN),
    "authoring.save": ("POST", "/authoring/{module}/save", OWN),
    "authoring.preview": ("POST", "/authoring/{module}/preview", OWN),
    "authoring.share": ("POST", "/authoring/{module}/share", OWN),
    "authoring.delete": ("POST", "/authoring/{module}/delete", OWN),
    "authoring.download": ("GET", "/authoring/{module}/download", OWN),
}
#: Bodies for the endpoints that need one to succeed.
BODIES = {
    "sessions.start": {"module": "norrbotten-for-alla", "part": "demografi"},
    "sessions.delete": {"confirm": "yes"},
    "api.create_session": {"module": "norrbotten-for-alla", "part": "demografi"},
    "api.control": {"action": "next"},
    "api.change_settings": {"competitive": True},
    "authoring.new": {"title": "Krisberedskap i byn"},
    "authoring.share": {"shared": "1"},
    "api.imports": lambda app, world: _transfer_document(app, world),
}


def _transfer_document(app, world) -> dict:
    """A transfer document of an ended session from elsewhere (a uid this server has not
    seen), so that whoever may import gets it stored."""
    import uuid

    from facilitate.sync.transfer import transfer_document

    with app.app_context():
        session = db.session.get(LiveSession, world["id"])
        control(session, "end")
        document = transfer_document(session)
        db.session.rollback()
    document["sessions"][0]["uid"] = str(uuid.uuid4())
    return document


#: Leader events of /live and who may send them about the session.
LEADER_EVENTS = {
    "host": ({}, OWN),
    "screen": ({}, OWN),
    "control": ({"action": "next"}, OWN),
    "settings": ({"competitive": True}, OWN),
    "moderate": ({"contribution": 1, "action": "hide"}, OWN),
    "proposal": ({"proposal": 1, "decision": "approve"}, OWN),
    "behalf": ({}, OWN),
    "remove": ({"participant": 1}, OWN),
}
ROLES = {
    "leader_own": Role.leader,
    "leader_other": Role.leader,
    "analyst": Role.analyst,
    "admin": Role.admin,
}


@pytest.fixture
def world(app, make_user, make_session):
    """One user per actor, with an API token each, and a session led by leader_own."""
    users = {a: make_user(email=f"{a}@example.org", role=r) for a, r in ROLES.items()}
    tokens = {}
    with app.app_context():
        for actor, user in users.items():
            tokens[actor] = create_token(db.session.get(User, user.id))
        db.session.commit()
    session_id = make_session(leader=users["leader_own"])
    with app.app_context():
        session = db.session.get(LiveSession, session_id)
        code = session.code
        control(session, "start")  # exports cover sessions that have run
        participant, _token = join(code, None, "Aino", "sv")
        circle = create_circle(
            db.session.get(User, users["leader_own"].id),
            "Cirkeln",
            "Luleå",
            "Studieförbundet",
            "norrbotten-for-alla",
        )
        module = new_module(db.session.get(User, users["leader_own"].id), "Egen dialog")
        db.session.commit()
        circle_id = circle.id
        module_id = module.module_id
        participant_id = participant.id
    return {
        "tokens": tokens,
        "id": session_id,
        "code": code,
        "participant": participant_id,
        "circle": circle_id,
        "module": module_id,
    }


def test_every_route_is_in_the_matrix(app):
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert routes == set(HTTP)


def allowed(response, api: bool) -> bool:
    if api:
        return response.status_code < 400
    if response.status_code in (401, 403, 404):
        return False
    # Flask-Login sends the anonymous to the login page with where they were going.
    return not (response.status_code == 302 and "/login?next=" in response.headers["Location"])


@pytest.mark.parametrize("endpoint", sorted(HTTP))
@pytest.mark.parametrize("actor", ACTORS)
def test_http_routes(app, world, endpoint, actor):
    method, path, who = HTTP[endpoint]
    path = path.format(
        id=world["id"],
        code=world["code"],
        circle=world["circle"],
        module=world["module"],
        participant=world["participant"],
    )
    client = app.test_client()
    api = path.startswith("/api/")
    headers = {}
    if actor != "anonymous":
        if api:
            headers["Authorization"] = f"Bearer {world['tokens'][actor]}"
        else:
            form = {"email": f"{actor}@example.org", "password": PASSWORD}
            response = client.post("/login", data={**form, "csrf_token": csrf_token(client)})
            assert response.status_code == 302
    body = BODIES.get(endpoint)
    if callable(body):
        body = body(app, world)
    if method in ("GET", "DELETE"):
        response = client.open(path, method=method, headers=headers)
    elif api:
        response = client.post(path, json=body or {}, headers=headers)
    else:
        data = {**(body or {}), "csrf_token": csrf_token(client, "/j")}
        response = client.post(path, data=data, headers=headers)
    assert allowed(response, api) == (actor in who), (response.status_code, response.data[:300])


@pytest.mark.parametrize("event", sorted(LEADER_EVENTS))
@pytest.mark.parametrize("actor", [*ACTORS, "participant"])
def test_leader_events(app, world, socket_client, event, actor):
    payload, who = LEADER_EVENTS[event]
    sio = socket_client(
        auth={"token": world["tokens"][actor]} if actor in world["tokens"] else None
    )
    if actor == "participant":
        assert call(sio, "join", {"code": world["code"]})["ok"]
    ack = call(sio, event, {"session": world["id"], **payload})
    refused = ack.get("error") in ("not_authenticated", "forbidden")
    assert refused != (actor in who), ack


def test_participants_act_only_in_their_own_session(live_session, app):
    """A phone of another session (of the same part, so the step ids are the same) can read
    nothing of this one and change nothing in it."""
    here, there = live_session(), live_session(email="other@example.org")
    mine = here.phone()
    stranger = there.phone()
    for live in (here, there):
        live.control("start")
        live.control("goto", "demografi-d-aldre")
    assert answer(mine, "demografi-d-aldre", "Här", "h1")["ok"]
    contribution = call(here.host, "host", {"session": here.id})["state"]["moderation"][0]["id"]
    upvote = {"step": "demografi-d-aldre", "contribution": contribution}
    assert call(stranger, "upvote", upvote)["error"] == "unknown_contribution"
    edit = {"step": "demografi-d-aldre", "submission_id": "h1", "value": "Kapat"}
    assert call(stranger, "edit", edit)["error"] == "unknown_contribution"
    withdraw = {"step": "demografi-d-aldre", "submission_id": "h1"}
    assert call(stranger, "withdraw", withdraw)["error"] == "unknown_contribution"
    assert call(stranger, "host", {"session": here.id})["error"] == "not_authenticated"
    # The stranger's own snapshot holds only their own session.
    state = call(stranger, "sync")["state"]
    assert state["session"]["id"] == there.id and state["results"]["results"]["respondents"] == 0
    assert [v for _, _, v in here.stored()] == ["Här"]
