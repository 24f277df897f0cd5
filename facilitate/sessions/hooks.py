"""Where features plug into live sessions without ``sessions`` knowing them (the dialogue tools
register here; step kinds and snapshot sections in :mod:`facilitate.sessions.kinds`).

Each hook is a list of functions a feature registers when it is imported; with none registered a
session runs without that feature's part (no votes, no proposals, no moderation panel)."""

from collections.abc import Callable
from typing import Any

from ..content import Step

#: ``function(session, step) -> Step``: a step as the session runs it (approved proposals
#: added to a statements step's own statements).
_step_extensions: list[Callable[[Any, Step], Step]] = []
#: ``function(session, step_id) -> {response id: upvotes}``: the upvotes of a step's
#: contributions, which count in its results.
_vote_counters: list[Callable[[Any, str], dict[int, int]]] = []
#: ``function(session, step, responses, votes) -> dict``: keys of the leader's tally (the
#: moderation panel and the proposals waiting for approval).
_host_tally_parts: list[Callable[..., dict]] = []
#: ``function(session, step, participant, new) -> dict``: keys of a participant's snapshot
#: about their part in the step (the contributions they upvoted).
_participant_parts: list[Callable[..., dict]] = []
#: ``function(*, session_id=None, participant_id=None)``: deletes a feature's rows of a
#: session or of one participant, before their responses and participants go.
_cleanups: list[Callable[..., None]] = []
#: ``/live`` events a feature adds: name → ``handler(live, data)``, with ``live`` the
#: namespace (see ``events.LiveNamespace``); whether a participant's phone sends it.
events: dict[str, tuple[Callable[..., Any], bool]] = {}


def register_step_extension(extend: Callable[[Any, Step], Step]) -> None:
    _step_extensions.append(extend)


def register_vote_counter(count: Callable[[Any, str], dict[int, int]]) -> None:
    _vote_counters.append(count)


def register_host_tally_part(build: Callable[..., dict]) -> None:
    _host_tally_parts.append(build)


def register_participant_part(build: Callable[..., dict]) -> None:
    _participant_parts.append(build)


def register_cleanup(delete: Callable[..., None]) -> None:
    _cleanups.append(delete)


def register_event(name: str, handler: Callable[..., Any], *, participant: bool = False) -> None:
    """Add the ``/live`` event ``name``; ``participant`` for events a phone sends as its
    participant (a phone of an ended session is then told so and leaves its rooms)."""
    events[name] = (handler, participant)


def extended_step(session, step: Step) -> Step:
    for extend in _step_extensions:
        step = extend(session, step)
    return step


def vote_counts(session, step_id: str) -> dict[int, int]:
    counts: dict[int, int] = {}
    for count in _vote_counters:
        counts.update(count(session, step_id))
    return counts


def host_tally_parts(session, step: Step | None, responses: list, votes: dict[int, int]) -> dict:
    parts: dict = {}
    for build in _host_tally_parts:
        parts.update(build(session, step, responses, votes))
    return parts


def participant_parts(session, step: Step, participant, new: bool) -> dict:
    parts: dict = {}
    for build in _participant_parts:
        parts.update(build(session, step, participant, new))
    return parts


def clean_up(*, session_id: int | None = None, participant_id: int | None = None) -> None:
    for delete in _cleanups:
        delete(session_id=session_id, participant_id=participant_id)
