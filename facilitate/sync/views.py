"""Pages for moving sessions: on the laptop, the console's "Skicka till regionen" (or the
download for transfer); on the central server, the import page for analysts and admins."""

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import role_required
from ..auth.models import Role
from ..core.messages import message
from ..exports.views import analyst_required
from ..extensions import db
from ..sessions.models import LiveSession, SessionStatus
from ..sessions.operations import SessionError
from ..sessions.queries import session_for
from .imports import ImportRefused, import_document, parse
from .models import SyncReceipt
from .push import Refused, Unreachable, normalised, prepare, send
from .transfer import encoded, transfer_document

bp = Blueprint("sync", __name__)

#: Imported sessions listed on the import page, newest first.
RECENT_IMPORTS = 50


def central_configured() -> bool:
    """Whether this server sends ended sessions to a central one from the console."""
    config = current_app.config
    return bool(config["CENTRAL_URL"] and config["CENTRAL_TOKEN"])


def _ended_session(session_id: int) -> LiveSession:
    try:
        session = session_for(current_user, session_id, control=True)
    except SessionError as failure:
        abort(404 if failure.code == "not_found" else 403)
    if session.status is not SessionStatus.ended:
        abort(409, description=message("session_not_ended"))
    return session


def receipt_for(session: LiveSession) -> SyncReceipt | None:
    """When the configured central server accepted the session, if it has."""
    if not central_configured():
        return None
    return db.session.scalar(
        sa.select(SyncReceipt).where(
            SyncReceipt.session_id == session.id,
            SyncReceipt.target == normalised(current_app.config["CENTRAL_URL"]),
        )
    )


@bp.app_template_global("transfer_state")
def transfer_state(session: LiveSession) -> dict:
    """What the console's transfer block shows: send (with the last receipt) or download."""
    return {"central": central_configured(), "receipt": receipt_for(session)}


@bp.get("/sessions/<int:session_id>/transfer.json")
@role_required(Role.leader)
def download(session_id: int):
    """The session's transfer document, to carry to the central server's import page."""
    session = _ended_session(session_id)
    body = encoded(transfer_document(session))
    filename = f"facilitate-session-{session.ended_at:%Y%m%d}-{session.uid[:8]}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/sessions/<int:session_id>/push")
@role_required(Role.leader)
def push(session_id: int):
    """Send the ended session to the configured central server, now."""
    session = _ended_session(session_id)
    back = redirect(url_for("sessions.console", session_id=session.id))
    if not central_configured():
        abort(404)
    try:
        send(
            prepare(session), current_app.config["CENTRAL_URL"], current_app.config["CENTRAL_TOKEN"]
        )
    except Unreachable:
        db.session.rollback()
        flash(
            _(
                "Regionens server gick inte att nå. Inget är skickat; försök igen när "
                "datorn är ansluten till internet."
            ),
            "error",
        )
        return back
    except Refused as failure:
        db.session.rollback()
        flash(
            _("Regionens server tog inte emot sessionen: %(reason)s", reason=failure.message),
            "error",
        )
        return back
    db.session.commit()
    flash(_("Sessionen är skickad till regionen."), "success")
    return back


@bp.route("/analysis/imports", methods=["GET", "POST"])
@analyst_required
def imports():
    """Upload transfer documents from laptops; see what was imported."""
    outcomes, error, status = [], None, 200
    if request.method == "POST":
        upload = request.files.get("document")
        limit = current_app.config["IMPORT_MAX_BYTES"]
        try:
            if upload is None or not upload.filename:
                raise ImportRefused("not_json", "no file")
            outcomes = import_document(parse(upload.stream.read(limit + 1)), current_user)
        except ImportRefused as refused:
            db.session.rollback()
            error, status = refused, 400
        else:
            db.session.commit()
    sessions = {
        s.id: s
        for s in db.session.scalars(
            sa.select(LiveSession).where(LiveSession.id.in_([o.session_id for o in outcomes]))
        )
    }
    recent = db.session.scalars(
        sa.select(LiveSession)
        .where(LiveSession.imported_at.is_not(None))
        .order_by(LiveSession.imported_at.desc(), LiveSession.id.desc())
        .limit(RECENT_IMPORTS)
    ).all()
    return render_template(
        "sync/imports.html",
        outcomes=[(o, sessions[o.session_id]) for o in outcomes],
        error=error,
        error_message=message(error.code) if error else None,
        recent=recent,
        limit=current_app.config["IMPORT_MAX_BYTES"],
    ), status
