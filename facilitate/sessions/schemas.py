"""Payloads of the ``/live`` events, parsed into typed objects before anything else runs."""

import re
from dataclasses import dataclass
from typing import Any

from flask import current_app

from .operations import ACTIONS

_CODE = re.compile(r"^[0-9]{4,16}$")
_SUBMISSION = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_STEP = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


class PayloadError(Exception):
    """A payload that is not of the event's form; ``code`` is the public error code."""

    def __init__(self, code: str = "invalid_payload"):
        self.code = code
        super().__init__(code)


def _mapping(data: Any) -> dict:
    if not isinstance(data, dict):
        raise PayloadError()
    return data


def _optional_str(data: dict, key: str, pattern: re.Pattern | None = None, max_length: int = 256):
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > max_length:
        raise PayloadError()
    if pattern is not None and not pattern.match(value):
        raise PayloadError()
    return value


@dataclass(frozen=True)
class JoinRequest:
    code: str
    token: str | None
    name: str | None
    locale: str | None

    @classmethod
    def parse(cls, data: Any) -> "JoinRequest":
        data = _mapping(data)
        code = data.get("code")
        if isinstance(code, int) and not isinstance(code, bool):
            code = str(code)
        if not isinstance(code, str):
            raise PayloadError()
        code = re.sub(r"[\s-]", "", code)
        if not _CODE.match(code):
            raise PayloadError("unknown_code")
        name = data.get("name")
        if name is not None and not isinstance(name, str):
            raise PayloadError()
        name = " ".join(name.split()) if name else None
        if name and len(name) > current_app.config["NAME_MAX_LENGTH"]:
            raise PayloadError("name_too_long")
        locale = data.get("locale")
        if locale not in current_app.config["LANGUAGES"]:
            locale = None
        return cls(
            code=code, token=_optional_str(data, "token", _TOKEN), name=name or None, locale=locale
        )


@dataclass(frozen=True)
class AnswerRequest:
    step: str
    value: Any
    submission_id: str

    @classmethod
    def parse(cls, data: Any) -> "AnswerRequest":
        data = _mapping(data)
        step = data.get("step")
        submission = data.get("submission_id")
        if not isinstance(step, str) or not _STEP.match(step):
            raise PayloadError()
        if not isinstance(submission, str) or not _SUBMISSION.match(submission):
            raise PayloadError()
        if "value" not in data:
            raise PayloadError()
        return cls(step=step, value=data["value"], submission_id=submission)


@dataclass(frozen=True)
class SessionRequest:
    """``host`` and ``screen``: which session to follow."""

    session: int

    @classmethod
    def parse(cls, data: Any) -> "SessionRequest":
        session = _mapping(data).get("session")
        if isinstance(session, bool) or not isinstance(session, int) or session < 1:
            raise PayloadError()
        return cls(session=session)


@dataclass(frozen=True)
class ControlRequest:
    session: int
    action: str
    step: str | None

    @classmethod
    def parse(cls, data: Any) -> "ControlRequest":
        session = SessionRequest.parse(data).session
        action = data.get("action")
        if action not in ACTIONS:
            raise PayloadError("unknown_action")
        step = _optional_str(data, "step", _STEP, 64)
        if action == "goto" and step is None:
            raise PayloadError("unknown_step")
        return cls(session=session, action=action, step=step)
