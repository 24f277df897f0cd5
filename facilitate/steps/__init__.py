"""Step kinds as plug-ins: the protocol (:class:`StepKind`), the registry the kinds fill
(:func:`register`, :func:`kind_of`) and the one counting rule (:func:`counted`).

Below every feature: ``content``, ``sessions``, ``exports``, ``analysis``, ``authoring`` ask a
step's kind, never its name. See docs/architecture.md, "How to add a step kind".
"""

from ..core.messages import register_messages
from .counting import contribution_values, counted, counted_values
from .protocol import ContentProblem, InvalidAnswer, StepKind, option_views, render
from .registry import (
    all_kinds,
    column_headings,
    kind_message,
    kind_named,
    kind_names,
    kind_of,
    presented_order,
    prompt_count,
    quiz_count,
    register,
    register_section,
    sections,
)

# The error messages kinds bring are found wherever a code's message is asked for.
register_messages(kind_message)

__all__ = [
    "ContentProblem",
    "InvalidAnswer",
    "StepKind",
    "all_kinds",
    "column_headings",
    "contribution_values",
    "counted",
    "counted_values",
    "kind_named",
    "kind_names",
    "kind_of",
    "option_views",
    "presented_order",
    "prompt_count",
    "quiz_count",
    "register",
    "register_section",
    "render",
    "sections",
]
