"""What a central server has accepted from this one: ``facilitate sync push`` sends a session
again only when it changed since."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import utcnow
from ..core.types import UTCDateTime
from ..extensions import db


class SyncReceipt(db.Model):
    """One session accepted by one central server, as it was when sent."""

    __tablename__ = "sync_receipts"
    __table_args__ = (sa.UniqueConstraint("session_id", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True
    )
    #: The central server's base URL, without a trailing slash.
    target: Mapped[str] = mapped_column(sa.String(500))
    #: SHA-256 of the session's record as sent (``transfer.record_hash``).
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: What the central server answered: ``imported``, ``updated`` or ``unchanged``.
    status: Mapped[str] = mapped_column(sa.String(16))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
