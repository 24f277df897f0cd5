"""The /live protocol with the Flask-SocketIO test client: joining, answering, leader control,
snapshots, and every kind of bad input answered with an error ack that changes nothing."""

import pytest
import sqlalchemy as sa

from facilitate.auth import Role
from facilitate.auth.operations import create_token
from facilitate.content import library
from facilitate.extensions import db
from facilitate.sessions.models import LiveSession, Participant, Response

from .conftest import answer, call, events, texts

PART_STEPS = {  # the first steps of norrbotten-for-alla/demografi
    "info": "demografi-intro",
    "quiz": "demografi-q-tathet",
    "open": "demografi-d-aldre",
    "scale": "demografi-scale-framtid",
}


def test_join_gives_a_token_and_a_lobby_snapshot(live):
    phone = live.phone(name="  Aino   Niemi ", locale="fi")
    ack = phone.ack
    assert len(ack["token"]) >= 32
    assert ack["participant"]["name"] == "Aino Niemi"
    state = ack["state"]
    assert state["session"]["status"] == "lobby"
    assert state["step"] is None and state["answer"] is None
    assert state["session"]["code"] == live.code


def test_a_step_shown_while_a_phone_joins_is_the_step_of_its_ack(live, monkeypatch):
    """The leader shows the next step after the join read the session but before the phone
    entered the session's rooms: the phone misses that broadcast, so its ack must show it."""
    live.control("start")
    from facilitate.sessions import operations

    original, shown = operations.new_participant, []

    def and_meanwhile(*args, **kwargs):
        joined = original(*args, **kwargs)
        if not shown:  # the console's next, committed and broadcast in the middle of the join
            with live.app.app_context():  # its own database session, as in another greenlet
                shown.append(live.control("next")["state"]["session"]["step_index"])
        return joined

    monkeypatch.setattr(operations, "new_participant", and_meanwhile)
    phone = live.phone(name="Aino")
    assert shown == [1]
    assert phone.ack["state"]["session"]["step_index"] == 1
    assert not [s for s in events(phone, "state") if s["session"]["step_index"] == 1]


def test_with_a_message_queue_a_join_always_reads_the_session_again(app):
    """Other processes broadcast too: this process's count cannot tell that nothing changed."""
    from facilitate.sessions.live import broadcasts

    with app.app_context():
        assert broadcasts() is not None
        app.config["MESSAGE_QUEUE"] = "redis://localhost:6379/0"
        try:
            assert broadcasts() is None
        finally:
            app.config["MESSAGE_QUEUE"] = ""


def test_code_with_spaces_joins(live):
    spaced = f"{live.code[:4]} {live.code[4:]}"
    assert live.phone(code=spaced).ack["ok"]


def test_whole_flow_answers_stored_once_and_results(live, app):
    phone = live.phone()
    assert live.control("start")["ok"]
    state = events(phone, "state")[-1]
    assert state["step"]["id"] == PART_STEPS["info"]
    assert "answer" not in state  # broadcasts leave the own answer out
    assert answer(phone, PART_STEPS["info"], "x", "s0")["error"] == "not_answerable"

    live.control("goto", PART_STEPS["open"])
    first = answer(phone, PART_STEPS["open"], "Fler behöver vård", "s1")
    assert first == {"ok": True, "duplicate": False}
    assert answer(phone, PART_STEPS["open"], "Fler behöver vård", "s1") == {
        "ok": True,
        "duplicate": True,
    }
    assert answer(phone, PART_STEPS["open"], "Och färdtjänst", "s2")["duplicate"] is False
    assert [v for _, _, v in live.stored()] == ["Fler behöver vård", "Och färdtjänst"]

    tallies = events(live.host, "tally")
    assert tallies[-1]["answered_count"] == 1
    contributions = tallies[-1]["results"]["results"]["contributions"]
    assert [c["text"] for c in contributions] == ["Fler behöver vård", "Och färdtjänst"]

    sync = call(phone, "sync")
    assert texts(sync["state"]["answer"]) == ["Fler behöver vård", "Och färdtjänst"]

    live.control("reveal")
    revealed = events(phone, "state")[-1]
    assert [c["text"] for c in revealed["results"]["results"]["contributions"]] == [
        "Fler behöver vård",
        "Och färdtjänst",
    ]


