"""The step-kind protocol: everything any feature needs to know about a kind of step.

A kind (``info``, ``poll``, ``quiz``, ``points``...) is one object, an instance of a subclass of
:class:`StepKind`, registered by its own module (:func:`facilitate.steps.register`). Features
below and above ask the kind, never compare its name. The defaults here describe a plain
answerable step where each participant's latest answer counts; a kind overrides what differs.

Views are plain dicts, ready to be sent as JSON; texts are rendered in the recipient's language
(Swedish as fallback) and the view carries ``lang``, the language its main text is in.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..content.model import Step, Text
from ..core.errors import DomainError


class InvalidAnswer(DomainError):
    """A value that does not fit the step; ``code`` is the public error code."""

    def __init__(self, code: str = "invalid_value"):
        super().__init__(code)


@dataclass(frozen=True, slots=True)
class ContentProblem:
    """Something wrong with a step in a module file, found by its kind: ``path`` is below the
    step (``("options",)``), ``message`` English, ``code`` and ``params`` for translated pages
    (the codes of ``content.loader.Problem``)."""

    path: tuple[str | int, ...]
    message: str
    code: str = "invalid"
    params: dict[str, Any] = field(default_factory=dict)
    #: Whether the problem is reported at the step itself (its location) rather than at
    #: ``path`` (where a form still points).
    at_step: bool = False


def render(text: Text | None, locale: str) -> str | None:
    return text.get(locale) if text is not None else None


def option_views(options, locale: str) -> list[dict]:
    """Options in ``locale``; ``lang`` says which language each text really is in (Swedish
    where it has no translation), so that screen readers read it with the right voice."""
    return [
        {"id": o.id, "text": o.text.get(locale), "lang": o.text.language_for(locale)}
        for o in options
    ]


class StepKind:
    """The base of every kind, with the behaviour of an answerable one-answer step."""

    #: The ``kind`` in the module files.
    name: str = ""
    #: The kind's name for people (a lazy string: rendered in the page's language).
    label: Any = ""
    #: Where the kind comes in lists of kinds (the editor's menu): lower first.
    order = 100
    #: Whether participants answer this kind at all.
    answerable = True
    #: Whether every response counts (open contributions) or only each participant's latest.
    #: Sent to the browser in every step view (``many``).
    many = False
    #: Whether each participant's latest answer counts per statement (the step's statements),
    #: and counted values are ``{"participant", "statement", "reaction"}``.
    per_statement = False
    #: Whether revealing the results also closes answering (quizzes).
    closes_on_reveal = False
    #: Whether the room sees results while answers come in, without a reveal, unless the
    #: session hides live results (``LiveSession.hide_live_results``).
    live_results = False
    #: Whether options have right answers (quiz): the quiz timer, quiz counts, the
    #: knowledge section of reports, ``correct`` in exports.
    scored = False
    #: Whether the step asks the room what it thinks (counted as a prompt in the library).
    asks_opinion = False
    #: Whether the step's participants may propose statements the leader approves.
    takes_proposals = False
    #: Whether a report quotes the step's contributions.
    quoted = False
    #: JSON Schema (a mapping of the kind's own keys to their schemas, plus optional
    #: ``required``) of a kind that is not in ``content/schema.json``; the loader adds it.
    content_schema: dict | None = None

    # --- answers --------------------------------------------------------------------------

    def validate(self, step: Step, value: Any) -> Any:
        """The cleaned value, or :class:`InvalidAnswer`."""
        raise InvalidAnswer("not_answerable")

    def aggregate(self, step: Step, values: Sequence[Any]) -> dict:
        """Results over the counted values (:func:`facilitate.steps.counted`), JSON-ready."""
        return {}

    def counted_value(self, participant: Any, statement: str | None, value: Any) -> Any:
        """What one counted response of a one-answer kind is to :meth:`aggregate`."""
        if self.per_statement:
            return {"participant": participant, "statement": statement, "reaction": value}
        return value

    def own_answer(self, values: list[Any], statements: list[str | None]) -> Any:
        """A participant's answer as their phone (or the leader's group list) shows it, from
        their responses' values oldest first (and the statements they answer)."""
        if self.per_statement:
            return dict(zip(statements, values, strict=True)) or None
        return values[-1] if values else None

    def sample_answer(self, step: Step, rng) -> Any:
        """A valid answer a simulated phone sends (tests, demos, load runs); ``rng`` is a
        ``random.Random``. None for kinds nobody answers."""
        return None

    def presented_order(self, step: Step, seed: str) -> list[str] | None:
        """The order of options shown to the participant with ``seed``, recorded with their
        answer; None: the content's order."""
        return None

    def with_proposals(self, step: Step, approved: tuple) -> Step:
        """The step as a session runs it, with the statements the leader approved."""
        return step

    # --- views ----------------------------------------------------------------------------

    def base_view(self, step: Step, locale: str) -> dict:
        """The fields every kind's view starts with."""
        return {
            "id": step.id,
            "kind": step.kind,
            "prompt": render(step.heading, locale),
            "lang": step.heading.language_for(locale),
            "answerable": self.answerable,
            "many": self.many,
        }

    def participant_view(self, step: Step, locale: str, revealed: bool) -> dict:
        """What a phone may show; never a right answer before ``revealed``."""
        return self.base_view(step, locale)

    def host_view(self, step: Step, locale: str) -> dict:
        """What the leader console shows, leader notes included."""
        return {
            **self.participant_view(step, locale, revealed=True),
            "leader_notes": render(step.leader_notes, locale),
        }

    # --- module files ---------------------------------------------------------------------

    def check_content(self, raw: dict) -> Iterable[ContentProblem]:
        """Problems of a schema-checked step (a mapping from a module file) the schema cannot
        see; nothing by default."""
        return ()

    def settings(self, raw: dict) -> dict[str, Any]:
        """The kind's own settings from a schema-checked step (``Step.settings``)."""
        return {}

    def content_document(self, step: Step) -> dict[str, Any]:
        """The step's keys between ``kind`` and ``tags``, in the schema's order."""
        from ..content.model import text_document as text

        data: dict[str, Any] = {"prompt": text(step.prompt)}  # type: ignore[arg-type]
        if step.time_limit is not None:
            data["time_limit"] = step.time_limit
        return data

    # --- exports --------------------------------------------------------------------------

    def export_rows(self, step: Step, values: Sequence[Any]) -> list[dict]:
        """One row per counted value for spreadsheets (``value``, and ``statement``,
        ``correct``, ``votes`` where they apply)."""
        return [{"value": value} for value in values]

    def value_text(self, step: Step, value: Any, localized) -> str:
        """A value in words, ``localized`` turning a :class:`Text` into the export's
        language."""
        return "" if value is None else str(value)

    def summary_table(self, step: Step, results: dict, threshold: int, enough: bool):
        """The distribution of a summary (:class:`facilitate.steps.summary.Table`), or None."""
        return None

    def summary_figures(self, results: dict) -> dict[str, Any]:
        """Figures of a summary shown beside the table: ``mean``, ``correct_share``."""
        return {}

    def headline(self, summary, words) -> str | None:
        """A summary's result in a few words (``words``: :class:`summary.Words`), or None."""
        return None

    def column_headings(self) -> dict[str, str]:
        """Headings of table columns only this kind uses, by column code."""
        return {}

    def messages(self) -> dict[str, Any]:
        """Messages of the error codes only this kind's ``validate`` gives: code → function
        returning the message in the current language."""
        return {}
