"""Time as the whole app keeps it: aware datetimes in UTC."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC, with its time zone."""
    return datetime.now(UTC)
