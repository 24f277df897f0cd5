"""A Flask-SocketIO namespace whose events run in a lighter request context.

Flask-SocketIO runs every event in ``app.request_context(environ)`` of the connection's
handshake: that binds the app's URL map to the request, matches ``/socket.io/`` against every
route on push (raising and keeping a ``NotFound``), and opens the cookie session (verifying its
signature) only to replace it with the connection's own copy. With a thousand phones answering
at once that was about 15 % of the server's CPU (bench/NOTES.md). An event needs none of it: here
it gets the request (``sid``, ``namespace``, the handshake's headers and address), the
connection's session copy and the app context, and the same teardown as before.

``connect`` and ``disconnect`` keep Flask-SocketIO's own path (the login cookie is read there,
and it creates the session copy), as do events without a handler.
"""

import sys
from typing import Any

from flask import Flask, Request
from flask.ctx import RequestContext
from flask_socketio import Namespace as _Namespace

from . import collector

#: Events that go through Flask-SocketIO's own context.
OWN_PATH = frozenset({"connect", "disconnect"})


class EventContext(RequestContext):
    """A request context for one Socket.IO event: the handshake's request without URL matching,
    and the connection's session copy instead of the cookie's."""

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
        if event in OWN_PATH or handler is None:
            return super().trigger_event(event, *args)
        sid, *data = args
        environ = self.socketio.server.get_environ(sid, namespace=self.namespace)
        if not environ or "saved_session" not in environ or not self.socketio.manage_session:
            return super().trigger_event(event, *args)
        try:
            return self._handle(handler, event, environ, sid, data)
        except Exception as exc:
            if hasattr(self, "error"):
                return self.error(exc)
            raise

    def _handle(self, handler, event: str, environ: dict, sid: str, data: list) -> Any:
        """What ``SocketIO._handle_event`` does for an event, in an :class:`EventContext`."""
        app = environ["flask.app"]
        request = app.request_class(environ)
        request.json_module = app.json
        request.sid = sid
        request.namespace = self.namespace
        request.event = {"message": event, "args": tuple(data)}
        with EventContext(app, request, environ["saved_session"]):
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
