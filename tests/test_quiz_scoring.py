"""Quiz scoring and statistics: pure functions, property-tested."""

from hypothesis import given
from hypothesis import strategies as st

from facilitate.quiz.scoring import (
    BASE_POINTS,
    MAX_SPEED_BONUS,
    Question,
    ScoredAnswer,
    is_correct,
    leaderboard,
    part_summary,
    points,
    statistics,
    totals,
)

SINGLE = Question(options=("a", "b", "c"), correct=frozenset({"b"}))
MULTIPLE = Question(options=("a", "b", "c", "d"), correct=frozenset({"a", "c"}), multiple=True)

single_answers = st.sampled_from(["a", "b", "c"])
multiple_answers = st.sets(st.sampled_from("abcd"), min_size=1).map(sorted)
times = st.floats(min_value=0, max_value=1000, allow_nan=False)


def test_right_and_wrong():
    assert is_correct(SINGLE, "b") and not is_correct(SINGLE, "a")
    assert is_correct(MULTIPLE, ["c", "a"])
    assert not is_correct(MULTIPLE, ["a"]) and not is_correct(MULTIPLE, ["a", "b", "c"])
    assert not is_correct(SINGLE, ["b"]) and not is_correct(MULTIPLE, "a")


@given(single_answers, times, st.floats(min_value=1, max_value=600), st.booleans())
def test_points_are_never_negative_and_bounded(answer, elapsed, limit, bonus):
    got = points(SINGLE, answer, elapsed=elapsed, time_limit=limit, speed_bonus=bonus)
    assert 0 <= got <= BASE_POINTS + MAX_SPEED_BONUS
    assert (got > 0) == is_correct(SINGLE, answer)


@given(times, times)
def test_faster_is_never_worth_less(first, second):
    early, late = sorted((first, second))
    kwargs = {"time_limit": 1000, "speed_bonus": True}
    assert points(SINGLE, "b", elapsed=early, **kwargs) >= points(
        SINGLE, "b", elapsed=late, **kwargs
    )


def test_no_bonus_without_a_timer_or_when_off():
    assert points(SINGLE, "b", elapsed=1, time_limit=None, speed_bonus=True) == BASE_POINTS
    assert points(SINGLE, "b", elapsed=1, time_limit=30, speed_bonus=False) == BASE_POINTS
    assert (
        points(SINGLE, "b", elapsed=0, time_limit=30, speed_bonus=True)
        == BASE_POINTS + MAX_SPEED_BONUS
    )


@given(st.lists(multiple_answers, max_size=40), st.randoms())
def test_statistics_do_not_depend_on_order(answers, random):
    shuffled = list(answers)
    random.shuffle(shuffled)
    assert statistics(MULTIPLE, answers) == statistics(MULTIPLE, shuffled)


scored = st.builds(
    ScoredAnswer,
    participant=st.sampled_from(["p1", "p2", "p3"]),
    question=st.sampled_from(["q1", "q2"]),
    submission_id=st.text("abc", min_size=1, max_size=2),
    points=st.integers(0, 1500),
)


@given(st.lists(scored, max_size=30), st.data())
def test_a_resend_never_changes_a_score(answers, data):
    # After a reconnect, a phone resends submissions it saw no ack for: the same ids, later.
    resends = data.draw(st.lists(st.sampled_from(answers), max_size=10)) if answers else []
    assert totals(answers + resends) == totals(answers)
    assert all(v >= 0 for v in totals(answers).values())


@given(st.lists(single_answers, max_size=40))
def test_statistics_count_every_answer(answers):
    stats = statistics(SINGLE, answers)
    assert stats["respondents"] == len(answers)
    assert stats["correct"] == answers.count("b")
    assert sum(stats["counts"].values()) == len(answers)


def test_statistics_of_nobody():
    assert statistics(SINGLE, []) == {
        "respondents": 0,
        "counts": {"a": 0, "b": 0, "c": 0},
        "correct": 0,
        "correct_share": None,
    }


def test_part_summary_names_most_and_least_known():
    summary = part_summary(
        {
            "q1": statistics(SINGLE, ["b", "b", "a"]),
            "q2": statistics(SINGLE, ["a", "c"]),
            "q3": statistics(SINGLE, []),
        }
    )
    assert summary == {"most_known": "q1", "least_known": "q2", "average_share": 0.334}


def test_leaderboard_ranks_ties_together():
    board = leaderboard([("Bo", 1000), ("Aino", 1500), ("Cecilia", 1000), ("Dan", 0)], top=3)
    assert [(e["rank"], e["name"], e["points"]) for e in board] == [
        (1, "Aino", 1500),
        (2, "Bo", 1000),
        (2, "Cecilia", 1000),
    ]
