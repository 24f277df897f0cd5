"""Side effects that others see — a broadcast to phones, a tally, closing a session's rooms —
queued with the database transaction and carried out only once it has committed. A rollback (or
a transaction that ends any other way) drops them, so nobody is told of a change that never
happened.

The one mechanism for socket handlers, REST views, pages and the CLI alike: they change, queue
what to tell (:func:`after_commit`), and commit. The queued actions run when ``commit()`` has
returned successfully, in the order queued, before the caller goes on (so an event's broadcast
leaves before its acknowledgement). They may read the database (a new transaction), e.g. to
build the snapshots they send from what was committed.

The database session class is :class:`CommittingSession`, set in ``extensions.py``."""

import logging
from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app
from flask_sqlalchemy.session import Session

log = logging.getLogger(__name__)

#: Where a database session keeps the actions waiting for its commit ...
_PENDING = "facilitate.after_commit"
#: ... and those whose transaction has committed, until ``commit()`` returns.
_COMMITTED = "facilitate.committed"


class CommittingSession(Session):
    """Flask-SQLAlchemy's session, carrying out the queued actions once a commit succeeded."""

    def commit(self) -> None:
        super().commit()
        _run(self)


def after_commit(action: Callable[[], object]) -> None:
    """Run ``action`` when the current transaction of ``db.session`` commits; never if it does
    not."""
    _current().info.setdefault(_PENDING, []).append(action)


def pending() -> int:
    """How many actions wait for the current transaction's commit."""
    return len(_current().info.get(_PENDING, ()))


def _current() -> sa.orm.Session:
    return current_app.extensions["sqlalchemy"].session()


def _run(session: sa.orm.Session) -> None:
    for action in session.info.pop(_COMMITTED, ()):
        try:
            action()
        except Exception:  # committed is committed: one failed push must not fail the request
            log.exception("after-commit action %r failed", action)


def _committed(session: sa.orm.Session) -> None:
    """The transaction committed: its actions are due once ``commit()`` returns."""
    session.info.setdefault(_COMMITTED, []).extend(session.info.pop(_PENDING, ()))


def _drop(session: sa.orm.Session, transaction: sa.orm.SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit
        session.info.pop(_PENDING, None)


# On commit the actions move along (after_commit), then the transaction ends with none left.
sa.event.listen(CommittingSession, "after_commit", _committed)
sa.event.listen(CommittingSession, "after_transaction_end", _drop)
