"""What happens to open contributions and proposed statements after they are sent: their
authors edit, withdraw and upvote them; the leader moderates them and reviews proposals.
These flush; the caller commits. See docs/protocol.md for the events and
docs/content-format.md for the step kinds."""

import logging
from typing import Any

import sqlalchemy as sa
from flask import current_app

from ..content import library
from ..core.time import utcnow
from ..extensions import db
from ..sessions.models import LiveSession, Participant, Response, SessionError
from ..sessions.queries import session_step
from ..steps import InvalidAnswer, kind_of
from .models import Proposal, ProposalStatus, Vote

log = logging.getLogger(__name__)

#: What a leader may do to a contribution.
MODERATION_ACTIONS = (
    "hide",
    "unhide",
    "approve",
    "highlight",
    "unhighlight",
    "merge",
    "unmerge",
    "theme",
    "tag",
)
#: What a leader may decide about a proposed statement.
DECISIONS = ("approve", "reject")


# --- the author's own contributions ---------------------------------------------------------


def _require_open(session: LiveSession, step_id: str, trait: str, refusal: str) -> None:
    """Refuse unless the session's step ``step_id`` exists, its kind has ``trait`` (else
    ``refusal``) and it takes answers now (else why not): what a participant's tool checks
    first."""
    step = session_step(session, step_id)
    if step is None:
        raise SessionError("unknown_step")
    if not getattr(kind_of(step), trait):
        raise SessionError(refusal)
    refused = session.accepts_answers_to(step_id)
    if refused:
        raise SessionError(refused)


def _own_contribution(participant: Participant, step_id: str, submission_id: str) -> Response:
    """The participant's contribution to an open kind of step that is taking answers now."""
    session = participant.session
    _require_open(session, step_id, "many", "not_editable")
    response = db.session.scalar(
        sa.select(Response).where(
            Response.participant_id == participant.id,
            Response.step_id == step_id,
            Response.submission_id == submission_id,
        )
    )
    if response is None:
        raise SessionError("unknown_contribution")
    return response


def edit(participant: Participant, step_id: str, submission_id: str, value: Any) -> None:
    """Change the text of one's own contribution while the step is open. With pre-moderation
    an edited contribution waits for approval again; a hidden one stays hidden."""
    response = _own_contribution(participant, step_id, submission_id)
    if response.withdrawn:
        raise SessionError("unknown_contribution")
    step = session_step(participant.session, step_id)
    try:
        clean = kind_of(step).validate(step, value)
    except InvalidAnswer as error:
        raise SessionError(error.code) from None
    if clean == response.value:
        return  # a resend of the same edit
    response.value = clean
    response.edited_at = utcnow()
    if participant.session.premoderation and not participant.proxy:
        response.approved = False
    db.session.flush()


def withdraw(participant: Participant, step_id: str, submission_id: str) -> None:
    """Take back one's own contribution: its text is erased, its votes no longer count, and
    contributions merged into it stand on their own again. Withdrawing twice is harmless."""
    response = _own_contribution(participant, step_id, submission_id)
    if response.withdrawn:
        return
    response.withdrawn = True
    response.value = None
    response.edited_at = utcnow()
    db.session.execute(
        sa.update(Response)
        .where(Response.merged_into_id == response.id)
        .values(merged_into_id=None)
    )
    db.session.flush()


def upvote(participant: Participant, step_id: str, contribution_id: int) -> None:
    """One upvote per participant per contribution, on contributions the room can see."""
    session = participant.session
    step = session_step(session, step_id)
    if step is None:
        raise SessionError("unknown_step")
    refusal = session.accepts_answers_to(step_id)
    if refusal:
        raise SessionError(refusal)
    response = _contribution(session, contribution_id)
    if response is None or response.step_id != step_id or response.withdrawn:
        raise SessionError("unknown_contribution")
    if not response.visible:
        raise SessionError("contribution_hidden")
    if response.participant_id == participant.id:
        raise SessionError("own_contribution")
    voted = db.session.scalar(
        sa.select(Vote.id).where(
            Vote.response_id == response.id, Vote.participant_id == participant.id
        )
    )
    if voted is not None:
        raise SessionError("already_voted")
    try:
        with db.session.begin_nested():
            db.session.add(Vote(response_id=response.id, participant_id=participant.id))
    except sa.exc.IntegrityError:  # the same vote from a second connection at the same moment
        raise SessionError("already_voted") from None


