"""Group commit of answers (:mod:`facilitate.core.group_commit`): the answers that arrive within
``ANSWER_COMMIT_WINDOW`` are checked and stored together, in one transaction, and each is
acknowledged only after that commit: one query for the participants and their sessions, one for
resends, one insert, one commit. The phones resend what was not acknowledged with the same
submission ids. The checks are those of a single answer (:func:`operations.new_response`).
"""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app

from ..core.group_commit import GroupCommit, Pending
from ..extensions import db
from . import operations
from .live import tallies
from .models import LiveSession, Participant, Response
from .queries import session_step

EXTENSION_KEY = "facilitate.answers"
#: Most answers stored in one transaction; more wait for the next batch.
MAX_BATCH = 500
#: The columns an answer's row is inserted with (the id comes from the database).
COLUMNS = [c for c in Response.__table__.columns if not c.primary_key]


@dataclass(eq=False)
class _Answer(Pending):
    """An answer waiting for its batch; its outcome: True for a resend of a stored answer,
    False for one stored now."""

    participant_id: int
    step_id: str
    value: Any
    submission_id: str
    #: For a statements step, the statement the value reacts to.
    statement: str | None = None
    #: The token hash of the participant the connection joined as: an answer is stored only
    #: for that very participant, still in the database (None: not checked).
    participant_key: str | None = None

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.participant_id, self.step_id, self.submission_id)


def submit(
    participant_id: int,
    step_id: str,
    value: Any,
    submission_id: str,
    statement: str | None = None,
    participant_key: str | None = None,
) -> bool:
    """Store an answer with those arriving at the same time; returns True for a resend.
    Returns only after the commit; raises :class:`operations.SessionError` if refused
    (``not_joined`` when the participant is gone or is not the one of ``participant_key``).
    One batcher per app."""
    batcher = current_app.extensions.get(EXTENSION_KEY)
    if batcher is None:
        batcher = GroupCommit(_store, "ANSWER_COMMIT_WINDOW", MAX_BATCH)
        current_app.extensions[EXTENSION_KEY] = batcher
    answer = _Answer(participant_id, step_id, value, submission_id, statement, participant_key)
    return batcher.submit(answer)


def _store(batch: list[_Answer]) -> None:
    """Check and store ``batch`` in one transaction; every answer gets its outcome."""
    for session_id in set(_store_together(batch)):
        tallies.changed_id(session_id)


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
            answer.outcome = operations.SessionError("not_joined")
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
                answer.outcome = error
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
            answer.outcome = error
        if answer.outcome is False:
            sessions.append(participant.session_id)
    return sessions
