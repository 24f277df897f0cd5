"""The export filter and format, parsed from query strings, forms and command-line options.

Every value is checked against what exists: an unknown module, part, municipality, organiser,
circle, session or tag, a malformed or inverted date range, an unknown parameter or format is a
:class:`FilterError` with a public code (docs/export-format.md), never an empty result that
looks like success.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date

import sqlalchemy as sa
from flask import current_app

from ..authoring.queries import any_module, every_module
from ..circles.models import Circle
from ..circles.municipalities import municipality
from ..content import library
from ..core.errors import DomainError
from ..extensions import db
from ..sessions.models import LiveSession

FORMATS = ("csv", "xlsx", "json", "docx")
#: Largest id looked up (the columns are 32-bit integers on PostgreSQL).
MAX_ID = 2**31 - 1
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class FilterError(DomainError):
    """A filter or format that cannot be used; ``code`` is the public error code."""


@dataclass(frozen=True)
class ExportFilter:
    """Which sessions and responses an analyst view or export covers. Everything is optional;
    the empty filter is every session that has started."""

    session: int | None = None
    circle: int | None = None
    module: str | None = None
    part: str | None = None
    #: A municipality id (``circles.municipalities``).
    municipality: str | None = None
    organiser: str | None = None
    #: The first and last day (inclusive, local time) a session started on.
    since: date | None = None
    until: date | None = None
    #: An action-plan tag id: only responses it applies to (the step's tags or the leader's).
    tag: str | None = None
    #: Contributions the leader hid (or never approved) are left out unless this is set.
    include_hidden: bool = False

    @classmethod
    def parse(
        cls,
        values: Mapping[str, object],
        *,
        ignore: tuple[str, ...] = (),
        refuse_empty: bool = False,
    ) -> "ExportFilter":
        """A filter from string values (a query string, a form, CLI options); keys in
        ``ignore`` (e.g. ``format``) are skipped, any other unknown key is refused. An empty
        value means "no filter" (a form's unchosen select), or with ``refuse_empty`` — for the
        API, where ``circle=`` is a mistake, not a choice — is refused with ``empty_filter``."""
        known = {f.name for f in fields(cls)}
        given: dict[str, str] = {}
        for key, value in values.items():
            if key in ignore or key == "csrf_token":
                continue
            if key not in known:
                raise FilterError("unknown_filter")
            if value is None:
                continue
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise FilterError("unknown_filter")
            text = str(value).strip()
            if text:
                given[key] = text
            elif refuse_empty:
                raise FilterError("empty_filter")
        return cls(
            session=_session(given.get("session")),
            circle=_circle(given.get("circle")),
            module=_module(given.get("module")),
            part=_part(given.get("module"), given.get("part")),
            municipality=_municipality(given.get("municipality")),
            organiser=_organiser(given.get("organiser")),
            tag=_tag(given.get("tag")),
            include_hidden=_flag(given.get("include_hidden", "")),
            **_dates(given.get("since"), given.get("until")),
        )

    def as_dict(self) -> dict:
        """The filter's set values, JSON-ready (dates as ``YYYY-MM-DD``)."""
        return {
            key: value.isoformat() if isinstance(value, date) else value
            for key, value in asdict(self).items()
            if value not in (None, False)
        }

    def query_args(self) -> dict[str, str]:
        """The filter as query-string arguments (for links to exports of the same filter)."""
        return {key: "1" if value is True else str(value) for key, value in self.as_dict().items()}


def parse_format(value: object) -> str:
    if not isinstance(value, str) or value.strip().lower() not in FORMATS:
        raise FilterError("unknown_format")
    return value.strip().lower()


def parse_language(value: object, default: str) -> str:
    """The export's language: one of ``LANGUAGES``, ``default`` when none is asked for."""
    if value is None or value == "":
        return default
    if value not in current_app.config["LANGUAGES"]:
        raise FilterError("unknown_language")
    return value


def _number(value: str | None, code: str) -> int | None:
    if value is None:
        return None
    if not value.isdigit() or not 0 < int(value) <= MAX_ID:
        raise FilterError(code)
    return int(value)


def _session(value: str | None) -> int | None:
    number = _number(value, "unknown_session")
    if number is not None and db.session.get(LiveSession, number) is None:
        raise FilterError("unknown_session")
    return number


def _circle(value: str | None) -> int | None:
    number = _number(value, "unknown_circle")
    if number is not None and db.session.get(Circle, number) is None:
        raise FilterError("unknown_circle")
    return number


def _module(value: str | None) -> str | None:
    if value is not None and any_module(value) is None:
        raise FilterError("unknown_module")
    return value


def _part(module_id: str | None, value: str | None) -> str | None:
    if value is None:
        return None
    modules = [any_module(module_id)] if module_id else every_module()
    if not any(m is not None and m.part(value) is not None for m in modules):
        raise FilterError("unknown_part")
    return value


def _municipality(value: str | None) -> str | None:
    if value is None:
        return None
    place = municipality(value)
    if place is None:
        raise FilterError("unknown_municipality")
    return place.id


def _organiser(value: str | None) -> str | None:
    """The organiser as the circles spell it; matched without regard to case or spacing."""
    if value is None:
        return None
    wanted = " ".join(value.split()).casefold()
    for organiser in db.session.scalars(sa.select(Circle.organiser).distinct()):
        if organiser.casefold() == wanted:
            return organiser
    raise FilterError("unknown_organiser")


def _tag(value: str | None) -> str | None:
    if value is not None and value not in library().vocabulary.tags:
        raise FilterError("unknown_tag")
    return value


def _flag(value: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise FilterError("invalid_flag")


def _dates(since: str | None, until: str | None) -> dict[str, date | None]:
    first, last = _date(since), _date(until)
    if first is not None and last is not None and first > last:
        raise FilterError("inverted_dates")
    return {"since": first, "until": last}


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError("invalid_date") from None
