"""Reads of circles: which a user may use, and each circle's meetings."""

import sqlalchemy as sa

from ..auth.models import Role, User
from ..extensions import db
from ..sessions.models import LiveSession
from ..sessions.operations import SessionError
from .models import Circle

#: Largest circle id looked up (the column is a 32-bit integer on PostgreSQL).
MAX_CIRCLE_ID = 2**31 - 1


def circle_for(user: User, circle_id: object):
    """The circle ``user`` may start meetings of: their own, or any for an admin. Raises
    :class:`SessionError` with ``unknown_circle`` or ``forbidden``. ``circle_id`` may be an
    integer or a string of digits (as forms and the API send it)."""
    if isinstance(circle_id, str) and circle_id.strip().isdigit():
        circle_id = int(circle_id)
    if isinstance(circle_id, bool) or not isinstance(circle_id, int):
        raise SessionError("unknown_circle")
    circle = db.session.get(Circle, circle_id) if 0 < circle_id <= MAX_CIRCLE_ID else None
    if circle is None:
        raise SessionError("unknown_circle")
    if circle.leader_id != user.id and user.role is not Role.admin:
        raise SessionError("forbidden")
    return circle


def circles_of(user: User) -> list:
    """The circles a leader leads (every circle for an admin), newest first."""
    query = sa.select(Circle).order_by(Circle.id.desc())
    if user.role is not Role.admin:
        query = query.where(Circle.leader_id == user.id)
    return list(db.session.scalars(query))


def meetings(circle) -> list[LiveSession]:
    """The circle's sessions, oldest first."""
    return list(
        db.session.scalars(
            sa.select(LiveSession)
            .where(LiveSession.circle_id == circle.id)
            .order_by(LiveSession.id)
        )
    )
