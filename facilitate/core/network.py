"""The address phones use to reach this server."""

import socket
from urllib.parse import urlsplit

#: A documentation address (RFC 5737). Connecting a UDP socket to it sends nothing; it only asks
#: the routing table which local address would be used, i.e. the machine's LAN address.
_PROBE_ADDRESS = ("192.0.2.1", 9)


def lan_address() -> str:
    """This machine's address on its network, or 127.0.0.1 when it has none."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(_PROBE_ADDRESS)
            address = probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    return address if not address.startswith("0.") else "127.0.0.1"


def base_url(public_url: str, port: int) -> str:
    """``public_url`` when configured, otherwise ``http://<LAN address>:<port>``."""
    if public_url:
        return public_url.rstrip("/")
    return f"http://{lan_address()}" + ("" if port == 80 else f":{port}")


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` if it is a path of this site, else ``fallback``: for every ``next=`` that a
    redirect follows (after login, after choosing a language). Browsers drop tabs and line
    breaks and read a backslash as a slash, so ``/%09/evil.example`` or ``/\\evil.example``
    would lead to another host; anything holding those is refused."""
    if not target or not target.startswith("/"):
        return fallback
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return fallback
    if target.startswith("//"):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
