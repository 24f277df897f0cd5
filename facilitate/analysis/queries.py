"""What the analysis pages, API and report read: themes, opinion groups and participation of an
analyst filter's selection.

Which responses count is the export's rule (:func:`facilitate.exports.queries.load`), with one
difference: hidden contributions and those never approved are left out whatever the filter
says, so no analysis ever quotes or counts them (withdrawn ones never reach the rows at all).
"""

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta

import sqlalchemy as sa

from ..circles.municipalities import MUNICIPALITIES
from ..content import Step, library
from ..exports.queries import Dataset, Row, load, local_time
from ..exports.queries import _chunks as chunks
from ..exports.schemas import ExportFilter
from ..exports.summaries import REPORT_GROUPS, Fewer, min_group_size, small
from ..extensions import db
from ..sessions.models import Participant, Response
from ..steps import kind_of
from .offload import run as compute
from .opinions import OpinionMap, Vote, opinion_groups
from .themes import Contribution, Theme, find_themes
from .words import language_of, tokens

#: Beyond this many days, responses over time are counted per week instead of per day.
DAYS_SHOWN = 62


def analysis_dataset(selection: ExportFilter) -> Dataset:
    """The selection's rows, never with hidden or unapproved contributions."""
    return analysed(load(replace(selection, include_hidden=False)))


def analysed(dataset: Dataset) -> Dataset:
    """``dataset`` without hidden or unapproved contributions (never analysed)."""
    return replace(
        dataset, rows=[r for r in dataset.rows if not r.hidden and not r.awaiting_approval]
    )


# --- themes -------------------------------------------------------------------------------------


def contributions(dataset: Dataset) -> list[Contribution]:
    """The open and word-cloud contributions that stand on their own, each with the ones
    merged into it counted; ``language`` is the author's app language until
    :func:`with_languages` has looked at the words."""
    rows = [r for r in dataset.rows if _kind(dataset, r).many and isinstance(r.value, str)]
    present = {r.response for r in rows}
    merged: dict[int, int] = defaultdict(int)
    for r in rows:
        if r.merged_into in present:
            merged[r.merged_into] += 1
    locales = _locales([r.response for r in rows])
    return [
        Contribution(
            id=r.response,
            text=r.value,
            language=locales.get(r.response, "sv"),
            theme=r.theme,
            tags=r.tags,
            votes=r.votes or 0,
            author=r.participant,
            merged=merged[r.response],
        )
        for r in rows
        if r.merged_into not in present and r.value.strip()
    ]


def with_languages(found: list[Contribution]) -> list[Contribution]:
    """Each contribution in the language its words are in (pure: runs in the worker)."""
    return [replace(c, language=language_of(tokens(c.text), c.language)) for c in found]


def _themes_of(found: list[Contribution], min_size: int, areas: tuple[str, ...]) -> list[Theme]:
    return find_themes(with_languages(found), min_size, areas)


def _locales(response_ids: list[int]) -> dict[int, str]:
    """The language each contribution's author used the app in."""
    found: dict[int, str] = {}
    for chunk in chunks(response_ids):
        found.update(
            db.session.execute(
                sa.select(Response.id, Participant.locale)
                .join(Participant, Participant.id == Response.participant_id)
                .where(Response.id.in_(chunk))
            ).all()
        )
    return found


def themes(dataset: Dataset) -> list[Theme]:
    """Themes of the selection's open input (:mod:`facilitate.analysis.themes`), computed off
    the event loop. The suggested tag is one of the report's areas (focus and development)."""
    vocabulary = library().vocabulary.tags
    areas = tuple(t for t, tag in vocabulary.items() if tag.group in REPORT_GROUPS)
    found = [
        replace(c, tags=tuple(t for t in c.tags if t in areas)) for c in contributions(dataset)
    ]
    return compute(_themes_of, found, min_group_size(), areas)


# --- opinion groups -----------------------------------------------------------------------------


@dataclass
class StepOpinions:
    """The opinion groups of one statements step."""

    module: str
    part: str
    step: Step
    map: OpinionMap

    @property
    def key(self) -> str:
        return f"{self.module}/{self.part}/{self.step.id}"