def test_scale_keeps_each_persons_latest_answer(live):
    one, two = live.phone(), live.phone()
    live.control("start")
    ack = live.control("goto", PART_STEPS["scale"])
    step = ack["state"]["step"]
    low, high = step["min"], step["max"]
    assert answer(one, step["id"], low, "a")["ok"]
    assert answer(one, step["id"], high, "b")["ok"]  # changed their mind
    assert answer(two, step["id"], high, "c")["ok"]
    results = live.control("reveal")["state"]["results"]
    assert results["responses"] == 3
    assert results["results"]["respondents"] == 2
    assert results["results"]["counts"][str(high)] == 2
    assert results["results"]["counts"][str(low)] == 0


def test_multiple_choice_poll(app, live_session):
    live = live_session("samverkansdialog", "civilsamhalle")
    with app.app_context():
        steps = library().get("samverkansdialog").part("civilsamhalle").steps
    multiple = next(s for s in steps if s.kind == "poll" and s.multiple)
    phone = live.phone()
    live.control("start")
    live.control("goto", multiple.id)
    ids = [o.id for o in multiple.options]
    assert answer(phone, multiple.id, ids[0], "m0")["error"] == "invalid_value"  # not a list
    assert answer(phone, multiple.id, [ids[0], ids[0]], "m1")["error"] == "invalid_value"
    assert answer(phone, multiple.id, [], "m2")["error"] == "invalid_value"
    assert answer(phone, multiple.id, [ids[1], ids[0]], "m3") == {"ok": True, "duplicate": False}
    assert [value for _, _, value in live.stored()] == [[ids[0], ids[1]]]  # in the step's order


def test_reload_resumes_the_same_participant_with_its_answer(live, socket_client):
    phone = live.phone(name="Per")
    live.control("start")
    live.control("goto", PART_STEPS["open"])
    answer(phone, PART_STEPS["open"], "Mitt svar", "r1")
    phone.disconnect("/live")
    again = socket_client()
    ack = call(again, "join", {"code": live.code, "token": phone.ack["token"]})
    assert ack["participant"]["id"] == phone.ack["participant"]["id"]
    assert texts(ack["state"]["answer"]) == ["Mitt svar"]
    assert ack["state"]["step"]["id"] == PART_STEPS["open"]
    assert answer(again, PART_STEPS["open"], "Mitt svar", "r1")["duplicate"] is True


def test_token_of_another_session_makes_a_new_participant(live, make_session, app):
    phone = live.phone()
    other_id = make_session()
    with app.app_context():
        other_code = db.session.get(LiveSession, other_id).code
    sio = live.phone(code=other_code, token=phone.ack["token"])
    assert sio.ack["participant"]["id"] != phone.ack["participant"]["id"]


def test_host_sees_participants_and_who_answered(live):
    aino = live.phone(name="Aino")
    live.phone()
    live.control("start")
    live.control("goto", PART_STEPS["open"])
    answer(aino, PART_STEPS["open"], "Ja", "h1")
    tally = events(live.host, "tally")[-1]
    assert tally["participant_count"] == 2
    assert [(p["name"], p["answered"]) for p in tally["participants"]] == [
        ("Aino", True),
        (None, False),
    ]


def test_leader_notes_only_reach_the_leader(live, app, client):
    phone = live.phone()
    live.control("start")
    host_step = events(live.host, "host_state")[-1]["step"]
    assert host_step["leader_notes"]
    assert "leader_notes" not in events(phone, "state")[-1]["step"]


def test_state_machine_through_control(live):
    assert live.control("next")["error"] == "session_not_started"
    assert live.control("reveal")["error"] == "session_not_started"
    assert live.control("start")["ok"]
    assert live.control("start")["error"] == "already_started"
    assert live.control("previous")["error"] == "no_such_step"
    assert live.control("open")["error"] == "not_answerable"  # an info step
    assert live.control("goto", "no-such-step")["error"] == "unknown_step"
    assert live.control("dance")["error"] == "unknown_action"
    live.control("goto", PART_STEPS["open"])
    assert live.control("close")["state"]["session"]["open"] is False
    assert live.control("open")["state"]["session"]["open"] is True
    last = live.control("goto", "demografi-d-befolkning")["state"]
    assert last["session"]["step_index"] == last["session"]["step_count"] - 1
    assert live.control("next")["error"] == "no_such_step"
    assert live.control("end")["state"]["session"]["status"] == "ended"
    assert live.control("end")["error"] == "session_ended"
    assert live.control("next")["error"] == "session_ended"


