"""The analyst pages: sessions and circles by filter, results per question across them, and
exports of the same filter. Analysts and admins only: anonymous users get 401, others 403."""

import io
from collections import defaultdict

import sqlalchemy as sa
from flask import Blueprint, render_template, request, send_file
from flask_login import current_user

from ..auth.decorators import analyst_required
from ..authoring.queries import any_module, session_module
from ..content import library
from ..core.i18n import current_locale, localized
from ..core.messages import message
from ..extensions import db
from ..steps import kind_of
from . import summaries
from .labels import column_headings, filter_names, kind_names
from .operations import export
from .pages import filtered_page, request_filter
from .queries import (
    Dataset,
    export_log_page,
    load,
    matching_sessions,
    participant_counts,
)
from .schemas import FORMATS, ExportFilter, FilterError, parse_format, parse_language

bp = Blueprint("analysis", __name__, url_prefix="/analysis")


def _filter() -> tuple[ExportFilter, str | None]:
    return request_filter(("format",))


def _page(template: str, selection: ExportFilter, error: str | None, **context):
    return filtered_page(template, selection, error, formats=FORMATS, **context)


@bp.get("/")
@analyst_required
def sessions():
    """Sessions and circles matching the filter."""
    selection, error = _filter()
    found = [] if error else matching_sessions(selection)
    return _page(
        "exports/sessions.html",
        selection,
        error,
        sessions=found,
        participants=participant_counts([s.id for s in found]),
        answers=_answer_counts([s.id for s in found]),
        circles=_circles(found),
        titles=_titles(found),
        module_titles=_module_titles(found),
        threshold=summaries.min_group_size(),
    )


@bp.get("/results")
@analyst_required
def results():
    """Results per question across every matching session, and contributions by tag."""
    selection, error = _filter()
    dataset = None if error else load(selection)
    return _page(
        "exports/results.html",
        selection,
        error,
        dataset=dataset,
        questions=summaries.questions(dataset) if dataset else [],
        by_tag=_contributions_by_tag(dataset) if dataset else [],
        columns=column_headings(),
        kinds=kind_names(),
        threshold=summaries.min_group_size(),
    )


@bp.get("/export")
@analyst_required
def download():
    """The export file of the filter in the chosen format; bad input is a 400 page."""
    try:
        format = parse_format(request.args.get("format"))
        language = parse_language(request.args.get("language"), current_locale())
        selection = ExportFilter.parse(request.args, ignore=("format", "language"))
        made = export(
            selection,
            format,
            user=current_user,
            actor=current_user.email,
            channel="web",
            language=language,
        )
    except FilterError as failure:
        status = 404 if failure.code == "no_matching_sessions" else 400
        return render_template("error.html", status=status, message=message(failure.code)), status
    db.session.commit()
    return send_file(
        io.BytesIO(made.content),
        mimetype=made.mimetype,
        as_attachment=True,
        download_name=made.filename,
    )


@bp.get("/exports")
@analyst_required
def export_log():
    """Every export made, newest first: who, when, how, which filter, how much (the analysts'
    shared record of what has left the system)."""
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 1_000_000 else 1
    entries, pages = export_log_page(page)
    return render_template(
        "exports/log.html",
        entries=entries,
        page=min(page, pages),
        pages=pages,
        filter_names=filter_names(),
    )


# --- what the pages show ------------------------------------------------------------------------


def _titles(sessions) -> dict[int, str]:
    """Each session's module and part by their titles in the page's language."""
    titles = {}
    for session in sessions:
        module = session_module(session)
        part = module.part(session.part_id) if module else None
        titles[session.id] = (
            f"{localized(module.title) if module else session.module_id} – "
            f"{localized(part.title) if part else session.part_id}"
        )
    return titles


def _module_titles(sessions) -> dict[str, str]:
    """The title of each circle's module, by module id."""
    ids = {s.circle.module_id for s in sessions if s.circle is not None}
    return {i: localized(m.title) if (m := any_module(i)) else i for i in ids}


def _answer_counts(session_ids: list[int]) -> dict[int, int]:
    from ..sessions.models import Response

    if not session_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(Response.session_id, sa.func.count())
            .where(Response.session_id.in_(session_ids), Response.withdrawn.is_(False))
            .group_by(Response.session_id)
        ).all()
    )


def _circles(sessions) -> list[dict]:
    """The circles of ``sessions``: how many of their meetings match, which parts were run."""
    found: dict[int, dict] = {}
    for session in sessions:
        if session.circle is None:
            continue
        entry = found.setdefault(
            session.circle.id, {"circle": session.circle, "meetings": 0, "parts": set()}
        )
        entry["meetings"] += 1
        entry["parts"].add(session.part_id)
    return sorted(found.values(), key=lambda e: (e["circle"].name, e["circle"].id))


def _contributions_by_tag(dataset: Dataset) -> list[tuple[object, list]]:
    """Open contributions per action-plan tag (the step's and the leader's tags both count),
    in vocabulary order, then those without a tag (``None``)."""
    grouped: dict[str | None, list] = defaultdict(list)
    for row in dataset.rows:
        if not kind_of(dataset.steps[row.module, row.part, row.step]).quoted:
            continue
        for tag in row.tags or (None,):
            grouped[tag].append(row)
    vocabulary = library().vocabulary.tags
    ordered = [(vocabulary[t], grouped[t]) for t in vocabulary if t in grouped]
    if None in grouped:
        ordered.append((None, grouped[None]))
    return ordered
