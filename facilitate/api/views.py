"""REST API v1: modules, sessions, leader control and results. Each view parses its input,
calls an operation or query, commits, and answers JSON; see docs/protocol.md for the live side."""

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from ..auth.models import Role
from ..authoring.queries import visible_modules
from ..circles.queries import circle_for
from ..content.model import SOURCE_LANGUAGE
from ..core.i18n import current_locale
from ..core.messages import message
from ..exports.operations import export
from ..exports.schemas import ExportFilter, FilterError, parse_format, parse_language
from ..extensions import db
from ..sessions import operations, people, retention
from ..sessions.joining import join_url
from ..sessions.live import announce
from ..sessions.models import LiveSession
from ..sessions.queries import (
    part_of,
    participant_count,
    roster,
    session_for,
    session_results,
)
from ..steps import kind_of
from ..sync.imports import ImportRefused, import_document, parse, refusal_status
from . import schemas
from .auth import ApiError, api_view, current_api_user
from .openapi import document
from .schemas import Control, NewSession

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _session(session_id: int, *, control: bool = False) -> LiveSession:
    """The session, if the user leads it or is an admin; analysts may read any, not control."""
    return session_for(current_api_user(), session_id, control=control)


def _session_body(session: LiveSession) -> dict:
    part = part_of(session)
    locale = current_locale()
    return {
        "id": session.id,
        "code": session.code,
        "join_url": join_url(session.code),
        "status": session.status.value,
        "module": session.module_id,
        "part": session.part_id,
        "municipality": session.municipality,
        "title": part.title.get(locale) if part else None,
        "current_step": session.current_step,
        "open": session.step_open,
        "revealed": session.revealed,
        "participant_count": participant_count(session),
        "time_left": session.time_left(),
        "settings": {name: getattr(session, name) for name in schemas.SETTINGS},
        "steps": [
            {"id": s.id, "kind": s.kind, "answerable": kind_of(s).answerable}
            for s in (part.steps if part else ())
        ],
    }


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API (no token needed)."""
    return document()


@bp.get("/modules")
@api_view()
def modules():
    """Every module and its parts, titles in the request's language (Swedish as fallback)."""
    locale = current_locale()
    return [
        {
            "id": module.id,
            "kind": module.kind,
            "title": module.title.get(locale),
            "parts": [{"id": p.id, "title": p.title.get(locale)} for p in module.parts],
        }
        for module in visible_modules(current_api_user())
    ]


@bp.post("/sessions")
@api_view(Role.leader)
def create_session():
    """A new session in the lobby for a part of a module, led by the token's user."""
    new = NewSession.parse()
    user = current_api_user()
    circle = circle_for(user, new.circle) if new.circle is not None else None
    session = operations.create_session(
        user, new.module, new.part, current_locale(), circle, municipality=new.municipality
    )
    db.session.commit()
    body = {
        "id": session.id,
        "code": session.code,
        "join_url": join_url(session.code),
        "status": session.status.value,
    }
    return body, 201, {"Location": url_for("api.get_session", session_id=session.id)}


@bp.get("/sessions/<int:session_id>")
@api_view()
def get_session(session_id: int):
    """The session's state and its steps."""
    return _session_body(_session(session_id))


@bp.post("/sessions/<int:session_id>/control")
@api_view(Role.leader)
def control(session_id: int):
    """A leader action, as the ``control`` event of /live; connected clients get new state."""
    session = _session(session_id, control=True)
    action = Control.parse()
    operations.control(session, action.action, action.step, action.seconds)
    announce(session, state=True)
    db.session.commit()
    return _session_body(session)


@bp.post("/sessions/<int:session_id>/settings")
@api_view(Role.leader)
def change_settings(session_id: int):
    """Competitive mode, speed bonus, team mode, quiz timer and extra time."""
    session = _session(session_id, control=True)
    operations.configure(session, **schemas.settings())
    announce(session, state=True)
    db.session.commit()
    return _session_body(session)


@bp.delete("/sessions/<int:session_id>")
@api_view(Role.leader)
def delete_session(session_id: int):
    """The session and all its data, for good; connected phones are told it has ended."""
    session = _session(session_id, control=True)
    retention.end_and_delete(session)
    db.session.commit()
    return "", 204


@bp.get("/sessions/<int:session_id>/participants")
@api_view(Role.leader)
def participants(session_id: int):
    """Everyone in the session, in joining order, as the leader's console lists them."""
    session = _session(session_id, control=True)
    return [
        {"id": row.id, "number": number, "name": row.name, "proxy": row.proxy}
        for number, row in enumerate(roster(session), start=1)
    ]


@bp.delete("/sessions/<int:session_id>/participants/<int:participant_id>")
@api_view(Role.leader)
def remove_participant(session_id: int, participant_id: int):
    """Take a participant out, as the console's remove: what they sent is deleted, their
    phone is told (``removed``) and can neither answer nor resume."""
    session = _session(session_id, control=True)
    people.take_out(session, participant_id)
    announce(session, state=True, tally=True)
    db.session.commit()
    return "", 204


@bp.get("/sessions/<int:session_id>/results")
@api_view()
def results(session_id: int):
    """Per step of the part, in order: how many responses and their aggregate."""
    return session_results(_session(session_id))


@bp.get("/export")
@api_view(Role.analyst)
def export_file():
    """Results across sessions as a CSV, XLSX, JSON or DOCX file (docs/export-format.md), with
    the analyst pages' filter; logged as an export by the token's user."""
    user = current_api_user()
    try:
        format = parse_format(request.args.get("format"))
        if request.args.get("language") == "":
            raise FilterError("unknown_language")
        language = parse_language(request.args.get("language"), SOURCE_LANGUAGE)
        selection = ExportFilter.parse(
            request.args, ignore=("format", "language"), refuse_empty=True
        )
        # The token's use is committed first: an export reads (and, with the analysis, computes)
        # for seconds, and an open write would hold SQLite's write lock all that time, so live
        # answers would wait for it and fail (``unavailable``).
        db.session.commit()
        made = export(
            selection, format, user=user, actor=user.email, channel="api", language=language
        )
    except FilterError as failure:
        raise ApiError(failure.code) from None
    db.session.commit()
    return Response(
        made.content,
        mimetype=made.mimetype,
        headers={"Content-Disposition": f'attachment; filename="{made.filename}"'},
    )


@bp.post("/imports")
@api_view(Role.leader, Role.analyst)
def imports():
    """Sessions from a transfer document (docs/export-format.md), all or none: a leader's
    into their own account. The same document again changes nothing; a newer snapshot of a
    session replaces the older one."""
    limit = current_app.config["IMPORT_MAX_BYTES"]
    try:
        if (request.content_length or 0) > limit:
            raise ImportRefused("too_large", f"the document is larger than {limit} bytes")
        outcomes = import_document(parse(request.stream.read(limit + 1)), current_api_user())
    except ImportRefused as refused:
        db.session.rollback()
        body = jsonify(error=refused.code, message=message(refused.code), detail=refused.detail)
        return body, refusal_status(refused.code)
    db.session.commit()
    return {"sessions": [outcome.as_dict() for outcome in outcomes]}
