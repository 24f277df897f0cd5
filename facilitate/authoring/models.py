"""Authored modules and immutable versions of module content."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..core.time import utcnow
from ..core.types import UTCDateTime
from ..extensions import db


class ModuleVersion(db.Model):
    """The content of a module at one moment, never changed once written. A session points at
    the version it ran with, so its record and exports stay true when the module changes."""

    __tablename__ = "module_versions"
    __table_args__ = (sa.UniqueConstraint("module_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The module's id (slug), shipped or authored; not a foreign key, so versions outlive a
    #: deleted authored module.
    module_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    #: The canonical document (``content.document.canonical_json``): every part inline.
    document: Mapped[str] = mapped_column(sa.Text, deferred=True)
    #: SHA-256 of ``document``, hex: the same content is stored once per module.
    sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Who saved it; None for a version of a shipped module (made when a session starts).
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )


class AuthoredModule(db.Model):
    """A module a leader made in the browser or uploaded: private to its owner until shared."""

    __tablename__ = "authored_modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Unique among authored modules and never the id of a shipped one.
    module_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: Every leader may see, run and copy a shared module; only its owner and admins change it.
    shared: Mapped[bool] = mapped_column(default=False)
    current_version_id: Mapped[int] = mapped_column(sa.ForeignKey("module_versions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[User] = relationship()
    current_version: Mapped[ModuleVersion] = relationship()