def test_answers_are_refused_when_not_accepted(live):
    phone = live.phone()
    open_step = PART_STEPS["open"]
    assert answer(phone, open_step, "för tidigt", "e1")["error"] == "session_not_started"
    live.control("start")
    assert answer(phone, open_step, "fel steg", "e2")["error"] == "not_current_step"
    live.control("goto", open_step)
    live.control("close")
    assert answer(phone, open_step, "stängt", "e3")["error"] == "step_closed"
    live.control("open")
    assert answer(phone, "not-in-part", "x", "e4")["error"] == "unknown_step"
    assert answer(phone, open_step, "   ", "e5")["error"] == "empty_text"
    assert answer(phone, open_step, "x" * 501, "e6")["error"] == "text_too_long"
    live.control("end")
    assert answer(phone, open_step, "efteråt", "e7")["error"] == "session_ended"
    assert live.stored() == []


BAD_PAYLOADS = [
    ("join", None, "invalid_payload"),
    ("join", "12345678", "invalid_payload"),
    ("join", {"code": ["1"]}, "invalid_payload"),
    ("join", {"code": "abc"}, "unknown_code"),
    ("join", {"code": "00000000"}, "unknown_code"),
    ("join", {"code": "CODE", "name": "x" * 41}, "name_too_long"),
    ("join", {"code": "CODE", "name": 5}, "invalid_payload"),
    ("join", {"code": "CODE", "token": "x" * 500}, "invalid_payload"),
    ("answer", {"step": "demografi-d-aldre", "value": "x", "submission_id": "s"}, "not_joined"),
    ("sync", {}, "not_joined"),
    ("host", {"session": "1"}, "invalid_payload"),
    ("host", {"session": 1}, "not_authenticated"),
    ("screen", {"session": 1}, "not_authenticated"),
    ("control", {"session": 1, "action": "start"}, "not_authenticated"),
]


@pytest.mark.parametrize(("event", "payload", "code"), BAD_PAYLOADS)
def test_bad_payloads_get_an_error_ack(live, socket_client, event, payload, code):
    if isinstance(payload, dict) and payload.get("code") == "CODE":
        payload = {**payload, "code": live.code}
    anonymous = socket_client()
    ack = call(anonymous, event, payload)
    assert ack["ok"] is False
    assert ack["error"] == code
    assert ack["message"]
    assert anonymous.is_connected("/live")


BAD_ANSWERS = [
    None,
    [],
    {"step": 5, "value": "x", "submission_id": "s"},
    {"step": "demografi-d-aldre", "submission_id": "s"},
    {"step": "demografi-d-aldre", "value": "x"},
    {"step": "demografi-d-aldre", "value": "x", "submission_id": ""},
    {"step": "demografi-d-aldre", "value": "x", "submission_id": "has space"},
    {"step": "demografi-d-aldre", "value": "x", "submission_id": "x" * 65},
    {"step": "demografi-d-aldre", "value": ["x"], "submission_id": "s"},
    {"step": "demografi-d-aldre", "value": {"deep": {"er": 1}}, "submission_id": "s"},
    {"step": "demografi-d-aldre", "value": 3, "submission_id": "s"},
]


@pytest.mark.parametrize("payload", BAD_ANSWERS)
def test_malformed_answers_change_nothing(live, payload):
    phone = live.phone()
    live.control("start")
    live.control("goto", PART_STEPS["open"])
    ack = call(phone, "answer", payload)
    assert ack["ok"] is False and ack["error"] in {"invalid_payload", "invalid_value"}
    assert live.stored() == []


def test_scale_refuses_out_of_range_and_booleans(live):
    phone = live.phone()
    live.control("start")
    step = live.control("goto", PART_STEPS["scale"])["state"]["step"]
    for n, value in enumerate([step["min"] - 1, step["max"] + 1, True, 2.5, "3"]):
        assert answer(phone, step["id"], value, f"v{n}")["error"] == "invalid_value"
    assert live.stored() == []


