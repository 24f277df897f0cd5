"""Domain errors, and error pages: HTML for people, JSON ``{"error", "message"}`` for API and
JSON clients."""

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A request the domain refuses: ``code`` is the public error code (the key of its message
    in :mod:`facilitate.core.messages`); the message, where given, is for people and logs.
    Every feature's refusals derive from this one class, so a boundary can catch them all."""

    def __init__(self, code: str, message: str | None = None):
        self.code = code
        super().__init__(code if message is None else message)


def _messages() -> dict[int, str]:
    return {
        400: _("Begäran kunde inte förstås."),
        401: _("Du behöver logga in."),
        403: _("Du har inte behörighet till den här sidan."),
        404: _("Sidan finns inte."),
        405: _("Den metoden stöds inte här."),
        413: _("Det du skickade är för stort."),
        429: _("För många försök. Vänta en stund och försök igen."),
        500: _("Något gick fel hos oss. Försök igen om en stund."),
    }


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _render(error: HTTPException, code: str, message: str):
    """The error in the client's format, with the headers the error carries (``Allow`` of a
    405, as RFC 9110 asks; ``WWW-Authenticate``, ``Retry-After``) but our own content type."""
    status = error.code or 500
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    if _wants_json():
        return {"error": code, "message": message}, status, headers
    return render_template("error.html", status=status, message=message), status, headers


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = _(
            "Formuläret hade gått ut eller saknade sin säkerhetskod. "
            "Ladda om sidan och försök igen."
        )
        return _render(error, "csrf_failed", message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        message = _messages().get(status, error.description or "")
        return _render(error, error.name.lower().replace(" ", "_"), message)
