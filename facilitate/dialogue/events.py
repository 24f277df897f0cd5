"""The dialogue tools' ``/live`` events, added to the namespace through ``sessions.hooks``:
authors edit, withdraw and upvote contributions and propose statements; the leader moderates
contributions and reviews proposals. Each parses, calls an operation, announces, commits."""

from ..extensions import db
from ..sessions.live import announce
from . import moderation
from .schemas import (
    ContributionRequest,
    ModerateRequest,
    ProposeRequest,
    ReviewRequest,
    UpvoteRequest,
)


def on_edit(live, data):
    """Change one's own open contribution while the step is open."""
    participant = live.participant(sends=True)
    request_ = ContributionRequest.parse(data, with_value=True)
    moderation.edit(participant, request_.step, request_.submission_id, request_.value)
    announce(participant.session, tally=True)
    db.session.commit()
    return {"ok": True}


def on_withdraw(live, data):
    """Take back one's own open contribution while the step is open."""
    participant = live.participant()
    request_ = ContributionRequest.parse(data)
    moderation.withdraw(participant, request_.step, request_.submission_id)
    announce(participant.session, tally=True)
    db.session.commit()
    return {"ok": True}


def on_upvote(live, data):
    """Upvote someone else's contribution, once."""
    request_ = UpvoteRequest.parse(data)
    new = live.newcomer()
    participant = live.participant(creates=True)
    moderation.upvote(participant, request_.step, request_.contribution)
    identity = live.identity(participant)
    announce(participant.session, tally=True)
    db.session.commit()
    live.remember(identity)
    return {"ok": True, **(live.made(participant) if new else {})}


def on_propose(live, data):
    """Propose a statement for the leader to approve; a resend is recognised by its id."""
    request_ = ProposeRequest.parse(data)
    new = live.newcomer()
    participant = live.participant(sends=True, creates=True)
    duplicate = moderation.propose(
        participant, request_.step, request_.text, request_.submission_id
    )
    identity = live.identity(participant)
    announce(participant.session, tally=not duplicate)
    db.session.commit()
    live.remember(identity)
    ack = {"ok": True, "duplicate": duplicate}
    return {**ack, **live.made(participant)} if new else ack


def on_moderate(live, data):
    """The leader hides, approves, highlights, merges, themes or tags a contribution."""
    request_ = ModerateRequest.parse(data)
    session = live.led_session(request_.session)
    moderation.moderate(
        session,
        request_.contribution,
        request_.action,
        into=request_.into,
        theme=request_.theme,
        tags=request_.tags,
    )
    announce(session, state=True)
    db.session.commit()
    return live.host_ack(session)


def on_proposal(live, data):
    """The leader approves (the room then reacts to it) or rejects a proposed statement."""
    request_ = ReviewRequest.parse(data)
    session = live.led_session(request_.session)
    moderation.review(session, request_.proposal, request_.decision)
    announce(session, state=True)
    db.session.commit()
    return live.host_ack(session)
