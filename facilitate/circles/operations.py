"""Changes to circles. These flush; the caller (view, API, Socket.IO handler) commits."""

import logging

import sqlalchemy as sa

from ..auth.models import User
from ..authoring.queries import module_for
from ..core.tokens import hash_token, new_token
from ..extensions import db
from .models import Circle, CircleError, CircleMember
from .municipalities import municipality

log = logging.getLogger(__name__)

#: Longest circle name and organiser name, in characters (the columns' lengths).
NAME_MAX_LENGTH = 120


def _text(value: object, missing: str) -> str:
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if not text:
        raise CircleError(missing)
    if len(text) > NAME_MAX_LENGTH:
        raise CircleError("text_too_long")
    return text


def create_circle(
    leader: User, name: object, municipality_id: object, organiser: object, module_id: object
) -> Circle:
    """A new circle led by ``leader``. Raises :class:`CircleError` with ``circle_name_missing``,
    ``organiser_missing``, ``text_too_long``, ``unknown_municipality`` or ``unknown_module``."""
    clean_name = _text(name, "circle_name_missing")
    place = municipality(municipality_id) if isinstance(municipality_id, str) else None
    if place is None:
        raise CircleError("unknown_municipality")
    clean_organiser = _text(organiser, "organiser_missing")
    if module_for(leader, module_id) is None:
        raise CircleError("unknown_module")
    circle = Circle(
        name=clean_name,
        municipality=place.id,
        organiser=clean_organiser,
        leader=leader,
        module_id=module_id,
    )
    db.session.add(circle)
    db.session.flush()
    log.info("leader %d created circle %d (%s, %s)", leader.id, circle.id, place.id, module_id)
    return circle


def recognise(participant, token: str | None) -> str | None:
    """Link a participant who opted in to the circle member their circle token belongs to, or
    to a new one. Returns the circle token for their phone to keep (a new one when theirs is
    unknown or missing), or None when the session is not a meeting of a circle."""
    circle_id = participant.session.circle_id
    if circle_id is None:
        return None
    if token:
        member = db.session.scalar(
            sa.select(CircleMember).where(
                CircleMember.token_hash == hash_token(token), CircleMember.circle_id == circle_id
            )
        )
        if member is not None:
            participant.circle_member = member
            db.session.flush()
            return token
    fresh = new_token()
    if participant.circle_member is not None:
        participant.circle_member.token_hash = hash_token(fresh)
    else:
        participant.circle_member = CircleMember(circle_id=circle_id, token_hash=hash_token(fresh))
    db.session.flush()
    return fresh
