"""The registry of step kinds, filled by the kinds themselves.

A kind's module calls :func:`register` when imported. :func:`discover` imports, once, every module
of :mod:`facilitate.steps.kinds` and every ``kind.py`` or ``kinds.py`` of a feature package
(``facilitate/quiz/kind.py``, ``facilitate/dialogue/kinds.py``), so adding a kind is adding a
file: no shared list names it.
"""

import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..content.model import Step
from .protocol import StepKind

_registry: dict[str, StepKind] = {}
#: Session-wide snapshot sections a kind's package adds (the quiz's leaderboard and summary):
#: name → function(session, audience, participant) returning JSON-ready data or None.
#: ``audience`` is "participant", "screen" or "host".
_sections: dict[str, Callable[..., Any]] = {}
_discovered = False
#: The module files a feature package may hold its kinds in.
FEATURE_KIND_MODULES = ("kind", "kinds")


def register(kind: StepKind) -> StepKind:
    _registry[kind.name] = kind
    return kind


def register_section(name: str, build: Callable[..., Any]) -> None:
    _sections[name] = build


def discover() -> None:
    """Import every kind module once (see the module's docstring)."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    own = importlib.import_module(f"{__package__}.kinds")

    for found in pkgutil.iter_modules(own.__path__):
        importlib.import_module(f"{own.__name__}.{found.name}")
    root = Path(__file__).resolve().parent.parent
    for package in sorted(p for p in root.iterdir() if (p / "__init__.py").is_file()):
        for name in FEATURE_KIND_MODULES:
            if (package / f"{name}.py").is_file():
                importlib.import_module(f"facilitate.{package.name}.{name}")


def all_kinds() -> dict[str, StepKind]:
    """Every registered kind by name, in their ``order`` (the editor's, the schema's)."""
    discover()
    return dict(sorted(_registry.items(), key=lambda item: (item[1].order, item[0])))


def kind_named(name: str) -> StepKind:
    """The kind called ``name``; kinds without an implementation are shown but not answered."""
    discover()
    return _registry.get(name) or _ShownOnly(name)


def kind_of(step: Step) -> StepKind:
    """The implementation of ``step.kind``; kinds without one are shown but not answered."""
    return kind_named(step.kind)


def quiz_count(part) -> int:
    """The steps of ``part`` with right answers (quiz questions)."""
    return sum(1 for step in part.steps if kind_of(step).scored)


def prompt_count(part) -> int:
    """The steps of ``part`` that ask the room what it thinks."""
    return sum(1 for step in part.steps if kind_of(step).asks_opinion)


def presented_order(step: Step, seed: str) -> list[str] | None:
    """The order of options shown to the participant with ``seed``, for kinds that shuffle
    them per participant; None for the others (the content's order)."""
    return kind_of(step).presented_order(step, seed)


def sections(session, audience: str, participant=None) -> dict[str, Any]:
    """Every registered section for ``audience``; sections with nothing to show are left out."""
    discover()
    built = {name: build(session, audience, participant) for name, build in _sections.items()}
    return {name: value for name, value in built.items() if value is not None}


def kind_names() -> dict[str, str]:
    """Each step kind's name in the page's language (editor, console, analyst pages, files)."""
    return {name: str(each.label) for name, each in all_kinds().items()}


def column_headings() -> dict[str, str]:
    """The table column headings the kinds add, by column code."""
    found: dict[str, str] = {}
    for each in all_kinds().values():
        found.update(each.column_headings())
    return found


def kind_message(code: str):
    """The function giving the message of an error code a kind brought, or None."""
    for each in all_kinds().values():
        found = each.messages().get(code)
        if found is not None:
            return found
    return None


class _ShownOnly(StepKind):
    """A step whose kind has no implementation: its prompt is shown, nothing is answered."""

    answerable = False

    def __init__(self, name: str):
        self.name = name
        self.label = name
