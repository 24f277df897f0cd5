"""Quiz options through /live: server-side timers (pause, extend, remove, extra time),
competitive mode with points and leaderboard, team mode, and the per-part summary."""

from datetime import timedelta

import pytest

from facilitate.auth.models import utcnow
from facilitate.content import library
from facilitate.extensions import db
from facilitate.sessions.models import LiveSession

from .conftest import answer, call, events

QUIZ, NEXT_QUIZ = "demografi-q-aldre", "demografi-q-livslangd"


def options(app, step_id):
    with app.app_context():
        step = library().get("norrbotten-for-alla").step(step_id)
    return next(o.id for o in step.options if o.correct), next(
        o.id for o in step.options if not o.correct
    )


def settings(live, **values):
    return call(live.host, "settings", {"session": live.id, **values})


def run_out(app, live):
    """Let the timer run out (move the deadline into the past, as time would)."""
    with app.app_context():
        session = db.session.get(LiveSession, live.id)
        session.deadline = utcnow() - timedelta(seconds=1)
        db.session.commit()


def test_timer_with_extra_time_is_enforced_by_the_server(live, app):
    right, _ = options(app, QUIZ)
    phone = live.phone()
    assert settings(live, timer_seconds=20, extra_time=2)["ok"]
    live.control("start")
    header = live.control("goto", QUIZ)["state"]["session"]
    assert 39 <= header["time_left"] <= 40  # 20 s × 2
    assert header["deadline"] and header["server_time"]
    phone_header = events(phone, "state")[-1]["session"]
    assert phone_header["deadline"] == header["deadline"]
    run_out(app, live)
    assert answer(phone, QUIZ, right, "late")["error"] == "step_closed"
    assert call(phone, "sync")["state"]["session"]["open"] is False
    assert live.stored() == []


def test_leader_pauses_extends_and_removes_the_timer(live, app):
    right, wrong = options(app, QUIZ)
    phone = live.phone()
    settings(live, timer_seconds=30)
    live.control("start")
    live.control("goto", QUIZ)
    paused = live.control("pause_timer")["state"]["session"]
    assert (
        paused["paused"] is True and paused["deadline"] is None and 29 <= paused["time_left"] <= 30
    )
    assert answer(phone, QUIZ, wrong, "p1")["ok"]  # answering goes on while the clock stands
    assert live.control("pause_timer")["error"] == "no_timer"
    live.control("resume_timer")
    assert live.control("extend_timer")["error"] == "invalid_payload"  # how long?
    extended = call(
        live.host, "control", {"session": live.id, "action": "extend_timer", "seconds": 60}
    )
    assert 88 <= extended["state"]["session"]["time_left"] <= 90
    removed = live.control("remove_timer")["state"]["session"]
    assert removed["time_left"] is None and removed["deadline"] is None
    assert live.control("remove_timer")["error"] == "no_timer"
    # When a timer has run out, opening answering again removes it instead of restarting it.
    run_out(app, live)
    assert answer(phone, QUIZ, right, "p2")["error"] == "step_closed"
    reopened = live.control("open")["state"]["session"]
    assert reopened["open"] is True and reopened["time_left"] is None
    assert answer(phone, QUIZ, right, "p3")["ok"]


def test_untimed_by_default_reveal_and_discuss(live, app):
    live.phone()
    live.control("start")
    header = live.control("goto", QUIZ)["state"]["session"]
    assert header["time_left"] is None and header["competitive"] is False
    assert "leaderboard" not in live.control("reveal")["state"]


