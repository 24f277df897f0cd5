"""Text that can be stored: what arrives over the network may hold characters no database
takes (lone UTF-16 surrogates, NUL), which would fail deep inside a commit instead of being
refused at the door."""

from typing import Any

#: How deep a payload is looked into; anything deeper is not of any event's form anyway.
MAX_DEPTH = 32


def storable(value: Any, depth: int = 0) -> bool:
    """Whether every string in ``value`` (and in the lists and dicts inside it) is storable
    text: encodable as UTF-8 and free of NUL characters."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, list):
        return all(storable(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(storable(k, depth + 1) and storable(v, depth + 1) for k, v in value.items())
    return True
