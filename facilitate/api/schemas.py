"""Request bodies of the REST API, parsed into typed objects before anything else runs."""

import json
import re
from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from ..core.text import storable
from ..sessions import operations
from ..sessions.schemas import SETTINGS, PayloadError, parse_seconds, parse_settings
from .auth import ApiError

#: Module, part and step ids as the content format allows them.
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
#: Longest ``circle`` accepted (a circle id is a string of digits).
MAX_CIRCLE_LENGTH = 128


def _json_object(fields: set[str]) -> dict:
    """The request body as a JSON object with no other keys than ``fields``."""
    if not request.is_json:
        raise ApiError()
    request.max_content_length = current_app.config["API_MAX_BODY_BYTES"]
    try:
        data = json.loads(request.get_data(cache=False))
    except (ValueError, RecursionError, RequestEntityTooLarge):
        raise ApiError() from None
    if not isinstance(data, dict) or not set(data) <= fields or not storable(data):
        raise ApiError()
    return data


def _id(value: Any) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise ApiError()
    return value


@dataclass(frozen=True)
class NewSession:
    module: str
    part: str
    #: The circle's id as a string of digits, or None for a one-off session.
    circle: str | None = None
    #: One of the 14 municipalities (id, name or SCB code) for a one-off session, or None.
    municipality: str | None = None

    @classmethod
    def parse(cls) -> "NewSession":
        data = _json_object({"module", "part", "circle", "municipality"})
        circle = data.get("circle")
        if circle is not None and (not isinstance(circle, str) or len(circle) > MAX_CIRCLE_LENGTH):
            raise ApiError()
        municipality = data.get("municipality")
        if municipality is not None and (
            not isinstance(municipality, str) or len(municipality) > MAX_CIRCLE_LENGTH
        ):
            raise ApiError()
        return cls(
            module=_id(data.get("module")),
            part=_id(data.get("part")),
            circle=circle or None,
            municipality=municipality or None,
        )


@dataclass(frozen=True)
class Control:
    action: str
    step: str | None
    seconds: int | None

    @classmethod
    def parse(cls) -> "Control":
        data = _json_object({"action", "step", "seconds"})
        action = data.get("action")
        if not isinstance(action, str):
            raise ApiError()
        if action not in operations.ACTIONS:
            raise ApiError("unknown_action")
        step = data.get("step")
        step = _id(step) if step is not None else None
        try:
            seconds = parse_seconds(data.get("seconds"))
        except PayloadError:
            raise ApiError() from None
        if (action == "goto" and step is None) or (action == "extend_timer" and seconds is None):
            raise ApiError()  # the document requires them (if/then), so no code of their own
        return cls(action=action, step=step, seconds=seconds)


def settings() -> dict:
    """The body of ``POST /sessions/<id>/settings``: only known settings, type-checked."""
    data = _json_object(set(SETTINGS))
    try:
        return parse_settings(data)
    except PayloadError:
        raise ApiError() from None
