"""Pages and endpoints of authoring: the list of modules, the editor, files in and out."""

import json
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..auth.decorators import role_required
from ..auth.models import Role
from ..content import dump_yaml, library, to_document
from ..core.i18n import current_locale
from ..core.text import storable
from ..extensions import db
from ..steps import all_kinds as step_kinds
from ..steps import kind_of
from . import operations
from .messages import error_message, problem_list
from .models import AuthoredModule
from .operations import AuthoringError
from .queries import authored, authored_entries, may_edit, module_for
from .schemas import MAX_BODY_BYTES, document_payload, shared_flag, step_position

bp = Blueprint("authoring", __name__, url_prefix="/authoring")


def _editable(module_id: str) -> AuthoredModule:
    """The authored module the user may edit; 404 if it is not there or not visible, 403 if
    the user may only look at it."""
    record = authored(module_id)
    if record is None or module_for(current_user, module_id) is None:
        abort(404)
    if not may_edit(current_user, record):
        abort(403)
    return record


def _list_page(problems=None, error=None, status=200):
    return render_template(
        "authoring/index.html",
        entries=authored_entries(current_user),
        shipped=list(library()),
        problems=problems or [],
        error=error,
    ), status


@bp.get("")
@role_required(Role.leader)
def index():
    """Own, shared and shipped modules, with new, copy, edit, share, download and upload."""
    return _list_page()


@bp.post("/new")
@role_required(Role.leader)
def new():
    """A new module with one part and one step, then its editor."""
    try:
        record = operations.new_module(
            current_user, request.form.get("title", ""), request.form.get("kind", "dialogue")
        )
    except AuthoringError as failure:
        db.session.rollback()
        return _list_page(error=error_message(failure.code, failure.params), status=400)
    db.session.commit()
    return redirect(url_for("authoring.edit", module_id=record.module_id))


@bp.post("/<module_id>/copy")
@role_required(Role.leader)
def copy(module_id: str):
    """A private copy of a shipped or shared module (or one's own), then its editor."""
    source = module_for(current_user, module_id)
    if source is None:
        abort(404)
    record = operations.copy_module(current_user, source)
    db.session.commit()
    flash(_("Kopian är din egen. Ändra den som du vill."), "success")
    return redirect(url_for("authoring.edit", module_id=record.module_id))


@bp.get("/<module_id>/edit")
@role_required(Role.leader)
def edit(module_id: str):
    """The editor: the module's document as JSON for editor.js, and its strings."""
    record = _editable(module_id)
    vocabulary = library().vocabulary
    return render_template(
        "authoring/edit.html",
        record=record,
        module=module_for(current_user, module_id),
        document=operations.document_of(record),
        kinds=list(step_kinds()),
        year=date.today().year,
        tag_groups=[
            {
                "id": group,
                "label": label,
                "tags": [{"id": t.id, "label": t.label} for t in vocabulary.in_group(group)],
            }
            for group, label in vocabulary.groups.items()
        ],
    )


def _json_body():
    """The editor's JSON body (at most MAX_BODY_BYTES), or None if it is not JSON or holds text
    that cannot be stored."""
    request.max_content_length = MAX_BODY_BYTES
    try:
        payload = json.loads(request.get_data(cache=False))
    except (ValueError, RecursionError, RequestEntityTooLarge):
        return None
    return payload if storable(payload) else None


def _refused(failure: AuthoringError):
    """What the editor is told when a document is refused: 422 with every problem, 403, or
    400."""
    db.session.rollback()
    status = {"forbidden": 403, "invalid_content": 422}.get(failure.code, 400)
    return jsonify(
        ok=False,
        error=failure.code,
        message=error_message(failure.code, failure.params),
        problems=problem_list(failure.problems),
    ), status


@bp.post("/<module_id>/save")
@role_required(Role.leader)
def save(module_id: str):
    """Save the editor's document: 200 ``{"ok", "changed"}``, or 422 with every problem
    (``path`` into the document, ``location`` and a translated ``message``)."""
    record = _editable(module_id)
    payload = _json_body()
    try:
        if payload is None:
            raise AuthoringError("invalid_payload")
        changed = operations.update_module(current_user, record, document_payload(payload))
    except AuthoringError as failure:
        return _refused(failure)
    db.session.commit()
    return jsonify(ok=True, changed=changed, message=_("Sparat."))


@bp.post("/<module_id>/preview")
@role_required(Role.leader)
def preview(module_id: str):
    """One step of the editor's unsaved document as a phone gets it: ``{"ok", "step"}`` with
    the step's participant view in the page's language, before any reveal; or 422 with the
    problems that would keep the document from being saved. Nothing is stored."""
    _editable(module_id)
    payload = _json_body()
    try:
        if payload is None:
            raise AuthoringError("invalid_payload")
        step = operations.checked_step(document_payload(payload), *step_position(payload))
    except AuthoringError as failure:
        return _refused(failure)
    return jsonify(
        ok=True, step=kind_of(step).participant_view(step, current_locale(), revealed=False)
    )


@bp.post("/<module_id>/share")
@role_required(Role.leader)
def share(module_id: str):
    """Share a module with every leader (``shared=1``) or make it private again (``0``)."""
    record = _editable(module_id)
    try:
        operations.set_shared(current_user, record, shared_flag(request.form.get("shared")))
    except AuthoringError:
        abort(400)
    db.session.commit()
    flash(
        _("Modulen är delad med alla ledare.") if record.shared else _("Modulen är privat igen."),
        "success",
    )
    return redirect(url_for("authoring.index"))


@bp.post("/<module_id>/delete")
@role_required(Role.leader)
def delete(module_id: str):
    """Remove a module; sessions already run with it keep their content."""
    record = _editable(module_id)
    operations.delete_module(current_user, record)
    db.session.commit()
    flash(_("Modulen är borttagen. Sessioner som redan körts finns kvar."), "success")
    return redirect(url_for("authoring.index"))


@bp.get("/<module_id>/download")
@role_required(Role.leader)
def download(module_id: str):
    """The module as one YAML file with every part inline (shipped modules too)."""
    module = module_for(current_user, module_id)
    if module is None:
        abort(404)
    return Response(
        dump_yaml(to_document(module)),
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{module.id}.yaml"'},
    )


@bp.post("/upload")
@role_required(Role.leader)
def upload():
    """A module from a YAML file: new, or a new version of one's own module with its id. Any
    problem is listed with its location and nothing changes."""
    request.max_content_length = MAX_BODY_BYTES + 64 * 1024
    file = request.files.get("file")
    if file is None or not file.filename:
        return _list_page(error=error_message("no_file"), status=400)
    try:
        content = file.stream.read(MAX_BODY_BYTES + 1)
    finally:
        file.close()  # a large upload is spooled to a temporary file
    try:
        record = operations.upload_module(current_user, content, file.filename)
    except AuthoringError as failure:
        db.session.rollback()
        return _list_page(
            problems=problem_list(failure.problems),
            error=error_message(failure.code, failure.params),
            status=422 if failure.code == "invalid_content" else 400,
        )
    db.session.commit()
    flash(_("Modulen är uppladdad."), "success")
    return redirect(url_for("authoring.edit", module_id=record.module_id))
