"""Which web origins may open a Socket.IO connection: the page's own, plus configured ones.

A browser always sends the Origin of the page that opens a WebSocket, and a page elsewhere
cannot forge it, so this stops other sites from using a visitor's login cookie on ``/live``.
Clients that are not browsers send no Origin and are let through (they carry no cookies).

The Host header is the client's to write, so it names "the page's own origin" only when it is
an address (a laptop on the hall's Wi-Fi, reached by IP) or localhost: a page on a domain that
merely resolves to this server (DNS rebinding) is not this site unless configured.
"""

import ipaddress
from urllib.parse import urlsplit


class OriginPolicy:
    def __init__(self, extra: list[str]):
        self.extra = {origin.rstrip("/") for origin in extra}

    def __call__(self, origin: str | None, environ: dict) -> bool:
        if origin is None:
            return True
        return origin in self.extra or origin in self._own(environ)

    @staticmethod
    def _own(environ: dict) -> set[str]:
        """The origin the request was made to, as http and as https (behind a TLS proxy the app
        itself sees plain http), when its Host is an address or localhost."""
        host = environ.get("HTTP_HOST")
        if not host or not _is_address(host):
            return set()
        schemes = {environ.get("wsgi.url_scheme", "http")}
        forwarded = environ.get("HTTP_X_FORWARDED_PROTO")
        if forwarded:
            schemes.add(forwarded.split(",")[0].strip())
        return {f"{scheme}://{host}" for scheme in schemes}


def _is_address(host: str) -> bool:
    """Whether a Host header names an IP address or localhost (with or without a port)."""
    try:
        name = urlsplit(f"//{host}").hostname or ""
    except ValueError:  # e.g. an unclosed "[" of an IPv6 address
        return False
    if name == "localhost":
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
