"""Group commit of new participants (:mod:`facilitate.core.group_commit`): the joins with a
code that arrive within ``JOIN_COMMIT_WINDOW`` are checked and stored together, and each phone
gets its ack only after that commit.

When a hall of phones scans the QR code at once, each join's own session lookup, head count,
insert and commit were most of what the server did beyond the bare Socket.IO work (bench/
NOTES.md, fifth round). A batch looks each code up once, counts each session's participants
once, inserts every new participant in one statement and commits once. The checks are those of
a single join (:func:`operations.refusal`, and the join limits of ``events.on_join``); a phone
whose join was not acknowledged joins again, and nothing of it was stored.

Once committed, the batch also builds each join's ack with the join's own ``welcome``, from the
session and rows it holds, so that a join's greenlet takes nothing over into its own database
session. Where that ack may be out of date (a change of the session was broadcast meanwhile)
or could not be built, the greenlet takes over the session as the batch read it and the new
participant's row, without a query (:func:`joined`), and builds its ack itself.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app

from ..core import tokens
from ..core.errors import DomainError
from ..core.group_commit import GroupCommit, Pending
from ..core.loaded import still_loaded
from ..core.throttle import throttle
from ..extensions import db
from . import operations
from .live import announce, broadcasts
from .models import LiveSession, Participant, SessionError, SessionStatus
from .queries import participant_count, session_by_code
from .schemas import PayloadError

log = logging.getLogger(__name__)

EXTENSION_KEY = "facilitate.joins"
#: Most joins stored in one transaction; more wait for the next batch.
MAX_BATCH = 200


@dataclass(eq=False)
class NewJoin(Pending):
    """A join with a code alone, waiting for its batch; its outcome is True once joined."""

    code: str
    name: str | None
    locale: str
    #: The join limits' keys of this connection and its address (``events._join_new``).
    guesses: dict[str, str]
    #: ``welcome(participant, session, token)``: what the join answers once in, built by the
    #: batch after its commit (``welcomed``); it may use nothing of the join's own request.
    welcome: Callable[[Participant, LiveSession, str], Any]
    #: Set for a join that is in: the session as the batch read it, the new participant's row
    #: and token, and the count of broadcasts from before the read (``live.broadcasts``).
    session: LiveSession | None = None
    row: dict = field(default_factory=dict)
    token: str | None = None
    before: int | None = None
    #: What ``welcome`` returned, or None if it was not called or failed.
    welcomed: Any = None


def submit(join: NewJoin) -> None:
    """Store a new participant with those joining at the same time; returns only after the
    commit, with ``join`` holding what the batch made of it (its token, and its ``welcomed``
    ack). Raises the :class:`DomainError` the join is refused with (``unknown_code`` is not
    counted here)."""
    batcher = current_app.extensions.get(EXTENSION_KEY)
    if batcher is None:
        batcher = GroupCommit(_store, "JOIN_COMMIT_WINDOW", MAX_BATCH)
        current_app.extensions[EXTENSION_KEY] = batcher
    batcher.submit(join)


def joined(join: NewJoin) -> Participant:
    """The participant a batch stored for ``join``, and its session, taken over into this
    greenlet's database session as loaded (no query). The session is as the batch read it: see
    ``join.before``."""
    session = db.session.merge(join.session, load=False)
    return operations.as_loaded(join.row, session)


#: Built once: every batch inserts its new participants with it, ids returned in row order.
_NEW_PARTICIPANTS = sa.insert(Participant.__table__).returning(
    Participant.__table__.c.id, sort_by_parameter_order=True
)


def _store(batch: list[NewJoin]) -> None:
    """Check ``batch``'s joins as one join is checked, and store those let in, in one
    transaction; every join gets its outcome."""
    before = broadcasts()  # before the sessions are read
    sessions = {code: session_by_code(code) for code in {join.code for join in batch}}
    counts: dict[int, int] = {}
    admitted: list[NewJoin] = []
    for join in batch:
        session = sessions[join.code]
        refused = _refusal(join, session, counts)
        if refused is not None:
            join.outcome = refused
            continue
        counts[session.id] += 1
        join.session, join.before = session, before
        join.token = tokens.new_token()
        join.row = operations.new_participant(session, join.token, join.name, join.locale)
        admitted.append(join)
    if not admitted:
        db.session.rollback()
        return
    ids = db.session.execute(_NEW_PARTICIPANTS, [join.row for join in admitted]).scalars()
    for join, id_ in zip(admitted, ids, strict=True):
        join.row["id"] = id_
    in_use = {join.session for join in admitted}
    for session in in_use:
        announce(session, tally=True)
    # The sessions as read: the joins' greenlets take them over (their ``before`` tells them
    # whether to read them again).
    with still_loaded(*in_use):
        db.session.commit()
    for join in admitted:
        join.outcome = True
    for join in admitted:
        _welcome(join)


def _welcome(join: NewJoin) -> None:
    """``join``'s ack, built in the batch's database session after the commit. Stored is stored:
    if that fails, the join's own greenlet builds it (:func:`joined`), as for a broadcast."""
    participant = operations.as_loaded(join.row, join.session)
    try:
        join.welcomed = join.welcome(participant, join.session, join.token)
    except Exception:
        log.exception("the ack of a stored join could not be built in its batch")
        db.session.expunge(participant)  # the join's own greenlet may be this one


def _refusal(
    join: NewJoin, session: LiveSession | None, counts: dict[int, int]
) -> DomainError | None:
    """Why ``join`` may not make a new participant of ``session``, the session its code names
    (None: no such code), or None; ``counts`` are the sessions' head counts, this batch's
    joins included."""
    if session is None:
        return SessionError("unknown_code")  # counted as a guess by the join's own greenlet
    if throttle().spent(**join.guesses):  # guesses looked up at the same time used it up
        return PayloadError("rate_limited")
    if session.status is SessionStatus.ended:
        return SessionError("session_ended")
    if session.id not in counts:
        counts[session.id] = participant_count(session)
    refused = operations.refusal(session, join.name, counts[session.id])
    if refused:
        return SessionError(refused)
    address = join.guesses["join-address"]
    if not throttle().take(**{"join-session-address": f"{session.id}:{address}"}):
        return PayloadError("rate_limited")
    return None
