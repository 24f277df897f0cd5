"""Load ``modules/`` into immutable content objects, or say exactly what is wrong.

Every problem is reported as ``file: location: message`` (:class:`Problem`). Loading is
all-or-nothing: :func:`load_library` raises :class:`ContentError` listing every problem, so the app
never runs with half its content.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from .model import (
    SOURCE_LANGUAGE,
    Library,
    Module,
    Option,
    Part,
    Source,
    Step,
    Tag,
    Text,
    Vocabulary,
)

MODULE_FILE = "module.yaml"
#: Content files are small; a larger one is a mistake, not a module.
MAX_FILE_BYTES = 1024 * 1024
#: A scale has at most this many points (0–10).
MAX_SCALE_POINTS = 11


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.location}: {self.message}"


class ContentError(Exception):
    """The content has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- public entry points ------------------------------------------------------------------------


def load_library(root: str | Path) -> Library:
    """Load every module folder under ``root``; raise :class:`ContentError` on any problem."""
    root = Path(root)
    if not root.is_dir():
        raise ContentError([Problem(str(root), "-", "the modules folder does not exist")])
    checker = _Checker(load_vocabulary())
    modules = [checker.module(folder / MODULE_FILE) for folder in _module_folders(root)]
    if checker.problems:
        raise ContentError(checker.problems)
    return Library(
        modules=MappingProxyType({m.id: m for m in modules if m is not None}),
        vocabulary=checker.vocabulary,
    )


def validate_paths(paths: Iterable[str | Path]) -> list[Problem]:
    """Check modules without loading an app: module folders, ``module.yaml`` files, folders of
    module folders, or single part files. Returns every problem found."""
    checker = _Checker(load_vocabulary())
    for path in map(Path, paths):
        if path.is_dir() and (path / MODULE_FILE).is_file():
            checker.module(path / MODULE_FILE)
        elif path.is_dir():
            folders = list(_module_folders(path))
            if not folders:
                checker.report(path, "-", f"no {MODULE_FILE} here or in any folder below")
            for folder in folders:
                checker.module(folder / MODULE_FILE)
        elif path.name == MODULE_FILE:
            checker.module(path)
        elif path.is_file():
            checker.part(path, seen_steps={})
        else:
            checker.report(path, "-", "no such file or folder")
    return checker.problems


@cache
def load_vocabulary() -> Vocabulary:
    """The action-plan vocabulary shipped with the package (``vocabulary.yaml``)."""
    data = yaml.safe_load(
        resources.files(__package__).joinpath("vocabulary.yaml").read_text("utf-8")
    )
    return Vocabulary(
        groups=MappingProxyType({g["id"]: Text(g["label"]) for g in data["groups"]}),
        tags=MappingProxyType(
            {
                t["id"]: Tag(id=t["id"], group=t["group"], label=Text(t["label"]))
                for t in data["tags"]
            }
        ),
    )


@cache
def _schema_validator(definition: str) -> Draft202012Validator:
    schema = json.loads(resources.files(__package__).joinpath("schema.json").read_text("utf-8"))
    return Draft202012Validator({**schema, "$ref": f"#/$defs/{definition}"})


def _module_folders(root: Path) -> Iterator[Path]:
    return (p for p in sorted(root.iterdir()) if p.is_dir() and (p / MODULE_FILE).is_file())


# --- checking and building ----------------------------------------------------------------------


