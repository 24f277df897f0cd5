"""Study-circle and dialogue content: loads ``modules/`` into typed, immutable objects."""

from flask import Flask, current_app

from .loader import ContentError, Problem, load_library, load_vocabulary, validate_paths
from .model import Library, Module, Part, Step, Text

__all__ = [
    "ContentError",
    "Library",
    "Module",
    "Part",
    "Problem",
    "Step",
    "Text",
    "init_app",
    "library",
    "load_library",
    "load_vocabulary",
    "validate_paths",
]

EXTENSION_KEY = "facilitate.content"


def init_app(app: Flask) -> None:
    """Load the modules at start-up; a broken module stops the app (:class:`ContentError`)."""
    app.extensions[EXTENSION_KEY] = load_library(app.config["MODULES_PATH"])


def library() -> Library:
    """The content library of the current app."""
    return current_app.extensions[EXTENSION_KEY]
