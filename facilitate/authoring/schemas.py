"""Payloads of the authoring endpoints: what the editor and the upload form send."""

from typing import Any

from .operations import AuthoringError

#: Largest upload or save body (the loader refuses content files above the same size).
MAX_BODY_BYTES = 1024 * 1024


def document_payload(payload: Any) -> dict:
    """The module document the editor saves: ``{"module": {...}}``."""
    if not isinstance(payload, dict) or not isinstance(payload.get("module"), dict):
        raise AuthoringError("invalid_payload")
    return payload["module"]


def shared_flag(value: str | None) -> bool:
    if value not in ("0", "1"):
        raise AuthoringError("invalid_payload")
    return value == "1"


def step_position(payload: dict) -> tuple[int, int]:
    """Which step of the document the editor previews: ``{"part": 0, "step": 2}``."""
    position = (payload.get("part"), payload.get("step"))
    if not all(type(index) is int and index >= 0 for index in position):
        raise AuthoringError("invalid_payload")
    return position
