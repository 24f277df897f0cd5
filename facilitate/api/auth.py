"""Bearer-token authentication and the error envelope of the REST API.

Every API view is wrapped in :func:`api_view`: it finds the user an ``Authorization: Bearer``
token belongs to, checks the role, turns domain and payload errors into
``{"error", "message"}`` with a 4xx status (rolling back whatever the view changed), and commits
the token's last use once.
"""

import logging
from functools import wraps

import sqlalchemy as sa
from flask import g, jsonify, request

from ..auth.models import Role, User
from ..auth.operations import touch_token
from ..auth.queries import user_by_token
from ..core.errors import DomainError
from ..core.messages import message
from ..extensions import db

log = logging.getLogger(__name__)

#: Longest ``Authorization`` token looked at; anything longer is not one of ours.
MAX_TOKEN_LENGTH = 256

#: The HTTP status of each error code; codes not listed are bad input (400).
STATUS = {
    "not_authenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "already_started": 409,
    "session_not_started": 409,
    "session_ended": 409,
    "no_such_step": 409,
    "not_answerable": 409,
    "content_missing": 409,
    "no_timer": 409,
    "no_matching_sessions": 404,
    "unknown_session": 404,
    "unknown_participant": 404,
    "unavailable": 503,
    "analysis_unavailable": 503,
}


class ApiError(DomainError):
    """A request the API refuses; ``code`` is the public error code."""

    def __init__(self, code: str = "invalid_payload"):
        super().__init__(code)


def error_response(code: str):
    """``{"error", "message"}`` in the request's language, with the code's status."""
    status = STATUS.get(code, 400)
    response = jsonify(error=code, message=message(code))
    response.status_code = status
    if status == 401:
        tried = request.headers.get("Authorization", "").lower().startswith("bearer ")
        response.headers["WWW-Authenticate"] = 'Bearer realm="facilitate"' + (
            ', error="invalid_token"' if tried else ""
        )
    return response


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return token


def current_api_user() -> User:
    """The user the request's token belongs to (inside an :func:`api_view`)."""
    return g.api_user


def api_view(*roles: Role):
    """Authenticate by bearer token, require one of ``roles`` (any role if none; admins always
    pass), and answer errors with the API's error envelope. The token's ``last_used_at`` is
    committed once: with the view's own commit, or here when the view commits nothing."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            token = bearer_token()
            user = user_by_token(token) if token else None
            if user is None:
                return error_response("not_authenticated")
            g.api_user = user
            used = touch_token(token)
            try:
                if roles and not user.has_role(*roles):
                    raise ApiError("forbidden")
                response = view(*args, **kwargs)
            except DomainError as failure:  # every feature's refusal
                db.session.rollback()  # nothing of a refused request is kept ...
                used = touch_token(token)  # ... but the token was used
                response = error_response(failure.code)
            except sa.exc.SQLAlchemyError:
                db.session.rollback()
                log.exception("database error in %s %s", request.method, request.path)
                return error_response("unavailable")
            if used in db.session.dirty:
                db.session.commit()
            return response

        return guarded

    return decorate
