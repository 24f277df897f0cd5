"""Group commit (sessions/answers.py): answers arriving together are checked one by one as
before, stored in one commit, and each caller learns its own outcome only after that commit."""

import gevent
import pytest
import sqlalchemy as sa

from facilitate.core.errors import DomainError
from facilitate.extensions import db
from facilitate.sessions import answers
from facilitate.sessions.models import Response

from .conftest import commits

OPEN = "demografi-d-aldre"


@pytest.fixture
def live(live_session):
    live = live_session()
    assert live.control("start")["ok"]
    assert live.control("goto", "demografi-d-aldre")["ok"]  # an open step: several per person
    return live


def _submit_together(app, answers_: list[tuple]) -> list:
    """Submit every answer from its own greenlet (as concurrent /live handlers do); each
    returns its outcome or the error code it raised."""

    def one(participant_id, step, value, submission_id):
        with app.app_context():
            try:
                return answers.submit(participant_id, step, value, submission_id)
            except DomainError as error:
                return error.code

    greenlets = [gevent.spawn(one, *answer) for answer in answers_]
    gevent.joinall(greenlets, raise_error=True)
    return [g.value for g in greenlets]


def test_answers_arriving_together_share_one_commit(app, live):
    phones = [live.phone(name=f"P{n}") for n in range(5)]
    people = [p.ack["participant"]["id"] for p in phones]
    committed = commits(app)
    outcomes = _submit_together(
        app,
        [
            *[(pid, OPEN, f"svar {n}", f"s{n}") for n, pid in enumerate(people)],
            (people[0], OPEN, "svar 0", "s0"),  # the same submission again, in the same batch
            (people[1], OPEN, "", "s9"),  # refused: empty text
            (people[2], "demografi-q-tathet", "a", "s8"),  # refused: not the current step
        ],
    )
    assert outcomes == [False] * 5 + [True, "empty_text", "not_current_step"]
    assert len(committed) == 1
    stored = live.stored()
    assert sorted(stored) == sorted((pid, OPEN, f"svar {n}") for n, pid in enumerate(people))
    with app.app_context():
        assert None not in db.session.scalars(sa.select(Response.created_at)).all()


def test_a_resend_of_a_stored_answer_is_a_duplicate_and_a_lone_answer_a_batch_of_one(app, live):
    phone = live.phone(name="Aino")
    pid = phone.ack["participant"]["id"]
    assert _submit_together(app, [(pid, OPEN, "först", "a1")]) == [False]
    assert _submit_together(app, [(pid, OPEN, "först", "a1"), (pid, OPEN, "sen", "a2")]) == [
        True,
        False,
    ]
    assert [value for _, _, value in live.stored()] == ["först", "sen"]


def test_an_unknown_participant_is_not_joined(app, live):
    assert _submit_together(app, [(999_999, OPEN, "x", "z1")]) == ["not_joined"]


def test_a_database_failure_answers_unavailable_and_stores_nothing(app, live, monkeypatch):
    phone = live.phone(name="Per")
    pid = phone.ack["participant"]["id"]

    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(answers, "_store_together", broken)
    assert _submit_together(app, [(pid, OPEN, "x", "u1"), (pid, OPEN, "y", "u2")]) == [
        "unavailable",
        "unavailable",
    ]
    assert live.stored() == []
