"""Dialogue step kinds: info, poll, scale, open text, rank, word cloud and statements
(``kinds.py``, found and registered by :mod:`facilitate.steps`)."""
