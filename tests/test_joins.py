"""Group commit of joins (sessions/joins.py): phones joining at the same moment are checked as
one join is, stored in one commit, and each phone gets its own participant, token and snapshot
(or its own refusal) only after that commit."""

import gevent
import pytest
import sqlalchemy as sa

from facilitate.auth import Role
from facilitate.extensions import db, socketio
from facilitate.sessions.models import LiveSession, Participant

from .conftest import call, commits, new_app


@pytest.fixture
def hall():
    """An app (settings as given) with sessions: ``open`` (started), ``locked`` (lets no one
    new in), ``teams`` (table groups need a name) and ``ended``; their codes by name."""

    def make(**settings):
        app = new_app(EVENT_LIMIT_PER_CONNECTION="10000 per second", **settings)
        from facilitate.auth.operations import create_user
        from facilitate.sessions.operations import configure, control, create_session

        with app.app_context():
            leader = create_user("leader@example.org", Role.leader, None, min_length=10)
            sessions = {
                name: create_session(leader, "norrbotten-for-alla", "demografi")
                for name in ("open", "locked", "teams", "ended")
            }
            control(sessions["open"], "start")
            configure(sessions["locked"], joins_locked=True)
            configure(sessions["teams"], team_mode=True)
            control(sessions["ended"], "start")
            control(sessions["ended"], "end")
            db.session.commit()
            codes = {name: session.code for name, session in sessions.items()}
        return app, codes

    return make


def _join_together(app, payloads: list[dict]) -> list[dict]:
    """Every phone connects, then all send their join at once, each from its own greenlet (as
    the server runs concurrent events); returns their acks in order."""
    phones = [socketio.test_client(app, namespace="/live") for _ in payloads]
    greenlets = [
        gevent.spawn(call, phone, "join", payload)
        for phone, payload in zip(phones, payloads, strict=True)
    ]
    gevent.joinall(greenlets, raise_error=True)
    return [g.value for g in greenlets]


def _participants(app, code: str) -> list[Participant]:
    with app.app_context():
        return db.session.scalars(
            sa.select(Participant).join(LiveSession).where(LiveSession.code == code)
        ).all()


def test_phones_joining_together_share_one_commit_and_each_gets_its_own_participant(hall):
    app, codes = hall()
    committed = commits(app)
    acks = _join_together(app, [{"code": codes["open"], "name": f"Bord {n}"} for n in range(6)])
    assert len(committed) == 1
    assert all(ack["ok"] for ack in acks)
    assert len({ack["token"] for ack in acks}) == 6
    assert [ack["participant"]["name"] for ack in acks] == [f"Bord {n}" for n in range(6)]
    assert {ack["state"]["session"]["status"] for ack in acks} == {"running"}
    stored = {p.id: p.name for p in _participants(app, codes["open"])}
    assert stored == {ack["participant"]["id"]: ack["participant"]["name"] for ack in acks}
    # Each token is that phone's own: it resumes as that participant.
    again = socketio.test_client(app, namespace="/live")
    back = call(again, "join", {"code": codes["open"], "token": acks[3]["token"]})
    assert back["participant"] == acks[3]["participant"]


def test_each_join_of_a_batch_gets_its_own_refusal_and_the_others_get_in(hall):
    app, codes = hall()
    acks = _join_together(
        app,
        [
            {"code": codes["open"]},
            {"code": "00000000"},  # no such session
            {"code": codes["locked"]},
            {"code": codes["teams"]},  # a table group without a name
            {"code": codes["teams"], "name": "Bord 1"},
            {"code": codes["ended"]},
            {"code": codes["open"], "locale": "fi"},
        ],
    )
    assert [ack.get("error") for ack in acks] == [
        None,
        "unknown_code",
        "session_locked",
        "name_required",
        None,
        "session_ended",
        None,
    ]
    assert all(ack["message"] for ack in acks if not ack["ok"])
    assert acks[0]["state"]["session"]["title"] != acks[6]["state"]["session"]["title"]  # in fi
    joined = {p.id: p.locale for p in _participants(app, codes["open"])}
    assert joined == {acks[0]["participant"]["id"]: "sv", acks[6]["participant"]["id"]: "fi"}
    assert [p.name for p in _participants(app, codes["teams"])] == ["Bord 1"]
    assert _participants(app, codes["locked"]) == []


def test_a_batch_counts_its_own_joins_against_the_session_limit(hall):
    app, codes = hall(MAX_PARTICIPANTS_PER_SESSION=3)
    acks = _join_together(app, [{"code": codes["open"]} for _ in range(5)])
    assert [ack.get("error") for ack in acks] == [None, None, None, "session_full", "session_full"]
    assert len(_participants(app, codes["open"])) == 3


def test_a_batch_counts_each_join_against_its_address_limit(hall):
    app, codes = hall(JOIN_LIMIT_PER_SESSION_ADDRESS="2 per minute")
    acks = _join_together(app, [{"code": codes["open"]} for _ in range(3)])
    assert [ack.get("error") for ack in acks] == [None, None, "rate_limited"]
    assert len(_participants(app, codes["open"])) == 2


def test_a_database_failure_answers_every_join_unavailable_and_stores_nobody(hall):
    app, codes = hall()

    def broken(conn, cursor, statement, *args):
        if statement.startswith("INSERT INTO participants"):
            raise sa.exc.OperationalError(statement, {}, Exception("disk I/O error"))

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", broken)
    acks = _join_together(app, [{"code": codes["open"]} for _ in range(3)])
    assert [ack.get("error") for ack in acks] == ["unavailable"] * 3
    assert _participants(app, codes["open"]) == []
    with app.app_context():
        sa.event.remove(db.engine, "before_cursor_execute", broken)
    assert [ack["ok"] for ack in _join_together(app, [{"code": codes["open"]}])] == [True]


def test_a_stored_join_whose_ack_the_batch_cannot_build_still_gets_it(hall, monkeypatch):
    """The batch builds each ack after its commit; where that fails, each phone's own handler
    builds it: stored is stored, and nobody is told to join again (which would add them twice)."""
    from facilitate.sessions import events as live_events

    app, codes = hall()
    original, failed = live_events._welcome, []

    def fails_in_the_batch(*args, **kwargs):
        if len(failed) < 3:  # the batch's three: it builds them before any phone goes on
            failed.append(1)
            raise RuntimeError("a snapshot section failed")
        return original(*args, **kwargs)

    monkeypatch.setattr(live_events, "_welcome", fails_in_the_batch)
    acks = _join_together(app, [{"code": codes["open"], "name": f"Bord {n}"} for n in range(3)])
    assert failed == [1, 1, 1]
    assert [ack["participant"]["name"] for ack in acks] == ["Bord 0", "Bord 1", "Bord 2"]
    assert all(ack["state"]["session"]["status"] == "running" for ack in acks)
    stored = {p.id for p in _participants(app, codes["open"])}
    assert stored == {ack["participant"]["id"] for ack in acks}
