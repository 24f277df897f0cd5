"""Pushing session changes to connected clients: full snapshots on transitions, throttled tallies
while answers come in. Rooms are named here and nowhere else."""

import logging

from flask import Flask, current_app

from ..extensions import db, socketio
from .models import LiveSession
from .snapshots import host_state, one_moment, participant_state, screen_state, tally

log = logging.getLogger(__name__)

NAMESPACE = "/live"


def participants_room(session_id: int, locale: str) -> str:
    return f"participants:{session_id}:{locale}"


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


def broadcast(session: LiveSession) -> None:
    """After a transition: every client of the session gets a new snapshot in its language.

    Participant broadcasts carry no ``answer`` field: a phone keeps the answers it has sent and
    gets the stored ones in every ``join`` and ``sync`` snapshot.

    The phones' snapshots go out first, and the sending greenlets get to run before the
    (larger) leader snapshots are built, so a full room does not wait for the console's."""
    for locale in current_app.config["LANGUAGES"]:
        room = participants_room(session.id, locale)
        if listened(room):
            socketio.emit("state", participant_state(session, locale), to=room, namespace=NAMESPACE)
    socketio.sleep(0)
    with one_moment():
        for locale in current_app.config["LANGUAGES"]:
            room = host_room(session.id, locale)
            if listened(room):
                socketio.emit(
                    "host_state", host_state(session, locale), to=room, namespace=NAMESPACE
                )
        room = screen_room(session.id)
        if listened(room):
            socketio.emit(
                "screen_state", screen_state(session, session.locale), to=room, namespace=NAMESPACE
            )


def emit_tally(session: LiveSession) -> None:
    """Counts (and, for the leader, results) of the current step. A tally has no texts, so
    one is built and every language's console gets it; the big screen's is the same without
    the participants, and without results until they are revealed."""
    hosts = [host_room(session.id, locale) for locale in current_app.config["LANGUAGES"]]
    hosts = [room for room in hosts if listened(room)]
    screen_listens = listened(screen_room(session.id))
    if not hosts and not screen_listens:
        return
    console = tally(session, include_results=True, include_people=True)
    for room in hosts:
        socketio.emit("tally", console, to=room, namespace=NAMESPACE)
    if screen_listens:
        screen = {k: v for k, v in console.items() if k != "participants"}
        if not session.revealed:
            screen["results"] = None
        socketio.emit("tally", screen, to=screen_room(session.id), namespace=NAMESPACE)


class TallyScheduler:
    """At most one tally per session per ``TALLY_INTERVAL``: the first answer in a window
    schedules it, later ones in the same window ride along. The pending set is only a
    scheduling hint of this process; the answers themselves are in the database."""

    def __init__(self) -> None:
        self._pending: set[int] = set()

    def changed(self, session: LiveSession) -> None:
        interval = current_app.config["TALLY_INTERVAL"]
        if interval <= 0:
            emit_tally(session)
            return
        if session.id in self._pending:
            return
        self._pending.add(session.id)
        socketio.start_background_task(
            self._later, current_app._get_current_object(), session.id, interval
        )

    def _later(self, app: Flask, session_id: int, interval: float) -> None:
        socketio.sleep(interval)
        self._pending.discard(session_id)
        with app.app_context():
            try:
                session = db.session.get(LiveSession, session_id)
                if session is not None:
                    emit_tally(session)
            except Exception:  # a tally is a courtesy; the next answer schedules another
                log.exception("tally for session %d failed", session_id)


tallies = TallyScheduler()
