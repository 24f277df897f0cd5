"""Changes to live sessions. These flush; the caller (Socket.IO handler, view, CLI) commits."""

import logging
import secrets
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from ..auth.models import User
from ..authoring.operations import ensure_version
from ..authoring.queries import module_for
from ..circles.models import Circle
from ..circles.municipalities import municipality as find_municipality
from ..content import Part, Step
from ..core import tokens
from ..core.time import utcnow
from ..core.tokens import hash_token
from ..extensions import db
from ..steps import InvalidAnswer, kind_of, presented_order
from .models import (
    LiveSession,
    Participant,
    Response,
    SessionError,
    SessionStateError,
    SessionStatus,
)
from .queries import part_of, participant_count, session_by_code, session_step

log = logging.getLogger(__name__)

#: Leader actions: those of the public contract, then the timer's.
ACTIONS = (
    "start",
    "next",
    "previous",
    "goto",
    "open",
    "close",
    "reveal",
    "end",
    "pause_timer",
    "resume_timer",
    "extend_timer",
    "remove_timer",
)
#: Extra-time factors a session may use (WCAG 2.2.1 Timing Adjustable).
EXTRA_TIME_FACTORS = (1.0, 1.5, 2.0, 3.0)


def _new_code() -> str:
    """A join code not used by any session that is not over."""
    digits = current_app.config["JOIN_CODE_DIGITS"]
    while True:
        code = "".join(secrets.choice("0123456789") for _ in range(digits))
        taken = db.session.scalar(
            sa.select(LiveSession.id).where(
                LiveSession.code == code, LiveSession.status != SessionStatus.ended
            )
        )
        if taken is None:
            return code


def create_session(
    leader: User,
    module_id: str,
    part_id: str,
    locale: str = "sv",
    circle: Circle | None = None,
    municipality: str | None = None,
) -> LiveSession:
    """A new session in the lobby for a part of a module; with ``circle``, a meeting of that
    circle (which must follow the module: else ``circle_module_mismatch``). ``municipality``
    (an id of ``circles.municipalities``) says where it is held; the leader's choice is kept
    for their next start. A circle's meeting is in the circle's municipality."""
    module = module_for(leader, module_id)
    if module is None:
        raise SessionError("unknown_module")
    if module.part(part_id) is None:
        raise SessionError("unknown_part")
    if circle is not None and circle.module_id != module_id:
        raise SessionError("circle_module_mismatch")
    if municipality is not None:
        place = find_municipality(municipality)
        if place is None:
            raise SessionError("unknown_municipality")
        municipality = place.id
        leader.last_municipality = municipality
    session = LiveSession(
        code=_new_code(),
        module_id=module.id,
        part_id=part_id,
        module_version_id=ensure_version(module).id,
        leader=leader,
        locale=locale,
        circle=circle,
        municipality=circle.municipality if circle is not None else municipality,
    )
    db.session.add(session)
    db.session.flush()
    log.info(
        "leader %d created session %d (%s/%s, circle %s)",
        leader.id,
        session.id,
        module_id,
        part_id,
        circle.id if circle else "-",
    )
    return session


def control(
    session: LiveSession, action: str, step_id: str | None = None, seconds: int | None = None
) -> None:
    """Carry out a leader action; illegal ones raise :class:`SessionError` and change nothing.
    ``step_id`` is for ``goto``, ``seconds`` for ``extend_timer``."""
    part = part_of(session)
    if part is None:
        raise SessionError("content_missing")
    try:
        _apply(session, part, action, step_id, seconds)
    except SessionStateError as error:
        raise SessionError(error.code) from None
    db.session.flush()
    log.info(
        "session %d: %s -> %s %s", session.id, action, session.status.value, session.current_step
    )


def time_limit(session: LiveSession, step: Step) -> float | None:
    """Seconds to answer ``step``: its own limit, else the session's quiz timer, times the
    session's extra time; None when untimed."""
    limit = step.time_limit or (session.timer_seconds if kind_of(step).scored else None)
    return limit * session.extra_time if limit else None


