"""Cross-session reads for analysts and exports: which sessions a filter matches, and every
response of them as one anonymous row each (:class:`Dataset`).

What a row holds follows the privacy rules of docs/export-format.md: no display names, tokens
or addresses; a per-export pseudonym instead of a participant; withdrawn contributions never;
hidden ones (and ones still waiting for approval) only when the filter asks for them.
"""

import hashlib
import hmac
import json
import secrets
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import undefer

from ..authoring.models import ModuleVersion
from ..authoring.queries import every_module, session_module
from ..circles.models import Circle
from ..circles.municipalities import by_name, municipality
from ..content import Step, library
from ..content.model import SOURCE_LANGUAGE, Option, Text
from ..core.i18n import localized
from ..dialogue.models import Proposal, ProposalStatus, Vote
from ..extensions import db
from ..sessions.models import LiveSession, Participant, Response, SessionStatus
from ..steps import counted, kind_of
from .schemas import ExportFilter


@dataclass(frozen=True, slots=True)
class CircleRecord:
    id: int
    #: The circle's global identity (kept when its sessions travel to a central server).
    uid: str
    name: str
    municipality: str
    municipality_name: str
    organiser: str
    module: str


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: int
    #: The session's global identity (kept when it travels to a central server).
    uid: str
    #: Where it was run, for a session imported from another server; None for one run here.
    origin: str | None
    #: SHA-256 of the module version it ran (``Dataset.module_versions``); None for sessions
    #: from before versions were kept.
    module_version: str | None
    module: str
    module_title: str
    part: str
    part_title: str
    status: str
    #: When it started (UTC); the day it counts for in date filters is the local day of this.
    started_at: datetime
    ended_at: datetime | None
    circle: CircleRecord | None
    participants: int
    #: The name of the municipality it was held in: its circle's, else the one the leader
    #: gave at start; None when neither says.
    municipality_name: str | None = None


@dataclass(frozen=True, slots=True)
class Row:
    """One counted response, anonymous. ``value`` is the stored value (an option id, a list of
    them, a number, a text or a reaction); ``value_text`` is it in words (Swedish)."""

    response: int
    session: int
    circle: int | None
    circle_name: str | None
    municipality: str | None
    organiser: str | None
    module: str
    part: str
    step: str
    kind: str
    prompt: str
    participant: str
    value: Any
    value_text: str
    statement: str | None
    statement_text: str | None
    correct: bool | None
    votes: int | None
    theme: str | None
    #: The step's own tags and the ones the leader gave the response, vocabulary order.
    tags: tuple[str, ...]
    created_at: datetime
    hidden: bool
    awaiting_approval: bool
    entered_by_leader: bool
    #: The response this contribution was merged into (a near-duplicate), or None.
    merged_into: int | None
    #: The language the participant's phone was in (what a text they wrote is written in).
    language: str = SOURCE_LANGUAGE
    #: Where the session was run, for one imported from another server; None for one run here.
    origin: str | None = None
    #: Whether the leader highlighted this contribution (open kinds).
    highlighted: bool = False
    #: The tags the leader gave the response (not the step's own).
    own_tags: tuple[str, ...] = ()
    #: For a ranking: the order its options were shown to this participant in, or None.
    presented: tuple[str, ...] | None = None


@dataclass
class Dataset:
    """Everything one view or export covers."""

    filter: ExportFilter
    generated_at: datetime
    sessions: list[SessionRecord]
    rows: list[Row]
    #: The steps the rows answer, by (module, part, step id); a statements step carries the
    #: participants' approved proposals of every matching session.
    steps: dict[tuple[str, str, str], Step] = field(default_factory=dict)
    #: The module versions the sessions ran, by SHA-256: ``(module id, canonical document)``.
    module_versions: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def circles(self) -> list[CircleRecord]:
        found = {s.circle.id: s.circle for s in self.sessions if s.circle is not None}
        return [found[i] for i in sorted(found)]


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_time(moment: datetime) -> datetime:
    """A UTC timestamp in the app's time zone (Europe/Stockholm), for people to read."""
    return moment.astimezone(local_zone())


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(UTC)


