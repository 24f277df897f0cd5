"""Step kinds and the session state machine as pure logic, without an app."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilitate.content.model import Option, Step, Text
from facilitate.dialogue.kinds import REACTIONS as REACTION_NAMES
from facilitate.dialogue.kinds import PollKind, RankKind, ScaleKind, StatementsKind
from facilitate.dialogue.words import frequencies, normalise
from facilitate.sessions.kinds import InvalidAnswer, kind_of
from facilitate.sessions.models import LiveSession, SessionStateError, SessionStatus

OPTIONS = tuple(Option(i, Text({"sv": i.upper()})) for i in "abcd")
SINGLE = Step(id="p", kind="poll", prompt=Text({"sv": "?"}), options=OPTIONS)
MULTIPLE = Step(id="m", kind="poll", prompt=Text({"sv": "?"}), options=OPTIONS, multiple=True)
SCALE = Step(id="s", kind="scale", prompt=Text({"sv": "?"}), scale_min=1, scale_max=5)


def test_unimplemented_kinds_are_shown_but_not_answered():
    future = Step(id="f", kind="future", prompt=Text({"sv": "?"}), options=OPTIONS)
    kind = kind_of(future)
    assert kind.answerable is False
    with pytest.raises(InvalidAnswer):
        kind.validate(future, "a")
    assert kind.participant_view(future, "sv", revealed=False)["prompt"] == "?"


@given(st.lists(st.sampled_from("abcd"), max_size=40))
def test_poll_aggregation_is_order_independent_and_counts_everyone(values):
    kind = PollKind()
    forward = kind.aggregate(SINGLE, values)
    backward = kind.aggregate(SINGLE, list(reversed(values)))
    assert forward == backward
    assert sum(forward["counts"].values()) == len(values) == forward["respondents"]


@given(st.lists(st.sets(st.sampled_from("abcd"), min_size=1).map(sorted), max_size=30))
def test_multiple_choice_counts_each_chosen_option(values):
    result = PollKind().aggregate(MULTIPLE, values)
    assert result["respondents"] == len(values)
    assert sum(result["counts"].values()) == sum(len(v) for v in values)


@given(
    st.one_of(st.integers(), st.text(), st.none(), st.booleans(), st.floats(), st.lists(st.text()))
)
def test_poll_validate_accepts_only_option_ids(value):
    try:
        clean = PollKind().validate(SINGLE, value)
    except InvalidAnswer as error:
        assert error.code == "invalid_value"
    else:
        assert clean in "abcd" and value == clean


@given(st.one_of(st.integers(-10, 20), st.booleans(), st.floats(), st.text(max_size=3)))
def test_scale_validate_accepts_only_whole_numbers_in_range(value):
    try:
        clean = ScaleKind().validate(SCALE, value)
    except InvalidAnswer:
        assert isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5
    else:
        assert clean == value and 1 <= clean <= 5


def test_scale_results_have_every_point_and_the_mean():
    result = ScaleKind().aggregate(SCALE, [1, 5, 5])
    assert result["counts"] == {"1": 1, "2": 0, "3": 0, "4": 0, "5": 2}
    assert result["mean"] == 3.67
    assert ScaleKind().aggregate(SCALE, [])["mean"] is None


def test_state_machine_refuses_illegal_moves():
    session = LiveSession(status=SessionStatus.lobby, step_open=False, revealed=False)
    with pytest.raises(SessionStateError, match="session_not_started"):
        session.reveal()
    session.start("intro", answerable=False)
    assert (session.status, session.current_step, session.step_open) == (
        SessionStatus.running,
        "intro",
        False,
    )
    with pytest.raises(SessionStateError, match="already_started"):
        session.start("intro", answerable=False)
    with pytest.raises(SessionStateError, match="not_answerable"):
        session.open_step(answerable=False)
    session.show_step("q", answerable=True)
    session.reveal()
    assert session.step_open and session.revealed
    session.show_step("r", answerable=True)
    assert session.revealed is False  # results are hidden again on every new step
    assert session.accepts_answers_to("q") == "not_current_step"
    session.close_step()
    assert session.accepts_answers_to("r") == "step_closed"
    session.end()
    assert session.accepts_answers_to("r") == "session_ended"
    for move in (session.end, session.reveal, session.close_step):
        with pytest.raises(SessionStateError, match="session_ended"):
            move()


RANK = Step(id="r", kind="rank", prompt=Text({"sv": "?"}), options=OPTIONS)
permutations = st.permutations(["a", "b", "c", "d"])


def test_borda_count_by_hand():
    result = RankKind().aggregate(
        RANK, [["a", "b", "c", "d"], ["b", "a", "c", "d"], ["b", "c", "a", "d"]]
    )
    assert result["scores"] == {"a": 3 + 2 + 1, "b": 2 + 3 + 3, "c": 1 + 1 + 2, "d": 0}
    assert result["order"] == ["b", "a", "c", "d"]
    assert result["average_position"]["b"] == 1.33 and result["average_position"]["d"] == 4.0
    assert result["method"] == "borda" and result["respondents"] == 3


@given(st.lists(permutations, max_size=25))
def test_borda_total_is_fixed_and_order_independent(rankings):
    result = RankKind().aggregate(RANK, rankings)
    assert sum(result["scores"].values()) == len(rankings) * (3 + 2 + 1 + 0)
    assert result == RankKind().aggregate(RANK, list(reversed(rankings)))
    assert sorted(result["order"]) == ["a", "b", "c", "d"]


@given(
    st.one_of(st.lists(st.sampled_from("abcdx"), max_size=6), st.text(), st.none(), st.integers())
)
def test_only_permutations_are_rankings(value):
    try:
        RankKind().validate(RANK, value)
    except InvalidAnswer as error:
        assert error.code == "not_a_ranking"
    else:
        assert sorted(value) == list("abcd")


def test_word_cloud_normalises_and_drops_stop_words():
    assert normalise("  Framtid,  HOPP! ") == "framtid hopp"
    assert normalise("Älvdalen och ÅRE") == "älvdalen åre"
    assert normalise("och att") == ""
    words = frequencies(["Framtid", "framtid!", " FRAMTID ", "hopp", "och", "the future"])
    assert words == [
        {"text": "framtid", "count": 3},
        {"text": "future", "count": 1},
        {"text": "hopp", "count": 1},
    ]


STATEMENTS = Step(id="st", kind="statements", prompt=Text({"sv": "?"}), statements=OPTIONS)


@given(st.integers(0, 500), st.integers(0, 500))
def test_divisiveness_is_zero_when_the_room_agrees_and_one_when_it_splits_evenly(agree, disagree):
    from facilitate.dialogue.kinds import divisiveness

    split = divisiveness(agree, disagree)
    if agree + disagree == 0:
        assert split is None
        return
    assert 0 <= split <= 1
    assert split == divisiveness(disagree, agree)
    assert (split == 0) == (agree == 0 or disagree == 0)
    assert (split == 1) == (agree == disagree)


@given(
    st.lists(
        st.tuples(st.integers(1, 20), st.sampled_from("abcd"), st.sampled_from(REACTION_NAMES)),
        max_size=60,
    )
)
def test_statement_results_count_every_reaction_once(reactions):
    latest = {(p, s): r for p, s, r in reactions}  # what counted_values passes on
    values = [{"participant": p, "statement": s, "reaction": r} for (p, s), r in latest.items()]
    results = StatementsKind().aggregate(STATEMENTS, values)
    assert results["respondents"] == len({p for p, _ in latest})
    rows = {row["id"]: row for row in results["statements"]}
    for statement in "abcd":
        row = rows[statement]
        given_here = [r for (_, s), r in latest.items() if s == statement]
        assert row["total"] == len(given_here)
        assert (row["agree"], row["disagree"], row["pass"]) == tuple(
            given_here.count(r) for r in REACTION_NAMES
        )
        sides = row["agree"] + row["disagree"]
        assert row["divided"] == (sides >= 3 and row["divisiveness"] >= 0.75)
    assert results["divided"] == sorted(results["divided"], key=lambda s: -rows[s]["divisiveness"])


def test_statement_reactions_are_agree_disagree_or_pass():
    kind = StatementsKind()
    assert [kind.validate(STATEMENTS, r) for r in REACTION_NAMES] == list(REACTION_NAMES)
    for bad in ("yes", "", None, 1, ["agree"]):
        with pytest.raises(InvalidAnswer):
            kind.validate(STATEMENTS, bad)
