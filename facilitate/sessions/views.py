"""Pages of a live session: start, leader console, big screen, QR code, and the phone view."""

import re

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import role_required
from ..auth.models import Role
from ..authoring.queries import session_module
from ..content import library
from ..core.errors import DomainError
from ..core.i18n import current_locale, in_language, prefer_locale
from ..core.messages import message
from ..extensions import db
from . import operations, retention
from .joining import join_url, qr_svg, spaced
from .models import LiveSession, SessionStatus
from .queries import session_by_code, session_for

bp = Blueprint("sessions", __name__)


def _own_session(session_id: int) -> LiveSession:
    """The session, if the logged-in user leads it (or is an admin); else 404 or 403."""
    try:
        return session_for(current_user, session_id)
    except operations.SessionError as failure:
        abort(404 if failure.code == "not_found" else 403)


@bp.post("/sessions")
@role_required(Role.leader)
def start():
    """Start a session for a part from the module library (one click) and open its console;
    with a ``circle``, the session is a meeting of that circle; with a ``municipality``
    (optional, offered again at the leader's next start), it was held there."""
    from ..circles.queries import circle_for

    try:
        circle_id = request.form.get("circle")
        session = operations.create_session(
            current_user,
            request.form.get("module", ""),
            request.form.get("part", ""),
            current_locale(),
            circle=circle_for(current_user, circle_id) if circle_id else None,
            municipality=request.form.get("municipality") or None,
        )
    except DomainError as failure:  # the session's refusals and the circle's
        if failure.code == "unknown_municipality":
            # A choice of the start form: said on the library page, where it is chosen again.
            flash(message(failure.code), "error")
            return redirect(url_for("home.module_library"))
        abort(403 if failure.code == "forbidden" else 400, description=message(failure.code))
    if request.form.get("municipality") == "":
        current_user.last_municipality = None  # "no municipality" chosen: offered next time
    db.session.commit()
    return redirect(url_for("sessions.console", session_id=session.id))


def _live_page(template: str, session_id: int, **context):
    session = _own_session(session_id)
    return render_template(
        template,
        session=session,
        join_url=join_url(session.code),
        code=spaced(session.code),
        **context,
    )


@bp.get("/sessions/<int:session_id>")
@role_required(Role.leader)
def console(session_id: int):
    """The leader console: controls, leader notes, who has answered, live results; the
    action-plan vocabulary for tagging contributions."""
    return _live_page("sessions/console.html", session_id, vocabulary=library().vocabulary)


@bp.get("/sessions/<int:session_id>/screen")
@role_required(Role.leader)
def screen(session_id: int):
    """The big screen for the projector: no controls, readable from the back of the room; in
    the session's language, whatever the leader's browser uses."""
    with in_language(_own_session(session_id).locale):
        return _live_page("sessions/screen.html", session_id)


@bp.get("/sessions/<int:session_id>/behalf")
@role_required(Role.leader)
def behalf(session_id: int):
    """The phone view for the leader, answering for people without a phone, one at a time."""
    session = _own_session(session_id)
    if session.status is SessionStatus.ended:
        abort(410, description=message("session_ended"))
    return render_template(
        "sessions/participant.html",
        code=session.code,
        behalf=session.id,
        title=_("Svara för någon utan telefon"),
        team_mode=session.team_mode,
    )


@bp.post("/sessions/<int:session_id>/delete")
@role_required(Role.leader)
def delete(session_id: int):
    """Delete the session with all its data (the console asks for confirmation first)."""
    session = _own_session(session_id)
    if request.form.get("confirm") != "yes":
        flash(_("Kryssa i rutan för att bekräfta att sessionen ska raderas."), "error")
        return redirect(url_for("sessions.console", session_id=session.id))
    retention.end_and_delete(session)
    db.session.commit()
    flash(_("Sessionen och alla dess svar är raderade."), "success")
    return redirect(url_for("home.module_library"))


@bp.get("/sessions/<int:session_id>/qr.svg")
@role_required(Role.leader)
def qr(session_id: int):
    session = _own_session(session_id)
    return Response(qr_svg(join_url(session.code)), mimetype="image/svg+xml")


@bp.route("/j", methods=["GET", "POST"])
def enter_code():
    """Where a participant types the code shown on the screen."""
    code = re.sub(r"[\s-]", "", request.values.get("code", ""))
    if request.method == "POST":
        if code.isdigit() and session_by_code(code) is not None:
            return redirect(url_for("sessions.participant", code=code))
        return render_template(
            "sessions/enter_code.html", code=code, error=message("unknown_code")
        ), 404
    return render_template("sessions/enter_code.html", code=code, error=None)


@bp.get("/j/<code>")
def participant(code: str):
    """The phone view. The page holds no session content; everything arrives over ``/live``."""
    session = session_by_code(code) if code.isdigit() else None
    if session is not None:
        prefer_locale(session.locale)
    if session is None:
        return render_template(
            "sessions/enter_code.html", code=code, error=message("unknown_code")
        ), 404
    if session.status is SessionStatus.ended:
        return render_template(
            "sessions/enter_code.html", code="", error=message("session_ended")
        ), 410
    # The page names what one is joining, in the page's language, before anything connects.
    module = session_module(session)
    part = module.part(session.part_id) if module else None
    locale = current_locale()
    return render_template(
        "sessions/participant.html",
        code=session.code,
        title=part.title.get(locale) if part else _("Delta"),
        module_title=module.title.get(locale) if module else None,
        team_mode=session.team_mode,
        circle=session.circle,
    )
