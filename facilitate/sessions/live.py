"""Pushing session changes to connected clients: full snapshots on transitions, throttled tallies
while answers come in. Rooms are named here and nowhere else."""

import logging
import time
from functools import partial

from flask import Flask, current_app

from ..core.after_commit import after_commit
from ..extensions import db, socketio
from .models import LiveSession
from .queries import current_step
from .snapshots import (
    host_state,
    one_moment,
    participant_state,
    room_tally,
    screen_state,
    shows_results,
    tally,
)

log = logging.getLogger(__name__)

NAMESPACE = "/live"


def participants_room(session_id: int, locale: str) -> str:
    return f"participants:{session_id}:{locale}"


def participant_room(participant_id: int) -> str:
    """One participant's connections (their phone, perhaps in several tabs)."""
    return f"participant:{participant_id}"


def host_room(session_id: int, locale: str) -> str:
    return f"host:{session_id}:{locale}"


def screen_room(session_id: int) -> str:
    return f"screen:{session_id}"


def listened(room: str) -> bool:
    """Whether ``room`` may have members: in one process we know; with a message queue the
    members may be in other processes, so yes. Snapshots nobody would receive are not built."""
    if current_app.config["MESSAGE_QUEUE"]:
        return True
    return bool(socketio.server.manager.rooms.get(NAMESPACE, {}).get(room))


#: How many session snapshots this process has broadcast (see :func:`broadcasts`): a count
#: only, lost with the process like the connections it was sent to.
_broadcasts = 0


def broadcasts() -> int | None:
    """How many session broadcasts this process has made so far, or None where that cannot
    tell whether a session changed (with a message queue, other processes broadcast too).

    Every change of what a session shows is broadcast once committed (:func:`announce`): a
    handler that read a session, and compares this count from before that read to after its
    client entered the session's rooms, knows whether a change may have come in between,
    which the client would have missed (a join: see ``events.on_join``)."""
    if current_app.config["MESSAGE_QUEUE"]:
        return None
    return _broadcasts


def broadcast(session: LiveSession, *, committed: bool = True) -> None:
    """Every client of the session gets a new snapshot in its language, now: called once the
    change is committed (queue it with :func:`announce`). With ``committed=False`` the
    snapshots are built now but sent only once the transaction commits (for a change that is
    followed by more, e.g. deleting the session it ends).

    Participant broadcasts carry no ``answer`` field: a phone keeps the answers it has sent and
    gets the stored ones in every ``join`` and ``sync`` snapshot.

    The phones' snapshots go out first, and the sending greenlets get to run before the
    (larger) leader snapshots are built, so a full room does not wait for the console's."""
    global _broadcasts
    _broadcasts += 1
    emit = socketio.emit if committed else _emit_after_commit
    for locale in current_app.config["LANGUAGES"]:
        room = participants_room(session.id, locale)
        if listened(room):
            emit("state", participant_state(session, locale), to=room, namespace=NAMESPACE)
    if committed:
        socketio.sleep(0)
    with one_moment():
        for locale in current_app.config["LANGUAGES"]:
            room = host_room(session.id, locale)
            if listened(room):
                emit("host_state", host_state(session, locale), to=room, namespace=NAMESPACE)
        room = screen_room(session.id)
        if listened(room):
            emit(
                "screen_state", screen_state(session, session.locale), to=room, namespace=NAMESPACE
            )


def announce(session: LiveSession, *, state: bool = False, tally: bool = False) -> None:
    """Tell the session's clients of a change once the current transaction has committed, and
    never if it does not: ``tally`` schedules new counts (:class:`TallyScheduler`), ``state``
    broadcasts new snapshots built from what was committed (:func:`broadcast`). Handlers,
    views and pages announce, then commit."""
    if tally:
        after_commit(partial(tallies.changed_id, session.id))
    if state:
        after_commit(partial(broadcast, session))


def _emit_after_commit(event: str, data: dict, **kwargs) -> None:
    after_commit(partial(socketio.emit, event, data, **kwargs))


