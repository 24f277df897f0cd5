"""Results per question across every matching session, with small groups suppressed.

A summary never shows a count from fewer than ``EXPORT_MIN_GROUP_SIZE`` people (default 3) as a
number: it is a :class:`Fewer`, which writers render as "färre än 3" ("fewer than 3"); shares,
means and rankings computed from fewer people than that are left out (None). Zero stays zero.
The raw response rows are not summaries and are never suppressed.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from ..authoring.queries import any_module
from ..content import Step, library
from ..content.model import Tag, Text
from ..quiz import scoring
from ..steps import contribution_values, kind_of
from ..steps.summary import Fewer, Table, small, withheld
from .queries import Dataset, Row

#: The vocabulary groups a report is organised by: focus areas, then development areas.
REPORT_GROUPS = ("focus", "area")


def min_group_size() -> int:
    return max(int(current_app.config["EXPORT_MIN_GROUP_SIZE"]), 1)


#: Column codes of :class:`Table` and what they mean.
COLUMN_CODES = (
    "option",  # an answer option (its text)
    "value",  # a point of a scale
    "word",  # a word-cloud word, normalised
    "statement",  # a statement's text
    "count",  # how many chose it
    "correct",  # whether it is the right answer (quiz)
    "points",  # Borda points (rank)
    "position",  # average place, 1 = first (rank)
    "agree",
    "disagree",
    "pass",
    "agreement",  # share agreeing of those who took a side, 0–1
)


@dataclass
class QuestionSummary:
    module: str
    part: str
    step: Step
    #: How many sessions and circles answered it.
    sessions: int
    circles: int
    #: How many different people answered (pseudonyms), suppressed when few.
    respondents: int | Fewer
    #: How many answers, suppressed like every count derived from fewer than the threshold of
    #: people: "fewer than N" when there are fewer answers too, else withheld (None).
    answers: int | Fewer | None
    table: Table | None
    #: Scale: the mean; quiz: the share right (0–1). None when not applicable or too few.
    mean: float | None = None
    correct_share: float | None = None
    #: Open kinds: the contributions (merged ones are part of what they were merged into).
    contributions: list[Row] = field(default_factory=list)
    #: ``aggregate`` of the step's kind over every counted value, with small counts replaced
    #: by None (for the JSON export; see docs/export-format.md).
    results: dict = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.step.kind

    @property
    def scored(self) -> bool:
        """Whether the question has right answers (its kind's ``scored``)."""
        return kind_of(self.step).scored

    @property
    def quoted(self) -> bool:
        """Whether a report quotes its contributions (its kind's ``quoted``)."""
        return kind_of(self.step).quoted

    @property
    def prompt(self) -> Text:
        return self.step.heading


def questions(dataset: Dataset, rows: Iterable[Row] | None = None) -> list[QuestionSummary]:
    """A summary per question with rows, in content order (module, part, step)."""
    threshold = min_group_size()
    grouped: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for row in dataset.rows if rows is None else rows:
        grouped[row.module, row.part, row.step].append(row)
    return [
        summarise(dataset.steps[key], key[0], key[1], grouped[key], threshold)
        for key in sorted(grouped, key=_content_order)
    ]


def _content_order(key: tuple[str, str, str]) -> tuple:
    modules = list(library().modules)
    module = any_module(key[0])
    parts = [p.id for p in module.parts] if module else []
    part = module.part(key[1]) if module else None
    steps = [s.id for s in part.steps] if part else []
    return (
        modules.index(key[0]) if key[0] in modules else len(modules),
        parts.index(key[1]) if key[1] in parts else len(parts),
        steps.index(key[2]) if key[2] in steps else len(steps),
        key,
    )


def summarise(
    step: Step, module: str, part: str, rows: list[Row], threshold: int
) -> QuestionSummary:
    """One question's summary over ``rows`` (all of this step)."""
    people = len({row.participant for row in rows})
    enough = people >= threshold
    results = kind_of(step).aggregate(step, _values(step, rows))
    summary = QuestionSummary(
        module=module,
        part=part,
        step=step,
        sessions=len({row.session for row in rows}),
        circles=len({row.circle for row in rows if row.circle is not None}),
        respondents=small(people, threshold),
        answers=len(rows) if enough else withheld(len(rows), threshold),
        table=None,
        results=suppressed(results, threshold, enough),
    )
    kind = kind_of(step)
    summary.table = kind.summary_table(step, results, threshold, enough)
    if enough:
        figures = kind.summary_figures(results)
        summary.mean = figures.get("mean")
        summary.correct_share = figures.get("correct_share")
    if kind.many:
        summary.contributions = _standing(rows)
    return summary


def _standing(rows: list[Row]) -> list[Row]:
    """The contributions that stand on their own: not merged into another, or merged into one
    that is not among ``rows`` (hidden, or filtered out)."""
    present = {row.response for row in rows}
    return [r for r in rows if r.merged_into is None or r.merged_into not in present]


def _values(step: Step, rows: list[Row]) -> list[Any]:
    """The rows as the step kind's ``aggregate`` expects them."""
    kind = kind_of(step)
    if kind.many:
        return contribution_values(
            {
                "id": r.response,
                "text": r.value,
                "votes": r.votes or 0,
                "merged_into": r.merged_into,
                "highlighted": r.highlighted,
                "theme": r.theme,
                "tags": list(r.own_tags),
            }
            for r in rows
        )
    return [kind.counted_value(r.participant, r.statement, r.value) for r in rows]


#: Keys of ``aggregate`` results that are counts of people or answers.
_COUNT_KEYS = {"respondents", "correct", "agree", "disagree", "pass", "total", "count", "votes"}
#: Keys derived from all answers together: left out when too few answered.
_DERIVED_KEYS = {"mean", "correct_share", "scores", "average_position", "order"}


def suppressed(results: Any, threshold: int, enough: bool, key: str | None = None) -> Any:
    """``results`` with every count from 1 to ``threshold - 1`` replaced by None, and figures
    derived from fewer than ``threshold`` people left out (None)."""
    if isinstance(results, dict):
        out = {}
        for k, v in results.items():
            if k in _DERIVED_KEYS and not enough:
                out[k] = None
            elif k == "counts" and isinstance(v, dict):
                out[k] = {option: _none_if_small(n, threshold) for option, n in v.items()}
            elif k in ("agreement", "divisiveness") and results.get("agree") is not None:
                sides = results["agree"] + results["disagree"]
                out[k] = v if sides >= threshold else None
            else:
                out[k] = suppressed(v, threshold, enough, k)
        return out
    if isinstance(results, list):
        return [suppressed(item, threshold, enough, key) for item in results]
    if key in _COUNT_KEYS and isinstance(results, int) and not isinstance(results, bool):
        return _none_if_small(results, threshold)
    return results


def _none_if_small(count: int, threshold: int) -> int | None:
    return None if 0 < count < threshold else count


# --- groupings for the report -------------------------------------------------------------------


@dataclass
class TagSection:
    tag: Tag
    questions: list[QuestionSummary]


def by_tag(dataset: Dataset, group: str) -> list[TagSection]:
    """Per tag of a vocabulary group: the questions with rows the tag applies to (the step's
    own tags and those the leader gave contributions both count), over those rows only."""
    return [
        TagSection(tag, questions(dataset, [r for r in dataset.rows if tag.id in r.tags]))
        for tag in library().vocabulary.in_group(group)
    ]


def outside_groups(dataset: Dataset, groups: tuple[str, ...] = REPORT_GROUPS) -> list:
    """Questions over the rows that no tag of ``groups`` applies to."""
    tags = library().vocabulary.tags
    rows = [
        r for r in dataset.rows if not any(tags[t].group in groups for t in r.tags if t in tags)
    ]
    return questions(dataset, rows)


@dataclass
class PartKnowledge:
    """What a part's quiz questions show the groups knew."""

    module: str
    part: str
    title: Text
    questions: list[QuestionSummary]
    #: From the questions answered by enough people; None when none was.
    average_share: float | None
    most_known: QuestionSummary | None
    least_known: QuestionSummary | None


def knowledge(dataset: Dataset) -> list[PartKnowledge]:
    """Per part with quiz answers: share right per question, on average, most and least known."""
    by_part: dict[tuple[str, str], list[QuestionSummary]] = defaultdict(list)
    scored = [r for r in dataset.rows if kind_of(dataset.steps[r.module, r.part, r.step]).scored]
    for question in questions(dataset, scored):
        by_part[question.module, question.part].append(question)
    parts = []
    for (module_id, part_id), quiz in by_part.items():
        module = any_module(module_id)
        part = module.part(part_id) if module else None
        shares = {q.step.id: {"correct_share": q.correct_share} for q in quiz}
        summary = scoring.part_summary(shares)
        by_id = {q.step.id: q for q in quiz}
        parts.append(
            PartKnowledge(
                module=module_id,
                part=part_id,
                title=part.title if part else Text({"sv": part_id}),
                questions=quiz,
                average_share=summary["average_share"],
                most_known=by_id.get(summary["most_known"]),
                least_known=by_id.get(summary["least_known"]),
            )
        )
    return parts
