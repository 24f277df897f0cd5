"""Clients of a real server on loopback as an attacker would use them: raw HTTP, Engine.IO
long-polling by hand, and Socket.IO clients from chosen 127.x source addresses (each address
is a different "client address" for the server's limits). Loopback only."""

import http.client
import json
import socket
from typing import Any
from urllib.parse import urlsplit

import socketio

NAMESPACE = "/live"
#: Upper bound for one request or ack (not a performance assertion).
LIMIT = 30


def _endpoint(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    assert parts.hostname.startswith("127."), "attacks go to loopback only"
    return parts.hostname, parts.port


def raw_request(
    base: str, request: bytes, source: str = "127.0.0.1", timeout: float = LIMIT
) -> bytes:
    """Send ``request`` as it is and read until the server closes or answers a whole response;
    b"" if the server reset the connection after refusing it."""
    host, port = _endpoint(base)
    with socket.create_connection((host, port), timeout=timeout, source_address=(source, 0)) as s:
        s.sendall(request)
        received = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                received += chunk
                head, _, body = received.partition(b"\r\n\r\n")
                length = _content_length(head)
                if length is not None and len(body) >= length:
                    break
        except ConnectionResetError:
            pass
        return received


def _content_length(head: bytes) -> int | None:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return None


def status_of(response: bytes) -> int | None:
    """The status code of a raw response, None when there was none."""
    line = response.split(b"\r\n", 1)[0].split()
    return int(line[1]) if len(line) > 1 and line[1].isdigit() else None


def headers_of(response: bytes) -> dict[str, str]:
    head = response.partition(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")[1:]
    return {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head)}


def polling_sid(base: str, source: str = "127.0.0.1") -> str:
    """Open an Engine.IO long-polling session by hand and return its sid."""
    host, port = _endpoint(base)
    connection = http.client.HTTPConnection(host, port, timeout=LIMIT, source_address=(source, 0))
    try:
        connection.request("GET", "/socket.io/?EIO=4&transport=polling")
        body = connection.getresponse().read()
    finally:
        connection.close()
    assert body.startswith(b"0"), body
    return json.loads(body[1:])["sid"]


def polling_post(base: str, sid: str, body: bytes, source: str = "127.0.0.1") -> bytes:
    host, _ = _endpoint(base)
    head = (
        f"POST /socket.io/?EIO=4&transport=polling&sid={sid} HTTP/1.1\r\nHost: {host}\r\n"
        f"Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    return raw_request(base, head + body, source)


def client_from(base: str, source: str = "127.0.0.1", **handlers) -> socketio.Client:
    """A Socket.IO client on ``/live`` over WebSocket whose TCP connection comes from
    ``source``."""
    host, port = _endpoint(base)
    sock = socket.create_connection((host, port), timeout=LIMIT, source_address=(source, 0))
    client = socketio.Client(
        reconnection=False,
        websocket_extra_options={"socket": sock, "suppress_origin": True},
    )
    for event, handler in handlers.items():
        client.on(event, handler, namespace=NAMESPACE)
    client.connect(base, namespaces=[NAMESPACE], transports=["websocket"], wait_timeout=LIMIT)
    return client


def call(client: socketio.Client, event: str, data: Any = None) -> Any:
    return client.call(event, data, namespace=NAMESPACE, timeout=LIMIT)
