"""A module as a canonical document: the same format as ``modules/`` with every part inline.

``to_document`` turns a :class:`Module` back into plain data in the schema's key order, so that
``check_document(to_document(m))`` builds a module equal to ``m``; ``dump_yaml`` writes it as one
YAML file, the same bytes for the same content (downloads, uploads and hashes rely on that).
"""

import hashlib
import json
from typing import Any

import yaml

from .model import Module, Part, Source, Step
from .model import text_document as text


def _source(source: Source) -> dict[str, Any]:
    data: dict[str, Any] = {"title": source.title, "year": source.year}
    if source.url:
        data["url"] = source.url
    return data


def step_document(step: Step) -> dict[str, Any]:
    """One step in the schema's key order, only the keys its kind has."""
    from ..steps import kind_of

    data: dict[str, Any] = {"id": step.id, "kind": step.kind}
    data.update(kind_of(step).content_document(step))
    if step.tags:
        data["tags"] = list(step.tags)
    if step.topic is not None:
        data["topic"] = step.topic
    if step.leader_notes is not None:
        data["leader_notes"] = text(step.leader_notes)
    return data


def part_document(part: Part) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": part.id,
        "title": text(part.title),
        "description": text(part.description),
    }
    if part.leader_notes is not None:
        data["leader_notes"] = text(part.leader_notes)
    if part.duration is not None:
        low, high = part.duration
        data["duration"] = {"min": low, "max": high} if high != low else {"min": low}
    if part.materials:
        data["materials"] = [text(m) for m in part.materials]
    data["steps"] = [step_document(s) for s in part.steps]
    return data


def to_document(module: Module) -> dict[str, Any]:
    """The module as plain data with every part inline, in the schema's key order."""
    data: dict[str, Any] = {
        "id": module.id,
        "kind": module.kind,
        "title": text(module.title),
        "description": text(module.description),
    }
    if module.sources:
        data["sources"] = [_source(s) for s in module.sources]
    data["parts"] = [part_document(p) for p in module.parts]
    return data


def canonical_json(document: dict[str, Any]) -> str:
    """The document as compact JSON in its own key order: what is stored and hashed."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def content_hash(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()


class _Dumper(yaml.SafeDumper):
    """Block style; texts with line breaks as literal blocks, everything else plain or quoted."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and value == value.strip(" ") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(document: dict[str, Any]) -> str:
    """One YAML file: deterministic, UTF-8 letters as they are, long lines never wrapped."""
    return yaml.dump(
        document,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=2**31 - 1,
        indent=2,
    )
