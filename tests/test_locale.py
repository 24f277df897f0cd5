"""Which language a participant's page is in: an explicit choice > the browser's
Accept-Language (a Finnish phone gets Finnish) > the session's language > Swedish. (Error
acks in each phone's own language: test_live.)"""

import re

import pytest

from facilitate.extensions import db
from facilitate.sessions.models import LiveSession


@pytest.fixture
def finnish_session(app, make_session):
    session_id = make_session()
    with app.app_context():
        session = db.session.get(LiveSession, session_id)
        session.locale = "fi"
        db.session.commit()
        return session.code


def page_language(response):
    return re.search(r'<html lang="([a-z]+)"', response.get_data(as_text=True)).group(1)


def test_the_browsers_language_beats_the_sessions(client, finnish_session):
    response = client.get(f"/j/{finnish_session}", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert page_language(response) == "en"
    response = client.get(f"/j/{finnish_session}", headers={"Accept-Language": "fi-FI"})
    assert page_language(response) == "fi"


def test_a_browser_in_no_language_of_ours_gets_the_sessions(client, finnish_session):
    response = client.get(f"/j/{finnish_session}", headers={"Accept-Language": "de-DE"})
    assert page_language(response) == "fi"
    assert "Liity" in response.get_data(as_text=True)  # the join button, in Finnish


def test_an_explicit_choice_beats_the_sessions_language(client, finnish_session):
    client.get("/language/en")
    response = client.get(f"/j/{finnish_session}", headers={"Accept-Language": "sv"})
    assert page_language(response) == "en"


def test_without_a_session_the_browser_decides_then_swedish(client):
    assert page_language(client.get("/j", headers={"Accept-Language": "fi"})) == "fi"
    assert page_language(client.get("/j", headers={"Accept-Language": "de"})) == "sv"


def test_a_bilingual_big_screen_shows_the_step_in_both_languages(live):
    from .conftest import call

    screen = live.screen()
    live.control("start")
    ack = live.leader_call("settings", second_locale="fi")
    assert ack["state"]["session"]["second_locale"] == "fi"
    state = call(screen, "screen", {"session": live.id})["state"]
    first, second = state["step"], state["second"]["step"]
    assert state["session"]["locale"] == "sv" and state["second"]["locale"] == "fi"
    assert first["id"] == second["id"] and second["lang"] == "fi"
    assert first["prompt"] != second["prompt"]  # norrbotten-for-alla has Finnish
    # Phones are not affected: each follows its own language.
    phone = live.phone(locale="en")
    assert "second" not in call(phone, "sync")["state"]
    # The big screen's own language can change too; the same language twice is shown once.
    assert live.leader_call("settings", locale="fi")["state"]["session"]["second_locale"] is None
    assert call(screen, "screen", {"session": live.id})["state"]["second"] is None
    for bad in ("xx", 3, ""):
        ack = live.leader_call("settings", second_locale=bad)
        assert ack["ok"] is False and ack["error"] in ("unknown_language", "invalid_payload")


def finnish_texts(value):
    """Every string of a phone's step view that comes from the content (not ids or kinds)."""
    keys = ("prompt", "body", "title", "text", "explanation", "min_label", "max_label")
    if isinstance(value, dict):
        for key, item in value.items():
            if key in keys and isinstance(item, str):
                yield key, item
            elif isinstance(item, dict | list):
                yield from finnish_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from finnish_texts(item)


def test_a_whole_part_in_finnish_while_the_leader_runs_it_in_swedish(live):
    """norrbotten-for-alla/demografi: the phone sees every step (and every revealed answer) in
    Finnish and its error acks in Finnish; the leader's console stays Swedish."""
    from facilitate.content import library

    from .conftest import answer, call

    phone = live.phone(locale="fi", name="Aino")
    with live.app.app_context():
        steps = library().get("norrbotten-for-alla").part("demografi").steps
    finnish = {t.get("fi") for s in steps for t in _texts(s)}
    swedish = {t.get("sv") for s in steps for t in _texts(s)}
    assert live.control("start")["ok"]
    for index, step in enumerate(steps):
        host = live.control("goto", step.id)["state"]
        assert host["step"]["prompt"] == step.heading.get("sv")
        shown = call(phone, "sync")["state"]["step"]
        assert shown["id"] == step.id and shown["lang"] == "fi"
        assert {o["lang"] for o in shown.get("options", [])} <= {"fi"}
        seen = dict(finnish_texts(shown))
        assert seen and set(seen.values()) <= finnish, (step.id, seen)
        if step.kind in ("quiz", "poll"):
            ack = answer(phone, step.id, step.options[0].id, f"s{index}")
            assert ack == {"ok": True, "duplicate": False}
        elif step.kind == "scale":
            assert answer(phone, step.id, step.scale_min, f"s{index}")["ok"]
        elif step.kind in ("open", "wordcloud"):
            assert answer(phone, step.id, "Tervetuloa", f"s{index}")["ok"]
        if step.kind == "quiz":
            wrong = answer(phone, step.id, "no-such-option", f"x{index}")
            assert wrong["message"] == "Vastaus ei sovi kysymykseen. Valitse vaihtoehdoista."
            live.control("reveal")
            revealed = call(phone, "sync")["state"]["step"]
            assert revealed["explanation"] == step.explanation.get("fi")
    assert not finnish & swedish  # the part really is different in the two languages
    assert len({r[1] for r in live.stored()}) >= 5


def _texts(step):
    texts = [step.title, step.body, step.prompt, step.explanation, step.min_label, step.max_label]
    texts += [o.text for o in step.options + step.statements]
    return [t for t in texts if t is not None]


def test_live_pages_get_every_plural_form_of_their_language(app):
    """Two forms in Swedish and Finnish; Northern Sami has a dual, so three (the scripts choose
    with the browser's Intl.PluralRules for the language named in <html data-plurals>)."""
    from facilitate.core.i18n import LOCALE_COOKIE, plural_forms

    app.config["LANGUAGES"] = ("sv", "en", "fi", "se")
    for language, categories in (("sv", {"one", "other"}), ("se", {"one", "two", "other"})):
        with app.test_request_context(headers={"Cookie": f"{LOCALE_COOKIE}={language}"}):
            forms = plural_forms("%(num)s svar", "%(num)s svar", num="{n}")
            assert set(forms) == categories
            assert forms["other"] == "{n} svar"
    with app.test_request_context(headers={"Cookie": f"{LOCALE_COOKIE}=fi"}):
        forms = plural_forms("%(num)s person har svarat", "%(num)s personer har svarat", num="{n}")
        assert forms == {"one": "{n} henkilö on vastannut", "other": "{n} henkilöä on vastannut"}


def test_the_big_screen_is_in_the_sessions_language_not_the_leaders(live, client):
    """The leader's browser is in English; the session (and so the screen) in Finnish."""
    client.get("/language/en")
    assert live.leader_call("settings", locale="fi")["ok"]
    html = client.get(f"/sessions/{live.id}/screen").get_data(as_text=True)
    assert page_language_of(html) == "fi"
    console = client.get(f"/sessions/{live.id}").get_data(as_text=True)
    assert page_language_of(console) == "en"  # the leader's own page stays theirs


def page_language_of(html: str) -> str:
    return re.search(r'<html lang="([a-z]+)"', html).group(1)