def _apply(
    session: LiveSession, part: Part, action: str, step_id: str | None, seconds: int | None
) -> None:
    ids = [step.id for step in part.steps]
    answerable = {step.id: kind_of(step).answerable for step in part.steps}
    here = ids.index(session.current_step) if session.current_step in ids else None

    def show(index: int) -> None:
        session.require_running()
        if not 0 <= index < len(ids):
            raise SessionError("no_such_step")
        step = part.steps[index]
        session.show_step(step.id, answerable[step.id], time_limit(session, step))

    if action == "start":
        first = part.steps[0]
        session.start(first.id, answerable[first.id], time_limit(session, first))
    elif action == "next":
        show((here if here is not None else -1) + 1)
    elif action == "previous":
        show((here if here is not None else 0) - 1)
    elif action == "goto":
        if step_id not in ids:
            raise SessionError("unknown_step")
        show(ids.index(step_id))
    elif action == "open":
        session.open_step(answerable.get(session.current_step or "", False))
    elif action == "close":
        session.close_step()
    elif action == "reveal":
        step = part.steps[here] if here is not None else None
        session.reveal(closes_answering=step is not None and kind_of(step).closes_on_reveal)
    elif action == "end":
        session.end()
    elif action == "pause_timer":
        session.pause_timer()
    elif action == "resume_timer":
        session.resume_timer()
    elif action == "extend_timer":
        if not seconds or seconds < 1:
            raise SessionError("invalid_payload")
        session.extend_timer(seconds)
    elif action == "remove_timer":
        session.remove_timer()
    else:
        raise SessionError("unknown_action")


def configure(session: LiveSession, **settings) -> None:
    """Change session settings (competitive, speed_bonus, team_mode, extra_time,
    timer_seconds, premoderation, the big screen's locale and second_locale); team mode only
    before the start, since it changes what joining means."""
    if session.status is SessionStatus.ended:
        raise SessionError("session_ended")
    changes_teams = "team_mode" in settings and settings["team_mode"] != session.team_mode
    if changes_teams and session.status is not SessionStatus.lobby:
        raise SessionError("already_started")
    if "extra_time" in settings and settings["extra_time"] not in EXTRA_TIME_FACTORS:
        raise SessionError("invalid_payload")
    for name, value in settings.items():
        setattr(session, name, value)
    if session.second_locale == session.locale:
        session.second_locale = None  # one language, shown once
    db.session.flush()
    log.info("session %d settings: %s", session.id, settings)


def resume(code: str, token: str, name: str | None, locale: str) -> Participant | None:
    """The participant ``token`` belongs to in the session with ``code``, back in that
    session, or None when the pair matches no one (then it is a join, and may be a guess)."""
    session = session_by_code(code)
    if session is None:
        return None
    participant = db.session.scalar(
        sa.select(Participant).where(
            Participant.token_hash == hash_token(token), Participant.session_id == session.id
        )
    )
    if participant is None:
        return None
    if session.status is SessionStatus.ended:
        raise SessionError("session_ended")
    participant.locale = locale
    if name:
        participant.name = name
    return participant


def join(
    code: str, token: str | None, name: str | None, locale: str
) -> tuple[Participant, str | None]:
    """Join the session with ``code``, or resume as the participant ``token`` belongs to.

    Returns the participant and, for a new participant, their new token (None on resume).
    """
    session = session_by_code(code)
    if session is None:
        raise SessionError("unknown_code")
    return join_session(session, token, name, locale)


def join_session(
    session: LiveSession, token: str | None, name: str | None, locale: str
) -> tuple[Participant, str | None]:
    """:func:`join` the session a code was already looked up to (``session_by_code``)."""
    if session.status is SessionStatus.ended:
        raise SessionError("session_ended")
    if token:
        participant = db.session.scalar(
            sa.select(Participant).where(
                Participant.token_hash == hash_token(token), Participant.session_id == session.id
            )
        )
        if participant is not None:
            participant.locale = locale
            if name:
                participant.name = name
            return participant, None
    refused = refusal(session, name, participant_count(session))
    if refused:
        raise SessionError(refused)
    new_token = tokens.new_token()
    values = new_participant(session, new_token, name, locale)
    # One INSERT ... RETURNING id, then the row as if just loaded: the unit of work's flush of
    # a new object cost about twice as much (bench/NOTES.md, third round).
    values["id"] = db.session.execute(_NEW_PARTICIPANT, values).scalar_one()
    return as_loaded(values, session), new_token


