"""Themes and opinion groups as pure functions (no app): the properties issue #19 names —
permuting the input changes nothing, identical voters share a group, a planted two-camp vote
matrix splits into its camps, a planted corpus (two Swedish topics, one Finnish) separates into
its topics — and the privacy rule that groups below the threshold are never shown."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitate.analysis.opinions import Vote, opinion_groups
from facilitate.analysis.themes import Contribution, find_themes

from .analysisdata import CARE, FOREST, TRANSPORT

REACTIONS = ("agree", "disagree", "pass")
STATEMENTS = [f"s{i}" for i in range(8)]


def groups_of(result) -> set[frozenset[str]]:
    """The shown groups as sets of people (labels aside)."""
    found: dict[int, set[str]] = {}
    for person, group in result.membership.items():
        found.setdefault(group, set()).add(person)
    return {frozenset(members) for members in found.values()}


def camps(people: int, noise: float, seed: int) -> list[Vote]:
    rng = random.Random(seed)
    votes = []
    for n in range(people):
        for i, statement in enumerate(STATEMENTS):
            agrees = (i < 4) == (n % 2 == 0)
            reaction = "agree" if agrees else "disagree"
            if rng.random() < noise:
                reaction = rng.choice(REACTIONS)
            votes.append(Vote(f"p{n}", statement, reaction))
    return votes


matrices = st.lists(
    st.lists(st.sampled_from(REACTIONS), min_size=len(STATEMENTS), max_size=len(STATEMENTS)),
    min_size=6,
    max_size=40,
)


def as_votes(matrix) -> list[Vote]:
    return [
        Vote(f"p{n}", statement, reaction)
        for n, row in enumerate(matrix)
        for statement, reaction in zip(STATEMENTS, row, strict=True)
    ]


@settings(max_examples=30, deadline=None)
@given(matrices, st.randoms(use_true_random=False))
def test_permuting_the_votes_does_not_change_the_groups(matrix, rng):
    votes = as_votes(matrix)
    shuffled = list(votes)
    rng.shuffle(shuffled)
    first, second = opinion_groups(votes, STATEMENTS, 3), opinion_groups(shuffled, STATEMENTS, 3)
    assert groups_of(first) == groups_of(second)
    assert first.membership == second.membership  # the same letters too
    assert first.points == second.points


@settings(max_examples=30, deadline=None)
@given(matrices, st.integers(min_value=2, max_value=6))
def test_identical_voters_land_in_one_group(matrix, copies):
    votes = as_votes(matrix)
    twin = matrix[0]
    for c in range(copies):
        votes += [
            Vote(f"twin{c}", statement, reaction)
            for statement, reaction in zip(STATEMENTS, twin, strict=True)
        ]
    result = opinion_groups(votes, STATEMENTS, 3)
    placed = {result.membership.get(p) for p in ["p0"] + [f"twin{c}" for c in range(copies)]}
    assert len(placed) == 1


@settings(max_examples=15, deadline=None, derandomize=True)
@given(st.integers(min_value=10, max_value=60), st.integers(min_value=0, max_value=10**6))
def test_a_planted_two_camp_matrix_splits_into_the_two_camps(people, seed):
    """Derandomized: with 10 % noise about 1 in 150 random draws has a voter the noise moved
    next to the other camp, or a noisy trio split off (docs/analysis.md); the examples drawn are
    fixed so CI stays reproducible."""
    result = opinion_groups(camps(people, noise=0.1, seed=seed), STATEMENTS, 3)
    even = frozenset(f"p{n}" for n in range(0, people, 2))
    odd = frozenset(f"p{n}" for n in range(1, people, 2))
    assert groups_of(result) == {even, odd}
    for group in result.groups:
        assert group.distinguishing, "each camp is told apart by statements"


def test_the_statements_everyone_agrees_on_are_consensus():
    votes = camps(20, noise=0.0, seed=1) + [Vote(f"p{n}", "shared", "agree") for n in range(20)]
    result = opinion_groups(votes, [*STATEMENTS, "shared"], 3)
    assert [(f.statement, f.direction) for f in result.consensus] == [("shared", "agree")]
    assert all(f.statement != "shared" for g in result.groups for f in g.distinguishing)


def test_groups_below_the_threshold_are_never_shown():
    votes = camps(20, noise=0.0, seed=2)
    # Two people who react unlike anyone else: a group of their own, too small to show.
    for person in ("odd1", "odd2"):
        votes += [Vote(person, s, "pass") for s in STATEMENTS[:1]]
        votes += [Vote(person, s, "agree") for s in STATEMENTS[1:]]
    result = opinion_groups(votes, STATEMENTS, 3)
    assert all(group.size >= 3 for group in result.groups)
    shown = set(result.membership)
    assert "odd1" not in shown or len(groups_of(result)) == 2
    assert len(result.points) == len(result.membership) == result.participants - result.left_out


def test_too_few_people_make_no_groups():
    result = opinion_groups(camps(2, 0.0, 1), STATEMENTS, 3)
    assert result.groups == [] and result.points == [] and result.left_out == 2


# --- themes --------------------------------------------------------------------------------------


def corpus() -> list[Contribution]:
    texts = [("transport", t, "sv") for t in TRANSPORT] + [("care", t, "sv") for t in CARE]
    texts += [("forest", t, "fi") for t in FOREST]
    return [
        Contribution(id=i, text=text, language=language, author=f"p{i}", tags=(topic,))
        for i, (topic, text, language) in enumerate(texts)
    ]


def topics_of(themes) -> list[set[str]]:
    return [
        {t for c in theme.members for t in c.tags} for theme in themes if theme.source == "found"
    ]


def test_themes_of_a_planted_corpus_separate_its_topics():
    themes = find_themes(corpus(), 3)
    found = topics_of(themes)
    assert sorted(len(t) for t in found) == [1, 1, 1], "no theme mixes two topics"
    assert {t for topics in found for t in topics} == {"transport", "care", "forest"}
    for theme in themes:
        if theme.source == "found":
            assert 1 <= len(theme.quotes) <= 3 and set(theme.quotes) <= set(theme.members)
            assert theme.terms
    forest = next(t for t in themes if {c.tags[0] for c in t.members} == {"forest"})
    assert "metsät" in forest.terms and "luonto" in forest.terms


@settings(max_examples=10, deadline=None)
@given(st.randoms(use_true_random=False))
def test_permuting_the_contributions_does_not_change_the_themes(rng):
    contributions = corpus()
    shuffled = list(contributions)
    rng.shuffle(shuffled)
    first, second = find_themes(contributions, 3), find_themes(shuffled, 3)
    assert [(t.key, t.terms, [q.id for q in t.quotes]) for t in first] == [
        (t.key, t.terms, [q.id for q in t.quotes]) for t in second
    ]


def test_leader_themes_come_first_and_are_never_regrouped():
    contributions = corpus()
    # The leader put one care and one forest contribution under "Vården" by hand.
    chosen = {contributions[6].id, contributions[12].id}
    contributions = [
        Contribution(**{**{f: getattr(c, f) for f in c.__slots__}, "theme": " Vården "})
        if c.id in chosen
        else c
        for c in contributions
    ]
    themes = find_themes(contributions, 3)
    assert themes[0].source == "leader" and themes[0].label == "Vården"
    assert {c.id for c in themes[0].members} == chosen
    assert all(c.id not in chosen for t in themes[1:] for c in t.members)


def test_a_suggested_tag_is_the_one_most_contributions_carry():
    contributions = [
        Contribution(id=i, text=t, language="sv", tags=("focus.a",) if i < 4 else ())
        for i, t in enumerate(CARE)
    ]
    (theme,) = [t for t in find_themes(contributions, 3) if t.source == "found"]
    assert theme.suggested_tag == "focus.a" and not theme.tag_applies_to_all
