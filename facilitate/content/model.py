"""Typed, immutable content objects: what a module, a part and a step are once loaded."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

#: The source language: every text has it, and it is the fallback for every other language.
SOURCE_LANGUAGE = "sv"


@dataclass(frozen=True, slots=True)
class Text:
    """A text in several languages; Swedish is always there."""

    values: Mapping[str, str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def language_for(self, locale: str | None) -> str:
        """The language actually shown for ``locale``: the locale itself, or Swedish."""
        return locale if locale in self.values else SOURCE_LANGUAGE

    def get(self, locale: str | None = None) -> str:
        return self.values[self.language_for(locale)]

    def __str__(self) -> str:
        return self.values[SOURCE_LANGUAGE]


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    year: int
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Option:
    """An answer option of a quiz, poll or rank step, or a statement of a statements step."""

    id: str
    text: Text
    #: Only quiz options are ever correct.
    correct: bool = False


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a part. Which fields are set depends on ``kind`` (docs/content-format.md)."""

    id: str
    kind: str
    tags: tuple[str, ...] = ()
    #: What the step is about (a topic id from the vocabulary), apart from the action-plan tags.
    topic: str | None = None
    leader_notes: Text | None = None
    time_limit: int | None = None
    title: Text | None = None
    body: Text | None = None
    prompt: Text | None = None
    options: tuple[Option, ...] = ()
    multiple: bool = False
    explanation: Text | None = None
    source: Source | None = None
    scale_min: int = 1
    scale_max: int = 5
    min_label: Text | None = None
    max_label: Text | None = None
    statements: tuple[Option, ...] = ()
    #: Settings of the step's kind that no other kind has (a points step's ``budget``), as
    #: its kind reads them from the module file (``StepKind.settings``).
    settings: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))

    @property
    def heading(self) -> Text:
        """What the step says first: its prompt, or the title of a step without one (info)."""
        return self.prompt if self.prompt is not None else self.title  # type: ignore[return-value]

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True, slots=True)
class Part:
    id: str
    title: Text
    description: Text
    steps: tuple[Step, ...]
    leader_notes: Text | None = None
    #: How long the part takes, in minutes: (least, most); most equals least for one figure.
    duration: tuple[int, int] | None = None
    #: What the leader needs at hand, shown on the library before the meeting.
    materials: tuple[Text, ...] = ()


@dataclass(frozen=True, slots=True)
class Module:
    id: str
    kind: str
    title: Text
    description: Text
    parts: tuple[Part, ...]
    sources: tuple[Source, ...] = ()

    def part(self, part_id: str) -> Part | None:
        return next((p for p in self.parts if p.id == part_id), None)

    def step(self, step_id: str) -> Step | None:
        return next((s for p in self.parts for s in p.steps if s.id == step_id), None)


@dataclass(frozen=True, slots=True)
class Tag:
    id: str
    group: str
    label: Text


@dataclass(frozen=True, slots=True)
class Topic:
    """What a step is about (gender equality, demography...): a label, not an action-plan tag."""

    id: str
    label: Text


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The action-plan vocabulary: focus areas, development areas and principles; and the
    topics steps may be about."""

    groups: Mapping[str, Text]
    tags: Mapping[str, Tag]
    topics: Mapping[str, Topic] = field(default_factory=dict)

    def in_group(self, group: str) -> tuple[Tag, ...]:
        return tuple(tag for tag in self.tags.values() if tag.group == group)


@dataclass(frozen=True, slots=True)
class Library:
    """Every loaded module, in a stable order, and the vocabulary their tags come from."""

    modules: Mapping[str, Module]
    vocabulary: Vocabulary = field(repr=False)

    def get(self, module_id: str) -> Module | None:
        return self.modules.get(module_id)

    def __iter__(self):
        return iter(self.modules.values())


#: Languages a text is written out in first, in this order; any others follow alphabetically.
LANGUAGE_ORDER = (SOURCE_LANGUAGE, "en", "fi")


def text_document(value: Text) -> dict[str, str]:
    """A text's languages as the module files write them, Swedish first."""
    order = [c for c in LANGUAGE_ORDER if c in value.values]
    order += sorted(c for c in value.values if c not in LANGUAGE_ORDER)
    return {code: value.values[code] for code in order}
