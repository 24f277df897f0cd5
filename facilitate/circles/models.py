"""Study circles and dialogue groups: the meetings of one group belong together."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..core.errors import DomainError
from ..core.time import utcnow
from ..core.types import UTCDateTime
from ..extensions import db


class Circle(db.Model):
    """A study circle or dialogue group that follows one module; its sessions are its meetings
    (one per part, or several)."""

    __tablename__ = "circles"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The circle's global identity (a random UUID): its meetings run on several laptops meet
    #: again as one circle on the central server.
    uid: Mapped[str] = mapped_column(sa.String(36), unique=True, default=lambda: str(uuid.uuid4()))
    name: Mapped[str] = mapped_column(sa.String(120))
    #: One of Norrbotten's fourteen municipalities, by id (``circles.municipalities``).
    municipality: Mapped[str] = mapped_column(sa.String(32), index=True)
    #: The study association or organisation that arranges the circle.
    organiser: Mapped[str] = mapped_column(sa.String(120), index=True)
    leader_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: The module the circle follows; its sessions run parts of it.
    module_id: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    leader: Mapped[User] = relationship()
    #: The circle's sessions, oldest first (read only; a session says whose meeting it is). By
    #: name: sessions stand on circles, not the other way round.
    meetings = relationship("LiveSession", viewonly=True, order_by="LiveSession.id")


class CircleError(DomainError):
    """A circle that cannot be made or used; ``code`` is the public error code."""


class CircleMember(db.Model):
    """Someone recognised across a circle's meetings, by a pseudonymous token on their phone
    that they chose to keep (opt-in); never by name. Each meeting they join is a participant
    of that session pointing here."""

    __tablename__ = "circle_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(
        sa.ForeignKey("circles.id", ondelete="CASCADE"), index=True
    )
    #: SHA-256 of the circle token; the token itself lives only on the participant's device.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
