"""REST API v1 of the analysis: ``GET /api/v1/analysis/themes`` and ``/opinions``, the same
as the analysis pages show, for an analyst's or admin's bearer token (OpenAPI:
:mod:`facilitate.analysis.openapi`)."""

from flask import Blueprint, request

from ..api.auth import ApiError, api_view
from ..auth.models import Role
from ..exports.schemas import ExportFilter, FilterError
from ..extensions import db
from . import explain

bp = Blueprint("analysis_api", __name__, url_prefix="/api/v1/analysis")


def _selection(ignore: tuple[str, ...] = ()):
    """The request's filter. The token's use is committed first: the analysis reads for
    seconds, and an open write (the token's ``last_used_at``) would hold SQLite's write lock
    all that time, so live answers would wait for it."""
    try:
        # As the export API: an empty filter value is a 400, not everything.
        selection = ExportFilter.parse(request.args, ignore=ignore, refuse_empty=True)
    except FilterError as failure:
        raise ApiError(failure.code) from None
    db.session.commit()
    return selection


@bp.get("/themes")
@api_view(Role.analyst)
def themes():
    """Themes of the selection's open and word-cloud contributions."""
    selection = _selection()
    return {"filter": selection.as_dict(), **explain.themes_for(selection)}


@bp.get("/opinions")
@api_view(Role.analyst)
def opinions():
    """Opinion groups of each statements step of the selection, or of ``step`` only."""
    selection = _selection(ignore=("step",))
    step = request.args.get("step") or None
    found = explain.opinions_for(selection, step)
    if found is None:
        raise ApiError("unknown_statements_step")
    return {"filter": selection.as_dict(), "method": explain.method_opinions(), "steps": found}
