"""Reads of circles: which a user may use (a circle's meetings are ``Circle.meetings``)."""

import sqlalchemy as sa

from ..auth.models import Role, User
from ..extensions import db
from .models import Circle, CircleError

#: Largest circle id looked up (the column is a 32-bit integer on PostgreSQL).
MAX_CIRCLE_ID = 2**31 - 1


def circle_for(user: User, circle_id: object):
    """The circle ``user`` may start meetings of: their own, or any for an admin. Raises
    :class:`CircleError` with ``unknown_circle`` or ``forbidden``. ``circle_id`` may be an
    integer or a string of digits (as forms and the API send it)."""
    if isinstance(circle_id, str) and circle_id.strip().isdigit():
        circle_id = int(circle_id)
    if isinstance(circle_id, bool) or not isinstance(circle_id, int):
        raise CircleError("unknown_circle")
    circle = db.session.get(Circle, circle_id) if 0 < circle_id <= MAX_CIRCLE_ID else None
    if circle is None:
        raise CircleError("unknown_circle")
    if circle.leader_id != user.id and user.role is not Role.admin:
        raise CircleError("forbidden")
    return circle


def circles_of(user: User) -> list:
    """The circles a leader leads (every circle for an admin), newest first."""
    query = sa.select(Circle).order_by(Circle.id.desc())
    if user.role is not Role.admin:
        query = query.where(Circle.leader_id == user.id)
    return list(db.session.scalars(query))
