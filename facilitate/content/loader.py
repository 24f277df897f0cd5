"""Load ``modules/`` into immutable content objects, or say exactly what is wrong.

Every problem is reported as ``file: location: message`` (:class:`Problem`). Loading is
all-or-nothing: :func:`load_library` raises :class:`ContentError` listing every problem, so the app
never runs with half its content.
"""

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
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
    Topic,
    Vocabulary,
)

MODULE_FILE = "module.yaml"
#: Content files are small; a larger one is a mistake, not a module.
MAX_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with content. ``message`` is English (the CLI prints it); ``code`` and
    ``params`` let a web page say the same in the reader's language, and ``path`` is where in
    the document (keys and list indexes) the problem is, for pointing at a form field."""

    file: str
    location: str
    message: str
    code: str = "invalid"
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)
    path: tuple[str | int, ...] = ()

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
    module folders, single-file modules (as the editor downloads them) or single part files.
    Returns every problem found."""
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
        elif path.is_file() and _holds_a_module(path):
            data = checker._read(path, "module")
            if data is not None:
                checker.document(data, path, folder=path.parent)
        elif path.is_file():
            checker.part(path, seen_steps={})
        else:
            checker.report(path, "-", "no such file or folder")
    return checker.problems


def _holds_a_module(path: Path) -> bool:
    """A YAML file whose top level has ``parts``: a whole module in one file."""
    if path.stat().st_size > MAX_FILE_BYTES:
        return False
    try:
        data = yaml.safe_load(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and "parts" in data


def check_document(data: Any, file: str = "module") -> tuple[Module | None, list[Problem]]:
    """Check and build a module from an in-memory document (every part inline), with the same
    schema and checks as files. Returns the module, or None and every problem found."""
    checker = _Checker(load_vocabulary())
    checked = checker.checked(data, file)
    module = checker.document(checked, file) if checked is not None else None
    return (None, checker.problems) if checker.problems else (module, [])


def build_document(data: dict, file: str = "stored") -> Module:
    """Build a module from a document that passed every check when it was stored, without the
    schema: a later, stricter schema (a shorter length limit, say) must not make the record of
    a session unreadable. Raises :class:`ContentError` only if it cannot be built at all."""
    checker = _Checker(load_vocabulary())
    try:
        module = checker.document(data, file)
    except (KeyError, TypeError, AttributeError) as error:
        raise ContentError([Problem(file, "-", f"cannot be built: {error!r}")]) from error
    if module is None:
        raise ContentError(checker.problems)
    return module


def parse_module(content: bytes, file: str = "module") -> tuple[Module | None, list[Problem]]:
    """Check and build a module from the bytes of a single YAML file (parts inline)."""
    checker = _Checker(load_vocabulary())
    if len(content) > MAX_FILE_BYTES:
        checker.report(
            file,
            "-",
            f"file is larger than {MAX_FILE_BYTES // 1024} KiB",
            "too_large",
            kib=MAX_FILE_BYTES // 1024,
        )
        return None, checker.problems
    data = checker.parse(content, file)
    module = checker.document(data, file) if data is not None else None
    return (None, checker.problems) if checker.problems else (module, [])


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
        topics=MappingProxyType(
            {t["id"]: Topic(id=t["id"], label=Text(t["label"])) for t in data.get("topics", ())}
        ),
    )


@cache
def _schema_validator(definition: str) -> Draft202012Validator:
    return Draft202012Validator({**content_schema(), "$ref": f"#/$defs/{definition}"})


@cache
def content_schema() -> dict:
    """``schema.json`` with the kinds that bring their own schema (``StepKind.content_schema``)
    added: their name to the step's ``kind`` and their keys under ``if kind: then``."""
    from ..steps import all_kinds

    schema = json.loads(resources.files(__package__).joinpath("schema.json").read_text("utf-8"))
    step = schema["$defs"]["step"]
    for each in all_kinds().values():
        if each.content_schema is None or each.name in step["properties"]["kind"]["enum"]:
            continue
        step["properties"]["kind"]["enum"].append(each.name)
        step["allOf"].append(
            {
                "if": {"properties": {"kind": {"const": each.name}}, "required": ["kind"]},
                "then": each.content_schema,
            }
        )
    return schema


def _module_folders(root: Path) -> Iterator[Path]:
    return (p for p in sorted(root.iterdir()) if p.is_dir() and (p / MODULE_FILE).is_file())


# --- checking and building ----------------------------------------------------------------------


