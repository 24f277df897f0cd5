"""The room's rules through the real /live protocol and the start form (issue 24): results of
non-quiz steps grow live unless the session hides them, a ranking's shuffled order is the
participant's and recorded with the answer, default names count per session, and the
municipality asked at "Starta" is kept with the session and offered again."""

import hashlib
import io
import json

import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook

from facilitate.auth.models import User
from facilitate.exports import json_writer, queries
from facilitate.exports.schemas import ExportFilter
from facilitate.extensions import db
from facilitate.sessions.models import LiveSession, Response

from .conftest import answer, call, csrf_token, log_in

RANK_PART = ("strategiskt-forum", "fokusomraden")
RANK = "fokusomraden-rank"


def step_of(live, kind: str) -> str:
    steps = call(live.host, "host", {"session": live.id})["state"]["steps"]
    return next(s["id"] for s in steps if s["kind"] == kind)


def screen_results(screen, live):
    return call(screen, "screen", {"session": live.id})["state"]["results"]


def test_polls_grow_live_on_the_screen_and_quizzes_wait_for_reveal(live_session):
    live = live_session("norrbotten-for-alla", "introduktion")
    phone = live.phone()
    screen = live.screen()
    live.control("start")
    poll, quiz = step_of(live, "poll"), step_of(live, "quiz")
    live.control("goto", poll)
    assert answer(phone, poll, "a", "p1")["ok"]
    shown = screen_results(screen, live)
    assert shown["results"]["counts"]["a"] == 1  # before any reveal
    assert call(phone, "sync")["state"]["results"]["results"]["counts"]["a"] == 1
    live.control("goto", quiz)
    assert answer(phone, quiz, "a", "q1")["ok"]
    assert screen_results(screen, live) is None  # a quiz's answers wait for the reveal
    assert call(phone, "sync")["state"]["results"] is None


def test_a_session_may_hide_live_results_until_reveal(live_session):
    live = live_session("norrbotten-for-alla", "introduktion")
    phone = live.phone()
    screen = live.screen()
    live.control("start")
    poll = step_of(live, "poll")
    live.control("goto", poll)
    ack = live.leader_call("settings", hide_live_results=True)
    assert ack["ok"] and ack["state"]["session"]["hide_live_results"] is True
    assert answer(phone, poll, "b", "p1")["ok"]
    assert screen_results(screen, live) is None
    assert call(phone, "sync")["state"]["results"] is None
    assert live.leader_call("settings", hide_live_results="yes")["error"] == "invalid_payload"
    live.control("reveal")
    assert screen_results(screen, live)["results"]["counts"]["b"] == 1


def test_a_rankings_order_is_each_participants_own_and_recorded(live_session):
    live = live_session(*RANK_PART)
    phones = [live.phone() for _ in range(6)]
    live.control("start")
    live.control("goto", RANK)
    orders = [call(phone, "sync")["state"]["presented"] for phone in phones]
    assert all(sorted(order) == sorted(orders[0]) for order in orders)
    assert len({tuple(order) for order in orders}) > 1  # not everyone sees the content's order
    again = call(phones[0], "sync")["state"]["presented"]
    assert again == orders[0]  # the same on every reload
    for n, (phone, order) in enumerate(zip(phones, orders, strict=True)):
        assert answer(phone, RANK, list(reversed(order)), f"r{n}")["ok"]
    # The room's order grows live, as a poll's bars do, and is the Borda count of the answers.
    results = call(phones[0], "sync")["state"]["results"]["results"]
    assert results["respondents"] == 6
    last = len(orders[0]) - 1
    borda = {o: sum(last - list(reversed(order)).index(o) for order in orders) for o in orders[0]}
    assert results["scores"] == borda
    with live.app.app_context():
        stored = db.session.scalars(sa.select(Response).order_by(Response.id)).all()
        assert [r.presented for r in stored] == orders
        token = phones[0].ack["token"]
        assert stored[0].participant.token_hash == hashlib.sha256(token.encode()).hexdigest()
    # ...and exported: the preparation group sees the order each person was shown.
    with live.app.test_request_context():
        document = json_writer.document(queries.load(ExportFilter(session=live.id)))
    exported = [r for r in document["responses"] if r["step"] == RANK]
    assert [r["presented"] for r in exported] == orders
    assert all("presented" not in r for r in document["responses"] if r["step"] != RANK)


def test_default_names_count_within_the_session(live_session):
    first = live_session("norrbotten-for-alla", "demografi")
    for _ in range(4):
        first.phone()
    second = live_session("norrbotten-for-alla", "demografi", email="other@example.org")
    phones = [second.phone(), second.phone(name="Aino"), second.phone()]
    assert second.leader_call("settings", competitive=True)["ok"]
    state = call(second.host, "host", {"session": second.id})["state"]
    numbers = [(p["number"], p["name"]) for p in state["participants"]]
    assert numbers == [(1, None), (2, "Aino"), (3, None)]
    names = sorted(entry["name"] for entry in state["leaderboard"])
    assert names == ["Aino", "Deltagare 1", "Deltagare 3"]  # not "Deltagare 5" and "Deltagare 7"
    assert phones


