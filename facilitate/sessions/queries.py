"""Reads of live sessions, and the snapshots each kind of client gets."""

from collections import defaultdict
from typing import Any

import sqlalchemy as sa

from ..auth.models import Role, User
from ..content import Part, Step, library
from ..extensions import db
from .kinds import kind_of
from .models import LiveSession, Participant, Response, SessionStatus


def part_of(session: LiveSession) -> Part | None:
    module = library().get(session.module_id)
    return module.part(session.part_id) if module else None


def current_step(session: LiveSession) -> Step | None:
    """The step being shown: none in the lobby and none once the session has ended."""
    part = part_of(session)
    if part is None or session.current_step is None or session.status is SessionStatus.ended:
        return None
    return next((s for s in part.steps if s.id == session.current_step), None)


#: Largest session id looked up (the column is a 32-bit integer on PostgreSQL).
MAX_SESSION_ID = 2**31 - 1


def session_for(user: User, session_id: int, *, control: bool = True) -> LiveSession:
    """The session ``user`` may see (``control=False``) or lead (``control=True``): its own
    leader and admins may do both, analysts may only read. Raises ``SessionError`` with
    ``not_found`` or ``forbidden``; the one rule for pages, ``/live`` and the REST API."""
    from .operations import SessionError

    session = db.session.get(LiveSession, session_id) if 0 < session_id <= MAX_SESSION_ID else None
    if session is None:
        raise SessionError("not_found")
    if session.leader_id == user.id or user.role is Role.admin:
        return session
    if user.role is Role.analyst and not control:
        return session
    raise SessionError("forbidden")


def session_by_code(code: str) -> LiveSession | None:
    """The session with this join code that is not over, else the latest ended one."""
    return db.session.scalar(
        sa.select(LiveSession)
        .where(LiveSession.code == code)
        .order_by(LiveSession.status == SessionStatus.ended, LiveSession.id.desc())
        .limit(1)
    )


def counted_values(step: Step, responses: list[Response]) -> list[Any]:
    """The values that count: every one for open kinds, each participant's latest otherwise."""
    if kind_of(step).many:
        return [r.value for r in responses]
    latest: dict[int, Response] = {}
    for response in responses:
        latest[response.participant_id] = response
    return [r.value for r in latest.values()]


def step_responses(session: LiveSession, step_id: str) -> list[sa.Row]:
    """The step's responses, oldest first, as ``(participant_id, value)`` rows: built on every
    tally, so no ORM objects for a full room."""
    return list(
        db.session.connection().execute(
            sa.select(Response.participant_id, Response.value)
            .where(Response.session_id == session.id, Response.step_id == step_id)
            .order_by(Response.id)
        )
    )


def step_results(session: LiveSession, step: Step) -> dict:
    """The step's results and how many responses it has."""
    responses = step_responses(session, step.id)
    values = counted_values(step, responses)
    return {
        "step": step.id,
        "kind": step.kind,
        "responses": len(responses),
        "results": kind_of(step).aggregate(step, values),
    }


def session_results(session: LiveSession) -> list[dict]:
    """Results of every step of the session's part, in order (one query)."""
    part = part_of(session)
    by_step: dict[str, list[Response]] = defaultdict(list)
    for response in db.session.scalars(
        sa.select(Response).where(Response.session_id == session.id).order_by(Response.id)
    ):
        by_step[response.step_id].append(response)
    results = []
    for step in part.steps if part else ():
        responses = by_step.get(step.id, [])
        results.append(
            {
                "step": step.id,
                "kind": step.kind,
                "responses": len(responses),
                "results": kind_of(step).aggregate(step, counted_values(step, responses)),
            }
        )
    return results


def participant_count(session: LiveSession) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Participant)
        .where(Participant.session_id == session.id)
    )


def roster(session: LiveSession) -> list[sa.Row]:
    """``(id, name)`` of every participant, in joining order (rows: a tally lists everyone)."""
    return list(
        db.session.connection().execute(
            sa.select(Participant.id, Participant.name)
            .where(Participant.session_id == session.id)
            .order_by(Participant.id)
        )
    )


def answered_participants(session: LiveSession, step_id: str) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Response.participant_id)
            .where(Response.session_id == session.id, Response.step_id == step_id)
            .distinct()
        )
    )


def own_answer(participant: Participant, step: Step) -> Any:
    """The participant's answer to ``step``: a list of contributions for open kinds, else the
    latest value, or None."""
    values = list(
        db.session.scalars(
            sa.select(Response.value)
            .where(Response.participant_id == participant.id, Response.step_id == step.id)
            .order_by(Response.id)
        )
    )
    if kind_of(step).many:
        return values
    return values[-1] if values else None
