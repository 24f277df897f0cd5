"""What every page under the analyst filter shares (the analyst pages and the analysis pages):
the request's filter and the page around it."""

from flask import render_template, request

from ..core.messages import message
from .queries import filter_options
from .schemas import ExportFilter, FilterError
from .summaries import Fewer


def request_filter(ignore: tuple[str, ...]) -> tuple[ExportFilter, str | None]:
    """The request's filter, or the empty filter and the error code of what was wrong."""
    try:
        return ExportFilter.parse(request.args, ignore=ignore), None
    except FilterError as failure:
        return ExportFilter(), failure.code


def filtered_page(template: str, selection: ExportFilter, error: str | None, **context):
    """``template`` with the filter form's choices; a 400 when the filter was refused."""
    return render_template(
        template,
        selection=selection,
        args=request.args,
        error=message(error) if error else None,
        options=filter_options(),
        fewer=lambda value: isinstance(value, Fewer),
        **context,
    ), (400 if error else 200)
