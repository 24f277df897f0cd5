"""Hypothesis-generated payloads — wrong types, huge strings, deep nesting, unicode oddities,
missing fields — for every /live event and every REST endpoint: the server never crashes,
never answers with a 500, always names an error code, and what was stored stays as it was."""

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitate.auth import User
from facilitate.auth.operations import create_token
from facilitate.dialogue.models import Proposal, Vote
from facilitate.extensions import db
from facilitate.sessions.models import LiveSession, Participant, Response
from facilitate.steps import all_kinds as step_kinds

from .conftest import answer, call

OPEN = "principer-i-praktiken"
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Unicode that trips naive code: lone surrogates, NUL, right-to-left marks, combining marks,
#: emoji, very long runs.
odd_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["\ud800", "\x00", "\u202e", "e\u0301", "🏔️" * 50, "<script>", "' OR 1=1"]),
    st.text(min_size=1, max_size=5).map(lambda s: s * 4000),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    odd_text,
)
json_like = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(odd_text, inner, max_size=4),
    max_leaves=12,
)
deep = st.integers(20, 200).map(lambda n: _nest(n))

#: The fields each event reads, so that payloads also come with the right keys, wrong values.
EVENT_FIELDS = {
    "join": ["code", "token", "name", "locale"],
    "answer": ["step", "value", "submission_id", "statement"],
    "sync": [],
    "host": ["session"],
    "screen": ["session"],
    "control": ["session", "action", "step", "seconds"],
    "settings": [
        "session",
        "competitive",
        "speed_bonus",
        "team_mode",
        "timer_seconds",
        "extra_time",
        "premoderation",
    ],
    "edit": ["step", "submission_id", "value"],
    "withdraw": ["step", "submission_id"],
    "upvote": ["step", "contribution"],
    "propose": ["step", "text", "submission_id"],
    "moderate": ["session", "contribution", "action", "into", "theme", "tags"],
    "proposal": ["session", "proposal", "decision"],
    "behalf": ["session", "person", "name"],
}


def _nest(depth):
    value = "bottom"
    for _ in range(depth):
        value = {"value": [value]}
    return value


def payloads(event):
    fields = EVENT_FIELDS[event]
    keyed = (
        st.fixed_dictionaries({}, optional={f: json_like for f in fields})
        if fields
        else st.just({})
    )
    return st.one_of(json_like, deep, keyed)


def snapshot(app):
    """What is stored, to compare before and after."""
    with app.app_context():
        return {
            model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (LiveSession, Participant, Response, Vote, Proposal)
        } | {
            "statuses": [s.status.value for s in db.session.scalars(sa.select(LiveSession))],
        }


def assert_error_ack(ack):
    assert isinstance(ack, dict), ack
    if ack.get("ok") is not True:
        assert ack["ok"] is False, ack
        assert isinstance(ack["error"], str) and ack["error"], ack
        assert isinstance(ack["message"], str) and ack["message"], ack


@pytest.fixture
def room(live_session):
    """A running forum session at an open prompt with one contribution, a phone and a leader."""
    live = live_session("strategiskt-forum", "principer")
    phone = live.phone()
    live.control("start")
    live.control("goto", OPEN)
    assert answer(phone, OPEN, "Ett riktigt bidrag", "real")["ok"]
    return live, phone


@pytest.mark.parametrize("event", sorted(EVENT_FIELDS))
def test_live_events_survive_any_payload(room, app, event):
    live, phone = room
    # The leader's connection is also the one that acts on someone's behalf; the phone is a
    # participant. Both get every payload.
    senders = [phone, live.host]
    before = snapshot(app)

    @FUZZ
    @given(payload=payloads(event))
    def check(payload):
        for sender in senders:
            ack = call(sender, event, payload)
            assert_error_ack(ack)
            if event in ("join", "behalf", "answer", "propose", "upvote") and ack.get("ok"):
                return  # a payload that happened to be valid may add a row
        after = snapshot(app)
        # Rejected payloads changed nothing (the leader's own events may change settings).
        if event not in ("control", "settings", "moderate", "proposal", "edit", "withdraw"):
            assert after == before

    check()
    # The session and the real contribution are still there.
    assert call(phone, "sync")["ok"]
    assert "Ett riktigt bidrag" in [v for _, _, v in live.stored()]


@pytest.fixture
def api_client(client, app, make_user):
    user = make_user()
    with app.app_context():
        token = create_token(db.session.get(User, user.id))
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post(
        "/api/v1/sessions",
        json={"module": "strategiskt-forum", "part": "principer"},
        headers=headers,
    )
    assert created.status_code == 201
    return client, headers, created.get_json()["id"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/sessions"),
        ("post", "/api/v1/sessions/{id}/control"),
        ("post", "/api/v1/sessions/{id}/settings"),
        ("get", "/api/v1/sessions/{id}"),
        ("get", "/api/v1/sessions/{id}/results"),
        ("get", "/api/v1/modules"),
    ],
)
def test_api_endpoints_survive_any_body(api_client, app, method, path):
    client, headers, session_id = api_client
    url = path.format(id=session_id)

    @FUZZ
    @given(body=st.one_of(json_like, deep), raw=st.binary(max_size=64), use_raw=st.booleans())
    def check(body, raw, use_raw):
        if use_raw:
            response = client.open(
                url,
                method=method.upper(),
                data=raw,
                headers=headers,
                content_type="application/json",
            )
        else:
            response = client.open(url, method=method.upper(), json=body, headers=headers)
        assert response.status_code < 500, (body, response.get_data(as_text=True))
        if response.status_code >= 400:
            error = response.get_json()
            assert isinstance(error["error"], str) and isinstance(error["message"], str)

    check()
    assert client.get(f"/api/v1/sessions/{session_id}", headers=headers).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/sessions/{}", "/api/v1/sessions/{}/results"])
