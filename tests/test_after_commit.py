"""Broadcasts after the commit (issue 16): phones are told a session has ended only once its
deletion is committed; a deletion whose commit fails tells nobody anything and changes nothing.
And the mechanism itself: queued with the transaction, run on its commit, dropped otherwise."""

import sqlalchemy as sa

from facilitate.auth.models import User
from facilitate.auth.operations import create_token
from facilitate.core.after_commit import after_commit, pending
from facilitate.extensions import db
from facilitate.sessions.models import LiveSession

from .conftest import NS, answer, call, csrf_token, events

STEP = "demografi-q-tathet"


def _token(app, email="leader@example.org") -> str:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        token = create_token(user)
        db.session.commit()
    return token


def _ended_states(sio) -> list[dict]:
    return [s for s in events(sio, "state") if s["session"]["status"] == "ended"]


def _failing_commits():
    """Every commit fails from now on, as a full disk would make it (until removed)."""

    def refuse(_session):
        raise sa.exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))

    sa.event.listen(db.session, "before_commit", refuse)
    return lambda: sa.event.remove(db.session, "before_commit", refuse)


def test_a_delete_whose_commit_fails_tells_the_phones_nothing(app, client, live):
    live.control("start")
    live.control("goto", STEP)
    phone = live.phone(locale="sv")
    phone.get_received(NS)
    token = _token(app)

    restore = _failing_commits()
    try:
        response = client.delete(
            f"/api/v1/sessions/{live.id}", headers={"Authorization": f"Bearer {token}"}
        )
    finally:
        restore()

    assert response.status_code == 503 and response.json["error"] == "unavailable"
    assert _ended_states(phone) == []
    with app.app_context():
        assert db.session.get(LiveSession, live.id).status.value == "running"
    # The phone was told nothing false and goes on: its answer is stored.
    assert answer(phone, STEP, "a", "after-failed-delete") == {"ok": True, "duplicate": False}


