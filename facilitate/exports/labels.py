"""Swedish words of the files for the preparation group (the XLSX and the DOCX report are in
Swedish, the language of the action-plan process)."""

from typing import Any

from ..authoring.queries import any_module
from ..circles.municipalities import municipality
from ..content import library
from ..content.model import Text
from .summaries import Fewer

COLUMN_HEADINGS = {
    "option": "Alternativ",
    "value": "Värde",
    "word": "Ord",
    "statement": "Påstående",
    "count": "Antal",
    "correct": "Rätt svar",
    "points": "Borda-poäng",
    "position": "Medelplacering",
    "agree": "Håller med",
    "disagree": "Håller inte med",
    "pass": "Pass",
    "agreement": "Andel som håller med",
}

KIND_NAMES = {
    "quiz": "Quizfråga",
    "poll": "Omröstning",
    "scale": "Skala",
    "open": "Öppen fråga",
    "wordcloud": "Ordmoln",
    "rank": "Rangordning",
    "statements": "Påståenden",
    "info": "Information",
}

FILTER_NAMES = {
    "session": "Session",
    "circle": "Cirkel",
    "module": "Modul",
    "part": "Del",
    "municipality": "Kommun",
    "organiser": "Arrangör",
    "since": "Från och med",
    "until": "Till och med",
    "tag": "Tagg",
    "include_hidden": "Dolda bidrag med",
}

#: Characters XML (and so XLSX and DOCX) cannot hold; removed from participants' texts.
_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def printable(text: str) -> str:
    return text.translate(_CONTROL)


def cell_text(value: Any, column: str | None = None) -> str:
    """A summary cell in words: texts in Swedish, shares as per cent, suppressed counts as
    "färre än 3", nothing as a dash."""
    if value is None:
        return "–"
    if isinstance(value, Fewer):
        return str(value)
    if isinstance(value, Text):
        return printable(str(value))
    if isinstance(value, bool):
        return "ja" if value else ""
    if column == "agreement" and isinstance(value, float):
        return percent(value)
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return printable(str(value))


def percent(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)} %"


def filter_lines(dataset) -> list[str]:
    """The dataset's filter as ``Name: value`` lines, ids in words."""
    filters = dataset.filter.as_dict()
    if not filters:
        return ["Alla sessioner som har startat"]
    return [
        f"{FILTER_NAMES.get(key, key)}: {_filter_value(dataset, key, value)}"
        for key, value in filters.items()
    ]


def _filter_value(dataset, key: str, value: Any) -> str:
    vocabulary = library().vocabulary.tags
    module = any_module(dataset.filter.module or "")
    if value is True:
        return "ja"
    if key == "module" and module is not None:
        return str(module.title)
    if key == "part" and module is not None and module.part(value) is not None:
        return str(module.part(value).title)
    if key == "municipality" and (place := municipality(value)) is not None:
        return place.name
    if key == "tag" and value in vocabulary:
        return str(vocabulary[value].label)
    if key == "circle":
        names = {c.id: c.name for c in dataset.circles}
        return names.get(value, str(value))
    return str(value)
