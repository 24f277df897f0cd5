"""Flask extensions, created unbound here and bound to an app in :func:`facilitate.create_app`."""

import sqlalchemy as sa
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

from .core.after_commit import CommittingSession

#: Stable constraint names, so that migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class NeverReusedIds:
    """Every table's row ids are never handed out twice, on SQLite too (``AUTOINCREMENT``;
    PostgreSQL's sequences never go back): a phone, login or link that still names a deleted
    session, participant or user can never reach whoever gets the next row (docs/security.md).
    A mixin, because Flask-SQLAlchemy rebuilds the declarative base from its bases and body."""

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        table = cls.__dict__.get("__table__")
        if table is not None:
            table.dialect_kwargs["sqlite_autoincrement"] = True


class Base(NeverReusedIds, DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


#: Its session carries out what waits for a commit once the commit succeeded (core/after_commit).
db = SQLAlchemy(model_class=Base, session_options={"class_": CommittingSession})
migrate = Migrate()
babel = Babel()
login_manager = LoginManager()
csrf = CSRFProtect()
socketio = SocketIO()