def matching_sessions(selection: ExportFilter) -> list[LiveSession]:
    """Sessions that have started and match the filter, oldest first. A ``tag`` keeps sessions
    whose part has a step with the tag or where the leader gave a contribution the tag."""
    started = sa.func.coalesce(LiveSession.started_at, LiveSession.created_at)
    query = (
        sa.select(LiveSession)
        .outerjoin(Circle, Circle.id == LiveSession.circle_id)
        .where(LiveSession.status != SessionStatus.lobby)
        .order_by(started, LiveSession.id)
    )
    if selection.session is not None:
        query = query.where(LiveSession.id == selection.session)
    if selection.circle is not None:
        query = query.where(LiveSession.circle_id == selection.circle)
    if selection.module is not None:
        query = query.where(LiveSession.module_id == selection.module)
    if selection.part is not None:
        query = query.where(LiveSession.part_id == selection.part)
    if selection.municipality is not None:
        query = query.where(
            sa.func.coalesce(Circle.municipality, LiveSession.municipality)
            == selection.municipality
        )
    if selection.organiser is not None:
        query = query.where(Circle.organiser == selection.organiser)
    if selection.since is not None:
        query = query.where(started >= _day_start(selection.since))
    if selection.until is not None:
        query = query.where(started < _day_start(selection.until + timedelta(days=1)))
    sessions = list(db.session.scalars(query))
    if selection.tag is not None:
        tagged = _sessions_with_runtime_tag([s.id for s in sessions], selection.tag)
        sessions = [s for s in sessions if s.id in tagged or _part_has_tag(s, selection.tag)]
    return sessions


def _part_has_tag(session: LiveSession, tag: str) -> bool:
    module = session_module(session)
    part = module.part(session.part_id) if module else None
    return part is not None and any(tag in step.tags for step in part.steps)


def _sessions_with_runtime_tag(session_ids: list[int], tag: str) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(session_ids):
        rows = db.session.execute(
            sa.select(Response.session_id, Response.tags).where(
                Response.session_id.in_(chunk), Response.withdrawn.is_(False)
            )
        )
        found.update(session_id for session_id, tags in rows if tags and tag in tags)
    return found


def _chunks(ids: list[int], size: int = 500):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


class Pseudonyms:
    """Participant identifiers for one export: a keyed hash under a key drawn for this export
    only, so the same person has the same pseudonym throughout it (across a circle's meetings
    when they opted in to be recognised) and an unrelated one in any other export."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def of(self, participant_id: int, circle_member_id: int | None) -> str:
        who = f"m{circle_member_id}" if circle_member_id is not None else f"p{participant_id}"
        digest = hmac.new(self._key, who.encode("ascii"), hashlib.sha256).hexdigest()
        return "d-" + digest[:10]


def load(selection: ExportFilter) -> Dataset:
    """Every counted response of the sessions ``selection`` matches, as anonymous rows."""
    sessions = matching_sessions(selection)
    ids = [s.id for s in sessions]
    counts = participant_counts(ids)
    records = [_session_record(s, counts.get(s.id, 0)) for s in sessions]
    steps = _steps(sessions)
    rows = _rows(sessions, steps, selection, Pseudonyms())
    return Dataset(
        filter=selection,
        generated_at=datetime.now(UTC),
        sessions=records,
        rows=rows,
        steps=steps,
        module_versions=_module_versions(sessions),
    )


def _module_versions(sessions: list[LiveSession]) -> dict[str, tuple[str, str]]:
    ids = {s.module_version_id for s in sessions if s.module_version_id is not None}
    found: dict[str, tuple[str, str]] = {}
    for chunk in _chunks(sorted(ids)):
        for version in db.session.scalars(
            sa.select(ModuleVersion)
            .where(ModuleVersion.id.in_(chunk))
            .options(undefer(ModuleVersion.document))
        ):
            found[version.sha256] = (version.module_id, version.document)
    return dict(sorted(found.items()))


def participant_counts(session_ids: list[int]) -> dict[int, int]:
    """How many participants each session had (people answering through the leader too)."""
    counts: dict[int, int] = {}
    for chunk in _chunks(session_ids):
        counts.update(
            db.session.execute(
                sa.select(Participant.session_id, sa.func.count())
                .where(Participant.session_id.in_(chunk))
                .group_by(Participant.session_id)
            ).all()
        )
    return counts


def _session_record(session: LiveSession, participants: int) -> SessionRecord:
    module = session_module(session)
    part = module.part(session.part_id) if module else None
    circle = session.circle
    return SessionRecord(
        id=session.id,
        uid=session.uid,
        origin=session.origin,
        module_version=session.module_version.sha256 if session.module_version else None,
        module=session.module_id,
        module_title=localized(module.title) if module else session.module_id,
        part=session.part_id,
        part_title=localized(part.title) if part else session.part_id,
        status=session.status.value,
        started_at=session.started_at or session.created_at,
        ended_at=session.ended_at,
        circle=_circle_record(circle) if circle is not None else None,
        participants=participants,
        municipality_name=_municipality_name(
            circle.municipality if circle is not None else session.municipality
        ),
    )


def _circle_record(circle: Circle) -> CircleRecord:
    place = municipality(circle.municipality)
    return CircleRecord(
        id=circle.id,
        uid=circle.uid,
        name=circle.name,
        municipality=circle.municipality,
        municipality_name=place.name if place else circle.municipality,
        organiser=circle.organiser,
        module=circle.module_id,
    )


def _steps(sessions: list[LiveSession]) -> dict[tuple[str, str, str], Step]:
    """The steps of every part run, by (module, part, step id); statements steps with the
    approved proposals of all these sessions after the module's own statements."""
    steps: dict[tuple[str, str, str], Step] = {}
    for session in sessions:
        module = session_module(session)
        part = module.part(session.part_id) if module else None
        for step in part.steps if part else ():
            steps.setdefault((session.module_id, session.part_id, step.id), step)
    proposals: dict[tuple[str, str, str], list[Option]] = defaultdict(list)
    by_id = {s.id: s for s in sessions}
    for chunk in _chunks(list(by_id)):
        for proposal in db.session.scalars(
            sa.select(Proposal)
            .where(Proposal.session_id.in_(chunk), Proposal.status == ProposalStatus.approved)
            .order_by(Proposal.id)
        ):
            session = by_id[proposal.session_id]
            text = Text({SOURCE_LANGUAGE: proposal.text, proposal.locale: proposal.text})
            key = (session.module_id, session.part_id, proposal.step_id)
            proposals[key].append(Option(id=proposal.statement_id, text=text))
    for key, added in proposals.items():
        if key in steps:
            steps[key] = replace(steps[key], statements=steps[key].statements + tuple(added))
    return steps


