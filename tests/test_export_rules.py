"""The export rules as pure functions: formula neutralising and small-group suppression."""

from hypothesis import given
from hypothesis import strategies as st

from facilitate.exports.summaries import Fewer, small, suppressed
from facilitate.exports.tabular import FORMULA_STARTS, neutralise


@given(st.text())
def test_no_neutralised_text_starts_a_formula(text):
    clean = neutralise(text)
    assert not clean.startswith(FORMULA_STARTS)
    assert clean in (text, "'" + text)


def test_neutralise_only_what_would_be_a_formula():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\tx") == "'\tx"
    assert neutralise("\r=x") == "'\r=x"
    assert neutralise("Bra idé = fler bussar") == "Bra idé = fler bussar"
    assert neutralise("") == ""


def test_small_counts_are_fewer_than_the_threshold():
    assert [small(n, 3) for n in range(5)] == [0, Fewer(3), Fewer(3), 3, 4]
    assert str(Fewer(3)) == "färre än 3"
    assert small(1, 1) == 1


def test_suppressed_results_hide_small_counts_and_derived_figures():
    quiz = {"respondents": 2, "counts": {"a": 2, "b": 0}, "correct": 1, "correct_share": 0.5}
    assert suppressed(quiz, 3, enough=False) == {
        "respondents": None,
        "counts": {"a": None, "b": 0},
        "correct": None,
        "correct_share": None,
    }
    statements = {
        "respondents": 9,
        "statements": [
            {"id": "s1", "agree": 5, "disagree": 2, "pass": 0, "agreement": 0.714},
            {"id": "s2", "agree": 1, "disagree": 1, "pass": 7, "agreement": 0.5},
        ],
    }
    rows = suppressed(statements, 3, enough=True)["statements"]
    assert rows[0] == {"id": "s1", "agree": 5, "disagree": None, "pass": 0, "agreement": 0.714}
    assert rows[1]["agreement"] is None and rows[1]["pass"] == 7
    rank = {"respondents": 2, "scores": {"a": 3}, "order": ["a"], "method": "borda"}
    assert suppressed(rank, 3, enough=False) == {
        "respondents": None,
        "scores": None,
        "order": None,
        "method": "borda",
    }