def test_competitive_mode_points_and_leaderboard(live, app, socket_client, client):
    right, wrong = options(app, QUIZ)
    settings(live, competitive=True)
    aino, bo = live.phone(name="Aino"), live.phone(name="Bo")
    screen = socket_client(client)
    call(screen, "screen", {"session": live.id})
    live.control("start")
    live.control("goto", QUIZ)
    answer(aino, QUIZ, right, "a")
    answer(bo, QUIZ, wrong, "b")
    assert "leaderboard" not in events(screen, "screen_state")[-1]  # not while answering
    live.control("reveal")
    board = events(screen, "screen_state")[-1]["leaderboard"]
    assert [(e["rank"], e["name"], e["points"]) for e in board] == [(1, "Aino", 1000), (2, "Bo", 0)]
    assert call(aino, "sync")["state"]["leaderboard"] == {"points": 1000, "rank": 1}
    assert call(bo, "sync")["state"]["leaderboard"] == {"points": 0, "rank": 2}
    # A resend of the same submission changes nothing.
    assert answer(aino, QUIZ, right, "a")["duplicate"] is True
    assert call(aino, "sync")["state"]["leaderboard"]["points"] == 1000


def test_speed_bonus_rewards_fast_answers(live, app):
    right, _ = options(app, QUIZ)
    settings(live, competitive=True, speed_bonus=True, timer_seconds=60)
    phone = live.phone(name="Snabb")
    live.control("start")
    live.control("goto", QUIZ)
    answer(phone, QUIZ, right, "fast")
    points = call(phone, "sync")["state"]["leaderboard"]["points"]
    assert 1400 < points <= 1500


def test_team_mode_needs_a_group_name_and_is_set_before_the_start(live, socket_client):
    assert settings(live, team_mode=True)["ok"]
    refused = call(socket_client(), "join", {"code": live.code})
    assert refused["error"] == "name_required"
    table = live.phone(name="Bord 3")
    assert table.ack["participant"]["name"] == "Bord 3"
    live.control("start")
    assert settings(live, team_mode=False)["error"] == "already_started"
    assert settings(live, competitive=True)["ok"]  # other settings may change any time


@pytest.mark.parametrize(
    "values",
    [
        {"extra_time": 1.7},
        {"timer_seconds": 5},
        {"competitive": "yes"},
        {"extra_time": True},
        {"colour": 1},
    ],
)
def test_bad_settings_are_refused(live, values):
    ack = settings(live, **values)
    assert ack["ok"] is False and ack["error"] == "invalid_payload"


def test_per_part_summary_names_what_the_room_knew(live, app):
    first_right, first_wrong = options(app, QUIZ)
    second_right, _ = options(app, NEXT_QUIZ)
    one, two = live.phone(), live.phone()
    live.control("start")
    live.control("goto", QUIZ)
    answer(one, QUIZ, first_right, "1")
    answer(two, QUIZ, first_wrong, "2")
    live.control("goto", NEXT_QUIZ)
    answer(one, NEXT_QUIZ, second_right, "3")
    answer(two, NEXT_QUIZ, second_right, "4")
    summary = live.control("end")["state"]["quiz_summary"]
    assert summary["most_known"] == NEXT_QUIZ and summary["least_known"] == QUIZ
    assert summary["questions"][QUIZ]["correct_share"] == 0.5
    assert summary["most_known_prompt"]


def test_earned_points_do_not_change_when_the_timer_settings_change(live, app):
    right, _ = options(app, QUIZ)
    settings(live, competitive=True, speed_bonus=True, timer_seconds=30, extra_time=2)
    phone = live.phone(name="Aino")
    live.control("start")
    live.control("goto", QUIZ)
    answer(phone, QUIZ, right, "a")
    earned = call(phone, "sync")["state"]["leaderboard"]["points"]
    assert earned > 1000
    settings(live, timer_seconds=10, extra_time=1)
    live.control("remove_timer")
    assert call(phone, "sync")["state"]["leaderboard"]["points"] == earned


def test_no_speed_bonus_once_the_timer_is_removed(live, app):
    right, _ = options(app, QUIZ)
    settings(live, competitive=True, speed_bonus=True, timer_seconds=30)
    phone = live.phone(name="Bo")
    live.control("start")
    live.control("goto", QUIZ)
    live.control("remove_timer")
    answer(phone, QUIZ, right, "b")
    assert call(phone, "sync")["state"]["leaderboard"]["points"] == 1000
