"""Which web origins may open a Socket.IO connection: the page's own, plus configured ones.

A browser always sends the Origin of the page that opens a WebSocket, and a page elsewhere
cannot forge it, so this stops other sites from using a visitor's login cookie on ``/live``.
Clients that are not browsers send no Origin and are let through (they carry no cookies).
"""


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
        itself sees plain http)."""
        host = environ.get("HTTP_HOST")
        if not host:
            return set()
        schemes = {environ.get("wsgi.url_scheme", "http")}
        forwarded = environ.get("HTTP_X_FORWARDED_PROTO")
        if forwarded:
            schemes.add(forwarded.split(",")[0].strip())
        return {f"{scheme}://{host}" for scheme in schemes}
