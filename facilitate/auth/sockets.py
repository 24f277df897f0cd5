"""Socket.IO connections opened with a login cookie end with that login.

A console or big screen authenticated by a login cookie stays connected after its login ended
(logout, a password change, expiry, the account deactivated) unless someone closes it: it would
go on receiving the session's live state. Each process keeps which of its connections came
with which login (the SHA-256 the ``login_sessions`` row holds, never the id itself):

- logging out closes that login's connections in this process at once
  (:func:`close_login`), and
- every ``LOGIN_CHECK_SECONDS`` each process looks up the logins its connections came with and
  closes those whose login has ended, whichever process or command ended it (another app
  process behind nginx, ``facilitate users password``).

Connections authenticated by an API token are not tracked here: a token is revoked by deleting
it, and the connection's leader events check the user again.
"""

import logging
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, current_app

from ..extensions import db, socketio
from .queries import live_logins

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoginSocket:
    namespace: str
    user_id: int
    login_hash: str


#: This process's connections opened with a login cookie, by Socket.IO sid. Like the
#: connections themselves, this lives only as long as the process.
_sockets: dict[str, LoginSocket] = {}
#: Whether this process's check runs (started with its first such connection).
_checking = False


def opened(sid: str, namespace: str, user_id: int, login_hash: str) -> None:
    """Connection ``sid`` came with the login ``login_hash`` (the stored SHA-256)."""
    global _checking
    _sockets[sid] = LoginSocket(namespace, user_id, login_hash)
    interval = current_app.config["LOGIN_CHECK_SECONDS"]
    if not _checking and interval > 0:
        _checking = True
        socketio.start_background_task(_check_forever, current_app._get_current_object())


def closed(sid: str) -> None:
    _sockets.pop(sid, None)


def login_of(sid: str) -> str | None:
    """The login hash connection ``sid`` came with; None for token or anonymous ones."""
    known = _sockets.get(sid)
    return known.login_hash if known else None


def close_login(login_hash: str) -> int:
    """Disconnect this process's connections of the login ``login_hash``; how many."""
    return _disconnect(sid for sid, s in list(_sockets.items()) if s.login_hash == login_hash)


def check(app: Flask) -> int:
    """Disconnect this process's connections whose login has ended; how many. Only the
    connections known when the look-up starts are judged by it."""
    known = dict(_sockets)
    if not known:
        return 0
    with app.app_context():
        try:
            live = live_logins(
                {s.login_hash for s in known.values()}, app.config["LOGIN_MAX_AGE_DAYS"]
            )
        except sa.exc.SQLAlchemyError:
            log.warning("could not check the logins of open connections", exc_info=True)
            return 0
        finally:
            db.session.remove()
    return _disconnect(sid for sid, s in known.items() if s.login_hash not in live)


def _check_forever(app: Flask) -> None:
    while True:
        socketio.sleep(app.config["LOGIN_CHECK_SECONDS"])
        try:
            check(app)
        except Exception:  # the check must outlive one failure
            log.exception("checking the logins of open connections failed")


def _disconnect(sids) -> int:
    count = 0
    for sid in list(sids):
        known = _sockets.pop(sid, None)
        if known is not None:
            socketio.server.disconnect(sid, namespace=known.namespace)
            count += 1
    if count:
        log.info("closed %d connection(s) whose login ended", count)
    return count