def close_rooms(session_id: int) -> None:
    """Once the transaction commits, every client leaves the rooms of the session (it is being
    deleted): nothing sent to a session of that id could reach them any more."""
    rooms = [
        room(session_id, locale)
        for room in (participants_room, host_room)
        for locale in current_app.config["LANGUAGES"]
    ]
    rooms.append(screen_room(session_id))
    for room in rooms:
        after_commit(partial(socketio.close_room, room, namespace=NAMESPACE))


def emit_tally(session: LiveSession) -> None:
    """Counts (and, for the leader, results) of the current step; the room's results go to the
    big screen, and to the phones too while they are shown live (open contributions). A tally
    has no texts: one serves every language, and none is built for rooms nobody is in."""
    hosts = [host_room(session.id, locale) for locale in current_app.config["LANGUAGES"]]
    hosts = [room for room in hosts if listened(room)]
    host = None
    if hosts:
        host = tally(session, include_results=True, include_people=True)
        for room in hosts:
            socketio.emit("tally", host, to=room, namespace=NAMESPACE)
    step = current_step(session)
    shown = step is not None and shows_results(session, step)
    rooms = [screen_room(session.id)]
    if shown:
        rooms += [
            participants_room(session.id, locale) for locale in current_app.config["LANGUAGES"]
        ]
    rooms = [room for room in rooms if listened(room)]
    if rooms:
        room = (
            room_tally(host, include_results=shown)
            if host is not None
            else tally(session, include_results=shown)
        )
        for name in rooms:
            socketio.emit("tally", room, to=name, namespace=NAMESPACE)


#: A session's tallies take at most this share of the time between them: the interval grows
#: past ``TALLY_INTERVAL`` when building and sending one takes longer than this share of it
#: (a room of thousands, or a busy machine). Derived from how long the last one took.
TALLY_SHARE = 0.1
#: ...but the console and the big screen still hear at least this often (seconds) while
#: answers come in.
TALLY_MAX_INTERVAL = 2.0


class TallyScheduler:
    """At most one tally per session per interval: the first change in a window schedules it,
    later ones in the same window ride along, and the tally sent at the window's end is built
    from the database then, so it counts every change committed before it (the last change of a
    burst always gets a tally that includes it). The interval is ``TALLY_INTERVAL``, or longer
    when a tally is costly (:data:`TALLY_SHARE`). What is kept here — the pending set and each
    session's last tally cost — is only scheduling state of this process; the answers
    themselves are in the database."""

    def __init__(self) -> None:
        self._pending: set[int] = set()
        #: Seconds the last tally of each session took to build and send.
        self._cost: dict[int, float] = {}

    def changed(self, session: LiveSession) -> None:
        interval = current_app.config["TALLY_INTERVAL"]
        if interval <= 0:
            emit_tally(session)
            return
        self._schedule(session.id, interval)

    def changed_id(self, session_id: int) -> None:
        """:meth:`changed` by id: after a commit, the session need not be loaded again only to
        schedule its tally."""
        interval = current_app.config["TALLY_INTERVAL"]
        if interval <= 0:
            session = db.session.get(LiveSession, session_id)
            if session is not None:
                emit_tally(session)
            return
        self._schedule(session_id, interval)

    def interval(self, session_id: int, interval: float) -> float:
        """How long the next tally of the session waits: ``interval``, or long enough that
        its last tally's cost is at most :data:`TALLY_SHARE` of it (at most
        :data:`TALLY_MAX_INTERVAL`)."""
        cost = self._cost.get(session_id, 0.0)
        return max(interval, min(TALLY_MAX_INTERVAL, cost / TALLY_SHARE))

    def _schedule(self, session_id: int, interval: float) -> None:
        if session_id in self._pending:
            return
        self._pending.add(session_id)
        socketio.start_background_task(
            self._later,
            current_app._get_current_object(),
            session_id,
            self.interval(session_id, interval),
        )

    def _later(self, app: Flask, session_id: int, interval: float) -> None:
        socketio.sleep(interval)
        self._pending.discard(session_id)
        with app.app_context():
            started = time.perf_counter()
            try:
                session = db.session.get(LiveSession, session_id)
                if session is None:
                    self._cost.pop(session_id, None)
                    return
                emit_tally(session)
            except Exception:  # a tally is a courtesy; the next answer schedules another
                log.exception("tally for session %d failed", session_id)
            self._cost[session_id] = time.perf_counter() - started


tallies = TallyScheduler()