class _Words:
    """The texts of one load, each looked up once: finding the language and translating per
    row was most of the time of a large selection's load."""

    def __init__(self) -> None:
        self._found: dict[tuple, Any] = {}

    def of(self, key: tuple, make):
        if key not in self._found:
            self._found[key] = make()
        return self._found[key]


def _rows(
    sessions: list[LiveSession],
    steps: dict[tuple[str, str, str], Step],
    selection: ExportFilter,
    pseudonyms: Pseudonyms,
) -> list[Row]:
    by_id = {s.id: s for s in sessions}
    rows: list[Row] = []
    words = _Words()
    for chunk in _chunks(list(by_id)):
        votes = dict(
            db.session.execute(
                sa.select(Vote.response_id, sa.func.count())
                .join(Response, Response.id == Vote.response_id)
                .where(Response.session_id.in_(chunk))
                .group_by(Vote.response_id)
            ).all()
        )
        result = db.session.execute(
            sa.select(Response, Participant.proxy, Participant.circle_member_id, Participant.locale)
            .join(Participant, Participant.id == Response.participant_id)
            .where(Response.session_id.in_(chunk), Response.withdrawn.is_(False))
            .order_by(Response.session_id, Response.id)
        )
        for session_id, responses in _by_session(result).items():
            session = by_id[session_id]
            for response, proxy, member, language in _counted(session, steps, responses, selection):
                step = steps[(session.module_id, session.part_id, response.step_id)]
                who = pseudonyms.of(response.participant_id, member)
                row = _row(session, step, response, who, proxy, votes.get(response.id, 0), words)
                if language != row.language:
                    row = replace(row, language=language)
                if selection.tag is None or selection.tag in row.tags:
                    rows.append(row)
                if len(rows) % COOPERATE_EVERY == 0:
                    cooperate()
    return rows


def _by_session(result) -> dict[int, list[tuple[Response, bool, int | None, str]]]:
    grouped: dict[int, list] = defaultdict(list)
    for count, entry in enumerate(result, 1):
        grouped[entry[0].session_id].append(tuple(entry))
        if count % COOPERATE_EVERY == 0:
            cooperate()
    return grouped


#: Rows read or built between two pauses for the live server (:func:`cooperate`), and the
#: pause (seconds): long enough for one turn of the event loop with its I/O.
COOPERATE_EVERY = 500
COOPERATE_PAUSE = 0.001


def cooperate() -> None:
    """Let the server's other greenlets run (live sessions) during a long read: under gevent
    a greenlet keeps the event loop until it waits, and reading and building tens of thousands
    of rows is seconds of work without a wait. Does nothing outside a gevent server."""
    from gevent import monkey, sleep

    if monkey.is_module_patched("threading"):
        # Not sleep(0): that runs ready greenlets but may not poll for I/O or timers.
        sleep(COOPERATE_PAUSE)


def _counted(session, steps, responses, selection: ExportFilter):
    """The responses that count (:func:`facilitate.steps.counted`, the one rule; hidden and
    unapproved contributions too when the filter asks for them), in the order they came."""
    by_step: dict[str, list[tuple]] = defaultdict(list)
    for entry in responses:
        by_step[entry[0].step_id].append(entry)
    kept: list[tuple] = []
    for step_id, entries in by_step.items():
        step = steps.get((session.module_id, session.part_id, step_id))
        if step is None or not kind_of(step).answerable:
            continue  # content changed since: the step is gone
        entry_of = {id(entry[0]): entry for entry in entries}
        chosen = counted(
            step, [entry[0] for entry in entries], include_hidden=selection.include_hidden
        )
        kept.extend(entry_of[id(response)] for response in chosen)
    return sorted(kept, key=lambda entry: entry[0].id)


