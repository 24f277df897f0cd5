"""The quiz step kind: reveal-and-discuss questions with sources. Importing registers it."""

from ..sessions.kinds import register, register_section
from .kind import QuizKind
from .standings import leaderboard_section, summary_section

register(QuizKind())
register_section("leaderboard", leaderboard_section)
register_section("quiz_summary", summary_section)
