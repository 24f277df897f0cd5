"""The export log: who exported what, when, and with which filter."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import utcnow
from ..core.types import UTCDateTime
from ..extensions import db


class ExportLog(db.Model):
    """One export of results, in any format, through any channel."""

    __tablename__ = "export_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The account that exported; None from the command line (see ``actor``).
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Who, in words: the account's e-mail, or ``cli:<operating-system user>``.
    actor: Mapped[str] = mapped_column(sa.String(254))
    #: ``web``, ``api`` or ``cli``.
    channel: Mapped[str] = mapped_column(sa.String(8))
    format: Mapped[str] = mapped_column(sa.String(8))
    #: The filter as given, normalised (``ExportFilter.as_dict``).
    filters: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: How many response rows the export held.
    rows: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