def test_participants_cannot_run_leader_actions(live):
    phone = live.phone()
    for event, payload in [
        ("control", {"session": live.id, "action": "end"}),
        ("host", {"session": live.id}),
        ("screen", {"session": live.id}),
    ]:
        assert call(phone, event, payload)["error"] == "not_authenticated"
    assert live.control("start")["ok"]  # the session was not ended


def test_a_leader_cannot_control_someone_elses_session(live, app, make_user, client, socket_client):
    other = make_user(email="other@example.org")
    with app.app_context():
        token = create_token(db.session.get(type(other), other.id))
        db.session.commit()
    intruder = socket_client(auth={"token": token})
    assert call(intruder, "control", {"session": live.id, "action": "end"})["error"] == "forbidden"
    assert call(intruder, "host", {"session": live.id})["error"] == "forbidden"
    assert call(intruder, "control", {"session": 999, "action": "end"})["error"] == "not_found"


def test_admin_may_follow_any_session_with_a_token(live, app, make_user, socket_client):
    admin = make_user(email="admin@example.org", role=Role.admin)
    with app.app_context():
        token = create_token(db.session.get(type(admin), admin.id))
        db.session.commit()
    sio = socket_client(auth={"token": token})
    assert call(sio, "screen", {"session": live.id})["ok"]
    assert call(sio, "control", {"session": live.id, "action": "start"})["ok"]


def test_error_messages_are_in_the_participants_language(live):
    finnish = live.phone(locale="fi")
    english = live.phone(locale="en")
    fi = answer(finnish, PART_STEPS["open"], "x", "l1")
    en = answer(english, PART_STEPS["open"], "x", "l2")
    assert fi["error"] == en["error"] == "session_not_started"
    assert en["message"] == "The session has not started yet."
    assert fi["message"] == "Istunto ei ole vielä alkanut."


def test_unknown_codes_are_rate_limited_per_address(live, socket_client):
    member = socket_client()
    token = call(member, "join", {"code": live.code})["token"]
    guesses = 0
    for _ in range(4):  # five guesses per connection, 20 per address
        sio = socket_client()
        for _ in range(5):
            assert call(sio, "join", {"code": f"{guesses:08d}"})["error"] == "unknown_code"
            guesses += 1
        assert call(sio, "join", {"code": f"{guesses:08d}"})["error"] == "rate_limited"
    fresh = socket_client()
    assert call(fresh, "join", {"code": live.code})["error"] == "rate_limited"
    # A member coming back with their token is never a guess.
    assert call(fresh, "join", {"code": live.code, "token": token})["ok"]


def test_a_mistyping_phone_does_not_use_up_its_address(live, socket_client):
    mistyping = socket_client()
    for n in range(8):
        call(mistyping, "join", {"code": f"{n:08d}"})
    assert call(mistyping, "join", {"code": live.code})["error"] == "rate_limited"
    assert call(socket_client(), "join", {"code": live.code})["ok"]  # same address, other phone


def test_screen_snapshot_shows_code_and_join_address_but_no_notes(live, socket_client, client):
    screen = socket_client(client)
    state = call(screen, "screen", {"session": live.id})["state"]
    assert state["join_url"].endswith(f"/j/{live.code}")
    assert state["code"].replace(" ", "") == live.code
    live.control("start")
    pushed = events(screen, "screen_state")[-1]
    assert "leader_notes" not in pushed["step"]
    assert "participants" not in pushed
    assert pushed["results"] is None


def test_ended_sessions_free_their_code_for_reuse(app, make_session):
    from facilitate.sessions.operations import control, create_session

    first = make_session()
    with app.app_context():
        session = db.session.get(LiveSession, first)
        control(session, "end")
        db.session.commit()
        leader = session.leader
        again = create_session(leader, "norrbotten-for-alla", "demografi")
        again.code = session.code  # the same code may be used again once the first is over
        db.session.commit()
        live_duplicate = create_session(leader, "norrbotten-for-alla", "demografi")
        live_duplicate.code = again.code
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()


def test_one_response_per_participant_step_and_submission_in_the_database(live, app):
    phone = live.phone()
    with app.app_context():
        participant_id = db.session.scalar(sa.select(Participant.id))
        row = dict(
            session_id=live.id,
            participant_id=participant_id,
            step_id="s",
            submission_id="x",
            value=1,
        )
        db.session.add(Response(**row))
        db.session.commit()
        db.session.add(Response(**row))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
    assert phone.is_connected("/live")