def _row(
    session: LiveSession,
    step: Step,
    response: Response,
    who: str,
    proxy: bool,
    votes: int,
    words: _Words,
) -> Row:
    kind = kind_of(step)
    if kind.many:
        value: Any = {"id": response.id, "text": response.value, "votes": votes}
    else:
        value = kind.counted_value(response.participant_id, response.statement, response.value)
    exported = (kind.export_rows(step, [value]) or [{"value": response.value}])[0]
    circle = session.circle
    statement = step_statement(step, response.statement)
    vocabulary = words.of(("vocabulary",), lambda: library().vocabulary.tags)
    tags = set(step.tags) | set(response.tags or ())
    said = words.of(
        ("value", id(step), _hashable(response.value)), lambda: value_text(step, response.value)
    )
    return Row(
        response=response.id,
        session=session.id,
        circle=circle.id if circle else None,
        circle_name=circle.name if circle else None,
        municipality=_municipality_name(circle.municipality if circle else session.municipality),
        organiser=circle.organiser if circle else None,
        module=session.module_id,
        part=session.part_id,
        step=step.id,
        kind=step.kind,
        prompt=words.of(("prompt", id(step)), lambda: localized(step.heading)),
        participant=who,
        value=exported.get("value", response.value),
        value_text=said,
        statement=exported.get("statement"),
        statement_text=words.of(
            ("statement", id(step), response.statement),
            lambda: localized(statement.text) if statement else None,
        ),
        correct=exported.get("correct"),
        votes=exported.get("votes"),
        theme=response.theme,
        tags=tuple(t for t in vocabulary if t in tags),
        created_at=response.created_at,
        hidden=response.hidden,
        awaiting_approval=not response.approved,
        entered_by_leader=proxy,
        merged_into=response.merged_into_id,
        origin=session.origin,
        highlighted=response.highlighted,
        presented=tuple(response.presented) if response.presented else None,
        own_tags=tuple(response.tags or ()),
    )


def _municipality_name(municipality_id: str | None) -> str | None:
    """The name of the municipality a session was held in: its circle's, else the one the
    leader gave at "Starta"."""
    if municipality_id is None:
        return None
    place = municipality(municipality_id)
    return place.name if place else municipality_id


def step_statement(step: Step, statement_id: str | None) -> Option | None:
    return next((s for s in step.statements if s.id == statement_id), None)


def value_text(step: Step, value: Any) -> str:
    """A value in words, in the export's language (``StepKind.value_text``): option texts for
    choices and rankings (in order, ``; `` between them), the reaction for statements, the
    number or text itself."""
    return kind_of(step).value_text(step, value, localized)


def _hashable(value: Any) -> Any:
    """A stored value as a key of :class:`_Words` (lists and mappings as their JSON)."""
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True)
    return value


def filter_options() -> dict:
    """The choices of the filter form as (value, text) pairs, in the page's language; parts
    and tags as (group, pairs) for their optgroups."""
    vocabulary = library().vocabulary
    modules = every_module()
    organisers = db.session.scalars(
        sa.select(Circle.organiser).distinct().order_by(Circle.organiser)
    )
    circles = db.session.scalars(sa.select(Circle).order_by(Circle.name, Circle.id))
    return {
        "modules": [(m.id, localized(m.title)) for m in modules],
        "parts": [
            (localized(m.title), [(p.id, localized(p.title)) for p in m.parts]) for m in modules
        ],
        "municipalities": [(m.id, m.name) for m in by_name()],
        "organisers": [(name, name) for name in organisers],
        "circles": [(c.id, f"{c.name} ({c.organiser})") for c in circles],
        "tags": [
            (localized(label), [(t.id, localized(t.label)) for t in vocabulary.in_group(group)])
            for group, label in vocabulary.groups.items()
        ],
    }


#: Exports shown per page of the export log.
LOG_PAGE_SIZE = 50


def export_log_page(page: int) -> tuple[list, int]:
    """Page ``page`` (from 1) of the export log, newest first, and how many pages there are."""
    from .models import ExportLog

    total = db.session.scalar(sa.select(sa.func.count()).select_from(ExportLog)) or 0
    pages = max((total + LOG_PAGE_SIZE - 1) // LOG_PAGE_SIZE, 1)
    entries = db.session.scalars(
        sa.select(ExportLog)
        .order_by(ExportLog.created_at.desc(), ExportLog.id.desc())
        .offset((min(page, pages) - 1) * LOG_PAGE_SIZE)
        .limit(LOG_PAGE_SIZE)
    ).all()
    return list(entries), pages
