"""Changes the analysis makes: an analyst accepts a theme's suggested action-plan tag."""

import logging

import sqlalchemy as sa

from ..core.errors import DomainError
from ..exports.schemas import ExportFilter
from ..extensions import db
from ..sessions.models import Response
from . import queries, worker

log = logging.getLogger(__name__)


class AnalysisError(DomainError):
    """An analysis action that cannot be done; ``code`` is the public error code."""


@worker.task
def _theme_members(selection: ExportFilter, key: str) -> tuple[str | None, list[int]] | None:
    """The suggested tag and the contributions of ``selection``'s theme ``key`` (None when
    there is no such theme), computed in a worker under the server (:mod:`.worker`)."""
    theme = next(
        (t for t in queries.themes(queries.analysis_dataset(selection)) if t.key == key), None
    )
    return None if theme is None else (theme.suggested_tag, [c.id for c in theme.members])


def accept_theme_tag(selection: ExportFilter, key: str, tag: str) -> int:
    """Give every contribution of the theme ``key`` (of ``selection``'s themes) the theme's
    suggested tag ``tag``, as a runtime tag beside the leader's; then the contributions count
    under that area in every page, export and report. Returns how many contributions the theme
    has. The themes are computed anew: if they changed since the analyst saw them (new
    contributions, another filter), nothing is changed (``theme_changed``)."""
    found = worker.run(_theme_members, selection, key)
    if found is None:
        raise AnalysisError("theme_changed")
    suggested, ids = found
    if not tag or tag != suggested:
        raise AnalysisError("not_suggested_tag")
    for chunk in queries.chunks(ids):
        # The contributions and the near-duplicates merged into them (part of them).
        found = sa.select(Response).where(
            sa.or_(Response.id.in_(chunk), Response.merged_into_id.in_(chunk))
        )
        for response in db.session.scalars(found):
            if tag not in (response.tags or []):
                response.tags = [*(response.tags or []), tag]
    db.session.flush()
    log.info("tag %s accepted for theme %s (%d contributions)", tag, key, len(ids))
    return len(ids)
