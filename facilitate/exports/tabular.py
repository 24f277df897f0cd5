"""What the CSV and the XLSX raw-responses sheet share: the stable columns and the defence
against formula injection."""

from datetime import datetime
from typing import Any

from .queries import Row, local_time
from .summaries import min_group_size, small

#: The columns of a response row, in order. Stable: scripts may rely on them; new columns are
#: only ever added at the end (docs/export-format.md).
COLUMNS = (
    "session",
    "circle_id",
    "circle",
    "municipality",
    "organiser",
    "module",
    "part",
    "step",
    "kind",
    "prompt",
    "participant",
    "value",
    "value_text",
    "statement",
    "statement_text",
    "correct",
    "votes",
    "theme",
    "tags",
    "time",
    "hidden",
    "awaiting_approval",
    "entered_by_leader",
    "merged_into",
    "response",
    "origin",
)

#: A cell starting with one of these is read as a formula by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text a spreadsheet shows as text: one that would start a formula gets a leading
    apostrophe (OWASP's advice for CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def joined(value: Any) -> str | int | float:
    """A list value (several options, a ranking) as ``a; c``; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def cells(row: Row) -> dict[str, Any]:
    """A row's values by column, typed: texts, whole numbers, booleans, a local time, None."""
    return {
        "session": row.session,
        "circle_id": row.circle,
        "circle": row.circle_name,
        "municipality": row.municipality,
        "organiser": row.organiser,
        "module": row.module,
        "part": row.part,
        "step": row.step,
        "kind": row.kind,
        "prompt": row.prompt,
        "participant": row.participant,
        "value": joined(row.value),
        "value_text": row.value_text,
        "statement": row.statement,
        "statement_text": row.statement_text,
        "correct": row.correct,
        # How many upvoted: a count of people, "fewer than N" when few.
        "votes": small(row.votes, min_group_size()) if row.votes is not None else None,
        "theme": row.theme,
        "tags": "; ".join(row.tags),
        "time": local_time(row.created_at).replace(tzinfo=None, microsecond=0),
        "hidden": row.hidden,
        "awaiting_approval": row.awaiting_approval,
        "entered_by_leader": row.entered_by_leader,
        "merged_into": row.merged_into,
        "response": row.response,
        "origin": row.origin,
    }


def as_text(value: Any) -> str:
    """A cell for CSV: booleans ``true``/``false``, times ``YYYY-MM-DD HH:MM:SS``, texts
    neutralised, nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, str):
        return neutralise(value)
    return str(value)
