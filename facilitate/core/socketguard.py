"""Guards in front of Engine.IO and Socket.IO for what those libraries handle badly.

* **Oversized or malformed long-polling POSTs.** python-engineio (4.15) answers a POST over
  ``max_http_buffer_size``, or one holding a packet it does not expect, by closing the socket
  with ``wait=True``: the request then waits for a poll GET that never comes, holding one of the
  worker's connections for good (docs/security.md, "Socket.IO transport"). :class:`PollingGuard`
  answers such a POST itself, at once, and closes that Engine.IO socket without waiting.
* **Security headers on polling responses**, which Engine.IO answers without Flask.
* **Deeply nested JSON.** Decoding a packet nested a thousand levels deep raises
  ``RecursionError`` before any handler or limit sees it, with a long traceback per message.
  :func:`guard_messages` refuses such a packet cheaply, logs one line and closes the connection.
"""

import io
import json
import logging
import re
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

from engineio import packet as eio_packet
from engineio import payload as eio_payload

log = logging.getLogger(__name__)

#: How deep JSON in a packet may nest before the connection is closed. Deeper than
#: core/text.py:MAX_DEPTH (32) is already refused with an error ack; this only stops decoding
#: from recursing without end.
MAX_JSON_DEPTH = 64
#: The deepest JSON decoded at all, wherever it comes from (Python's decoder recurses, and
#: fails near 1,000 levels with a ``RecursionError`` instead of a ``ValueError``).
DECODE_DEPTH = 500

#: Engine.IO packet types a client may POST; ``Socket.receive`` raises (and hangs) on others.
CLIENT_PACKETS = frozenset(
    {eio_packet.CLOSE, eio_packet.PONG, eio_packet.MESSAGE, eio_packet.UPGRADE}
)

#: Headers on every Engine.IO response: it serves no page, so nothing may run or frame it.
TRANSPORT_HEADERS = (
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
)

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON in ``text`` nests deeper than ``limit``. Costs one ``str.count`` pass for
    every ordinary message; only text with many brackets is scanned properly."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for bracket in _BRACKET.finditer(_STRING.sub("", text)):
        if bracket.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


class GuardedJSON:
    """The ``json`` Engine.IO and Socket.IO decode packets with: too deep a nesting is a
    ``ValueError`` (a malformed packet to them), never a ``RecursionError``."""

    dumps = staticmethod(json.dumps)

    @staticmethod
    def loads(text, *args, **kwargs):
        if isinstance(text, str) and too_deep(text, DECODE_DEPTH):
            raise ValueError("JSON nested too deep")
        return json.loads(text, *args, **kwargs)


class PollingGuard:
    """WSGI middleware around the Socket.IO app: refuses bad long-polling POSTs before
    Engine.IO reads them and adds :data:`TRANSPORT_HEADERS` to its responses."""

    def __init__(self, wsgi_app, engineio_server, max_bytes: int, path: str = "socket.io"):
        self.wsgi_app = wsgi_app
        self.eio = engineio_server
        self.max_bytes = max_bytes
        self.prefix = "/" + path.strip("/")

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path != self.prefix and not path.startswith(self.prefix + "/"):
            return self.wsgi_app(environ, start_response)

        def with_headers(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            headers = list(headers) + [h for h in TRANSPORT_HEADERS if h[0].lower() not in present]
            return start_response(status, headers, exc_info)

        if environ.get("REQUEST_METHOD") == "POST":
            refusal = self._check_post(environ)
            if refusal is not None:
                self._close(environ)
                status, text, unread = refusal
                body = text.encode("utf-8")
                headers = [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Content-Length", str(len(body))),
                ]
                if unread:  # the body was not read: this connection cannot carry another request
                    headers.append(("Connection", "close"))
                with_headers(status, headers)
                return [body]
        return self.wsgi_app(environ, with_headers)

    def _check_post(self, environ: dict) -> tuple[str, str, bool] | None:
        """None for a POST Engine.IO can take (its body put back for it to read), else the
        status and text to refuse it with, and whether its body was left unread."""
        length = environ.get("CONTENT_LENGTH") or ""
        if not length.isdigit():
            return "411 Length Required", "Content-Length required", True
        if int(length) > self.max_bytes:
            return "413 Content Too Large", "Payload too large", True
        body = environ["wsgi.input"].read(int(length))
        environ["wsgi.input"] = io.BytesIO(body)
        try:
            packets = eio_payload.Payload(encoded_payload=body.decode("utf-8")).packets
        except (ValueError, IndexError, RecursionError, UnicodeDecodeError):
            return "400 Bad Request", "Malformed payload", False
        if any(p.packet_type not in CLIENT_PACKETS for p in packets):
            return "400 Bad Request", "Unexpected packet", False
        return None

    def _close(self, environ: dict) -> None:
        """Close the Engine.IO socket the refused POST was for, without waiting for its poll."""
        sid = parse_qs(environ.get("QUERY_STRING", "")).get("sid", [None])[0]
        socket = self.eio.sockets.pop(sid, None) if sid else None
        if socket is not None and not socket.closed:
            socket.close(wait=False, abort=True)
            log.warning("refused a malformed or oversized long-polling POST; closed its socket")


def guard_messages(engineio_server) -> None:
    """Wrap the Engine.IO ``message`` handler (Socket.IO's packet decoding and dispatch):
    a packet nested deeper than :data:`MAX_JSON_DEPTH` closes its connection with one log
    line instead of a ``RecursionError`` traceback."""
    handle = engineio_server.handlers["message"]

    def on_message(eio_sid, data):
        if isinstance(data, str) and too_deep(data):
            log.warning(
                "closed a Socket.IO connection: a packet nested over %d levels", MAX_JSON_DEPTH
            )
            socket = engineio_server.sockets.pop(eio_sid, None)
            if socket is not None:
                socket.close(wait=False)
            return None
        return handle(eio_sid, data)

    engineio_server.on("message", on_message)


def install(app, socketio) -> None:
    """Put the guards in place for ``app``'s Socket.IO server (after ``socketio.init_app``)."""
    eio = socketio.server.eio
    guard_messages(eio)
    app.wsgi_app = PollingGuard(app.wsgi_app, eio, app.config["MAX_MESSAGE_BYTES"])
