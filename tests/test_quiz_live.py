"""Quiz steps through the real /live protocol: reveal and discuss, and the right answer never
leaves the server before reveal — not to phones, not to the big screen."""

import json

from facilitate.content import library

from .conftest import answer, call, events

QUIZ = "demografi-q-aldre"


def right_and_wrong(app):
    with app.app_context():
        step = library().get("norrbotten-for-alla").step(QUIZ)
    right = next(o.id for o in step.options if o.correct)
    wrong = next(o.id for o in step.options if not o.correct)
    return step, right, wrong


def test_reveal_and_discuss(live, app):
    step, right, wrong = right_and_wrong(app)
    aino, bo = live.phone(), live.phone()
    live.control("start")
    live.control("goto", QUIZ)
    assert answer(aino, QUIZ, wrong, "a1")["ok"]
    assert answer(aino, QUIZ, right, "a2")["ok"]  # changed her mind before reveal
    assert answer(bo, QUIZ, wrong, "b1")["ok"]
    revealed = live.control("reveal")["state"]
    assert revealed["session"]["open"] is False  # reveal closes a quiz
    assert answer(bo, QUIZ, right, "b2")["error"] == "step_closed"  # no changes after reveal
    results = revealed["results"]["results"]
    assert (
        results["respondents"] == 2 and results["correct"] == 1 and results["correct_share"] == 0.5
    )
    assert results["counts"][right] == 1 and results["counts"][wrong] == 1
    phone_state = events(aino, "state")[-1]
    assert phone_state["step"]["correct"] == [right]
    assert phone_state["step"]["explanation"] == str(step.explanation)
    assert phone_state["step"]["source"]["year"] == step.source.year
    assert call(aino, "sync")["state"]["answer"] == right  # she can see she was right


def test_no_right_answer_before_reveal(live, app, socket_client, client):
    step, right, _ = right_and_wrong(app)
    phone = live.phone()
    screen = socket_client(client)
    call(screen, "screen", {"session": live.id})
    live.control("start")
    live.control("goto", QUIZ)
    answer(phone, QUIZ, right, "x1")
    sent = [r["args"] for r in phone.get_received("/live")] + [call(phone, "sync")]
    sent += [r["args"] for r in screen.get_received("/live")] + [
        call(screen, "screen", {"session": live.id})
    ]
    payload = json.dumps(sent, ensure_ascii=False)
    assert '"correct"' not in payload
    assert str(step.explanation) not in payload
    assert step.source.title not in payload
    for page in (f"/j/{live.code}", f"/sessions/{live.id}/screen"):
        html = client.get(page).get_data(as_text=True)
        assert str(step.explanation) not in html and step.source.title not in html
    # The leader console does see the answer, to lead the discussion.
    host = events(live.host, "host_state")[-1]["step"]
    assert host["correct"] == [right]


def test_quiz_answers_must_be_option_ids(live):
    phone = live.phone()
    live.control("start")
    live.control("goto", QUIZ)
    for n, value in enumerate(["z", ["a"], 1, None, ""]):
        assert answer(phone, QUIZ, value, f"bad{n}")["error"] == "invalid_value"
    assert live.stored() == []
