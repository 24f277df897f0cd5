"""The quiz step kind: choose the right option(s); the answer is revealed and discussed.
Registered at the end of this file, which :mod:`facilitate.steps` finds by itself."""

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..content import Step
from ..content.model import text_document as text
from ..steps import ContentProblem, InvalidAnswer, StepKind, option_views, register, render
from ..steps.summary import Table, small
from . import scoring


def question(step: Step) -> scoring.Question:
    return scoring.Question(
        options=tuple(o.id for o in step.options),
        correct=frozenset(o.id for o in step.options if o.correct),
        multiple=step.multiple,
    )


class QuizKind(StepKind):
    name = "quiz"
    order = 10
    label = _l("Quizfråga")
    #: Revealing the right answer closes answering: nobody changes an answer after seeing it.
    closes_on_reveal = True
    live_results = False
    scored = True

    def sample_answer(self, step: Step, rng) -> Any:
        ids = [o.id for o in step.options]
        return (
            sorted(rng.sample(ids, rng.randint(1, len(ids)))) if step.multiple else rng.choice(ids)
        )

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
            **self.base_view(step, locale),
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

    def check_content(self, raw: dict):
        correct = sum(1 for option in raw["options"] if option.get("correct"))
        if not raw.get("multiple") and correct != 1:
            yield ContentProblem(
                ("options",),
                f"a single-choice quiz needs exactly one correct option, found {correct}",
                "quiz_single_correct",
                {"found": correct},
            )
        elif raw.get("multiple") and not 0 < correct < len(raw["options"]):
            yield ContentProblem(
                ("options",),
                "a multiple-choice quiz needs at least one correct and one incorrect option, "
                f"found {correct} correct of {len(raw['options'])}",
                "quiz_multiple_correct",
                {"found": correct, "total": len(raw["options"])},
            )

    def content_document(self, step: Step) -> dict[str, Any]:
        data = super().content_document(step)
        data["options"] = [
            {"id": o.id, "text": text(o.text), **({"correct": True} if o.correct else {})}
            for o in step.options
        ]
        if step.multiple:
            data["multiple"] = True
        data["explanation"] = text(step.explanation)  # type: ignore[arg-type]
        source = step.source
        data["source"] = {"title": source.title, "year": source.year}  # type: ignore[union-attr]
        if source.url:  # type: ignore[union-attr]
            data["source"]["url"] = source.url  # type: ignore[union-attr]
        return data

    def value_text(self, step: Step, value: Any, localized) -> str:
        if value is None:
            return ""
        ids = value if isinstance(value, list) else [value]
        return "; ".join(localized(o.text) if (o := step.option(i)) else str(i) for i in ids)

    def summary_table(self, step: Step, results: dict, threshold: int, enough: bool) -> Table:
        counts = results.get("counts", {})
        return Table(
            ["option", "count", "correct"],
            [[o.text, small(counts.get(o.id, 0), threshold), o.correct] for o in step.options],
        )

    def summary_figures(self, results: dict) -> dict[str, Any]:
        return {"correct_share": results.get("correct_share")}

    def headline(self, summary, words) -> str | None:
        return _("Andel rätt") + ": " + words.percent(summary.correct_share)

    @staticmethod
    def _answer(step: Step, locale: str) -> dict:
        return {
            "correct": [o.id for o in step.options if o.correct],
            "explanation": render(step.explanation, locale),
            "source": {"title": step.source.title, "year": step.source.year, "url": step.source.url}
            if step.source
            else None,
        }


register(QuizKind())
