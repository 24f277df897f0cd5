"""Rank and word-cloud steps through /live: strategiskt-forum's ranking of the four focus areas
(Borda count) and the closing word cloud of Norrbotten för alla."""

import pytest

from facilitate.content import library

from .conftest import answer, call, events, texts


def first_step(app, module, part, kind):
    with app.app_context():
        return next(s for s in library().get(module).part(part).steps if s.kind == kind)


@pytest.fixture
def forum(app, live_session):
    live = live_session("strategiskt-forum", "fokusomraden")
    rank = first_step(app, "strategiskt-forum", "fokusomraden", "rank")
    phones = [live.phone() for _ in range(3)]
    live.control("start")
    live.control("goto", rank.id)
    return live, rank, phones


def test_ranking_the_focus_areas_with_borda(forum):
    live, rank, phones = forum
    assert [o.id for o in rank.options] == ["rus", "folkhalsa", "beredskap", "finansiering"]
    orders = [
        ["beredskap", "rus", "folkhalsa", "finansiering"],
        ["beredskap", "folkhalsa", "rus", "finansiering"],
        ["rus", "beredskap", "finansiering", "folkhalsa"],
    ]
    for n, (phone, order) in enumerate(zip(phones, orders, strict=True)):
        assert answer(phone, rank.id, order, f"r{n}") == {"ok": True, "duplicate": False}
    borda = live.control("reveal")["state"]["results"]["results"]
    assert borda["respondents"] == 3 and borda["method"] == "borda"
    assert borda["scores"] == {
        "beredskap": 3 + 3 + 2,
        "rus": 2 + 1 + 3,
        "folkhalsa": 1 + 2 + 0,
        "finansiering": 0 + 0 + 1,
    }
    assert borda["order"] == ["beredskap", "rus", "folkhalsa", "finansiering"]
    assert events(phones[0], "state")[-1]["results"]["results"]["order"][0] == "beredskap"


@pytest.mark.parametrize(
    "value",
    [
        ["rus", "folkhalsa", "beredskap"],
        ["rus", "rus", "beredskap", "finansiering"],
        "rus",
        ["x", "rus", "folkhalsa", "beredskap"],
    ],
)
def test_a_ranking_must_be_a_permutation(forum, value):
    live, rank, phones = forum
    ack = answer(phones[0], rank.id, value, "bad")
    assert ack["error"] == "not_a_ranking"
    assert ack["message"]
    assert live.stored() == []


def test_word_cloud_counts_normalised_words(app, live_session):
    live = live_session("norrbotten-for-alla", "avslut")
    cloud = first_step(app, "norrbotten-for-alla", "avslut", "wordcloud")
    aino, bo = live.phone(), live.phone()
    live.control("start")
    live.control("goto", cloud.id)
    assert answer(aino, cloud.id, "Framtid", "a1")["ok"]
    assert answer(aino, cloud.id, "  hopp ", "a2")["ok"]
    assert answer(bo, cloud.id, "framtid!", "b1")["ok"]
    assert answer(bo, cloud.id, "och", "b2")["error"] == "only_stop_words"
    assert answer(bo, cloud.id, "x" * 41, "b3")["error"] == "text_too_long"
    words = events(live.host, "tally")[-1]["results"]["results"]["words"]
    assert words == [{"text": "framtid", "count": 2}, {"text": "hopp", "count": 1}]
    assert texts(call(aino, "sync")["state"]["answer"]) == ["Framtid", "hopp"]