class _Checker:
    """Collects problems while turning files into content objects."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.problems: list[Problem] = []
        self._module_ids: dict[str, Path] = {}

    def report(self, file: Path, location: str, message: str) -> None:
        self.problems.append(Problem(str(file), location, message))

    def module(self, path: Path) -> Module | None:
        data = self._read(path, "module")
        if data is None:
            return None
        if data["id"] != path.parent.name:
            self.report(path, "id", f"must equal the folder name {path.parent.name!r}")
        if data["id"] in self._module_ids:
            self.report(
                path, "id", f"{data['id']!r} is also the id of {self._module_ids[data['id']]}"
            )
        self._module_ids[data["id"]] = path
        seen_steps: dict[str, str] = {}
        seen_parts: set[str] = set()
        parts = []
        for index, name in enumerate(data["parts"]):
            part_path = path.parent / name
            if not part_path.is_file():
                self.report(path, f"parts[{index}]", f"part file {name!r} does not exist")
                continue
            part = self.part(part_path, seen_steps)
            if part is None:
                continue
            if part.id in seen_parts:
                self.report(part_path, "id", f"part id {part.id!r} is used twice in the module")
            seen_parts.add(part.id)
            parts.append(part)
        return Module(
            id=data["id"],
            kind=data["kind"],
            title=Text(data["title"]),
            description=Text(data["description"]),
            parts=tuple(parts),
            sources=tuple(_source(s) for s in data.get("sources", ())),
        )

    def part(self, path: Path, seen_steps: dict[str, str]) -> Part | None:
        """Check and build one part; ``seen_steps`` maps step ids of the module to their files."""
        data = self._read(path, "part")
        if data is None:
            return None
        steps = []
        for index, raw in enumerate(data["steps"]):
            where = f"steps[{index}] ({raw['id']})"
            if raw["id"] in seen_steps:
                self.report(
                    path,
                    f"{where}.id",
                    f"step id {raw['id']!r} is already used in {seen_steps[raw['id']]}",
                )
            seen_steps[raw["id"]] = str(path)
            self._check_step(path, where, raw)
            steps.append(_step(raw))
        return Part(
            id=data["id"],
            title=Text(data["title"]),
            description=Text(data["description"]),
            leader_notes=_text(data.get("leader_notes")),
            steps=tuple(steps),
        )

    def _read(self, path: Path, definition: str) -> dict | None:
        """Parse a YAML file and check it against the schema; None (and problems) if it fails."""
        if path.stat().st_size > MAX_FILE_BYTES:
            self.report(path, "-", f"file is larger than {MAX_FILE_BYTES // 1024} KiB")
            return None
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as error:
            self.report(path, f"byte {error.start}", "file is not UTF-8 text")
            return None
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            location = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "-"
            reason = getattr(error, "problem", None) or str(error)
            self.report(path, location, f"not valid YAML: {reason}")
            return None
        if not isinstance(data, dict):
            self.report(
                path, "-", f"expected a mapping of keys to values, found {_type_name(data)}"
            )
            return None
        errors = _significant(_schema_validator(definition).iter_errors(data))
        for error in errors:
            self.report(path, _location(data, error.absolute_path), _message(error))
        return None if errors else data

    def _check_step(self, path: Path, where: str, raw: dict) -> None:
        for index, tag in enumerate(raw.get("tags", ())):
            if tag not in self.vocabulary.tags:
                self.report(
                    path, f"{where}.tags[{index}]", f"unknown tag {tag!r} (see vocabulary.yaml)"
                )
        for key in ("options", "statements"):
            ids = [item["id"] for item in raw.get(key, ())]
            for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
                self.report(path, f"{where}.{key}", f"id {duplicate!r} is used twice")
        if raw["kind"] == "quiz":
            correct = sum(1 for option in raw["options"] if option.get("correct"))
            if not raw.get("multiple") and correct != 1:
                self.report(
                    path,
                    f"{where}.options",
                    f"a single-choice quiz needs exactly one correct option, found {correct}",
                )
            elif raw.get("multiple") and not 0 < correct < len(raw["options"]):
                self.report(
                    path,
                    f"{where}.options",
                    "a multiple-choice quiz needs at least one correct and one incorrect option, "
                    f"found {correct} correct of {len(raw['options'])}",
                )
        if raw["kind"] == "scale":
            low, high = raw.get("min", 1), raw.get("max", 5)
            if not low < high or high - low + 1 > MAX_SCALE_POINTS:
                self.report(
                    path,
                    where,
                    f"a scale needs min < max and at most {MAX_SCALE_POINTS} points, "
                    f"got {low}–{high}",
                )


def _text(raw: dict | None) -> Text | None:
    return Text(raw) if raw is not None else None


def _source(raw: dict) -> Source:
    return Source(title=raw["title"], year=raw["year"], url=raw.get("url"))


def _options(raw: list[dict]) -> tuple[Option, ...]:
    return tuple(Option(o["id"], Text(o["text"]), bool(o.get("correct", False))) for o in raw)


def _step(raw: dict) -> Step:
    return Step(
        id=raw["id"],
        kind=raw["kind"],
        tags=tuple(raw.get("tags", ())),
        leader_notes=_text(raw.get("leader_notes")),
        time_limit=raw.get("time_limit"),
        title=_text(raw.get("title")),
        body=_text(raw.get("body")),
        prompt=_text(raw.get("prompt")),
        options=_options(raw.get("options", ())),
        multiple=bool(raw.get("multiple", False)),
        explanation=_text(raw.get("explanation")),
        source=_source(raw["source"]) if "source" in raw else None,
        scale_min=raw.get("min", 1),
        scale_max=raw.get("max", 5),
        min_label=_text(raw.get("min_label")),
        max_label=_text(raw.get("max_label")),
        statements=_options(raw.get("statements", ())),
    )


# --- error wording ------------------------------------------------------------------------------


def _location(data: Any, path: Iterable) -> str:
    """``steps[3] (quiz-id).options[1].text``: list items of steps get their id for the reader."""
    parts: list[str] = []
    node = data
    for key in path:
        if isinstance(key, int):
            label = f"[{key}]"
            node = node[key] if isinstance(node, list) and key < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str) and parts == ["steps"]:
                label += f" ({node['id']})"
            parts[-1] += label
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts) or "-"


def _significant(errors: Iterable[ValidationError]) -> list[ValidationError]:
    """Errors in document order, without the "unevaluated keys" echo of an error inside a key:
    when a key's value is wrong, the schema also counts the key itself as unexpected."""
    errors = sorted(errors, key=lambda e: [str(p) for p in e.absolute_path])
    paths = [tuple(e.absolute_path) for e in errors if e.validator != "unevaluatedProperties"]
    return [
        e
        for e in errors
        if e.validator != "unevaluatedProperties"
        or not any(
            p[: len(e.absolute_path)] == tuple(e.absolute_path) and len(p) > len(e.absolute_path)
            for p in paths
        )
    ]


def _message(error: ValidationError) -> str:
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        if missing == SOURCE_LANGUAGE:
            return "missing the Swedish text ('sv'), the source language"
        return f"missing required key {missing!r}"
    if error.validator == "unevaluatedProperties":
        return f"unknown key(s) for this kind of step: {error.message.split('(')[-1].rstrip(')')}"
    if error.validator == "additionalProperties":
        return f"unknown key(s): {error.message.split('(')[-1].rstrip(')')}"
    if error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return f"{error.instance!r} is not allowed here; use one of: {allowed}"
    if "propertyNames" in error.schema_path:
        return (
            f"{error.instance!r} is not a language code (sv, en, fi, ...); quote texts with commas"
        )
    if error.validator == "pattern":
        return f"{error.instance!r} does not have the required form ({error.validator_value})"
    return error.message


def _type_name(value: Any) -> str:
    return {type(None): "nothing", list: "a list", str: "a text"}.get(
        type(value), type(value).__name__
    )
