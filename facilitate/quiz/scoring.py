"""Quiz scoring and statistics as pure functions, keyed by question type.

Study circles reveal and discuss; points only matter in the opt-in competitive mode. Nothing
here knows about Flask or the database, so it is tested directly (tests/test_quiz_scoring.py).
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: Points for a right answer in competitive mode.
BASE_POINTS = 1000
#: Most extra points for answering fast (only with a time limit and the speed bonus on).
MAX_SPEED_BONUS = 500


@dataclass(frozen=True, slots=True)
class Question:
    """What scoring needs of a quiz step: its option ids and which are right."""

    options: tuple[str, ...]
    correct: frozenset[str]
    multiple: bool = False

    @property
    def type(self) -> str:
        return "multiple" if self.multiple else "single"


def _chosen(answer) -> frozenset[str]:
    return frozenset(answer) if isinstance(answer, list | tuple) else frozenset([answer])


class SingleChoice:
    @staticmethod
    def is_correct(question: Question, answer) -> bool:
        return isinstance(answer, str) and answer in question.correct


class MultipleChoice:
    @staticmethod
    def is_correct(question: Question, answer) -> bool:
        """Right only when exactly the right options are chosen."""
        return isinstance(answer, list | tuple) and _chosen(answer) == question.correct


#: Question type → how it is judged.
QUESTION_TYPES = {"single": SingleChoice, "multiple": MultipleChoice}


def is_correct(question: Question, answer) -> bool:
    return QUESTION_TYPES[question.type].is_correct(question, answer)


def points(
    question: Question,
    answer,
    *,
    elapsed: float | None = None,
    time_limit: float | None = None,
    speed_bonus: bool = False,
) -> int:
    """Points for one answer: 0 if wrong; ``BASE_POINTS`` if right, plus up to
    ``MAX_SPEED_BONUS`` falling linearly to 0 over the time limit when the bonus is on."""
    if not is_correct(question, answer):
        return 0
    bonus = 0
    if speed_bonus and time_limit and elapsed is not None:
        remaining = min(max(1 - elapsed / time_limit, 0.0), 1.0)
        bonus = round(MAX_SPEED_BONUS * remaining)
    return BASE_POINTS + bonus


def statistics(question: Question, answers: Sequence) -> dict:
    """How the room answered one question: counts per option, how many answered, share right."""
    counts = Counter(option for answer in answers for option in _chosen(answer))
    right = sum(1 for answer in answers if is_correct(question, answer))
    return {
        "respondents": len(answers),
        "counts": {option: counts.get(option, 0) for option in question.options},
        "correct": right,
        "correct_share": round(right / len(answers), 3) if answers else None,
    }


def part_summary(stats: dict[str, dict]) -> dict:
    """Which questions the room knew most and least about (by share right), for discussion."""
    answered = {
        step: s["correct_share"] for step, s in stats.items() if s["correct_share"] is not None
    }
    if not answered:
        return {"most_known": None, "least_known": None, "average_share": None}
    return {
        "most_known": max(answered, key=lambda step: (answered[step], step)),
        "least_known": min(answered, key=lambda step: (answered[step], step)),
        "average_share": round(sum(answered.values()) / len(answered), 3),
    }


def leaderboard(scores: Iterable[tuple[str, int]], top: int) -> list[dict]:
    """The ``top`` names by points (ties share a rank, then by name for a stable order)."""
    ordered = sorted(scores, key=lambda entry: (-entry[1], entry[0]))
    board = []
    for index, (name, total) in enumerate(ordered[:top]):
        rank = board[-1]["rank"] if board and board[-1]["points"] == total else index + 1
        board.append({"rank": rank, "name": name, "points": total})
    return board


@dataclass(frozen=True, slots=True)
class ScoredAnswer:
    """One stored answer with its points, in the order answers arrived."""

    participant: str
    question: str
    submission_id: str
    points: int


def totals(answers: Iterable[ScoredAnswer]) -> dict[str, int]:
    """Points per participant: each one's latest answer to each question counts; a resent
    submission (the same id again) is the same answer and counts once, where it first came."""
    seen: set[tuple[str, str, str]] = set()
    latest: dict[tuple[str, str], int] = {}
    for answer in answers:
        key = (answer.participant, answer.question, answer.submission_id)
        if key in seen:
            continue
        seen.add(key)
        latest[(answer.participant, answer.question)] = answer.points
    result: dict[str, int] = {}
    for (participant, _question), value in latest.items():
        result[participant] = result.get(participant, 0) + value
    return result
