"""Group commit of answers: the answers that arrive within ``ANSWER_COMMIT_WINDOW`` are checked
and stored together, in one transaction, and each is acknowledged only after that commit.

When a whole room answers at once, one commit per answer (with its own handful of queries) is
what limits how fast acks come back. Here the first answer of a burst waits the window, then
stores every answer that came meanwhile: one query for the participants and their sessions,
one for resends, one insert, one commit. The answers waiting meanwhile are only a queue of
unacknowledged requests: if the process dies, the phones resend them with the same submission
ids. The checks are those of a single answer (:func:`operations.new_response`).

A batch is led by the greenlet of one of its answers (no background worker), so nothing needs
starting or stopping, and a lone answer is simply a batch of one.
"""

import logging
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from gevent.event import Event

from ..extensions import db, socketio
from . import operations
from .live import tallies
from .models import LiveSession, Participant, Response
from .queries import session_step

log = logging.getLogger(__name__)

EXTENSION_KEY = "facilitate.answers"
#: Most answers stored in one transaction; more wait for the next batch.
MAX_BATCH = 500
#: The columns an answer's row is inserted with (the id comes from the database).
COLUMNS = [c for c in Response.__table__.columns if not c.primary_key]


@dataclass(eq=False)
class _Answer:
    participant_id: int
    step_id: str
    value: Any
    submission_id: str
    #: For a statements step, the statement the value reacts to.
    statement: str | None = None
    #: The token hash of the participant the connection joined as: an answer is stored only
    #: for that very participant, still in the database (None: not checked).
    participant_key: str | None = None
    #: True: a resend of a stored answer; False: stored now; a string: the error code.
    outcome: bool | str | None = None
    #: Set when the outcome is known, or when this answer's greenlet is to lead a batch.
    done: Event = field(default_factory=Event)
    leads: bool = False

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.participant_id, self.step_id, self.submission_id)


class AnswerBatcher:
    """The answers of one app in this process that wait for their batch's commit."""

    def __init__(self) -> None:
        self._waiting: list[_Answer] = []
        self._leading = False

    def submit(
        self,
        participant_id: int,
        step_id: str,
        value: Any,
        submission_id: str,
        statement: str | None = None,
        participant_key: str | None = None,
    ) -> bool:
        """Store an answer with those arriving at the same time; returns True for a resend.
        Returns only after the commit; raises :class:`operations.SessionError` if refused
        (``not_joined`` when the participant is gone or is not the one of ``participant_key``)."""
        answer = _Answer(participant_id, step_id, value, submission_id, statement, participant_key)
        self._waiting.append(answer)
        if self._leading:
            answer.done.wait()
            if not answer.leads:
                return _result(answer)
        self._leading = True
        try:
            socketio.sleep(current_app.config["ANSWER_COMMIT_WINDOW"])
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            _store(batch)
        finally:
            if answer.outcome is None and answer in self._waiting:
                self._waiting.remove(answer)  # this greenlet was interrupted before its batch
            if self._waiting:  # hand over to the next answer in line
                self._waiting[0].leads = True
                self._waiting[0].done.set()
            else:
                self._leading = False
        return _result(answer)


def submit(
    participant_id: int,
    step_id: str,
    value: Any,
    submission_id: str,
    statement: str | None = None,
    participant_key: str | None = None,
) -> bool:
    """See :meth:`AnswerBatcher.submit`; one batcher per app."""
    batcher = current_app.extensions.setdefault(EXTENSION_KEY, AnswerBatcher())
    return batcher.submit(participant_id, step_id, value, submission_id, statement, participant_key)


def _result(answer: _Answer) -> bool:
    if isinstance(answer.outcome, str):
        raise operations.SessionError(answer.outcome)
    return bool(answer.outcome)


def _store(batch: list[_Answer]) -> None:
    """Check and store ``batch`` in one transaction; every answer gets its outcome."""
    try:
        for session_id in set(_store_together(batch)):
            tallies.changed_id(session_id)
    except Exception:  # never leave the batch waiting; what is not stored is "unavailable"
        db.session.rollback()
        log.exception("storing %d answers failed", len(batch))
    finally:
        for answer in batch:
            if answer.outcome is None:
                answer.outcome = "unavailable"
            answer.done.set()


