"""What the dialogue tools store besides the responses themselves: upvotes of open
contributions and the statements participants propose. (The moderation marks — hidden,
approved, merged, theme, tags — are columns of ``Response``.)"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import utcnow
from ..core.types import UTCDateTime
from ..extensions import db


class Vote(db.Model):
    """An upvote of an open contribution: one per participant per contribution."""

    __tablename__ = "votes"
    __table_args__ = (sa.UniqueConstraint("response_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProposalStatus(enum.Enum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class Proposal(db.Model):
    """A statement a participant proposes for a statements step; the room reacts to it once the
    leader approves it. Its statement id in answers is ``p<id>``."""

    __tablename__ = "proposals"
    __table_args__ = (sa.UniqueConstraint("participant_id", "step_id", "submission_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[str] = mapped_column(sa.String(64))
    submission_id: Mapped[str] = mapped_column(sa.String(64))
    text: Mapped[str] = mapped_column(sa.Text)
    #: The language it was written in (the proposer's).
    locale: Mapped[str] = mapped_column(sa.String(8), default="sv")
    status: Mapped[ProposalStatus] = mapped_column(
        sa.Enum(ProposalStatus, native_enum=False, length=16), default=ProposalStatus.pending
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def statement_id(self) -> str:
        return f"p{self.id}"
