"""The quiz step kind: reveal-and-discuss questions with sources. The kind (``kind.py``) is
found by :mod:`facilitate.steps`; importing this registers the quiz's snapshot sections."""

from ..steps import register_section
from .standings import leaderboard_section, summary_section

register_section("leaderboard", leaderboard_section)
register_section("quiz_summary", summary_section)
