"""Quiz results of a whole session: points and leaderboard (competitive mode) and the per-part
summary of what the room knew. Added to snapshots as sections (see steps/registry.py)."""

import sqlalchemy as sa
from flask_babel import gettext as _

from ..extensions import db
from ..sessions.models import LiveSession, Participant, Response, SessionStatus
from ..sessions.queries import counted_values, part_of
from ..steps import kind_of
from . import scoring
from .kind import question

#: Names on the big screen's leaderboard.
LEADERBOARD_SIZE = 10


def _quiz_steps(session: LiveSession):
    part = part_of(session)
    return [s for s in part.steps if kind_of(s).scored] if part else []


def _responses(session: LiveSession, step_ids: list[str]) -> list[sa.Row]:
    """The session's responses to ``step_ids``, oldest first, as rows with the columns scoring
    reads (rows, not ORM objects: a full room's worth is built on every leader snapshot)."""
    return list(
        db.session.connection().execute(
            sa.select(
                Response.id,
                Response.participant_id,
                Response.step_id,
                Response.submission_id,
                Response.value,
                Response.elapsed_ms,
                Response.time_limit,
                Response.statement,
                Response.withdrawn,
            )
            .where(Response.session_id == session.id, Response.step_id.in_(step_ids))
            .order_by(Response.id)
        )
    )


def totals(session: LiveSession) -> dict[int, int]:
    """Points per participant id over every quiz question answered so far."""
    steps = {s.id: s for s in _quiz_steps(session)}
    scored = []
    for response in _responses(session, list(steps)):
        step = steps[response.step_id]
        scored.append(
            scoring.ScoredAnswer(
                participant=str(response.participant_id),
                question=step.id,
                submission_id=response.submission_id,
                points=scoring.points(
                    question(step),
                    response.value,
                    elapsed=response.elapsed_ms / 1000 if response.elapsed_ms is not None else None,
                    time_limit=response.time_limit,
                    speed_bonus=session.speed_bonus,
                ),
            )
        )
    return {int(p): total for p, total in scoring.totals(scored).items()}


def _display_name(participant: Participant, number: int) -> str:
    """The name, else "Deltagare 3": the third to join this session (numbers count per session,
    as the console's participant list does)."""
    return participant.name or _("Deltagare %(number)d", number=number)


def leaderboard_section(session: LiveSession, audience: str, participant=None):
    """Competitive mode only: the top names for the leader (always) and the big screen (between
    questions and at the end); a phone gets its own points and rank."""
    if not session.competitive:
        return None
    points = totals(session)
    everyone = {p.id: p for p in session.participants}
    for participant_id in everyone:
        points.setdefault(participant_id, 0)
    if audience == "participant":
        if participant is None:
            return None
        own = points.get(participant.id, 0)
        return {"points": own, "rank": 1 + sum(1 for v in points.values() if v > own)}
    between = session.revealed or session.status is SessionStatus.ended
    if audience == "screen" and not between:
        return None
    numbers = {p: n for n, p in enumerate(sorted(everyone), start=1)}
    entries = [
        (_display_name(everyone[p], numbers[p]), v) for p, v in points.items() if p in everyone
    ]
    return scoring.leaderboard(entries, LEADERBOARD_SIZE)


def summary_section(session: LiveSession, audience: str, participant=None):
    """What the room knew most and least about: for the leader always, for the big screen at
    the end."""
    if audience == "participant" or (
        audience == "screen" and session.status is not SessionStatus.ended
    ):
        return None
    steps = _quiz_steps(session)
    if not steps:
        return None
    by_step: dict[str, list[sa.Row]] = {s.id: [] for s in steps}
    for response in _responses(session, list(by_step)):
        by_step[response.step_id].append(response)
    stats = {s.id: scoring.statistics(question(s), counted_values(s, by_step[s.id])) for s in steps}
    summary = scoring.part_summary(stats)
    prompts = {s.id: s.prompt.get(session.locale) for s in steps}
    return {
        **summary,
        "most_known_prompt": prompts.get(summary["most_known"]),
        "least_known_prompt": prompts.get(summary["least_known"]),
        "questions": stats,
    }
