"""The words of the files for the preparation group, in the export's language (Swedish unless
asked otherwise: the language of the action-plan process); :func:`operations.export` sets it."""

from typing import Any

from flask_babel import gettext as _

from ..authoring.queries import any_module
from ..circles.municipalities import municipality
from ..content import library
from ..content.model import Text
from ..core.i18n import localized, number
from ..core.i18n import percent as percent
from ..steps import column_headings as kind_column_headings
from ..steps import kind_names as kind_names
from .summaries import Fewer


def column_headings() -> dict[str, str]:
    """The headings of a question's distribution table, by column."""
    return {
        "option": _("Alternativ"),
        "value": _("Värde"),
        "word": _("Ord"),
        "statement": _("Påstående"),
        "count": _("Antal"),
        "correct": _("Rätt svar"),
        "points": _("Borda-poäng"),
        "position": _("Medelplacering"),
        "agree": _("Håller med"),
        "disagree": _("Håller inte med"),
        "pass": _("Pass"),
        "agreement": _("Andel som håller med"),
        **kind_column_headings(),
    }


def response_headings() -> dict[str, str]:
    """The headings of the raw response columns (:data:`tabular.COLUMNS`), in words."""
    return {
        "session": _("Session"),
        # i18n: a column heading: the circle's number in facilitate
        "circle_id": _("Cirkelns nummer"),
        "circle": _("Cirkel"),
        "municipality": _("Kommun"),
        "organiser": _("Arrangör"),
        "module": _("Modul"),
        "part": _("Del"),
        "step": _("Steg"),
        "kind": _("Typ"),
        "prompt": _("Fråga"),
        "participant": _("Deltagare (pseudonym)"),
        "value": _("Svar (id)"),
        "value_text": _("Svar i ord"),
        "statement": _("Påstående (id)"),
        "statement_text": _("Påstående"),
        "correct": _("Rätt"),
        "votes": _("Röster"),
        "theme": _("Tema"),
        "tags": _("Taggar"),
        "time": _("Tid"),
        "hidden": _("Dold"),
        "awaiting_approval": _("Väntar på godkännande"),
        "entered_by_leader": _("Inmatat av ledaren"),
        "merged_into": _("Sammanslaget med"),
        "response": _("Svarets nummer"),
        # i18n: a column heading: the server an imported session was run on
        "origin": _("Ursprung"),
    }


def tag_names(tags) -> str:
    """Tag ids as their names in the export's language, ``; `` between them."""
    vocabulary = library().vocabulary.tags
    return "; ".join(localized(vocabulary[t].label) if t in vocabulary else t for t in tags)


def filter_names() -> dict[str, str]:
    return {
        "session": _("Session"),
        "circle": _("Cirkel"),
        "module": _("Modul"),
        "part": _("Del"),
        "municipality": _("Kommun"),
        "organiser": _("Arrangör"),
        "since": _("Från och med"),
        "until": _("Till och med"),
        "tag": _("Tagg"),
        "include_hidden": _("Dolda bidrag med"),
    }


def yes(value: bool) -> str:
    # i18n: a table cell meaning "this is so" (the correct option, a filter that is on)
    return _("ja") if value else ""


#: Characters XML (and so XLSX and DOCX) cannot hold; removed from participants' texts.
_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def printable(text: str) -> str:
    return text.translate(_CONTROL)


def cell_text(value: Any, column: str | None = None) -> str:
    """A summary cell in words: texts in the export's language, shares as per cent, suppressed
    counts as "färre än 3", nothing as a dash."""
    if value is None:
        return "–"
    if isinstance(value, Fewer):
        return str(value)
    if isinstance(value, Text):
        return printable(localized(value))
    if isinstance(value, bool):
        return yes(value)
    if column == "agreement" and isinstance(value, float):
        return percent(value)
    if isinstance(value, float):
        return number(value, 2)
    return printable(str(value))


def filter_lines(dataset) -> list[str]:
    """The dataset's filter as ``Name: value`` lines, ids in words."""
    filters = dataset.filter.as_dict()
    if not filters:
        return [_("Alla sessioner som har startat")]
    names = filter_names()
    return [
        f"{names.get(key, key)}: {_filter_value(dataset, key, value)}"
        for key, value in filters.items()
    ]


def _filter_value(dataset, key: str, value: Any) -> str:
    vocabulary = library().vocabulary.tags
    module = any_module(dataset.filter.module or "")
    if value is True:
        return yes(value)
    if key == "module" and module is not None:
        return localized(module.title)
    if key == "part" and module is not None and module.part(value) is not None:
        return localized(module.part(value).title)
    if key == "municipality" and (place := municipality(value)) is not None:
        return place.name
    if key == "tag" and value in vocabulary:
        return localized(vocabulary[value].label)
    if key == "circle":
        names = {c.id: c.name for c in dataset.circles}
        return names.get(value, str(value))
    return str(value)
