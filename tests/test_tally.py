"""The live tally: each participant's latest answer counted by the database, one tally per
moment for the console and the room."""

from facilitate.content import library
from facilitate.extensions import db
from facilitate.sessions.models import LiveSession
from tests.conftest import answer, events


def test_the_console_and_the_big_screen_count_each_persons_latest_choice(app, live_session):
    live = live_session("samverkansdialog", "civilsamhalle")
    with app.app_context():
        # Results held until reveal, so the room's tally shows what only the console counts.
        db.session.get(LiveSession, live.id).hide_live_results = True
        db.session.commit()
        steps = library().get("samverkansdialog").part("civilsamhalle").steps
    poll = next(s for s in steps if s.kind == "poll" and s.multiple)
    a, b = (o.id for o in poll.options[:2])
    screen = live.screen()
    one, two, three = live.phone(name="Ett"), live.phone(name="Två"), live.phone(name="Tre")
    live.control("start")
    live.control("goto", poll.id)
    assert answer(one, poll.id, [a, b], "1a")["ok"]
    assert answer(one, poll.id, [b], "1b")["ok"]  # changed their mind
    assert answer(two, poll.id, [a, b], "2a")["ok"]

    console = events(live.host, "tally")[-1]
    assert console["answered_count"] == 2
    assert console["results"]["responses"] == 3
    assert console["results"]["results"]["respondents"] == 2
    assert console["results"]["results"]["counts"][a] == 1
    assert console["results"]["results"]["counts"][b] == 2
    assert {p["name"]: p["answered"] for p in console["participants"]} == {
        "Ett": True,
        "Två": True,
        "Tre": False,
    }
    room = events(screen, "tally")[-1]
    assert room == {
        "step_id": poll.id,
        "participant_count": 3,
        "answered_count": 2,
        "results": None,  # not revealed yet
    }

    live.control("reveal")
    assert answer(three, poll.id, [a], "3a")["ok"]
    console = events(live.host, "tally")[-1]
    room = events(screen, "tally")[-1]
    assert room["results"] == console["results"]
    assert room["answered_count"] == console["answered_count"] == 3
    assert room["results"]["results"]["counts"][a] == 2
    assert "participants" not in room
