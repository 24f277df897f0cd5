"""Circles: a leader creates one and starts its meetings (pages and API), and a participant who
opts in is recognised across the circle's meetings by a circle token, never by name."""

import json
import re

import pytest
import sqlalchemy as sa

from facilitate.auth import Role, User
from facilitate.auth.operations import create_token
from facilitate.circles.models import Circle, CircleMember
from facilitate.circles.municipalities import MUNICIPALITIES, by_name, municipality
from facilitate.circles.operations import create_circle
from facilitate.extensions import db
from facilitate.sessions.models import LiveSession, Participant

from .conftest import call, csrf_token, log_in

NEW_CIRCLE = {
    "name": "Kalix bibliotek",
    "municipality": "kalix",
    "organiser": "ABF Norrbotten",
    "module": "norrbotten-for-alla",
}


def test_the_fourteen_municipalities():
    assert len(MUNICIPALITIES) == 14
    assert len({m.code for m in MUNICIPALITIES}) == 14
    assert municipality("Övertorneå") is municipality("overtornea") is municipality("2518")
    assert municipality("  LULEÅ ") is municipality("lulea")
    assert municipality("Stockholm") is None and municipality(None) is None
    names = [m.name for m in by_name()]
    assert names[0] == "Arjeplog" and names[-3:] == ["Älvsbyn", "Överkalix", "Övertorneå"]


def make_circle(app, leader, **fields):
    with app.app_context():
        circle = create_circle(db.session.get(User, leader.id), **{**_fields(), **fields})
        db.session.commit()
        return circle.id


def _fields():
    return {
        "name": NEW_CIRCLE["name"],
        "municipality_id": NEW_CIRCLE["municipality"],
        "organiser": NEW_CIRCLE["organiser"],
        "module_id": NEW_CIRCLE["module"],
    }


# --- pages --------------------------------------------------------------------------------------


def test_a_leader_creates_a_circle_and_starts_its_meetings(client, logged_in, app):
    form = client.get("/circles/new").get_data(as_text=True)
    assert '<label for="municipality">' in form and "Övertorneå" in form
    created = client.post(
        "/circles/new", data={**NEW_CIRCLE, "csrf_token": csrf_token(client, "/circles/new")}
    )
    assert created.status_code == 302
    page = client.get(created.location).get_data(as_text=True)
    assert "Kalix bibliotek" in page and "Kalix" in page and "ABF Norrbotten" in page
    assert page.count('name="circle"') == 7  # a start button per part
    circle_id = int(created.location.rsplit("/", 1)[1])
    started = client.post(
        "/sessions",
        data={
            "module": "norrbotten-for-alla",
            "part": "demografi",
            "circle": str(circle_id),
            "csrf_token": csrf_token(client, created.location),
        },
    )
    assert started.status_code == 302
    with app.app_context():
        session = db.session.scalars(sa.select(LiveSession)).one()
        assert session.circle_id == circle_id
    page = client.get(created.location).get_data(as_text=True)
    assert "Har hållits" in page and "<caption>" in page
    assert "Kalix bibliotek" in client.get("/circles/").get_data(as_text=True)
    library = client.get("/modules").get_data(as_text=True)
    assert f'<option value="{circle_id}">Kalix bibliotek</option>' in library


def test_one_click_start_still_makes_a_session_without_a_circle(client, logged_in, app):
    response = client.post(
        "/sessions",
        data={
            "module": "norrbotten-for-alla",
            "part": "demografi",
            "csrf_token": csrf_token(client, "/modules"),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(LiveSession)).one().circle_id is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "  "}, "Skriv cirkelns eller gruppens namn."),
        ({"name": "x" * 121}, "Texten är för lång."),
        ({"municipality": "stockholm"}, "Välj en av Norrbottens 14 kommuner."),
        ({"organiser": ""}, "Skriv vilket studieförbund eller vilken organisation som arrangerar."),
        ({"module": "nope"}, "Modulen finns inte."),
    ],
)
def test_a_bad_circle_form_says_what_is_wrong(client, logged_in, app, change, message):
    response = client.post(
        "/circles/new",
        data={**NEW_CIRCLE, **change, "csrf_token": csrf_token(client, "/circles/new")},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(r'role="alert"[^>]*>' + re.escape(message), html)
    assert 'aria-invalid="true"' in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Circle)) == 0


def test_circles_are_their_leaders(client, app, make_user):
    owner = make_user(email="owner@example.org")
    circle_id = make_circle(app, owner)
    make_user()
    log_in(client)
    assert client.get(f"/circles/{circle_id}").status_code == 403
    assert client.get("/circles/999").status_code == 404
    refused = client.post(
        "/sessions",
        data={
            "module": "norrbotten-for-alla",
            "part": "demografi",
            "circle": str(circle_id),
            "csrf_token": csrf_token(client, "/modules"),
        },
    )
    assert refused.status_code == 403
    assert "Kalix bibliotek" not in client.get("/circles/").get_data(as_text=True)


def test_analysts_cannot_create_circles(client, make_user):
    make_user(email="analys@example.org", role=Role.analyst)
    log_in(client, email="analys@example.org")
    assert client.get("/circles/new").status_code == 403


