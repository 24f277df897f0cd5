"""The step-kind protocol and registry: how ``sessions`` knows step kinds without knowing them.

Each kind (``info``, ``poll``, ``scale``, ``open``, later ``quiz``...) is one object registered
here by its package (``facilitate.dialogue``, ``facilitate.quiz``). Views are plain dicts, ready
to be sent as JSON; texts are rendered in the recipient's language (Swedish as fallback) and the
view carries ``lang``, the language its main text is in.
"""

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from flask_babel import gettext as _

from ..content import Step, Text


class InvalidAnswer(Exception):
    """A value that does not fit the step; ``code`` is the public error code."""

    def __init__(self, code: str = "invalid_value"):
        self.code = code
        super().__init__(code)


class StepKind(Protocol):
    #: The ``kind`` in the module files.
    name: str
    #: Whether participants answer this kind at all.
    answerable: bool
    #: Whether every response counts (open contributions) or only each participant's latest.
    many: bool
    #: Whether revealing the results also closes answering (quizzes: no changes after the
    #: right answer is out). Optional; False when absent.
    closes_on_reveal: bool
    #: Whether the room sees results while answers come in, without a reveal (bars of a poll,
    #: a growing word cloud, open contributions), unless the session hides live results
    #: (``LiveSession.hide_live_results``). Optional; False when absent (quizzes).
    live_results: bool

    def validate(self, step: Step, value: Any) -> Any:
        """The cleaned value, or :class:`InvalidAnswer`."""

    def aggregate(self, step: Step, values: Sequence[Any]) -> dict:
        """Results over the counted values (JSON-ready)."""

    def participant_view(self, step: Step, locale: str, revealed: bool) -> dict:
        """What a phone may show; never a right answer before ``revealed``."""

    def host_view(self, step: Step, locale: str) -> dict:
        """What the leader console shows, leader notes included."""

    def export_rows(self, step: Step, values: Sequence[Any]) -> list[dict]:
        """One row per counted value for spreadsheets."""

    # Optional: ``presented_order(step, seed) -> list[str]``, the order a participant (``seed``
    # is theirs) is shown the options in, recorded with their answer (rankings: shuffled).


def presented_order(step: Step, seed: str) -> list[str] | None:
    """The order of options shown to the participant with ``seed``, for kinds that shuffle
    them per participant; None for the others (the content's order)."""
    order = getattr(kind_of(step), "presented_order", None)
    return order(step, seed) if order else None


_registry: dict[str, StepKind] = {}
#: Session-wide snapshot sections a kind's package adds (the quiz's leaderboard and summary):
#: name → function(session, audience, participant) returning JSON-ready data or None.
#: ``audience`` is "participant", "screen" or "host".
_sections: dict[str, Callable[..., Any]] = {}


def register(kind: StepKind) -> StepKind:
    _registry[kind.name] = kind
    return kind


def register_section(name: str, build: Callable[..., Any]) -> None:
    _sections[name] = build


def sections(session, audience: str, participant=None) -> dict[str, Any]:
    """Every registered section for ``audience``; sections with nothing to show are left out."""
    built = {name: build(session, audience, participant) for name, build in _sections.items()}
    return {name: value for name, value in built.items() if value is not None}


def kind_of(step: Step) -> StepKind:
    """The implementation of ``step.kind``; kinds without one are shown but not answered."""
    return _registry.get(step.kind) or _ShownOnly(step.kind)


def render(text: Text | None, locale: str) -> str | None:
    return text.get(locale) if text is not None else None


def base_view(step: Step, locale: str) -> dict:
    """The fields every kind's view starts with."""
    return {
        "id": step.id,
        "kind": step.kind,
        "prompt": render(step.heading, locale),
        "lang": step.heading.language_for(locale),
        "answerable": kind_of(step).answerable,
    }


def option_views(options, locale: str) -> list[dict]:
    """Options in ``locale``; ``lang`` says which language each text really is in (Swedish
    where it has no translation), so that screen readers read it with the right voice."""
    return [
        {"id": o.id, "text": o.text.get(locale), "lang": o.text.language_for(locale)}
        for o in options
    ]


class _ShownOnly:
    """A step whose kind has no implementation yet: its prompt is shown, nothing is answered."""

    answerable = False
    many = False
    closes_on_reveal = False
    live_results = False

    def __init__(self, name: str):
        self.name = name

    def validate(self, step: Step, value: Any) -> Any:
        raise InvalidAnswer("not_answerable")

    def aggregate(self, step: Step, values: Sequence[Any]) -> dict:
        return {}

    def participant_view(self, step: Step, locale: str, revealed: bool) -> dict:
        return base_view(step, locale)

    def host_view(self, step: Step, locale: str) -> dict:
        return {**base_view(step, locale), "leader_notes": render(step.leader_notes, locale)}

    def export_rows(self, step: Step, values: Sequence[Any]) -> list[dict]:
        return []


def kind_names() -> dict[str, str]:
    """Each step kind's name in the page's language (editor, console, analyst pages, files)."""
    return {
        "info": _("Information"),
        "quiz": _("Quizfråga"),
        "poll": _("Omröstning"),
        "scale": _("Skala"),
        "open": _("Öppen fråga"),
        "wordcloud": _("Ordmoln"),
        "rank": _("Rangordning"),
        "statements": _("Påståenden"),
    }