def test_the_municipality_asked_at_start_is_kept_and_offered_again(app, client, make_user):
    leader = make_user()
    log_in(client)
    start = {"module": "norrbotten-for-alla", "part": "demografi", "municipality": "pitea"}
    response = client.post(
        "/sessions", data={**start, "csrf_token": csrf_token(client, "/modules")}
    )
    assert response.status_code == 302
    with app.app_context():
        session = db.session.scalars(sa.select(LiveSession)).one()
        assert session.municipality == "pitea"
        assert db.session.get(User, leader.id).last_municipality == "pitea"
    library = client.get("/modules").get_data(as_text=True)
    assert '<option value="pitea" selected>Piteå</option>' in library
    refused = client.post(
        "/sessions",
        data={**start, "municipality": "oslo", "csrf_token": csrf_token(client, "/modules")},
        headers={"Accept-Language": "sv"},
    )
    assert refused.status_code == 302
    library = client.get(refused.headers["Location"], headers={"Accept-Language": "sv"})
    assert "Välj en av Norrbottens 14 kommuner." in library.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(LiveSession.id))) == 1
    # "No municipality" is a choice too, and is remembered as such.
    client.post(
        "/sessions",
        data={**start, "municipality": "", "csrf_token": csrf_token(client, "/modules")},
    )
    with app.app_context():
        assert db.session.get(User, leader.id).last_municipality is None


def test_a_new_persons_first_upvote_or_proposal_makes_them(live_session, socket_client, client):
    live = live_session("strategiskt-forum", "principer")
    phone = live.phone()
    live.control("start")
    live.control("goto", "principer-i-praktiken")
    assert answer(phone, "principer-i-praktiken", "Mer dialog", "a1")["ok"]
    contribution = call(phone, "sync")["state"]["results"]["results"]["contributions"][0]["id"]
    entry = socket_client(client)  # the leader's on-behalf page, logged in
    assert call(entry, "behalf", {"session": live.id, "name": "Gunnel"})["participant"] is None
    voted = call(entry, "upvote", {"step": "principer-i-praktiken", "contribution": contribution})
    assert voted["ok"] and voted["participant"]["name"] == "Gunnel"
    again = call(entry, "upvote", {"step": "principer-i-praktiken", "contribution": contribution})
    assert again["error"] == "already_voted"  # the same person now, not another new one
    assert call(entry, "behalf", {"session": live.id})["ok"]
    live.control("goto", "principer-pastaenden")
    proposed = call(
        entry,
        "propose",
        {"step": "principer-pastaenden", "text": "Vi möts oftare", "submission_id": "p1"},
    )
    assert proposed["ok"] and proposed["participant"]["name"] is None
    people = call(entry, "behalf", {"session": live.id})["people"]
    assert [(p["name"], p["number"]) for p in people] == [("Gunnel", 2), (None, 3)]


def test_a_sessions_municipality_reaches_the_exports(live_session, app, make_user):
    from facilitate.auth.models import Role
    from facilitate.auth.operations import create_token

    live = live_session("norrbotten-for-alla", "introduktion")
    with app.app_context():
        db.session.get(LiveSession, live.id).municipality = "kiruna"
        db.session.commit()
    phone = live.phone()
    live.control("start")
    poll = step_of(live, "poll")
    live.control("goto", poll)
    assert answer(phone, poll, "a", "p1")["ok"]
    analyst = make_user(email="analys@example.org", role=Role.analyst)
    with app.app_context():
        token = create_token(db.session.get(User, analyst.id))
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    exported = client.get("/api/v1/export?format=json", headers=headers)
    assert exported.status_code == 200, exported.get_data(as_text=True)[:300]
    rows = json.loads(exported.data)["responses"]
    assert {row["municipality"] for row in rows} == {"Kiruna"}  # not "–" for a one-off session
    chosen = client.get("/api/v1/export?format=json&municipality=kiruna", headers=headers)
    assert len(json.loads(chosen.data)["responses"]) == len(rows)
    other = client.get("/api/v1/export?format=json&municipality=lulea", headers=headers)
    assert other.status_code == 404  # no session held in Luleå: nothing to export
    # The report's and the spreadsheet's sessions tables and the analyst list say it too.
    report = Document(io.BytesIO(client.get("/api/v1/export?format=docx", headers=headers).data))
    sessions_table = report.tables[0]
    assert [c.text for c in sessions_table.rows[1].cells][1] == "Kiruna"
    workbook = load_workbook(
        io.BytesIO(client.get("/api/v1/export?format=xlsx", headers=headers).data)
    )
    summary = list(workbook["Sammanfattning"].iter_rows(values_only=True))
    heading = next(i for i, row in enumerate(summary) if row[:3] == ("Session", "Datum", "Kommun"))
    assert summary[heading + 1][2] == "Kiruna"
    log_in(client, email="analys@example.org")
    assert "<td>Kiruna</td>" in client.get("/analysis/").get_data(as_text=True)
