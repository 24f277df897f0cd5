"""Payloads of the ``/live`` events, parsed into typed objects before anything else runs."""

import re
from dataclasses import dataclass
from typing import Any

from flask import current_app

from ..core.errors import DomainError
from ..core.numbers import whole_number
from .operations import ACTIONS

_CODE = re.compile(r"^[0-9]{4,16}$")
_SUBMISSION = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_STEP = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


class PayloadError(DomainError):
    """A payload that is not of the event's form; ``code`` is the public error code."""

    def __init__(self, code: str = "invalid_payload"):
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


def requested_locale(data: Any) -> str | None:
    """The language a ``join`` payload asks for, if it is one of ours (whatever else is wrong
    with the payload: its error ack is given in that language)."""
    locale = data.get("locale") if isinstance(data, dict) else None
    return locale if isinstance(locale, str) and locale in current_app.config["LANGUAGES"] else None


@dataclass(frozen=True)
class JoinRequest:
    code: str
    token: str | None
    name: str | None
    locale: str | None
    #: The circle token an earlier join gave, to be recognised across a circle's meetings.
    circle_token: str | None = None
    #: Opted in to be recognised across the circle's meetings (implied by ``circle_token``).
    recognise: bool = False

    @classmethod
    def parse(cls, data: Any) -> "JoinRequest":
        data = _mapping(data)
        code = data.get("code")
        if whole_number(code) is not None:
            code = str(whole_number(code))
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
        locale = requested_locale(data)
        recognise = data.get("recognise", False)
        if not isinstance(recognise, bool):
            raise PayloadError()
        circle_token = _optional_str(data, "circle_token", _TOKEN)
        return cls(
            code=code,
            token=_optional_str(data, "token", _TOKEN),
            name=name or None,
            locale=locale,
            circle_token=circle_token,
            recognise=recognise or circle_token is not None,
        )


def _step(data: dict) -> str:
    step = data.get("step")
    if not isinstance(step, str) or not _STEP.match(step):
        raise PayloadError()
    return step


def _submission(data: dict) -> str:
    submission = data.get("submission_id")
    if not isinstance(submission, str) or not _SUBMISSION.match(submission):
        raise PayloadError()
    return submission


def _id(data: dict, key: str) -> int:
    """A positive whole number (a contribution, proposal or person id)."""
    value = whole_number(data.get(key))
    if value is None or not 0 < value < 2**31:
        raise PayloadError()
    return value


@dataclass(frozen=True)
class AnswerRequest:
    step: str
    value: Any
    submission_id: str
    #: Which statement a reaction is to (statements steps only).
    statement: str | None = None

    @classmethod
    def parse(cls, data: Any) -> "AnswerRequest":
        data = _mapping(data)
        if "value" not in data:
            raise PayloadError()
        return cls(
            step=_step(data),
            value=data["value"],
            submission_id=_submission(data),
            statement=_optional_str(data, "statement", _STEP, 64),
        )


@dataclass(frozen=True)
class SessionRequest:
    """``host`` and ``screen``: which session to follow."""

    session: int

    @classmethod
    def parse(cls, data: Any) -> "SessionRequest":
        session = whole_number(_mapping(data).get("session"))
        if session is None or session < 1:
            raise PayloadError()
        return cls(session=session)


@dataclass(frozen=True)
class BehalfRequest:
    """``behalf``: the leader answers for someone without a phone (``person``), or a new one."""

    session: int
    person: int | None
    name: str | None

    @classmethod
    def parse(cls, data: Any) -> "BehalfRequest":
        session = SessionRequest.parse(data).session
        person = _id(data, "person") if data.get("person") is not None else None
        name = data.get("name")
        if name is not None and not isinstance(name, str):
            raise PayloadError()
        name = " ".join(name.split()) if name else None
        if name and len(name) > current_app.config["NAME_MAX_LENGTH"]:
            raise PayloadError("name_too_long")
        return cls(session=session, person=person, name=name or None)


#: The most seconds one ``extend_timer`` may add.
MAX_EXTENSION = 600


def parse_seconds(value: Any) -> int | None:
    """``seconds`` of ``extend_timer``: a whole number from 1 to ``MAX_EXTENSION``, or None."""
    if value is None:
        return None
    seconds = whole_number(value)
    if seconds is None or not 1 <= seconds <= MAX_EXTENSION:
        raise PayloadError()
    return seconds


@dataclass(frozen=True)
class ControlRequest:
    session: int
    action: str
    step: str | None
    seconds: int | None

    @classmethod
    def parse(cls, data: Any) -> "ControlRequest":
        session = SessionRequest.parse(data).session
        action = data.get("action")
        if action not in ACTIONS:
            raise PayloadError("unknown_action")
        step = _optional_str(data, "step", _STEP, 64)
        seconds = parse_seconds(data.get("seconds"))
        if (action == "goto" and step is None) or (action == "extend_timer" and seconds is None):
            raise PayloadError()
        return cls(session=session, action=action, step=step, seconds=seconds)


#: Settings a leader may change, with the type each must have.
SETTINGS = {
    "competitive": bool,
    "speed_bonus": bool,
    "team_mode": bool,
    "extra_time": (int, float),
    "timer_seconds": (int, type(None)),
    "premoderation": bool,
    "hide_live_results": bool,
    "locale": str,
    "second_locale": (str, type(None)),
    "joins_locked": bool,
}
MIN_TIMER, MAX_TIMER = 10, 3600


def parse_settings(data: dict) -> dict:
    """The settings present in ``data``, type-checked (ranges are the operation's business,
    except the timer's)."""
    settings = {}
    for name, kinds in SETTINGS.items():
        if name not in data:
            continue
        value = data[name]
        if name == "timer_seconds" and whole_number(value) is not None:
            value = whole_number(value)
        if (isinstance(value, bool) and kinds is not bool) or not isinstance(value, kinds):
            raise PayloadError()
        settings[name] = float(value) if name == "extra_time" else value
    timer = settings.get("timer_seconds")
    if timer is not None and not MIN_TIMER <= timer <= MAX_TIMER:
        raise PayloadError()
    languages = current_app.config["LANGUAGES"]
    if "locale" in settings and settings["locale"] not in languages:
        raise PayloadError("unknown_language")
    if settings.get("second_locale") is not None and settings["second_locale"] not in languages:
        raise PayloadError("unknown_language")
    return settings


@dataclass(frozen=True)
class SettingsRequest:
    session: int
    settings: dict

    @classmethod
    def parse(cls, data: Any) -> "SettingsRequest":
        session = SessionRequest.parse(data).session
        if not set(data) - {"session"} <= set(SETTINGS):
            raise PayloadError()
        return cls(session=session, settings=parse_settings(data))


@dataclass(frozen=True)
class RemoveRequest:
    """``remove``: the leader takes a participant out of the session."""

    session: int
    participant: int

    @classmethod
    def parse(cls, data: Any) -> "RemoveRequest":
        session = SessionRequest.parse(data).session
        return cls(session=session, participant=_id(_mapping(data), "participant"))