def refusal(session: LiveSession, name: str | None, head_count: int) -> str | None:
    """Why a new participant may not join ``session`` of ``head_count`` participants (the
    error code), or None. For a session that is not over."""
    if session.joins_locked:
        return "session_locked"  # the leader let no one new in; members resume
    if session.team_mode and not name:
        return "name_required"  # a table group answers under its group's name
    if head_count >= current_app.config["MAX_PARTICIPANTS_PER_SESSION"]:
        return "session_full"
    return None


def new_participant(session: LiveSession, token: str, name: str | None, locale: str) -> dict:
    """The row of a new participant of ``session`` with ``token`` (its hash is stored)."""
    return {
        "session_id": session.id,
        "token_hash": hash_token(token),
        "name": name,
        "locale": locale,
        "proxy": False,
        "joined_at": utcnow(),
        "circle_member_id": None,
    }


def as_loaded(row: dict, session: LiveSession) -> Participant:
    """The participant of an inserted ``row`` (with its id) as if just loaded, in this database
    session, without a query."""
    participant = Participant(**row)
    make_transient_to_detached(participant)
    db.session.add(participant)
    # By id, and the session set as already loaded: setting ``session=`` would load every
    # participant of the session first (the relationship's other side), which makes each join
    # slower the fuller the room is.
    set_committed_value(participant, "session", session)
    return participant


#: Built once: every new participant runs it (on the table: no ORM bulk-insert machinery).
_NEW_PARTICIPANT = sa.insert(Participant.__table__).returning(Participant.__table__.c.id)


def answer(
    participant: Participant,
    step_id: str,
    value: Any,
    submission_id: str,
    statement: str | None = None,
) -> bool:
    """Store an answer; returns True if this submission id was already stored (a resend).
    For a statements step, ``statement`` says which statement ``value`` reacts to.

    Raises :class:`SessionError` for answers that are not accepted now or do not fit the step.
    """
    existing = db.session.scalar(
        sa.select(Response.id).where(
            Response.participant_id == participant.id,
            Response.step_id == step_id,
            Response.submission_id == submission_id,
        )
    )
    if existing is not None:
        return True
    db.session.add(new_response(participant, step_id, value, submission_id, statement))
    db.session.flush()
    return False


def new_response(
    participant: Participant,
    step_id: str,
    value: Any,
    submission_id: str,
    statement: str | None = None,
) -> Response:
    """The response an answer is stored as (not yet added); whether it is a resend is the
    caller's to check. Raises :class:`SessionError` for answers that are not accepted now or do
    not fit the step. See :func:`response_values`."""
    return Response(**response_values(participant, step_id, value, submission_id, statement))


def response_values(
    participant: Participant,
    step_id: str,
    value: Any,
    submission_id: str,
    statement: str | None = None,
    *,
    step: Step | None = None,
) -> dict[str, Any]:
    """The checks of an answer, and the column values of the response it is stored as (columns
    left to their defaults are not included). Shared by :func:`answer` and the group commit
    (``answers.py``), which stores the values without making an ORM object per answer.
    ``step`` is ``session_step(participant.session, step_id)`` when the caller has it already
    (a batch of answers to one step, within one transaction)."""
    session = participant.session
    if step is None:
        step = session_step(session, step_id)
    if step is None:
        raise SessionError("unknown_step")
    kind = kind_of(step)
    if not kind.answerable:
        raise SessionError("not_answerable")
    refusal = session.accepts_answers_to(step_id)
    if refusal:
        raise SessionError(refusal)
    if kind.per_statement:
        if statement is None or all(s.id != statement for s in step.statements):
            raise SessionError("unknown_statement")
    elif statement is not None:
        raise SessionError("invalid_payload")
    try:
        clean = kind.validate(step, value)
    except InvalidAnswer as error:
        raise SessionError(error.code) from None
    shown = session.step_shown_at
    return {
        "session_id": session.id,
        "participant_id": participant.id,
        "step_id": step_id,
        "submission_id": submission_id,
        "value": clean,
        "statement": statement,
        "elapsed_ms": int((utcnow() - shown).total_seconds() * 1000) if shown else None,
        "time_limit": time_limit(session, step) if session.time_left() is not None else None,
        # With pre-moderation the room sees a contribution once the leader approves it;
        # what the leader enters on someone's behalf is approved already.
        "approved": not (kind.many and session.premoderation and not participant.proxy),
        "presented": presented_order(step, participant.token_hash),
    }
