"""The people of a session who are not (only) phones: those without a phone whose answers the
leader enters, and the participant the leader takes out. These flush; the caller commits."""

import logging
from functools import partial

import sqlalchemy as sa

from ..core.after_commit import after_commit
from ..core.tokens import hash_token, new_token
from ..extensions import db, socketio
from . import hooks
from .models import LiveSession, Participant, Response, SessionError, SessionStatus
from .queries import MAX_SESSION_ID, roster

log = logging.getLogger(__name__)


def proxy(session: LiveSession, person: int, locale: str) -> Participant:
    """Someone without a phone whose answers the leader enters, already in the session."""
    if session.status is SessionStatus.ended:
        raise SessionError("session_ended")
    participant = db.session.get(Participant, person) if 0 < person < 2**31 else None
    if participant is None or participant.session_id != session.id or not participant.proxy:
        raise SessionError("unknown_person")
    participant.locale = locale
    return participant


def new_proxy(
    session: LiveSession, name: str | None, locale: str, token_hash: str | None = None
) -> Participant:
    """A new person without a phone, optionally named: made with their first answer, so that
    the room never counts someone who has not answered anything. ``token_hash`` is the one
    chosen for them when the leader picked "new person" (their ranking order follows it)."""
    if session.status is SessionStatus.ended:
        raise SessionError("session_ended")
    participant = Participant(
        session=session,
        token_hash=token_hash or new_token_hash(),
        name=name,
        locale=locale,
        proxy=True,
    )
    db.session.add(participant)
    db.session.flush()
    log.info("session %d: the leader answers for a new person %d", session.id, participant.id)
    return participant


def remove_participant(session: LiveSession, participant_id: int) -> None:
    """The leader takes a participant out (a fake or disruptive one): the participant, their
    token, answers, votes and proposals are deleted, so their phone cannot resume and nothing
    of theirs counts. Flushes; the caller commits."""
    in_range = 0 < participant_id <= MAX_SESSION_ID  # ids are 32-bit, like sessions'
    participant = db.session.get(Participant, participant_id) if in_range else None
    if participant is None or participant.session_id != session.id:
        raise SessionError("unknown_participant")
    theirs = sa.select(Response.id).where(Response.participant_id == participant_id)
    hooks.clean_up(participant_id=participant_id)  # their votes and proposals (dialogue)
    db.session.execute(
        sa.update(Response).where(Response.merged_into_id.in_(theirs)).values(merged_into_id=None)
    )
    db.session.execute(sa.delete(Response).where(Response.participant_id == participant_id))
    db.session.execute(sa.delete(Participant).where(Participant.id == participant_id))
    db.session.flush()
    db.session.expire_all()
    log.info("session %d: the leader removed participant %d", session.id, participant_id)


def take_out(session: LiveSession, participant_id: int) -> None:
    """:func:`remove_participant`, and once the caller's commit succeeded their phone is told
    (``removed``) and leaves their room (in every process); if it fails, nobody is told."""
    from .live import NAMESPACE, participant_room  # the push, not needed by plain removals

    remove_participant(session, participant_id)
    room = participant_room(participant_id)
    told = {"session": session.id}
    after_commit(partial(socketio.emit, "removed", told, to=room, namespace=NAMESPACE))
    after_commit(partial(socketio.close_room, room, namespace=NAMESPACE))


def new_token_hash() -> str:
    """The token hash of someone without a phone: of a token never handed out."""
    return hash_token(new_token())


def proxies(session: LiveSession) -> list[dict]:
    """The people the leader answers for in ``session``, in joining order, each with their
    number among the session's participants (their default name "Deltagare 4")."""
    return [
        {"id": row.id, "name": row.name, "number": number}
        for number, row in enumerate(roster(session), start=1)
        if row.proxy
    ]
