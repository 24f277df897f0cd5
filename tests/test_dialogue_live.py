"""Rank and word-cloud steps through /live: strategiskt-forum's ranking of the four focus areas
(Borda count) and the closing word cloud of Norrbotten för alla."""

import pytest

from facilitate.content import library
from facilitate.extensions import db
from facilitate.sessions.models import LiveSession

from .conftest import answer, call, events, log_in


@pytest.fixture
def forum(app, client, make_user, make_session, socket_client):
    leader = make_user()
    session_id = make_session(module="strategiskt-forum", part="fokusomraden", leader=leader)
    log_in(client)
    host = socket_client(client)
    call(host, "host", {"session": session_id})
    with app.app_context():
        code = db.session.get(LiveSession, session_id).code
        rank = next(
            s
            for s in library().get("strategiskt-forum").part("fokusomraden").steps
            if s.kind == "rank"
        )
    call(host, "control", {"session": session_id, "action": "start"})
    call(host, "control", {"session": session_id, "action": "goto", "step": rank.id})
    phones = [socket_client() for _ in range(3)]
    for phone in phones:
        call(phone, "join", {"code": code})
    return host, session_id, rank, phones


def test_ranking_the_focus_areas_with_borda(forum):
    host, session_id, rank, phones = forum
    ids = [o.id for o in rank.options]
    assert ids == ["rus", "folkhalsa", "beredskap", "finansiering"]
    orders = [
        ["beredskap", "rus", "folkhalsa", "finansiering"],
        ["beredskap", "folkhalsa", "rus", "finansiering"],
        ["rus", "beredskap", "finansiering", "folkhalsa"],
    ]
    for n, (phone, order) in enumerate(zip(phones, orders, strict=True)):
        assert answer(phone, rank.id, order, f"r{n}") == {"ok": True, "duplicate": False}
    results = call(host, "control", {"session": session_id, "action": "reveal"})["state"]["results"]
    borda = results["results"]
    assert borda["respondents"] == 3 and borda["method"] == "borda"
    assert borda["scores"] == {
        "beredskap": 3 + 3 + 2,
        "rus": 2 + 1 + 3,
        "folkhalsa": 1 + 2 + 0,
        "finansiering": 0 + 0 + 1,
    }
    assert borda["order"] == ["beredskap", "rus", "folkhalsa", "finansiering"]
    assert events(phones[0], "state")[-1]["results"]["results"]["order"][0] == "beredskap"


@pytest.mark.parametrize(
    "value",
    [
        ["rus", "folkhalsa", "beredskap"],
        ["rus", "rus", "beredskap", "finansiering"],
        "rus",
        ["x", "rus", "folkhalsa", "beredskap"],
    ],
)
def test_a_ranking_must_be_a_permutation(forum, value):
    _, _, rank, phones = forum
    ack = answer(phones[0], rank.id, value, "bad")
    assert ack["error"] == "not_a_ranking"
    assert ack["message"]


def test_word_cloud_counts_normalised_words(app, client, make_user, make_session, socket_client):
    leader = make_user()
    session_id = make_session(module="norrbotten-for-alla", part="avslut", leader=leader)
    log_in(client)
    host = socket_client(client)
    call(host, "host", {"session": session_id})
    with app.app_context():
        code = db.session.get(LiveSession, session_id).code
        cloud = next(
            s
            for s in library().get("norrbotten-for-alla").part("avslut").steps
            if s.kind == "wordcloud"
        )
    call(host, "control", {"session": session_id, "action": "start"})
    call(host, "control", {"session": session_id, "action": "goto", "step": cloud.id})
    aino, bo = socket_client(), socket_client()
    for phone in (aino, bo):
        call(phone, "join", {"code": code})
    assert answer(aino, cloud.id, "Framtid", "a1")["ok"]
    assert answer(aino, cloud.id, "  hopp ", "a2")["ok"]
    assert answer(bo, cloud.id, "framtid!", "b1")["ok"]
    assert answer(bo, cloud.id, "och", "b2")["error"] == "only_stop_words"
    assert answer(bo, cloud.id, "x" * 41, "b3")["error"] == "text_too_long"
    words = events(host, "tally")[-1]["results"]["results"]["words"]
    assert words == [{"text": "framtid", "count": 2}, {"text": "hopp", "count": 1}]
    assert call(aino, "sync")["state"]["answer"] == ["Framtid", "hopp"]