class _Checker:
    """Collects problems while turning files or in-memory documents into content objects."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.problems: list[Problem] = []
        self._module_ids: dict[str, Path | str] = {}

    def report(
        self,
        file: Path | str,
        location: str,
        message: str,
        code: str = "invalid",
        path: tuple = (),
        **params: Any,
    ) -> None:
        self.problems.append(Problem(str(file), location, message, code, params, tuple(path)))

    def module(self, path: Path) -> Module | None:
        """Check and build the module of a ``module.yaml`` (its parts are files beside it or
        inline mappings)."""
        data = self._read(path, "module")
        if data is None:
            return None
        if data["id"] != path.parent.name:
            self.report(
                path,
                "id",
                f"must equal the folder name {path.parent.name!r}",
                "id_not_folder",
                ("id",),
                folder=path.parent.name,
            )
        return self.document(data, path, folder=path.parent)

    def document(self, data: dict, file: Path | str, folder: Path | None = None) -> Module | None:
        """Build a module from a schema-checked document. Part file names are looked up in
        ``folder``; without one (an uploaded or edited module) every part must be inline."""
        if data["id"] in self._module_ids:
            self.report(
                file,
                "id",
                f"{data['id']!r} is also the id of {self._module_ids[data['id']]}",
                "duplicate_module",
                ("id",),
                id=data["id"],
            )
        self._module_ids[data["id"]] = file
        seen_steps: dict[str, str] = {}
        seen_parts: set[str] = set()
        parts = []
        for index, item in enumerate(data["parts"]):
            if isinstance(item, dict):
                part_file, prefix = file, ("parts", index)
                part = self._part(item, file, seen_steps, prefix, data)
            elif folder is None:
                self.report(
                    file,
                    f"parts[{index}]",
                    f"part file {item!r} cannot be used here; write the part inline",
                    "part_file_not_allowed",
                    ("parts", index),
                    name=item,
                )
                continue
            elif not (folder / item).is_file():
                self.report(
                    file,
                    f"parts[{index}]",
                    f"part file {item!r} does not exist",
                    "part_file_missing",
                    ("parts", index),
                    name=item,
                )
                continue
            else:
                part_file, prefix = folder / item, ()
                part = self.part(part_file, seen_steps)
            if part is None:
                continue
            if part.id in seen_parts:
                self.report(
                    part_file,
                    _location(data, (*prefix, "id")) if prefix else "id",
                    f"part id {part.id!r} is used twice in the module",
                    "duplicate_part",
                    (*prefix, "id"),
                    id=part.id,
                )
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
        """Check and build one part file; ``seen_steps`` maps step ids of the module to where
        they are."""
        data = self._read(path, "part")
        if data is None:
            return None
        return self._part(data, path, seen_steps, (), data)

    def _part(
        self, data: dict, file: Path | str, seen_steps: dict[str, str], prefix: tuple, root: dict
    ) -> Part:
        steps = []
        for index, raw in enumerate(data["steps"]):
            here = (*prefix, "steps", index)
            where = _location(root, here)
            if raw["id"] in seen_steps:
                self.report(
                    file,
                    f"{where}.id",
                    f"step id {raw['id']!r} is already used in {seen_steps[raw['id']]}",
                    "duplicate_step",
                    (*here, "id"),
                    id=raw["id"],
                )
            seen_steps[raw["id"]] = _location(root, prefix) if prefix else str(file)
            self._check_step(file, where, here, raw)
            steps.append(_step(raw))
        duration = data.get("duration")
        if duration is not None and duration.get("max", duration["min"]) < duration["min"]:
            self.report(
                file,
                _location(root, (*prefix, "duration")),
                f"duration: max ({duration['max']}) is less than min ({duration['min']})",
                "duration_range",
                (*prefix, "duration", "max"),
                low=duration["min"],
                high=duration["max"],
            )
        return Part(
            id=data["id"],
            title=Text(data["title"]),
            description=Text(data["description"]),
            leader_notes=_text(data.get("leader_notes")),
            steps=tuple(steps),
            duration=_duration(data.get("duration")),
            materials=tuple(Text(m) for m in data.get("materials", ())),
        )

    def _read(self, path: Path, definition: str) -> dict | None:
        """Parse a YAML file and check it against the schema; None (and problems) if it fails."""
        if path.stat().st_size > MAX_FILE_BYTES:
            self.report(
                path,
                "-",
                f"file is larger than {MAX_FILE_BYTES // 1024} KiB",
                "too_large",
                kib=MAX_FILE_BYTES // 1024,
            )
            return None
        return self.parse(path.read_bytes(), path, definition)

    def parse(self, content: bytes, file: Path | str, definition: str = "module") -> dict | None:
        """Parse YAML text and check it against the schema; None (and problems) if it fails."""
        try:
            data = yaml.safe_load(content.decode("utf-8"))
        except UnicodeDecodeError as error:
            self.report(
                file, f"byte {error.start}", "file is not UTF-8 text", "not_utf8", byte=error.start
            )
            return None
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            location = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "-"
            reason = getattr(error, "problem", None) or str(error)
            self.report(
                file,
                location,
                f"not valid YAML: {reason}",
                "not_yaml",
                line=mark.line + 1 if mark else 0,
                column=mark.column + 1 if mark else 0,
                reason=reason,
            )
            return None
        return self.checked(data, file, definition)

    def checked(self, data: Any, file: Path | str, definition: str = "module") -> dict | None:
        """``data`` if it is a mapping that the schema accepts, else None (and problems)."""
        if not isinstance(data, dict):
            self.report(
                file,
                "-",
                f"expected a mapping of keys to values, found {_type_name(data)}",
                "not_mapping",
            )
            return None
        errors = _significant(_schema_validator(definition).iter_errors(data))
        for error in errors:
            code, params, message = _describe(error)
            path = tuple(error.absolute_path)
            self.report(file, _location(data, path), message, code, path, **params)
        return None if errors else data

    def _check_step(self, file: Path | str, where: str, here: tuple, raw: dict) -> None:
        topic = raw.get("topic")
        if topic is not None and topic not in self.vocabulary.topics:
            self.report(
                file,
                f"{where}.topic",
                f"unknown topic {topic!r} (see the topics in vocabulary.yaml)",
                "unknown_topic",
                (*here, "topic"),
                topic=topic,
            )
        for index, tag in enumerate(raw.get("tags", ())):
            if tag not in self.vocabulary.tags:
                self.report(
                    file,
                    f"{where}.tags[{index}]",
                    f"unknown tag {tag!r} (see vocabulary.yaml)",
                    "unknown_tag",
                    (*here, "tags", index),
                    tag=tag,
                )
        for key in ("options", "statements"):
            items = raw.get(key, ())
            ids = [item["id"] for item in items]
            for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
                index = len(ids) - 1 - ids[::-1].index(duplicate)
                self.report(
                    file,
                    f"{where}.{key}",
                    f"id {duplicate!r} is used twice",
                    "duplicate_id",
                    (*here, key, index, "id"),
                    id=duplicate,
                )
        from ..steps import kind_named

        for problem in kind_named(raw["kind"]).check_content(raw):
            self.report(
                file,
                where if problem.at_step else f"{where}.{_location(raw, problem.path)}",
                problem.message,
                problem.code,
                (*here, *problem.path),
                **problem.params,
            )


def _text(raw: dict | None) -> Text | None:
    return Text(raw) if raw is not None else None


def _duration(raw: dict | None) -> tuple[int, int] | None:
    return (raw["min"], raw.get("max", raw["min"])) if raw is not None else None


def _source(raw: dict) -> Source:
    return Source(title=raw["title"], year=raw["year"], url=raw.get("url"))


def _options(raw: list[dict]) -> tuple[Option, ...]:
    return tuple(Option(o["id"], Text(o["text"]), bool(o.get("correct", False))) for o in raw)


def _step(raw: dict) -> Step:
    return Step(
        id=raw["id"],
        kind=raw["kind"],
        tags=tuple(raw.get("tags", ())),
        topic=raw.get("topic"),
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
        settings=_settings(raw),
    )


def _settings(raw: dict) -> dict[str, Any]:
    from ..steps import kind_named

    return kind_named(raw["kind"]).settings(raw)


# --- error wording ------------------------------------------------------------------------------


def _location(data: Any, path: Iterable) -> str:
    """``steps[3] (quiz-id).options[1].text``: list items of steps get their id for the reader."""
    parts: list[str] = []
    node = data
    for key in path:
        if isinstance(key, int):
            label = f"[{key}]"
            node = node[key] if isinstance(node, list) and key < len(node) else None
            if (
                isinstance(node, dict)
                and isinstance(node.get("id"), str)
                and parts
                and parts[-1] in ("steps", "parts")
            ):
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


def _describe(error: ValidationError) -> tuple[str, dict[str, Any], str]:
    """A schema error as (code, params, English message)."""
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        if missing == SOURCE_LANGUAGE:
            return "missing_swedish", {}, "missing the Swedish text ('sv'), the source language"
        return "missing_key", {"key": missing}, f"missing required key {missing!r}"
    if error.validator in ("unevaluatedProperties", "additionalProperties"):
        keys = error.message.split("(")[-1].rstrip(")")
        if error.validator == "unevaluatedProperties":
            return "unknown_keys", {"keys": keys}, f"unknown key(s) for this kind of step: {keys}"
        return "unknown_keys", {"keys": keys}, f"unknown key(s): {keys}"
    if error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return (
            "not_allowed",
            {"value": str(error.instance), "allowed": allowed},
            f"{error.instance!r} is not allowed here; use one of: {allowed}",
        )
    if "propertyNames" in error.schema_path:
        return (
            "not_language",
            {"value": str(error.instance)},
            f"{error.instance!r} is not a language code (sv, en, fi, ...); quote texts with commas",
        )
    if error.validator == "pattern":
        return (
            "bad_form",
            {"value": str(error.instance)},
            f"{error.instance!r} does not have the required form ({error.validator_value})",
        )
    if error.validator == "maxLength":
        limit = error.validator_value
        return "too_long", {"max": limit}, f"text is longer than {limit} characters"
    if error.validator == "minLength":
        return "empty", {}, "text must not be empty"
    if error.validator == "maxItems":
        limit = error.validator_value
        return "too_many", {"max": limit}, f"more than {limit} items"
    if error.validator == "minItems":
        limit = error.validator_value
        return "too_few", {"min": limit}, f"fewer than {limit} items"
    if error.validator in ("minimum", "maximum"):
        return "out_of_range", {"limit": error.validator_value}, error.message
    if error.validator == "type":
        return "wrong_type", {}, error.message
    return "invalid", {}, error.message


def _type_name(value: Any) -> str:
    return {type(None): "nothing", list: "a list", str: "a text"}.get(
        type(value), type(value).__name__
    )
