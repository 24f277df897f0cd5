"""The quiz step kind: reveal-and-discuss questions with sources. Importing registers it."""

from ..sessions.kinds import register
from .kind import QuizKind

register(QuizKind())
