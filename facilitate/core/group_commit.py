"""Group commit: requests arriving within a short window are carried out together, in one
transaction, and each is answered only after that commit.

When a whole room sends at once (a forum answering the same question, a hall of phones
joining), one transaction per request, each with its own handful of queries and its own
commit, is what limits how fast acks come back. Here the first request of a burst waits the
window, then carries out every request that came meanwhile. The requests waiting meanwhile are
only a queue of unacknowledged requests: if the process dies, the clients send them again.

A batch is led by the greenlet of one of its requests (no background worker), so nothing needs
starting or stopping, and a lone request is simply a batch of one. The leader carries out the
batch in its own database session; every other request's greenlet waits for its outcome and
goes on in its own.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from gevent.event import Event

from ..extensions import db, socketio
from .errors import DomainError

log = logging.getLogger(__name__)


@dataclass(eq=False, kw_only=True)
class Pending:
    """A request waiting for its batch. ``outcome`` is set by the batch's ``store``: the
    request's result, or the :class:`DomainError` it is refused with; left None, the request is
    ``unavailable`` (its batch failed)."""

    outcome: Any = None
    #: Set when the outcome is known, or when this request's greenlet is to lead a batch.
    done: Event = field(default_factory=Event)
    leads: bool = False

    def result(self) -> Any:
        if isinstance(self.outcome, DomainError):
            raise self.outcome
        return self.outcome


class GroupCommit:
    """The requests of one kind, of one app in this process, waiting for their batch's commit.
    ``window`` names the setting of how long a batch waits for more. ``store(batch)``
    carries out a batch in one transaction and sets each request's outcome;
    what it leaves without one is refused as ``unavailable`` (so is the whole batch when it
    raises: the transaction is rolled back)."""

    def __init__(self, store: Callable[[list], None], window: str, max_batch: int) -> None:
        self._store = store
        self._window = window  # the setting: read at each batch
        self._max_batch = max_batch
        self._waiting: list[Pending] = []
        self._leading = False

    def submit(self, request: Pending) -> Any:
        """Carry out ``request`` with those arriving at the same time; returns its outcome
        only after the commit, or raises the :class:`DomainError` it is refused with."""
        self._waiting.append(request)
        if self._leading:
            request.done.wait()
            if not request.leads:
                return request.result()
        self._leading = True
        try:
            socketio.sleep(current_app.config[self._window])
            batch = self._waiting[: self._max_batch]
            self._waiting = self._waiting[self._max_batch :]
            self._run(batch)
        finally:
            if request.outcome is None and request in self._waiting:
                self._waiting.remove(request)  # this greenlet was interrupted before its batch
            if self._waiting:  # hand over to the next request in line
                self._waiting[0].leads = True
                self._waiting[0].done.set()
            else:
                self._leading = False
        return request.result()

    def _run(self, batch: list[Pending]) -> None:
        try:
            self._store(batch)
        except Exception:  # never leave the batch waiting; what is not done is "unavailable"
            db.session.rollback()
            log.exception("a batch of %d requests failed", len(batch))
        finally:
            for request in batch:
                if request.outcome is None:
                    request.outcome = DomainError("unavailable")
                request.done.set()
