"""The analysis pages under the analyst filter: themes of open input, opinion groups of
statements steps, and participation in pictures. Analysts and admins only.

The analysis runs for the analyst's own request, nothing ahead or in the background; under the
server the whole of it (the read and the computation) in a worker process, so live sessions
are never held up (:mod:`facilitate.analysis.worker`)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..api.auth import error_response
from ..auth.decorators import analyst_required
from ..core.messages import message
from ..exports.pages import filtered_page, request_filter
from ..exports.schemas import ExportFilter, FilterError
from ..exports.summaries import min_group_size
from ..extensions import db
from . import charts, explain, worker
from .operations import AnalysisError, accept_theme_tag
from .worker import WorkerError

bp = Blueprint("analysis_pages", __name__, url_prefix="/analysis")
bp.record_once(lambda state: worker.start_ahead(state.app))

#: Query arguments of the pages that are not part of the filter.
PAGE_ARGUMENTS = ("step",)


@bp.app_errorhandler(WorkerError)
def analysis_unavailable(failure: WorkerError):
    """An analysis that could not be made (logged by the worker's caller): a clear, translated
    503 on every page and API request that needed one, never a bare server error."""
    db.session.rollback()
    if request.path.startswith("/api/"):
        return error_response(failure.code)
    return render_template("error.html", status=503, message=message(failure.code)), 503


def parse_filter(values, ignore: tuple[str, ...] = PAGE_ARGUMENTS) -> ExportFilter:
    """The analyst filter of ``values`` (raises :class:`FilterError`)."""
    return ExportFilter.parse(values, ignore=ignore)


def _filter() -> tuple[ExportFilter, str | None]:
    return request_filter(PAGE_ARGUMENTS)


def _page(template: str, selection: ExportFilter, error: str | None, **context):
    return filtered_page(template, selection, error, threshold=min_group_size(), **context)


@bp.get("/themes")
@analyst_required
def themes():
    """Themes across the selection's open and word-cloud contributions."""
    selection, error = _filter()
    body = None if error else explain.themes_for(selection)
    return _page("analysis/themes.html", selection, error, found=body)


@bp.post("/themes/accept")
@analyst_required
def accept():
    """Accept a theme's suggested action-plan tag: every contribution of the theme gets it."""
    try:
        selection = parse_filter(request.form, ignore=("theme", "tag"))
        count = accept_theme_tag(
            selection, request.form.get("theme", ""), request.form.get("tag", "")
        )
    except (FilterError, AnalysisError) as failure:
        status = 409 if failure.code == "theme_changed" else 400
        return render_template("error.html", status=status, message=message(failure.code)), status
    db.session.commit()
    flash(_("Taggen gäller nu alla %(count)d bidrag i temat.", count=count), "info")
    return redirect(url_for(".themes", **selection.query_args()), 303)


@bp.get("/opinions")
@analyst_required
def opinions():
    """Opinion groups of each statements step of the selection (or of ``step``)."""
    selection, error = _filter()
    found = []
    step = request.args.get("step") or None
    if not error:
        found = explain.opinions_for(selection, step)
        if found is None:
            error, found = "unknown_statements_step", []
    maps = [
        charts.opinion_map(
            body,
            [explain.group_name(g["group"], g["size"]) for g in body["groups"]],
            _("Opinionskarta: %(prompt)s", prompt=body["prompt"]),
            _map_description(body),
            f"map-{index}",
        )
        for index, body in enumerate(found)
    ]
    return _page(
        "analysis/opinions.html",
        selection,
        error,
        found=list(zip(found, maps, strict=True)),
        method=explain.method_opinions(),
    )


@bp.get("/participation")
@analyst_required
def participation():
    """Participation per municipality and responses over time, as charts and tables."""
    selection, error = _filter()
    places, unit, times = [], "day", []
    if not error:
        places, unit, times = explain.participation_for(selection)
    return _page(
        "analysis/participation.html",
        selection,
        error,
        places=places,
        places_chart=charts.bars(
            places,
            _("Deltagare per kommun"),
            _describe(places),
            "places",
        ),
        times=times,
        unit=unit,
        times_chart=charts.columns(
            times,
            _("Svar per dag") if unit == "day" else _("Svar per vecka"),
            _describe(times),
            "times",
        ),
    )


def _describe(counts) -> str:
    """A chart's numbers in words, for its description."""
    return "; ".join(f"{c.label}: {c.shown}" for c in counts) or _("Inga svar i urvalet.")


def _map_description(body: dict) -> str:
    parts = [body["summary"]]
    for g in body["groups"]:
        parts.append(explain.group_name(g["group"], g["size"]) + ": " + g["explanation"])
    return " ".join(parts)
