"""Making an export file and logging it. This flushes; the caller (view, API, CLI) commits."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from ..auth.models import User
from ..content.model import SOURCE_LANGUAGE
from ..core.i18n import in_language
from ..extensions import db
from . import csv_writer, docx_writer, json_writer, xlsx_writer
from .models import ExportLog
from .queries import Dataset, load, local_time
from .schemas import ExportFilter, FilterError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Writer:
    write: Callable[[Dataset], bytes]
    mimetype: str
    extension: str


WRITERS = {
    "csv": Writer(csv_writer.write, "text/csv; charset=utf-8", "csv"),
    "xlsx": Writer(
        xlsx_writer.write,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    "json": Writer(json_writer.write, "application/json", "json"),
    "docx": Writer(
        docx_writer.write,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    mimetype: str
    filename: str
    rows: int


def export(
    selection: ExportFilter,
    format: str,
    *,
    user: User | None,
    actor: str,
    channel: str,
    language: str = SOURCE_LANGUAGE,
) -> ExportFile:
    """The export of ``selection`` in ``format``, its words and content texts in ``language``,
    logged as made by ``actor`` (and ``user``, if any) through ``channel``. Raises
    :class:`FilterError` ``no_matching_sessions`` when no session matches, rather than an empty
    file that looks like success."""
    writer = WRITERS[format]
    with in_language(language):
        dataset = load(selection)
        if not dataset.sessions:
            raise FilterError("no_matching_sessions")
        content = writer.write(dataset)
    db.session.add(
        ExportLog(
            user_id=user.id if user is not None else None,
            actor=actor[:254],
            channel=channel,
            format=format,
            filters=selection.as_dict(),
            rows=len(dataset.rows),
        )
    )
    db.session.flush()
    log.info(
        "%s exported %s via %s: %d sessions, %d rows, filter %s",
        actor,
        format,
        channel,
        len(dataset.sessions),
        len(dataset.rows),
        selection.as_dict(),
    )
    stamp = local_time(dataset.generated_at).strftime("%Y%m%d-%H%M")
    return ExportFile(
        content=content,
        mimetype=writer.mimetype,
        filename=f"facilitate-export-{stamp}.{writer.extension}",
        rows=len(dataset.rows),
    )
