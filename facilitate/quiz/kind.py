"""The quiz step kind: choose the right option(s); the answer is revealed and discussed."""

from collections.abc import Sequence
from typing import Any

from ..content import Step
from ..sessions.kinds import InvalidAnswer, base_view, option_views, render
from . import scoring


def question(step: Step) -> scoring.Question:
    return scoring.Question(
        options=tuple(o.id for o in step.options),
        correct=frozenset(o.id for o in step.options if o.correct),
        multiple=step.multiple,
    )


class QuizKind:
    name = "quiz"
    answerable = True
    many = False
    #: Revealing the right answer closes answering: nobody changes an answer after seeing it.
    closes_on_reveal = True
    live_results = False

    def validate(self, step: Step, value: Any) -> Any:
        ids = [o.id for o in step.options]
        if step.multiple:
            if not isinstance(value, list) or not value or len(set(value)) != len(value):
                raise InvalidAnswer()
            if not all(isinstance(v, str) and v in ids for v in value):
                raise InvalidAnswer()
            return [i for i in ids if i in value]
        if not isinstance(value, str) or value not in ids:
            raise InvalidAnswer()
        return value

    def aggregate(self, step: Step, values: Sequence[Any]) -> dict:
        return scoring.statistics(question(step), values)

    def participant_view(self, step: Step, locale: str, revealed: bool) -> dict:
        """Options only; the right answer, explanation and source are added after reveal."""
        view = {
            **base_view(step, locale),
            "multiple": step.multiple,
            "options": option_views(step.options, locale),
        }
        if revealed:
            view.update(self._answer(step, locale))
        return view

    def host_view(self, step: Step, locale: str) -> dict:
        return {
            **self.participant_view(step, locale, revealed=False),
            **self._answer(step, locale),
            "leader_notes": render(step.leader_notes, locale),
        }

    def export_rows(self, step: Step, values: Sequence[Any]) -> list[dict]:
        q = question(step)
        return [{"value": v, "correct": scoring.is_correct(q, v)} for v in values]

    @staticmethod
    def _answer(step: Step, locale: str) -> dict:
        return {
            "correct": [o.id for o in step.options if o.correct],
            "explanation": render(step.explanation, locale),
            "source": {"title": step.source.title, "year": step.source.year, "url": step.source.url}
            if step.source
            else None,
        }
