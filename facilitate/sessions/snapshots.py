"""What each kind of client is sent: participant, leader console and big screen snapshots.

Every (re)connect gets a full snapshot, so a reconnect needs no memory on the server. The
participant and big-screen snapshots never contain a right answer before it is revealed: they
are built from :meth:`StepKind.participant_view` only.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from ..content import Step
from ..core.time import utcnow
from ..steps import kind_of, presented_order, sections
from ..steps.counting import expand
from . import hooks
from .joining import join_url, spaced
from .models import LiveSession, Participant, Response
from .queries import (
    answer_rows,
    answers_per_participant,
    counted_values,
    current_step,
    latest_value_counts,
    own_answer,
    part_of,
    participant_count,
    roster,
    step_responses,
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
        "joins_locked": session.joins_locked,
        "team_mode": session.team_mode,
        "extra_time": session.extra_time,
        "timer_seconds": session.timer_seconds,
        "premoderation": session.premoderation,
        "hide_live_results": session.hide_live_results,
        "locale": session.locale,
        "second_locale": session.second_locale,
    }


def participant_state(
    session: LiveSession,
    locale: str,
    participant: Participant | None = None,
    seed: str | None = None,
    *,
    new: bool = False,
) -> dict:
    """The phone's snapshot; with ``participant`` it includes their own answer to the step
    (``new``: they joined just now, so they have none and it is not looked up). ``seed`` stands
    for the participant's token hash where the participant is yet to be made (a new person the
    leader answers for), so their ranking comes in their own order."""
    step = current_step(session)
    state: dict[str, Any] = {
        "session": _header(session, locale),
        "step": kind_of(step).participant_view(step, locale, session.revealed) if step else None,
        "results": None,
    }
    if step is not None and shows_results(session, step):
        state["results"] = tally(session, include_results=True)["results"]
    if participant is not None:
        state["answer"] = own_answer(participant, step) if step is not None and not new else None
        if step is not None:
            state.update(hooks.participant_parts(session, step, participant, new))
    # A ranking's options in this participant's own (shuffled, recorded) order.
    seed = participant.token_hash if participant is not None else seed
    order = presented_order(step, seed) if step is not None and seed else None
    if order is not None:
        state["presented"] = order
    state.update(sections(session, "participant", participant))
    return state


def screen_state(session: LiveSession, locale: str) -> dict:
    """The big screen: join code and QR address, the step as participants see it, counts, and
    results once revealed."""
    step = current_step(session)
    second = session.second_locale if session.second_locale != locale else None
    return {
        "session": _header(session, locale),
        "join_url": join_url(session.code),
        "code": spaced(session.code),
        "step": kind_of(step).participant_view(step, locale, session.revealed) if step else None,
        # A bilingual screen: the same step and title in the second language, side by side.
        "second": {
            "locale": second,
            "title": _header(session, second)["title"],
            "step": kind_of(step).participant_view(step, second, session.revealed)
            if step
            else None,
        }
        if second
        else None,
        **tally(session, include_results=step is not None and shows_results(session, step)),
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


def shows_results(session: LiveSession, step: Step) -> bool:
    """Whether the room (big screen, phones) sees the step's results now: once revealed, or
    all along for the kinds shown live (every kind but the quiz) unless the session hides
    live results."""
    kind = kind_of(step)
    live = getattr(kind, "live_results", False) and not session.hide_live_results
    return kind.answerable and (session.revealed or live)


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
    """Live counts for the current step: how many are here, how many answered, and results.
    With ``include_people`` (the leader's) also who answered, every contribution with its
    moderation state, proposed statements waiting for approval, and answers per group."""
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
    kind = kind_of(step) if step is not None else None
    many = kind is not None and kind.many
    if kind is None or not kind.answerable:
        include_results = False
    participants = roster(session) if include_people else None
    team = bool(include_people and session.team_mode and kind is not None and kind.answerable)
    kept: list = []
    votes: dict[int, int] = {}
    values: list[Any] = []
    if step is None:
        answered: set[int] | dict[int, int] = set()
        counted = 0
    elif many or kind.per_statement or team:
        # Moderated kinds need whole responses, statements and table groups who said what.
        responses = step_responses(session, step.id) if many else answer_rows(session, step.id)
        kept = [r for r in responses if not r.withdrawn]
        answered, counted = {r.participant_id for r in kept}, len(kept)
        votes = hooks.vote_counts(session, step.id) if many else {}
        if include_results:
            values = counted_values(step, responses, votes)
    else:
        # Only each participant's latest answer counts: the database counts them.
        answered = answers_per_participant(session, step.id)
        counted = sum(answered.values())
        if include_results:
            values = expand(latest_value_counts(session, step.id))
    data: dict[str, Any] = {
        "step_id": step.id if step else None,
        "participant_count": len(participants)
        if participants is not None
        else participant_count(session),
        "answered_count": len(answered),
        "results": None,
    }
    if include_results:
        data["results"] = {
            "step": step.id,
            "kind": step.kind,
            "responses": counted,
            "results": kind.aggregate(step, values),
        }
    if participants is not None:
        data["participants"] = [
            {
                "id": id_,
                "number": number,
                "name": name,
                "proxy": proxy,
                "answered": id_ in answered,
            }
            for number, (id_, name, proxy) in enumerate(participants, start=1)
        ]
        data.update(hooks.host_tally_parts(session, step, kept, votes))
        if team:
            data["groups"] = answers_by_group(step, participants, kept)
    return data


def room_tally(host: dict, *, include_results: bool) -> dict:
    """The room's tally (big screen, phones) cut from the leader's of the same moment, so that
    a tally going to both is counted once."""
    return {
        "step_id": host["step_id"],
        "participant_count": host["participant_count"],
        "answered_count": host["answered_count"],
        "results": host["results"] if include_results else None,
    }


def answers_by_group(step: Step, participants: list[Participant], responses: list) -> list:
    """Team mode: each table group's answer to the step (the latest, or every contribution)."""
    by_participant: dict[int, list[Response]] = {}
    for r in responses:
        by_participant.setdefault(r.participant_id, []).append(r)
    groups = []
    for p in participants:
        mine = by_participant.get(p.id, [])
        if kind_of(step).many:
            answer: Any = [r.value for r in mine]
        else:
            answer = kind_of(step).own_answer([r.value for r in mine], [r.statement for r in mine])
        groups.append({"id": p.id, "name": p.name, "answer": answer or None})
    return groups
