"""The step-kind protocol now lives below every feature, in :mod:`facilitate.steps`; these
names stay importable from here for the code that still does."""

from ..content import Step
from ..steps import (
    InvalidAnswer,
    StepKind,
    kind_names,
    kind_of,
    option_views,
    presented_order,
    register,
    register_section,
    render,
    sections,
)


def base_view(step: Step, locale: str) -> dict:
    """The fields every kind's view starts with."""
    return kind_of(step).base_view(step, locale)


__all__ = [
    "InvalidAnswer",
    "StepKind",
    "base_view",
    "kind_names",
    "kind_of",
    "option_views",
    "presented_order",
    "register",
    "register_section",
    "render",
    "sections",
]
