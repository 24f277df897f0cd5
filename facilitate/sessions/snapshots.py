"""What each kind of client is sent: participant, leader console and big screen snapshots.

Every (re)connect gets a full snapshot, so a reconnect needs no memory on the server. The
participant and big-screen snapshots never contain a right answer before it is revealed: they
are built from :meth:`StepKind.participant_view` only.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from ..auth.models import utcnow
from .joining import join_url, spaced
from .kinds import kind_of, sections
from .models import LiveSession, Participant
from .queries import (
    answered_participants,
    current_step,
    own_answer,
    part_of,
    participant_count,
    roster,
    step_results,
)


def _header(session: LiveSession, locale: str) -> dict:
    part = part_of(session)
    steps = [s.id for s in part.steps] if part else []
    time_left = session.time_left()
    return {
        "id": session.id,
        "code": session.code,
        "status": session.status.value,
        "title": part.title.get(locale) if part else "",
        "step_index": steps.index(session.current_step) if session.current_step in steps else None,
        "step_count": len(steps),
        "open": session.step_open and time_left != 0,
        "revealed": session.revealed,
        # The timer: clients count down from ``deadline`` corrected by their clock's offset
        # from ``server_time``; ``paused`` timers show ``time_left`` standing still.
        "server_time": utcnow().isoformat(),
        "deadline": session.deadline.isoformat() if session.deadline else None,
        "time_left": round(time_left, 1) if time_left is not None else None,
        "paused": session.paused_remaining is not None,
        "competitive": session.competitive,
        "speed_bonus": session.speed_bonus,
        "team_mode": session.team_mode,
        "extra_time": session.extra_time,
        "timer_seconds": session.timer_seconds,
    }


def participant_state(
    session: LiveSession, locale: str, participant: Participant | None = None
) -> dict:
    """The phone's snapshot; with ``participant`` it includes their own answer to the step."""
    step = current_step(session)
    state: dict[str, Any] = {
        "session": _header(session, locale),
        "step": kind_of(step).participant_view(step, locale, session.revealed) if step else None,
        "results": None,
    }
    if step is not None and session.revealed and kind_of(step).answerable:
        state["results"] = step_results(session, step)
    if participant is not None:
        state["answer"] = own_answer(participant, step) if step is not None else None
    state.update(sections(session, "participant", participant))
    return state


def screen_state(session: LiveSession, locale: str) -> dict:
    """The big screen: join code and QR address, the step as participants see it, counts, and
    results once revealed."""
    step = current_step(session)
    return {
        "session": _header(session, locale),
        "join_url": join_url(session.code),
        "code": spaced(session.code),
        "step": kind_of(step).participant_view(step, locale, session.revealed) if step else None,
        **tally(session, include_results=session.revealed),
        **sections(session, "screen"),
    }


def host_state(session: LiveSession, locale: str) -> dict:
    """The leader console: everything, leader notes and live results included."""
    step = current_step(session)
    part = part_of(session)
    return {
        "session": _header(session, locale),
        "join_url": join_url(session.code),
        "code": spaced(session.code),
        "steps": [
            {
                "id": s.id,
                "kind": s.kind,
                "prompt": s.heading.get(locale),
                "answerable": kind_of(s).answerable,
            }
            for s in (part.steps if part else ())
        ],
        "step": kind_of(step).host_view(step, locale) if step else None,
        **tally(session, include_results=True, include_people=True),
        **sections(session, "host"),
    }


#: Tallies already built in this :func:`one_moment` block, by session and options.
_moment: ContextVar[dict | None] = ContextVar("tallies_of_this_moment", default=None)


@contextmanager
def one_moment() -> Iterator[None]:
    """Inside, the tally of a session is built once however many snapshots include it (a
    broadcast builds the console's in every language). Only for snapshots of one unchanging
    moment, after the commit."""
    token = _moment.set({})
    try:
        yield
    finally:
        _moment.reset(token)


def tally(session: LiveSession, *, include_results: bool, include_people: bool = False) -> dict:
    """Live counts for the current step: how many are here, how many answered, and results."""
    built = _moment.get()
    key = (session.id, include_results, include_people)
    if built is not None and key in built:
        return built[key]
    data = _tally(session, include_results=include_results, include_people=include_people)
    if built is not None:
        built[key] = data
    return data


def _tally(session: LiveSession, *, include_results: bool, include_people: bool) -> dict:
    step = current_step(session)
    answered = answered_participants(session, step.id) if step is not None else set()
    data: dict[str, Any] = {
        "step_id": step.id if step else None,
        "participant_count": participant_count(session),
        "answered_count": len(answered),
        "results": None,
    }
    if include_results and step is not None and kind_of(step).answerable:
        data["results"] = step_results(session, step)
    if include_people:
        data["participants"] = [
            {"id": p.id, "name": p.name, "answered": p.id in answered} for p in roster(session)
        ]
    return data
