"""Reads of live sessions, and the snapshots each kind of client gets."""

import json
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .. import steps
from ..auth.models import Role, User
from ..authoring.queries import session_module
from ..content import Part, Step
from ..extensions import db
from ..steps import kind_of
from . import hooks
from .models import (
    LiveSession,
    Participant,
    Response,
    SessionError,
    SessionStatus,
)


def part_of(session: LiveSession) -> Part | None:
    module = session_module(session)
    return module.part(session.part_id) if module else None


#: Largest session id looked up (the column is a 32-bit integer on PostgreSQL).
MAX_SESSION_ID = 2**31 - 1


def session_for(user: User, session_id: int, *, control: bool = True) -> LiveSession:
    """The session ``user`` may see (``control=False``) or lead (``control=True``): its own
    leader and admins may do both, analysts may only read. Raises ``SessionError`` with
    ``not_found`` or ``forbidden``; the one rule for pages, ``/live`` and the REST API."""
    session = db.session.get(LiveSession, session_id) if 0 < session_id <= MAX_SESSION_ID else None
    if session is None:
        raise SessionError("not_found")
    if session.leader_id == user.id or user.role is Role.admin:
        return session
    if user.role is Role.analyst and not control:
        return session
    raise SessionError("forbidden")


#: Built once: every join runs it, and building a statement costs about as much as running it.
_BY_CODE = (
    sa.select(LiveSession)
    .where(LiveSession.code == sa.bindparam("code"))
    .order_by(LiveSession.status == SessionStatus.ended, LiveSession.id.desc())
    .limit(1)
)


def session_by_code(code: str) -> LiveSession | None:
    """The session with this join code that is not over, else the latest ended one."""
    return db.session.scalar(_BY_CODE, {"code": code})


def session_step(session: LiveSession, step_id: str | None) -> Step | None:
    """A step of the session's part as the session runs it: as the module has it, extended by
    the features plugged in (a statements step carries the statements participants proposed
    and the leader approved, after the module's own: see ``dialogue``)."""
    part = part_of(session)
    step = next((s for s in part.steps if s.id == step_id), None) if part else None
    return hooks.extended_step(session, step) if step is not None else None


def current_step(session: LiveSession) -> Step | None:
    """The step being shown: none in the lobby and none once the session has ended."""
    if session.current_step is None or session.status is SessionStatus.ended:
        return None
    return session_step(session, session.current_step)


def counted_values(
    step: Step, responses: list[Response], votes: dict[int, int] | None = None
) -> list[Any]:
    """The values that count (:func:`facilitate.steps.counted_values`, the one rule)."""
    return steps.counted_values(step, responses, votes)


def step_responses(session: LiveSession, step_id: str) -> list[Response]:
    """The step's responses with their participants (moderation shows who entered what), in
    two queries whatever the number of contributions."""
    return list(
        db.session.scalars(
            sa.select(Response)
            .where(Response.session_id == session.id, Response.step_id == step_id)
            .options(selectinload(Response.participant))
            .order_by(Response.id)
        )
    )


def answer_rows(session: LiveSession, step_id: str) -> list[sa.Row]:
    """The step's responses as rows with what counting needs (``id``, ``participant_id``,
    ``statement``, ``value``, ``withdrawn``), oldest first: built on every tally, so no ORM
    objects for a full room. Open kinds, which are moderated, need :func:`step_responses`."""
    return list(
        db.session.execute(
            sa.select(
                Response.id,
                Response.participant_id,
                Response.statement,
                Response.value,
                Response.withdrawn,
            )
            .where(Response.session_id == session.id, Response.step_id == step_id)
            .order_by(Response.id)
        )
    )


def answers_per_participant(session: LiveSession, step_id: str) -> dict[int, int]:
    """How many responses (withdrawn ones aside) each participant gave to the step: one
    grouped query of two integers per participant, for the tally's counts."""
    return dict(
        db.session.execute(
            sa.select(Response.participant_id, sa.func.count())
            .where(
                Response.session_id == session.id,
                Response.step_id == step_id,
                Response.withdrawn.is_(False),
            )
            .group_by(Response.participant_id)
        ).all()
    )


