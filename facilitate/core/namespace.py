"""A Flask-SocketIO namespace whose events run in a lighter request context.

Flask-SocketIO runs every event in ``app.request_context(environ)`` of the connection's
handshake: that binds the app's URL map to the request, matches ``/socket.io/`` against every
route on push (raising and keeping a ``NotFound``), and opens the cookie session (verifying its
signature) only to replace it with the connection's own copy. With a thousand phones answering
at once that was about 15 % of the server's CPU (bench/NOTES.md). An event needs none of it: here
it gets the request (``sid``, ``namespace``, the handshake's headers and address), the
connection's session copy and the app context, and the same teardown as before.

``connect`` gets the same light context, with the cookie session opened from the handshake
(where a login cookie is read) and copied for the connection, as Flask-SocketIO does: without
URL matching that was a quarter of the connect handler's CPU in a join storm (bench/NOTES.md,
fourth round). A connection that brings no cookie at all (every phone that scanned the QR
code) may skip even that: see :meth:`Namespace.connect_plainly`. ``disconnect`` keeps
Flask-SocketIO's own path, as do events without a handler.
"""

import sys
from typing import Any

from flask import Flask, Request
from flask.ctx import RequestContext
from flask.sessions import SessionMixin
from flask_socketio import Namespace as _Namespace

from . import collector

#: Events that go through Flask-SocketIO's own context.
OWN_PATH = frozenset({"disconnect"})


class ConnectionSession(dict, SessionMixin):
    """A connection's own copy of the cookie session at its handshake (what Flask-SocketIO
    keeps as ``saved_session``): its events read it; nothing is written back to a cookie."""


class EventContext(RequestContext):
    """A request context for one Socket.IO event: the handshake's request without URL matching,
    and the connection's session copy instead of the cookie's (``session=None``: the cookie's,
    opened as the context is pushed, as for ``connect``)."""

    def __init__(self, app: Flask, request: Request, session) -> None:
        # Not RequestContext.__init__, which builds the URL adapter that push() then matches.
        self.app = app
        self.request = request
        self.url_adapter = None
        self.flashes = None
        self._session = session
        self._after_request_functions = []
        self._cv_tokens = []


class Namespace(_Namespace):
    """:class:`flask_socketio.Namespace`, with :class:`EventContext` for every event but
    ``connect`` and ``disconnect``."""

    def trigger_event(self, event: str, *args: Any) -> Any:
        collector.active()
        handler = getattr(self, f"on_{event or ''}", None)
        if event in OWN_PATH or handler is None or not self.socketio.manage_session:
            return super().trigger_event(event, *args)
        sid, *data = args
        environ = self.socketio.server.get_environ(sid, namespace=self.namespace)
        connecting = event == "connect"
        if not environ or ("saved_session" not in environ and not connecting):
            return super().trigger_event(event, *args)
        if connecting:  # python-socketio passes the handshake's environ, then the auth data
            data = data[1:2]
            if "HTTP_COOKIE" not in environ and self.connect_plainly(sid, *data):
                environ["saved_session"] = ConnectionSession()
                return None
        try:
            return self._handle(handler, event, environ, sid, data)
        except Exception as exc:
            if hasattr(self, "error"):
                return self.error(exc)
            raise

    def connect_plainly(self, sid: str, auth: Any = None) -> bool:
        """Accept a connection that came without a cookie, with nothing of Flask (no request
        context, no cookie session, no login check): True if done, False for ``on_connect`` in
        an :class:`EventContext`. Here: never; namespaces that can tell who connects without a
        cookie override it."""
        return False

    def _handle(self, handler, event: str, environ: dict, sid: str, data: list) -> Any:
        """What ``SocketIO._handle_event`` does for an event, in an :class:`EventContext`; at
        ``connect``, the connection's session copy is made from the cookie's first."""
        app = environ["flask.app"]
        request = app.request_class(environ)
        request.json_module = app.json
        request.sid = sid
        request.namespace = self.namespace
        request.event = {"message": event, "args": tuple(data)}
        with EventContext(app, request, environ.get("saved_session")) as context:
            if "saved_session" not in environ:
                environ["saved_session"] = ConnectionSession(context._session)
                context._session = environ["saved_session"]
            try:
                return handler(*data)
            except ConnectionRefusedError:
                raise
            except Exception:
                on_error = self.socketio.exception_handlers.get(
                    self.namespace, self.socketio.default_exception_handler
                )
                if on_error is None:
                    raise
                return on_error(sys.exc_info()[1])
