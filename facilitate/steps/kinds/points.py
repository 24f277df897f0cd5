"""The ``points`` kind, "Fördela 100 poäng": each participant distributes a budget of points
(100 unless the step sets ``budget``) over the options; each person's latest distribution
counts. Results are the total and mean points per option.

Everything about the kind is in this file (and its browser module,
``static/js/kinds/points.js``): registering it is importing it, which
:func:`facilitate.steps.discover` does by itself.
"""

from collections.abc import Sequence
from typing import Any, ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...content import Step
from ...content.model import text_document as text
from ...core.numbers import whole_number
from ..protocol import InvalidAnswer, StepKind, option_views
from ..registry import register
from ..summary import Table, amount

#: Points to distribute when the step does not say.
DEFAULT_BUDGET = 100
#: The largest budget a step may set.
MAX_BUDGET = 1000


def budget(step: Step) -> int:
    return step.settings.get("budget", DEFAULT_BUDGET)


class PointsKind(StepKind):
    name = "points"
    order = 65
    label = _l("Fördela poäng")
    asks_opinion = True
    live_results = True
    content_schema: ClassVar[dict] = {
        "required": ["options"],
        "properties": {
            "options": {
                "type": "array",
                "minItems": 2,
                "maxItems": 10,
                "items": {"$ref": "#/$defs/choice"},
            },
            "budget": {"type": "integer", "minimum": 1, "maximum": MAX_BUDGET},
        },
    }

    # --- answers --------------------------------------------------------------------------

    def validate(self, step: Step, value: Any) -> Any:
        """``{"option id": points}``: whole numbers from 0, every option at most once (a
        missing one has 0), summing to the budget. Returned with every option, in order."""
        if not isinstance(value, dict):
            raise InvalidAnswer("invalid_points")
        ids = [o.id for o in step.options]
        if any(key not in ids for key in value):
            raise InvalidAnswer("invalid_points")
        clean = {}
        for option in ids:
            points = whole_number(value.get(option, 0))
            if points is None or points < 0:
                raise InvalidAnswer("invalid_points")
            clean[option] = points
        if sum(clean.values()) != budget(step):
            raise InvalidAnswer("points_sum")
        return clean

    def aggregate(self, step: Step, values: Sequence[Any]) -> dict:
        ids = [o.id for o in step.options]
        totals = {option: sum(v.get(option, 0) for v in values) for option in ids}
        n = len(values)
        return {
            "respondents": n,
            "budget": budget(step),
            "totals": totals,
            "means": {option: round(totals[option] / n, 1) if n else None for option in ids},
            "order": sorted(ids, key=lambda option: (-totals[option], ids.index(option))),
        }

    def sample_answer(self, step: Step, rng) -> Any:
        cuts = sorted(rng.randint(0, budget(step)) for _ in step.options[1:])
        edges = [0, *cuts, budget(step)]
        return {o.id: edges[i + 1] - edges[i] for i, o in enumerate(step.options)}

    # --- views ----------------------------------------------------------------------------

    def participant_view(self, step: Step, locale: str, revealed: bool) -> dict:
        return {
            **self.base_view(step, locale),
            "budget": budget(step),
            "options": option_views(step.options, locale),
        }

    # --- module files ---------------------------------------------------------------------

    def settings(self, raw: dict) -> dict[str, Any]:
        return {"budget": raw["budget"]} if "budget" in raw else {}

    def content_document(self, step: Step) -> dict[str, Any]:
        data = super().content_document(step)
        data["options"] = [{"id": o.id, "text": text(o.text)} for o in step.options]
        if "budget" in step.settings:
            data["budget"] = step.settings["budget"]
        return data

    # --- exports --------------------------------------------------------------------------

    def value_text(self, step: Step, value: Any, localized) -> str:
        if not isinstance(value, dict):
            return "" if value is None else str(value)
        return "; ".join(
            f"{localized(o.text)}: {value.get(o.id, 0)}" for o in step.options if o.id in value
        )

    def summary_table(self, step: Step, results: dict, threshold: int, enough: bool) -> Table:
        totals, means = results["totals"], results["means"]
        return Table(
            ["option", "total_points", "mean_points"],
            [
                [o.text, totals[o.id] if enough else None, means[o.id] if enough else None]
                for o in sorted(step.options, key=lambda o: results["order"].index(o.id))
            ],
        )

    def headline(self, summary, words) -> str | None:
        rows = summary.table.rows if summary.table else []
        if not rows or not amount(rows[0][1]):
            return None
        return _(
            "Flest poäng: %(option)s (%(points)s)",
            option=words.cell_text(rows[0][0]),
            points=words.cell_text(rows[0][1]),
        )

    def column_headings(self) -> dict[str, str]:
        return {"total_points": _("Poäng totalt"), "mean_points": _("Medelpoäng")}

    def messages(self) -> dict:
        return {
            "invalid_points": lambda: _("Ge varje alternativ ett helt antal poäng, 0 eller fler."),
            "points_sum": lambda: _("Fördela precis alla poäng: summan ska bli budgeten."),
        }


register(PointsKind())