def latest_value_counts(session: LiveSession, step_id: str) -> list[tuple[Any, int]]:
    """Each distinct value among the participants' latest answers to the step, with how many
    gave it, counted by the database: what :func:`counted_values` gives for kinds where only
    each participant's latest answer counts (not open kinds, not statements), without reading
    or decoding a row per participant. Values are compared as stored (their JSON text). The
    database form of :func:`facilitate.steps.counted` for those kinds (tests/test_counting.py
    holds the two to the same results)."""
    latest = (
        sa.select(sa.func.max(Response.id))
        .where(
            Response.session_id == session.id,
            Response.step_id == step_id,
            Response.withdrawn.is_(False),
        )
        .group_by(Response.participant_id, Response.statement)
    )
    text = sa.cast(Response.value, sa.Text)
    rows = db.session.execute(
        sa.select(text, sa.func.count()).where(Response.id.in_(latest)).group_by(text)
    )
    return [(None if value is None else json.loads(value), n) for value, n in rows]


def roster(session: LiveSession) -> list[sa.Row]:
    """``(id, name, proxy)`` of every participant, in joining order, as rows."""
    return list(
        db.session.execute(
            sa.select(Participant.id, Participant.name, Participant.proxy)
            .where(Participant.session_id == session.id)
            .order_by(Participant.id)
        )
    )


def _results(session: LiveSession, step: Step, responses: list[Response]) -> dict:
    votes = hooks.vote_counts(session, step.id) if kind_of(step).many else None
    return {
        "step": step.id,
        "kind": step.kind,
        "responses": sum(1 for r in responses if not r.withdrawn),
        "results": kind_of(step).aggregate(step, counted_values(step, responses, votes)),
    }


def step_results(session: LiveSession, step: Step) -> dict:
    """The step's results as the room sees them, and how many responses it has."""
    return _results(session, step, step_responses(session, step.id))


def session_results(session: LiveSession) -> list[dict]:
    """Results of every step of the session's part, in order (one query for the responses);
    for a session past its retention period, the results kept when its raw data was deleted."""
    if session.summary is not None:
        return session.summary
    part = part_of(session)
    by_step: dict[str, list[Response]] = defaultdict(list)
    for response in db.session.scalars(
        sa.select(Response).where(Response.session_id == session.id).order_by(Response.id)
    ):
        by_step[response.step_id].append(response)
    return [
        _results(session, session_step(session, step.id) or step, by_step.get(step.id, []))
        for step in (part.steps if part else ())
    ]


#: Built once, like ``_BY_CODE``: every join and every tally counts.
_HEAD_COUNT = (
    sa.select(sa.func.count())
    .select_from(Participant)
    .where(Participant.session_id == sa.bindparam("session"))
)


def participant_count(session: LiveSession) -> int:
    return db.session.scalar(_HEAD_COUNT, {"session": session.id})


def answered_participants(session: LiveSession, step_id: str) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Response.participant_id)
            .where(Response.session_id == session.id, Response.step_id == step_id)
            .distinct()
        )
    )


def own_answer(participant: Participant, step: Step) -> Any:
    """The participant's answer to ``step``, or None: for open kinds their contributions (what
    they wrote and whether the room sees it); for statements their latest reaction to each
    statement by statement id; otherwise their latest value."""
    responses = list(
        db.session.scalars(
            sa.select(Response)
            .where(
                Response.participant_id == participant.id,
                Response.step_id == step.id,
                Response.withdrawn.is_(False),
            )
            .order_by(Response.id)
        )
    )
    if kind_of(step).many:
        return [
            {
                "id": r.id,
                "submission_id": r.submission_id,
                "text": r.value,
                "hidden": r.hidden,
                "pending": not r.approved,
                "merged": r.merged_into_id is not None,
            }
            for r in responses
        ]
    return kind_of(step).own_answer([r.value for r in responses], [r.statement for r in responses])
