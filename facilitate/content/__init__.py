"""Study-circle and dialogue content: loads ``modules/`` into typed, immutable objects."""

from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app

from .document import content_hash, dump_yaml, to_document
from .loader import (
    ContentError,
    Problem,
    build_document,
    check_document,
    load_library,
    load_vocabulary,
    parse_module,
    validate_paths,
)
from .model import Library, Module, Part, Step, Text

__all__ = [
    "ContentError",
    "Library",
    "Module",
    "Part",
    "Problem",
    "Step",
    "Text",
    "build_document",
    "check_document",
    "content_hash",
    "dump_yaml",
    "init_app",
    "library",
    "load_library",
    "load_vocabulary",
    "parse_module",
    "to_document",
    "validate_paths",
]

EXTENSION_KEY = "facilitate.content"


def init_app(app: Flask) -> None:
    """Load the modules at start-up; a broken module stops the app (:class:`ContentError`)."""
    root = Path(app.config["MODULES_PATH"])
    app.extensions[EXTENSION_KEY] = _load_unchanged(root, _signature(root))


def _signature(root: Path) -> tuple:
    """Which files the modules folder holds, and when each last changed."""
    if not root.is_dir():
        return ()
    return tuple(
        (str(path), path.stat().st_mtime_ns, path.stat().st_size)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    )


@lru_cache(maxsize=8)
def _load_unchanged(root: Path, signature: tuple) -> Library:
    """Content objects are immutable, so apps built from the same unchanged files share them."""
    del signature  # part of the cache key only
    return load_library(root)


def library() -> Library:
    """The content library of the current app."""
    return current_app.extensions[EXTENSION_KEY]