def propose(participant: Participant, step_id: str, text: Any, submission_id: str) -> bool:
    """Propose a statement for the room to react to once the leader approves it; returns True
    for a resend of a proposal already stored."""
    existing = db.session.scalar(
        sa.select(Proposal.id).where(
            Proposal.participant_id == participant.id,
            Proposal.step_id == step_id,
            Proposal.submission_id == submission_id,
        )
    )
    if existing is not None:
        return True
    session = participant.session
    _require_open(session, step_id, "takes_proposals", "not_statements")
    if not isinstance(text, str):
        raise SessionError("invalid_payload")
    text = " ".join(text.split())
    if not text:
        raise SessionError("empty_text")
    if len(text) > current_app.config["STATEMENT_MAX_LENGTH"]:
        raise SessionError("text_too_long")
    db.session.add(
        Proposal(
            session_id=session.id,
            participant_id=participant.id,
            step_id=step_id,
            submission_id=submission_id,
            text=text,
            locale=participant.locale,
        )
    )
    db.session.flush()
    return False


# --- the leader -----------------------------------------------------------------------------


def _contribution(session: LiveSession, contribution_id: int) -> Response | None:
    response = db.session.get(Response, contribution_id) if 0 < contribution_id < 2**31 else None
    return response if response is not None and response.session_id == session.id else None


def moderate(
    session: LiveSession,
    contribution_id: int,
    action: str,
    *,
    into: int | None = None,
    theme: str | None = None,
    tags: list[str] | None = None,
) -> Response:
    """A leader's decision about one contribution; the data keeps everything, marked."""
    response = _contribution(session, contribution_id)
    if response is None or response.withdrawn:
        raise SessionError("unknown_contribution")
    step = session_step(session, response.step_id)
    if step is None or not kind_of(step).many:
        raise SessionError("unknown_contribution")
    if action == "hide":
        response.hidden = True
    elif action == "unhide":
        response.hidden = False
    elif action == "approve":
        response.approved = True
    elif action in ("highlight", "unhighlight"):
        response.highlighted = action == "highlight"
    elif action == "merge":
        _merge(session, response, into)
    elif action == "unmerge":
        response.merged_into_id = None
    elif action == "theme":
        response.theme = _theme(theme)
    elif action == "tag":
        response.tags = _tags(tags)
    else:
        raise SessionError("unknown_action")
    db.session.flush()
    log.info("session %d: %s contribution %d", session.id, action, response.id)
    return response


def _merge(session: LiveSession, response: Response, into: int | None) -> None:
    """Merge a near-duplicate into another contribution of the same step; what was merged into
    it moves along, so merges are never chained."""
    target = _contribution(session, into) if into is not None else None
    if target is None or target.withdrawn or target.step_id != response.step_id:
        raise SessionError("unknown_contribution")
    if target.merged_into_id is not None:
        target = db.session.get(Response, target.merged_into_id)
    if target.id == response.id:
        raise SessionError("merge_into_itself")
    db.session.execute(
        sa.update(Response)
        .where(Response.merged_into_id == response.id)
        .values(merged_into_id=target.id)
    )
    response.merged_into_id = target.id


def _theme(theme: Any) -> str | None:
    if theme is None:
        return None
    if not isinstance(theme, str):
        raise SessionError("invalid_payload")
    theme = " ".join(theme.split())
    if len(theme) > current_app.config["THEME_MAX_LENGTH"]:
        raise SessionError("text_too_long")
    return theme or None


def _tags(tags: Any) -> list[str]:
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise SessionError("invalid_payload")
    known = library().vocabulary.tags
    if any(t not in known for t in tags):
        raise SessionError("unknown_tag")
    return [t for t in known if t in tags]  # vocabulary order, no repeats


def review(session: LiveSession, proposal_id: int, decision: str) -> Proposal:
    """Approve a proposed statement (the room then reacts to it) or reject it."""
    if decision not in DECISIONS:
        raise SessionError("unknown_action")
    proposal = db.session.get(Proposal, proposal_id) if 0 < proposal_id < 2**31 else None
    if proposal is None or proposal.session_id != session.id:
        raise SessionError("unknown_proposal")
    proposal.status = ProposalStatus.approved if decision == "approve" else ProposalStatus.rejected
    db.session.flush()
    log.info("session %d: %s proposal %d", session.id, decision, proposal.id)
    return proposal


def delete_rows(*, session_id: int | None = None, participant_id: int | None = None) -> None:
    """The votes and proposals of a session, or of one participant (their own votes and the
    votes for their contributions), before the responses and participants go."""
    if session_id is not None:
        responses = sa.select(Response.id).where(Response.session_id == session_id)
        db.session.execute(sa.delete(Vote).where(Vote.response_id.in_(responses)))
        db.session.execute(sa.delete(Proposal).where(Proposal.session_id == session_id))
    if participant_id is not None:
        theirs = sa.select(Response.id).where(Response.participant_id == participant_id)
        db.session.execute(
            sa.delete(Vote).where(
                sa.or_(Vote.participant_id == participant_id, Vote.response_id.in_(theirs))
            )
        )
        db.session.execute(sa.delete(Proposal).where(Proposal.participant_id == participant_id))
