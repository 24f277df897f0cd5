"""The payloads of the dialogue tools' ``/live`` events, parsed into typed requests (the
shared helpers are those of ``sessions.schemas``)."""

from dataclasses import dataclass
from typing import Any

from ..sessions.schemas import PayloadError, SessionRequest, _id, _mapping, _step, _submission
from .moderation import DECISIONS, MODERATION_ACTIONS


@dataclass(frozen=True)
class ContributionRequest:
    """``edit`` (with ``value``) and ``withdraw``: one's own contribution, by submission id."""

    step: str
    submission_id: str
    value: Any = None

    @classmethod
    def parse(cls, data: Any, *, with_value: bool = False) -> "ContributionRequest":
        data = _mapping(data)
        if with_value and "value" not in data:
            raise PayloadError()
        return cls(step=_step(data), submission_id=_submission(data), value=data.get("value"))


@dataclass(frozen=True)
class UpvoteRequest:
    step: str
    contribution: int

    @classmethod
    def parse(cls, data: Any) -> "UpvoteRequest":
        data = _mapping(data)
        return cls(step=_step(data), contribution=_id(data, "contribution"))


@dataclass(frozen=True)
class ProposeRequest:
    step: str
    text: Any
    submission_id: str

    @classmethod
    def parse(cls, data: Any) -> "ProposeRequest":
        data = _mapping(data)
        if "text" not in data:
            raise PayloadError()
        return cls(step=_step(data), text=data["text"], submission_id=_submission(data))


@dataclass(frozen=True)
class ModerateRequest:
    session: int
    contribution: int
    action: str
    into: int | None
    theme: Any
    tags: Any

    @classmethod
    def parse(cls, data: Any) -> "ModerateRequest":
        session = SessionRequest.parse(data).session
        action = data.get("action")
        if action not in MODERATION_ACTIONS:
            raise PayloadError("unknown_action")
        into = _id(data, "into") if action == "merge" else None
        if action == "tag" and "tags" not in data:
            raise PayloadError()
        return cls(
            session=session,
            contribution=_id(data, "contribution"),
            action=action,
            into=into,
            theme=data.get("theme"),
            tags=data.get("tags"),
        )


@dataclass(frozen=True)
class ReviewRequest:
    """``proposal``: the leader approves or rejects a proposed statement."""

    session: int
    proposal: int
    decision: str

    @classmethod
    def parse(cls, data: Any) -> "ReviewRequest":
        session = SessionRequest.parse(data).session
        decision = data.get("decision")
        if decision not in DECISIONS:
            raise PayloadError("unknown_action")
        return cls(session=session, proposal=_id(data, "proposal"), decision=decision)
