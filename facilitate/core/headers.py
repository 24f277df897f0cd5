"""Security headers on every response: a Content-Security-Policy without inline scripts or
styles, no MIME sniffing, no referrer (join URLs carry the join code), no framing. Cookies are
``Secure`` when the app is served over HTTPS (``FACILITATE_PUBLIC_URL`` starts with https)."""

from flask import Flask, Response, request


def content_security_policy() -> str:
    """Everything from this site only. Socket.IO's WebSocket goes to this host (the ``ws:`` and
    ``wss:`` forms of 'self' are spelt out for browsers that do not derive them)."""
    host = request.host
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self' ws://{host} wss://{host}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def add_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_app(app: Flask) -> None:
    if app.config["PUBLIC_URL"].startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.after_request(add_headers)
