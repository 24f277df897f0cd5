"""The points kind, "Fördela 100 poäng": validation, results, the module files, the live
protocol and the exports."""

import io
import json

import pytest
from openpyxl import load_workbook

from facilitate.auth import Role
from facilitate.content import library
from facilitate.content.document import step_document, to_document
from facilitate.content.loader import check_document
from facilitate.steps import InvalidAnswer, kind_of
from tests.conftest import answer, events, log_in

MODULE, PART, STEP = "strategiskt-forum", "fokusomraden", "fokusomraden-poang"


@pytest.fixture
def step(app):
    with app.app_context():
        return library().get(MODULE).step(STEP)


def test_the_focus_areas_step_is_a_points_step_of_100(step):
    assert step.kind == "points"
    assert kind_of(step).name == "points"
    assert [o.id for o in step.options] == ["rus", "folkhalsa", "beredskap", "finansiering"]
    assert kind_of(step).participant_view(step, "sv", False)["budget"] == 100


@pytest.mark.parametrize(
    "value,code",
    [
        ({"rus": 50, "folkhalsa": 40}, "points_sum"),  # 90, not 100
        ({"rus": 101, "folkhalsa": -1}, "invalid_points"),  # sums to 100, but negative
        ({"rus": 50.5, "folkhalsa": 49.5}, "invalid_points"),
        ({"rus": "50", "folkhalsa": 50}, "invalid_points"),
        ({"rus": True, "folkhalsa": 99}, "invalid_points"),
        ({"nope": 100}, "invalid_points"),
        ([50, 50], "invalid_points"),
        ("rus", "invalid_points"),
        (None, "invalid_points"),
    ],
)
def test_bad_distributions_are_refused_with_a_code(app, step, value, code):
    with app.app_context(), pytest.raises(InvalidAnswer) as refused:
        kind_of(step).validate(step, value)
    assert refused.value.code == code


def test_a_good_distribution_is_kept_with_every_option(app, step):
    with app.app_context():
        clean = kind_of(step).validate(step, {"beredskap": 60, "rus": 40.0})
    assert clean == {"rus": 40, "folkhalsa": 0, "beredskap": 60, "finansiering": 0}


def test_results_are_total_and_mean_points_per_option(step):
    values = [
        {"rus": 40, "folkhalsa": 30, "beredskap": 20, "finansiering": 10},
        {"rus": 0, "folkhalsa": 50, "beredskap": 50, "finansiering": 0},
    ]
    results = kind_of(step).aggregate(step, values)
    assert results["respondents"] == 2
    assert results["totals"] == {"rus": 40, "folkhalsa": 80, "beredskap": 70, "finansiering": 10}
    assert results["means"] == {
        "rus": 20.0,
        "folkhalsa": 40.0,
        "beredskap": 35.0,
        "finansiering": 5.0,
    }
    assert results["order"] == ["folkhalsa", "beredskap", "rus", "finansiering"]
    empty = kind_of(step).aggregate(step, [])
    assert empty["respondents"] == 0 and empty["means"]["rus"] is None


def _document_with(app, **changes):
    with app.app_context():
        module = library().get(MODULE)
        document = to_document(module)
    points = next(s for p in document["parts"] for s in p["steps"] if s["id"] == STEP)
    points.update(changes)
    return document


def test_the_budget_is_set_per_step_and_survives_a_round_trip(app):
    with app.app_context():
        module, problems = check_document(_document_with(app, budget=10))
        assert problems == []
        step = module.step(STEP)
        assert step.settings["budget"] == 10
        assert step_document(step)["budget"] == 10
        assert kind_of(step).validate(step, {"rus": 10}) == {
            "rus": 10,
            "folkhalsa": 0,
            "beredskap": 0,
            "finansiering": 0,
        }
        assert check_document(to_document(module))[0] == module


@pytest.mark.parametrize(
    "changes,code",
    [
        ({"budget": 0}, "out_of_range"),
        ({"budget": "hundra"}, "wrong_type"),
        ({"min": 1}, "unknown_keys"),
    ],
)
def test_bad_points_content_is_reported(app, changes, code):
    with app.app_context():
        module, problems = check_document(_document_with(app, **changes))
    assert module is None
    assert [p.code for p in problems] == [code]


def test_phones_answer_and_the_console_sees_the_totals(live_session):
    live = live_session(MODULE, PART)
    one, two = live.phone(name="Ett"), live.phone(name="Två")
    live.control("start")
    live.control("goto", STEP)
    shown = events(one, "state")[-1]["step"]
    assert shown["kind"] == "points" and shown["budget"] == 100 and shown["many"] is False
    refused = answer(one, STEP, {"rus": 99}, "p0")
    assert refused["ok"] is False and refused["error"] == "points_sum"
    assert "poäng" in refused["message"]  # a translated message, not a code
    assert answer(one, STEP, {"rus": 100}, "p1")["ok"]
    assert answer(one, STEP, {"rus": 50, "beredskap": 50}, "p2")["ok"]  # changed their mind
    assert answer(two, STEP, {"folkhalsa": 100}, "p3")["ok"]
    tally = events(live.host, "tally")[-1]["results"]["results"]
    assert tally["respondents"] == 2
    assert tally["totals"] == {"rus": 50, "folkhalsa": 100, "beredskap": 50, "finansiering": 0}


def test_points_in_the_exports(app, client, live_session, make_user):
    live = live_session(MODULE, PART)
    phones = [live.phone(name=f"P{n}") for n in range(3)]
    live.control("start")
    live.control("goto", STEP)
    for n, phone in enumerate(phones):
        assert answer(phone, STEP, {"rus": 10 * n, "folkhalsa": 100 - 10 * n}, f"x{n}")["ok"]
    live.control("end")
    make_user(email="analys@example.org", role=Role.analyst)
    analyst = app.test_client()
    assert log_in(analyst, email="analys@example.org").status_code == 302
    reply = analyst.get(f"/analysis/export?format=json&session={live.id}")
    assert reply.status_code == 200, reply.data[:300]
    document = json.loads(reply.data)
    question = next(q for q in document["questions"] if q["step"] == STEP)
    assert question["results"]["totals"]["folkhalsa"] == 270
    rows = [r for r in document["responses"] if r["step"] == STEP]
    assert len(rows) == 3 and rows[0]["value"]["rus"] == 0
    assert "Civil beredskap: 0" in rows[0]["value_text"]
    sheet = analyst.get(f"/analysis/export?format=xlsx&session={live.id}")
    book = load_workbook(io.BytesIO(sheet.data))
    texts = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert "Poäng totalt" in texts and "Medelpoäng" in texts
    assert any(t.startswith("Flest poäng: Hälsofrämjande") for t in texts)


def test_the_kind_is_named_in_every_language(app):
    from facilitate.steps import kind_names

    for locale, name in (
        ("sv", "Fördela poäng"),
        ("en", "Distribute points"),
        ("fi", "Jaa pisteet"),
    ):
        with app.test_request_context(headers={"Accept-Language": locale}):
            from flask_babel import force_locale

            with force_locale(locale):
                assert kind_names()["points"] == name


def test_the_console_sees_the_step(live_session):
    live = live_session(MODULE, PART)
    live.control("start")
    reply = live.control("goto", STEP)
    assert reply["ok"]
    state = events(live.host, "host_state")[-1]
    assert state["step"]["kind"] == "points" and state["step"]["budget"] == 100
