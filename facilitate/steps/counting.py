"""The one counting rule: which responses count, for the live tally and for every export.

- Withdrawn responses never count.
- Kinds where each participant may answer many times (``many``: open text, word cloud): every
  contribution counts, except hidden ones and ones waiting for approval (an export may ask
  for those too). A contribution merged into another is part of that one: not a contribution
  of its own, its votes added to that one's (when that one counts).
- Every other kind: each participant's latest response counts, per statement for kinds that
  count ``per_statement``.

:func:`counted` picks the responses, :func:`counted_values` turns them into what the kind's
``aggregate`` takes. The live tally of a one-answer kind asks the database for the same thing
in one grouped query (``sessions.queries.latest_value_counts``); tests/test_counting.py holds
the two and every export to the same results.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from ..content.model import Step
from .registry import kind_of


def counted(step: Step, responses: Iterable[Any], *, include_hidden: bool = False) -> list[Any]:
    """The responses of ``step`` that count, oldest first. A response is anything with
    ``id``, ``participant_id``, ``statement`` and ``withdrawn`` (and, for ``many`` kinds,
    ``hidden`` and ``approved``): ORM objects or rows of one query."""
    kept = [r for r in responses if not r.withdrawn]
    if kind_of(step).many:
        if include_hidden:
            return kept
        return [r for r in kept if r.approved and not r.hidden]
    latest: dict[tuple[Any, str | None], Any] = {}
    for response in kept:
        latest[response.participant_id, response.statement] = response
    return sorted(latest.values(), key=lambda r: r.id)


def counted_values(
    step: Step,
    responses: Iterable[Any],
    votes: dict[int, int] | None = None,
    *,
    include_hidden: bool = False,
) -> list[Any]:
    """The values ``aggregate`` takes over the responses that count: for ``many`` kinds the
    contributions (:func:`contribution_values`, ``votes`` by response id), otherwise what the
    kind makes of each counted response (``StepKind.counted_value``)."""
    kind = kind_of(step)
    responses = list(responses)
    chosen = counted(step, responses, include_hidden=include_hidden)
    if kind.many:
        votes = votes or {}
        return contribution_values(
            (
                {
                    "id": r.id,
                    "text": r.value,
                    "votes": votes.get(r.id, 0),
                    "merged_into": r.merged_into_id,
                    "highlighted": r.highlighted,
                    "theme": r.theme,
                    "tags": list(r.tags or ()),
                }
                for r in chosen
            ),
            known={r.id for r in responses},
        )
    return [kind.counted_value(r.participant_id, r.statement, r.value) for r in chosen]


def contribution_values(items: Iterable[dict], known: set[int] | None = None) -> list[dict]:
    """Counted contributions (``id``, ``text``, own ``votes``, ``merged_into``,
    ``highlighted``, ``theme``, ``tags``), oldest first, as the room sees them: one merged into
    a ``known`` contribution (default: one of ``items``) is part of that one, its votes added
    to it when it is among ``items``; one merged into a contribution outside the selection (an
    export filtered by tag) stands on its own."""
    items = list(items)
    present = {item["id"] for item in items}
    known = present if known is None else known
    merged: dict[int, list[dict]] = defaultdict(list)
    for item in items:
        if item["merged_into"] in present:
            merged[item["merged_into"]].append(item)
    return [
        {
            "id": item["id"],
            "text": item["text"],
            "votes": item["votes"] + sum(m["votes"] for m in merged[item["id"]]),
            "highlighted": item["highlighted"],
            "theme": item["theme"],
            "tags": list(item["tags"]),
            "merged": len(merged[item["id"]]),
        }
        for item in items
        if item["merged_into"] not in known
    ]


def expand(value_counts: Sequence[tuple[Any, int]]) -> list[Any]:
    """Values counted by the database, ``(value, how many)``, as the list ``aggregate`` takes."""
    return [value for value, n in value_counts for _ in range(n)]
