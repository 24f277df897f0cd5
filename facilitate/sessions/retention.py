"""Deleting what is no longer needed: a whole session on its leader's or an admin's request,
and — after the retention period — participants (their tokens) and raw responses, keeping
each session's aggregate results. These flush; the caller commits."""

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..core.time import utcnow
from ..extensions import db
from . import hooks
from .models import LiveSession, Participant, Response, SessionStatus
from .queries import session_results

log = logging.getLogger(__name__)


def delete_raw(session_id: int) -> None:
    """Responses and participants of a session, and what features keep with them (votes,
    proposals), in the order the foreign keys need, whatever the database enforces."""
    hooks.clean_up(session_id=session_id)  # what features keep with them (dialogue's votes)
    db.session.execute(
        sa.update(Response).where(Response.session_id == session_id).values(merged_into_id=None)
    )
    db.session.execute(sa.delete(Response).where(Response.session_id == session_id))
    db.session.execute(sa.delete(Participant).where(Participant.session_id == session_id))


def delete_session(session: LiveSession) -> None:
    """The session and everything in it, for good."""
    session_id = session.id
    db.session.expire(session, ["participants"])
    delete_raw(session_id)
    db.session.execute(sa.delete(LiveSession).where(LiveSession.id == session_id))
    db.session.expunge(session)
    log.info("deleted session %d and all its data", session_id)


def end_and_delete(session: LiveSession) -> None:
    """What the leader's delete does (console and API): a running session is ended first, then
    it goes with everything in it. Once the caller's commit succeeded, its phones are told it
    has ended and every client leaves its rooms; if the commit fails, nobody is told anything."""
    # The push to connected clients, not needed by retention runs.
    from .live import broadcast, close_rooms

    if session.status is not SessionStatus.ended:
        session.end()
        db.session.flush()
        broadcast(session, committed=False)
    close_rooms(session.id)
    delete_session(session)


def retention_cutoff(months: int, now: datetime | None = None) -> datetime:
    """The moment before which sessions are pruned (a month counted as 30 days)."""
    return (now or utcnow()) - timedelta(days=30 * months)


def prune(cutoff: datetime) -> list[int]:
    """Sessions created before ``cutoff``: ended if still open, their aggregate results kept in
    ``summary``, their participants and raw responses deleted. Returns the pruned ids."""
    due = db.session.scalars(
        sa.select(LiveSession)
        .where(LiveSession.created_at < cutoff, LiveSession.pruned_at.is_(None))
        .order_by(LiveSession.id)
    ).all()
    for session in due:
        if session.status is not SessionStatus.ended:
            session.end()
        session.summary = session_results(session)
        session.pruned_at = utcnow()
        db.session.flush()
        delete_raw(session.id)
        db.session.expire(session, ["participants"])
        log.info("pruned session %d (created %s)", session.id, session.created_at.isoformat())
    return [s.id for s in due]
