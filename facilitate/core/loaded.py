"""Keeping rows loaded across a commit that would expire them.

A commit expires every loaded object, so that the next read of any of its attributes loads the
row again: right for rows others may change meanwhile, one query wasted for a row nobody else
can have changed. A participant created by this very join is such a row (its token exists
only in this request until the ack is sent): reloading it after the join's commit was about a
twentieth of the server's time in a join storm (bench/NOTES.md).
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value


@contextmanager
def still_loaded(*objects) -> Iterator[None]:
    """Around a commit: afterwards ``objects`` (None ones are skipped) keep the column values
    they had before it, as committed values, instead of being loaded again. Only for rows that
    nobody else can have changed in between."""
    kept = [
        (obj, {attr.key: getattr(obj, attr.key) for attr in sa.inspect(obj).mapper.column_attrs})
        for obj in objects
        if obj is not None
    ]
    yield
    for obj, values in kept:
        for key, value in values.items():
            set_committed_value(obj, key, value)