@dataclass(eq=False)
class _Who:
    """What checking an answer needs of its participant, read as a row (no ORM object per
    participant of a batch): :func:`operations.response_values` reads these attributes."""

    id: int
    session_id: int
    token_hash: str
    proxy: bool
    session: LiveSession | None = None


#: Built once, like the join's statements (queries.py): every batch runs them.
_WHO = sa.select(
    Participant.id, Participant.session_id, Participant.token_hash, Participant.proxy
).where(Participant.id.in_(sa.bindparam("ids", expanding=True)))
_SEEN = sa.select(Response.participant_id, Response.step_id, Response.submission_id).where(
    Response.participant_id.in_(sa.bindparam("ids", expanding=True)),
    Response.submission_id.in_(sa.bindparam("submissions", expanding=True)),
)


def _store_together(batch: list[_Answer]) -> list[int]:
    """The common case: one transaction for the batch. Returns the ids of the sessions that got
    answers (ids, so that nothing is loaded again after the commit)."""
    ids = list({a.participant_id for a in batch})
    participants = {row.id: _Who(*row) for row in db.session.execute(_WHO, {"ids": ids})}
    # Their sessions (mostly one) by id.
    sessions = {
        id_: db.session.get(LiveSession, id_)
        for id_ in {p.session_id for p in participants.values()}
    }
    for participant in participants.values():
        participant.session = sessions[participant.session_id]
    seen = {
        tuple(row)
        for row in db.session.execute(
            _SEEN, {"ids": ids, "submissions": list({a.submission_id for a in batch})}
        )
    }
    # Each step as its session runs it, looked up once per batch: nothing changes the session
    # within this transaction.
    steps: dict[tuple[int, str], Any] = {}
    fresh: list[tuple[_Answer, _Who]] = []
    rows: list[dict] = []
    for answer in batch:
        participant = participants.get(answer.participant_id)
        if participant is None or answer.participant_key not in (None, participant.token_hash):
            answer.outcome = "not_joined"
        elif answer.key in seen:
            answer.outcome = True
        else:
            where = (participant.session_id, answer.step_id)
            if where not in steps:
                steps[where] = session_step(participant.session, answer.step_id)
            try:
                values = operations.response_values(
                    participant,
                    answer.step_id,
                    answer.value,
                    answer.submission_id,
                    answer.statement,
                    step=steps[where],
                )
            except operations.SessionError as error:
                answer.outcome = error.code
                continue
            rows.append(_row(values))
            seen.add(answer.key)
            fresh.append((answer, participant))
    if not fresh:
        db.session.rollback()
        return []
    stored = list({p.session_id for _, p in fresh})
    try:
        # One multi-row INSERT, without the ORM's per-object bookkeeping.
        db.session.execute(sa.insert(Response), rows)
        db.session.commit()
    except sa.exc.IntegrityError:
        # Another process stored one of these meanwhile (a resend through another server):
        # store them one by one, so that only that one counts as a resend.
        db.session.rollback()
        return _store_one_by_one([a for a, _ in fresh], participants)
    for answer, _ in fresh:
        answer.outcome = False
    return stored


#: Columns an answer's values leave to their defaults, with those defaults.
_DEFAULTS = [(c.key, c.default) for c in COLUMNS if c.default is not None]


def _row(values: dict) -> dict:
    """An answer's values (:func:`operations.response_values`) as an INSERT's row: every
    column, defaults (``created_at``, ``tags``...) filled in as the ORM would."""
    row = dict.fromkeys(c.key for c in COLUMNS)
    row.update(values)
    for key, default in _DEFAULTS:
        if key not in values:
            row[key] = default.arg(None) if default.is_callable else default.arg
    return row


def _store_one_by_one(batch: list[_Answer], participants: dict[int, _Who]) -> list[int]:
    sessions = []
    for answer in batch:
        participant = participants[answer.participant_id]
        try:
            answer.outcome = operations.answer(
                participant, answer.step_id, answer.value, answer.submission_id, answer.statement
            )
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()
            answer.outcome = True
        except operations.SessionError as error:
            db.session.rollback()
            answer.outcome = error.code
        if answer.outcome is False:
            sessions.append(participant.session_id)
    return sessions