def statements_steps(dataset: Dataset, step: str | None = None) -> list[tuple]:
    """The (module, part, step id) of every statements step with reactions, in content order;
    only those with id ``step`` when it is given."""
    keys = {
        (r.module, r.part, r.step)
        for r in dataset.rows
        if _kind(dataset, r).per_statement and (step is None or r.step == step)
    }
    from ..exports.summaries import _content_order

    return sorted(keys, key=_content_order)


def opinions(dataset: Dataset, step: str | None = None) -> list[StepOpinions]:
    """Opinion groups per statements step of the selection (:mod:`.opinions`)."""
    found = []
    for key in statements_steps(dataset, step):
        content = dataset.steps[key]
        votes = [
            Vote(r.participant, r.statement, r.value)
            for r in dataset.rows
            if (r.module, r.part, r.step) == key and r.statement is not None
        ]
        statements = [s.id for s in content.statements]
        result = compute(opinion_groups, votes, statements, min_group_size())
        found.append(StepOpinions(module=key[0], part=key[1], step=content, map=result))
    return found


# --- participation ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Count:
    """One bar of a participation chart."""

    label: str
    #: The value to draw; None when suppressed (fewer than the threshold of people).
    value: int | None
    shown: int | Fewer
    sessions: int = 0


def per_municipality(dataset: Dataset) -> list[Count]:
    """Per municipality of Norrbotten, in their official order (all fourteen, zeros too): how
    many different people answered; the selection's sessions without a circle last."""
    threshold = min_group_size()
    people: dict[str | None, set[str]] = defaultdict(set)
    sessions: dict[str | None, set[int]] = defaultdict(set)
    place = {s.id: (s.circle.municipality if s.circle else None) for s in dataset.sessions}
    for s in dataset.sessions:
        sessions[place[s.id]].add(s.id)
    for r in dataset.rows:
        people[place.get(r.session)].add(r.participant)
    keys: list[tuple[str | None, str]] = [(m.id, m.name) for m in MUNICIPALITIES]
    if sessions.get(None):
        from flask_babel import gettext as _

        keys.append((None, _("Utan kommun")))
    return [_count(name, len(people[key]), threshold, len(sessions[key])) for key, name in keys]


def over_time(dataset: Dataset) -> tuple[str, list[Count]]:
    """Responses per day (or per week, for long selections), from the first to the last day
    with responses, empty days included; ``("day" | "week", counts)``."""
    from flask_babel import format_date
    from flask_babel import gettext as _

    threshold = min_group_size()
    days: dict[date, list[Row]] = defaultdict(list)
    for r in dataset.rows:
        days[local_time(r.created_at).date()].append(r)
    if not days:
        return "day", []
    first, last = min(days), max(days)
    unit = "day" if (last - first).days < DAYS_SHOWN else "week"
    periods: dict[date, list[Row]] = defaultdict(list)
    for day, rows in days.items():
        start = day if unit == "day" else day - timedelta(days=day.weekday())
        periods[start].extend(rows)
    step = timedelta(days=1 if unit == "day" else 7)
    start = first if unit == "day" else first - timedelta(days=first.weekday())
    counts = []
    while start <= last:
        rows = periods.get(start, [])
        label = (
            format_date(start, "d MMM")
            if unit == "day"
            else _("vecka %(week)d", week=start.isocalendar().week)
        )
        counts.append(
            _count(label, len(rows), threshold, people=len({r.participant for r in rows}))
        )
        start += step
    return unit, counts


def _count(label: str, count: int, threshold: int, sessions: int = 0, people: int | None = None):
    """A bar: suppressed when it counts fewer than ``threshold`` people."""
    who = count if people is None else people
    if 0 < who < threshold:
        return Count(label, None, Fewer(threshold), sessions)
    return Count(label, count, small(count, threshold) if people is None else count, sessions)


def _kind(dataset: Dataset, row):
    """The step kind of a row (:mod:`facilitate.steps`)."""
    return kind_of(dataset.steps[row.module, row.part, row.step])
