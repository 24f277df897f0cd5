"""Whole numbers as JSON sends them: JSON Schema counts ``30.0`` as an integer like ``30``, and
so do our payloads (events, REST bodies, answers). Booleans are never numbers here."""


def whole_number(value: object) -> int | None:
    """``value`` as an ``int`` if it is a whole number (``30`` or ``30.0``), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None