def test_a_committed_delete_tells_the_phones_and_empties_the_rooms(app, client, live):
    live.control("start")
    live.control("goto", STEP)
    phone = live.phone(locale="sv")
    screen = live.screen()
    phone.get_received(NS)
    screen.get_received(NS)
    token = _token(app)

    response = client.delete(
        f"/api/v1/sessions/{live.id}", headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 204
    assert len(_ended_states(phone)) == 1
    assert [s["session"]["status"] for s in events(screen, "screen_state")] == ["ended"]
    with app.app_context():
        assert db.session.get(LiveSession, live.id) is None
    refused = answer(phone, STEP, "a", "after-delete")
    assert refused["ok"] is False and refused["error"] == "session_ended"
    assert call(phone, "sync")["error"] == "not_joined"


def test_the_console_delete_tells_the_phones_once_committed(app, client, live):
    live.control("start")
    phone = live.phone(locale="fi")
    phone.get_received(NS)
    form = {"confirm": "yes", "csrf_token": csrf_token(client, f"/sessions/{live.id}")}

    response = client.post(f"/sessions/{live.id}/delete", data=form)

    assert response.status_code == 302
    assert len(_ended_states(phone)) == 1


def _heard(*clients) -> list[str]:
    """The names of the events ``clients`` received since last asked."""
    return [m["name"] for sio in clients for m in sio.get_received(NS)]


def test_a_control_whose_commit_fails_is_told_to_nobody(app, live):
    """The console's ``next``, the phones' ``state``, the screen's ``screen_state`` and the
    tallies: none of them goes out for a change the database did not keep."""
    live.control("start")
    phone, screen = live.phone(locale="sv"), live.screen()
    _heard(phone, screen, live.host)

    restore = _failing_commits()
    try:
        refused = live.control("next")
        hidden = live.leader_call("settings", hide_live_results=True)
    finally:
        restore()

    assert refused["ok"] is False and refused["error"] == "unavailable"
    assert hidden["ok"] is False and hidden["error"] == "unavailable"
    assert _heard(phone, screen, live.host) == []
    with app.app_context():
        session = db.session.get(LiveSession, live.id)
        assert session.current_step == "demografi-intro" and not session.hide_live_results
    # Once the database keeps changes again, they are told as ever.
    assert live.control("next")["ok"]
    assert "state" in _heard(phone) and "screen_state" in _heard(screen)


def test_a_removal_whose_commit_fails_leaves_the_phone_in(app, live):
    live.control("start")
    phone = live.phone(locale="sv")
    _heard(phone, live.host)

    restore = _failing_commits()
    try:
        refused = live.leader_call("remove", participant=phone.ack["participant"]["id"])
    finally:
        restore()

    assert refused["error"] == "unavailable"
    assert _heard(phone, live.host) == []
    assert call(phone, "sync")["ok"]  # still a participant, and told nothing false


def test_a_rest_control_whose_commit_fails_is_told_to_nobody(app, client, live):
    live.control("start")
    phone = live.phone(locale="sv")
    _heard(phone, live.host)
    token = _token(app)

    restore = _failing_commits()
    try:
        response = client.post(
            f"/api/v1/sessions/{live.id}/control",
            json={"action": "next"},
            headers={"Authorization": f"Bearer {token}"},
        )
    finally:
        restore()

    assert response.status_code == 503 and response.json["error"] == "unavailable"
    assert _heard(phone, live.host) == []


def test_queued_actions_run_on_commit_and_are_dropped_on_rollback(app):
    ran = []
    with app.app_context():
        after_commit(lambda: ran.append("committed"))
        assert ran == [] and pending() == 1
        db.session.commit()
        assert ran == ["committed"] and pending() == 0

        db.session.execute(sa.text("SELECT 1"))
        after_commit(lambda: ran.append("rolled back"))
        db.session.rollback()
        db.session.commit()

        after_commit(lambda: ran.append("never committed"))
    with app.app_context():
        db.session.commit()
    assert ran == ["committed"]


def test_a_failing_action_does_not_undo_the_commit_or_stop_the_others(app, caplog):
    ran = []

    def broken():
        raise RuntimeError("the push failed")

    with app.app_context():
        after_commit(broken)
        after_commit(lambda: ran.append("second"))
        db.session.commit()
    assert ran == ["second"]
    assert "after-commit action" in caplog.text


# --- who a connection is, re-checked (issue 16) -------------------------------------------------


def test_a_phone_that_joins_another_session_leaves_the_first(live, make_session, app):
    phone = live.phone(locale="sv")
    other_id = make_session()
    with app.app_context():
        other_code = db.session.get(LiveSession, other_id).code
    assert call(phone, "join", {"code": other_code, "locale": "sv"})["ok"]
    phone.get_received(NS)
    live.control("start")
    assert events(phone, "state") == []


def test_a_phone_that_changes_language_gets_each_broadcast_once(live):
    phone = live.phone(locale="sv")
    again = call(phone, "join", {"code": live.code, "token": phone.ack["token"], "locale": "fi"})
    assert again["ok"] and again["participant"] == phone.ack["participant"]
    finnish, swedish = live.phone(locale="fi"), live.phone(locale="sv")
    for sio in (phone, finnish, swedish):
        sio.get_received(NS)
    live.control("start")
    states = events(phone, "state")
    assert states == events(finnish, "state") != events(swedish, "state")


def test_an_ended_sessions_phone_may_read_its_last_state_but_is_told_it_ended(live):
    live.control("start")
    live.control("goto", "demografi-d-aldre")
    phone = live.phone(locale="sv")
    assert answer(phone, "demografi-d-aldre", "Fler mötesplatser", "c1")["ok"]
    live.control("end")
    assert call(phone, "sync")["state"]["session"]["status"] == "ended"
    refused = call(
        phone, "edit", {"step": "demografi-d-aldre", "submission_id": "c1", "value": "Annat"}
    )
    assert refused["error"] == "session_ended"
    # Told once, it is out of the session's rooms and nobody's phone any more.
    phone.get_received(NS)
    live.leader_call("moderate", contribution=1, action="hide")
    assert events(phone, "state") == []
    assert call(phone, "sync")["error"] == "not_joined"