# --- the API ------------------------------------------------------------------------------------


@pytest.fixture
def api(client, app, make_user):
    leader = make_user()
    with app.app_context():
        token = create_token(db.session.get(User, leader.id))
        db.session.commit()

    def post(body):
        return client.post(
            "/api/v1/sessions", json=body, headers={"Authorization": f"Bearer {token}"}
        )

    post.leader = leader
    return post


def test_api_starts_a_meeting_of_a_circle(api, app, make_user):
    mine = make_circle(app, api.leader)
    other = make_circle(app, make_user(email="other@example.org"))
    forum = make_circle(app, api.leader, module_id="strategiskt-forum")
    body = {"module": "norrbotten-for-alla", "part": "demografi"}
    created = api({**body, "circle": str(mine)})
    assert created.status_code == 201
    with app.app_context():
        assert db.session.get(LiveSession, created.get_json()["id"]).circle_id == mine
    for circle, status, code in (
        ("999", 400, "unknown_circle"),
        ("Kalix bibliotek", 400, "unknown_circle"),
        (str(other), 403, "forbidden"),
        (str(forum), 400, "circle_module_mismatch"),
    ):
        response = api({**body, "circle": circle})
        assert (response.status_code, response.get_json()["error"]) == (status, code)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveSession)) == 1


# --- recognised across meetings -----------------------------------------------------------------


@pytest.fixture
def two_meetings(app, client, make_user, socket_client):
    """Two meetings of one circle and a session of another circle, all started."""
    from facilitate.sessions.operations import control, create_session

    leader = make_user()
    first_circle = make_circle(app, leader)
    second_circle = make_circle(app, leader, name="Piteå folkets hus", municipality_id="pitea")
    codes = []
    with app.app_context():
        user = db.session.get(User, leader.id)
        for circle_id, part in (
            (first_circle, "introduktion"),
            (first_circle, "demografi"),
            (second_circle, "introduktion"),
            (None, "introduktion"),
        ):
            circle = db.session.get(Circle, circle_id) if circle_id else None
            session = create_session(user, "norrbotten-for-alla", part, "sv", circle)
            control(session, "start")
            codes.append(session.code)
        db.session.commit()
    return codes


def join(socket_client, code, **extra):
    ack = call(socket_client(), "join", {"code": code, **extra})
    assert ack["ok"], ack
    return ack


def member_of(app, participant_id):
    with app.app_context():
        return db.session.get(Participant, participant_id).circle_member_id


def test_an_opted_in_phone_is_the_same_member_at_the_next_meeting(app, socket_client, two_meetings):
    first, second, elsewhere, no_circle = two_meetings
    opted = join(socket_client, first, name="Aino", recognise=True)
    assert opted["circle"]["name"] == "Kalix bibliotek"
    token = opted["circle"]["token"]
    assert token and len(token) >= 32
    again = join(socket_client, second, circle_token=token)
    assert again["circle"]["token"] == token
    member = member_of(app, opted["participant"]["id"])
    assert member is not None and member_of(app, again["participant"]["id"]) == member
    # Not opted in: not recognised, nothing kept.
    plain = join(socket_client, second, name="Per")
    assert plain["circle"]["token"] is None
    assert member_of(app, plain["participant"]["id"]) is None
    # Another circle's meeting does not know the token: a new member, a new token.
    other = join(socket_client, elsewhere, circle_token=token)
    assert other["circle"]["token"] not in (None, token)
    assert member_of(app, other["participant"]["id"]) not in (None, member)
    # A session without a circle has nothing to recognise.
    alone = join(socket_client, no_circle, circle_token=token)
    assert alone["circle"] is None
    assert member_of(app, alone["participant"]["id"]) is None
    with app.app_context():
        members = db.session.scalars(sa.select(CircleMember)).all()
        assert len(members) == 2
        assert all(m.token_hash != token and len(m.token_hash) == 64 for m in members)


def test_bad_circle_tokens_are_refused(socket_client, two_meetings):
    first = two_meetings[0]
    for extra in ({"circle_token": "not a token!"}, {"circle_token": 5}, {"recognise": "yes"}):
        ack = call(socket_client(), "join", {"code": first, **extra})
        assert ack["ok"] is False and ack["error"] == "invalid_payload"


def test_the_join_form_offers_recognition_only_at_a_circles_meetings(client, two_meetings):
    """Opt-in, off by default, and only where there is a circle to be recognised in; the page
    tells the phone's script which circle it is (the token itself is kept on the phone)."""
    first, _, _, no_circle = two_meetings
    page = client.get(f"/j/{first}", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    checkbox = re.search(r'<input type="checkbox" id="recognise"[^>]*>', page).group(0)
    assert "checked" not in checkbox
    assert "inget namn" in page and "Känn igen min telefon" in page
    config = json.loads(re.search(r'id="config">(.*?)</script>', page).group(1))
    assert isinstance(config["circle"], int)
    page = client.get(f"/j/{no_circle}").get_data(as_text=True)
    assert 'id="recognise"' not in page
    assert json.loads(re.search(r'id="config">(.*?)</script>', page).group(1))["circle"] is None
