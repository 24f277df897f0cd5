"""Side effects that others see — a broadcast to phones, closing a session's rooms — queued with
the database transaction and carried out only once it has committed. A rollback (or a
transaction that ends any other way) drops them, so nobody is told of a change that never
happened. Actions run inside ``commit()``, after the database has committed: they must not touch
the database (build what they send beforehand)."""

import logging
from collections.abc import Callable

import sqlalchemy as sa

from ..extensions import db

log = logging.getLogger(__name__)

#: Where a database session keeps the actions waiting for its commit.
_PENDING = "facilitate.after_commit"


def after_commit(action: Callable[[], object]) -> None:
    """Run ``action`` when the current transaction of ``db.session`` commits; never if it does
    not."""
    db.session().info.setdefault(_PENDING, []).append(action)


def pending() -> int:
    """How many actions wait for the current transaction's commit."""
    return len(db.session().info.get(_PENDING, ()))


def _run(session: sa.orm.Session) -> None:
    for action in session.info.pop(_PENDING, ()):
        try:
            action()
        except Exception:  # committed is committed: one failed push must not fail the request
            log.exception("after-commit action %r failed", action)


def _drop(session: sa.orm.Session, transaction: sa.orm.SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit
        session.info.pop(_PENDING, None)


# On commit the actions run first (after_commit), then the transaction ends with none left.
sa.event.listen(db.session, "after_commit", _run)
sa.event.listen(db.session, "after_transaction_end", _drop)
