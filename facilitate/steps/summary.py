"""What a kind's summary of many sessions is made of: a distribution table and suppressed
counts. Below every feature, so that kinds build their tables without importing the exports."""

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _


@dataclass(frozen=True, slots=True)
class Fewer:
    """A count from 1 to ``threshold - 1``: shown as "fewer than ``threshold``"."""

    threshold: int

    def __str__(self) -> str:
        return _("färre än %(n)d", n=self.threshold)


def small(count: int, threshold: int) -> int | Fewer:
    """``count``, or :class:`Fewer` when it is above 0 and below ``threshold``."""
    return Fewer(threshold) if 0 < count < threshold else count


def withheld(count: int, threshold: int) -> Fewer | None:
    """A count derived from fewer than ``threshold`` people: "fewer than N" when it is, else
    nothing at all (a larger number would tell how much the few people answered)."""
    return small(count, threshold) if count < threshold else None


@dataclass
class Table:
    """A question's distribution. ``columns`` are codes writers turn into headings
    (``exports.labels.column_headings``, and a kind's own ``column_headings``); ``chart`` is
    the column to draw, by index (None: no chart)."""

    columns: list[str]
    rows: list[list[Any]]
    chart: int | None = 1


def amount(value: Any) -> int:
    """A table count as a number to compare (a suppressed count as 0)."""
    return value if isinstance(value, int) else 0
