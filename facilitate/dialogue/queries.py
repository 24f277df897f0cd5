"""Reads of the dialogue tools: proposed statements, upvotes, and a statements step as the
session runs it (with the proposals the leader approved)."""

import sqlalchemy as sa

from ..content import Step
from ..content.model import SOURCE_LANGUAGE, Option, Text
from ..extensions import db
from ..sessions.models import LiveSession, Participant, Response
from ..steps import kind_of
from .models import Proposal, ProposalStatus, Vote


def with_proposals(session: LiveSession, step: Step) -> Step:
    """A statements step carries the statements participants proposed and the leader
    approved, after the module's own; other steps are as the module has them."""
    kind = kind_of(step)
    if not kind.takes_proposals:
        return step
    added = tuple(
        Option(id=p.statement_id, text=Text({SOURCE_LANGUAGE: p.text, p.locale: p.text}))
        for p in proposals(session, step.id, ProposalStatus.approved)
    )
    return kind.with_proposals(step, added)


def proposals(session: LiveSession, step_id: str, status: ProposalStatus) -> list[Proposal]:
    """The statements participants proposed for a step, with ``status``, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Proposal)
            .where(
                Proposal.session_id == session.id,
                Proposal.step_id == step_id,
                Proposal.status == status,
            )
            .order_by(Proposal.id)
        )
    )


def votes_by_contribution(session: LiveSession, step_id: str) -> dict[int, int]:
    """Upvotes per contribution (response id) of a step."""
    rows = db.session.execute(
        sa.select(Vote.response_id, sa.func.count())
        .join(Response, Response.id == Vote.response_id)
        .where(Response.session_id == session.id, Response.step_id == step_id)
        .group_by(Vote.response_id)
    )
    return {response_id: count for response_id, count in rows}


def own_votes(participant: Participant, step: Step) -> list[int]:
    """The contributions of ``step`` the participant has upvoted."""
    return list(
        db.session.scalars(
            sa.select(Vote.response_id)
            .join(Response, Response.id == Vote.response_id)
            .where(Vote.participant_id == participant.id, Response.step_id == step.id)
            .order_by(Vote.response_id)
        )
    )