@given(session_id=st.one_of(st.integers(), st.text(max_size=20)))
@FUZZ
def test_api_session_ids_of_any_shape(api_client, path, session_id):
    client, headers, _ = api_client
    response = client.get(path.format(session_id), headers=headers)
    assert response.status_code < 500


@given(text=odd_text, number=st.integers(0, 10**6))
@FUZZ
def test_odd_text_in_real_fields_is_stored_as_sent_or_refused(room, app, text, number):
    live, phone = room
    sub = f"odd{number}"
    ack = answer(phone, OPEN, text, sub)
    assert_error_ack(ack)
    if ack["ok"] and not ack["duplicate"]:
        assert text.strip() in texts_of(phone)
    elif ack["ok"]:
        pass  # a submission id of an earlier example: a resend, nothing new stored
    else:
        assert text.strip() not in texts_of(phone) or text.strip() == "Ett riktigt bidrag"
    edit = call(phone, "edit", {"step": OPEN, "submission_id": "real", "value": text})
    assert_error_ack(edit)
    theme = live.leader_call("moderate", contribution=1, action="theme", theme=text)
    assert_error_ack(theme)
    assert_error_ack(call(live.host, "behalf", {"session": live.id, "name": text}))
    assert_error_ack(call(live.screen(), "join", {"code": live.code, "name": text}))
    assert call(phone, "sync")["ok"]


def texts_of(phone):
    return [c["text"] for c in call(phone, "sync")["state"]["answer"]]


STEP_FIELDS = [
    "title",
    "body",
    "prompt",
    "time_limit",
    "options",
    "multiple",
    "explanation",
    "source",
    "min",
    "max",
    "min_label",
    "max_label",
    "statements",
    "tags",
    "leader_notes",
]
steps = st.fixed_dictionaries(
    {
        "id": st.one_of(st.just("steg"), odd_text),
        "kind": st.one_of(
            st.sampled_from(
                ["info", "quiz", "poll", "scale", "open", "wordcloud", "rank", "statements"]
            ),
            json_like,
        ),
    },
    optional={field: json_like for field in STEP_FIELDS},
)
modules = st.one_of(
    json_like,
    deep,
    st.fixed_dictionaries(
        {
            "id": st.one_of(st.just("egen"), odd_text),
            "kind": st.sampled_from(["dialogue", "study-circle"]),
            "title": st.one_of(st.just({"sv": "Titel"}), json_like),
            "description": st.just({"sv": "Om"}),
            "parts": st.lists(
                st.fixed_dictionaries(
                    {
                        "id": st.just("del"),
                        "title": st.just({"sv": "Del"}),
                        "description": st.just({"sv": "Del"}),
                        "steps": st.lists(steps, max_size=3),
                    }
                ),
                max_size=2,
            ),
        },
        optional={"sources": json_like},
    ),
)


@pytest.fixture
def editor(client, app, make_user):
    """A leader logged in with an authored module ``egen``: the CSRF header for its endpoints
    and a count of stored module versions."""
    from facilitate.authoring.models import ModuleVersion
    from facilitate.authoring.operations import new_module

    from .conftest import csrf_token, log_in

    user = make_user()
    with app.app_context():
        new_module(db.session.get(User, user.id), "Egen")
        db.session.commit()
    assert log_in(client).status_code == 302

    def versions():
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count()).select_from(ModuleVersion))

    return {"X-CSRFToken": csrf_token(client, "/authoring")}, versions


def test_the_module_editor_survives_any_document(client, editor):
    """The editor's save endpoint: any document gets 200 or a 4xx naming every problem with a
    translated message; nothing is stored unless it was valid."""
    headers, versions = editor

    @FUZZ
    @given(module=modules, wrap=st.booleans())
    def check(module, wrap):
        before = versions()
        body = {"module": module} if wrap else module
        response = client.post("/authoring/egen/save", json=body, headers=headers)
        assert response.status_code < 500, (module, response.get_data(as_text=True))
        reply = response.get_json()
        if response.status_code >= 400:
            assert reply["ok"] is False and reply["error"] and reply["message"]
            assert all(p["message"] and isinstance(p["path"], list) for p in reply["problems"])
            assert versions() == before

    check()


def test_the_editor_preview_survives_any_document_and_position(client, editor):
    """The editor's preview endpoint: any document at any position gets a step as a phone
    would get it or a 4xx naming every problem; nothing is ever stored."""
    headers, versions = editor

    positions = st.one_of(st.integers(min_value=-1, max_value=3), json_like)

    @FUZZ
    @given(module=modules, part=positions, step=positions)
    def check(module, part, step):
        before = versions()
        body = {"module": module, "part": part, "step": step}
        response = client.post("/authoring/egen/preview", json=body, headers=headers)
        assert response.status_code < 500, (body, response.get_data(as_text=True))
        reply = response.get_json()
        if response.status_code >= 400:
            assert reply["ok"] is False and reply["error"] and reply["message"]
            assert all(p["message"] and isinstance(p["path"], list) for p in reply["problems"])
        else:
            assert reply["step"]["kind"] in step_kinds() and "correct" not in reply["step"]
        assert versions() == before

    check()
