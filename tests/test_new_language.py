"""A language turned on by configuration alone, as docs/translating.md tells a translator: here a
Meänkieli (``fit``) catalog and content, a language Babel has no locale data for. The test's
"translations" are the Finnish ones marked ``[fit]`` — stand-ins, not Meänkieli — so that the
test can tell where each text came from."""

import re
import shutil
from datetime import date

import pytest
import yaml
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from facilitate.core.i18n import LOCALE_COOKIE, local_date, number, percent
from facilitate.extensions import db

from .conftest import ROOT, answer, call, new_app

MARK = "[fit] "
STEP = "demografi-q-tathet"


@pytest.fixture
def translator_files(tmp_path):
    """What a translator adds: a catalog folder and ``fit`` texts in a module."""
    with open(ROOT / "facilitate/translations/fi/LC_MESSAGES/messages.po", "rb") as file:
        catalog = read_po(file)
    for message in catalog:
        if message.id and message.context == "language name":
            message.string = "Meänkieli"  # a name, which the test may write
        elif message.id and isinstance(message.string, tuple):
            message.string = tuple(MARK + s for s in message.string)
        elif message.id:
            message.string = MARK + message.string
    folder = tmp_path / "translations/fit/LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.mo", "wb") as file:
        write_mo(file, catalog)
    modules = tmp_path / "modules"
    shutil.copytree(ROOT / "modules", modules)
    part_file = modules / "norrbotten-for-alla/02-demografi-och-urbanisering.yaml"
    part = yaml.safe_load(part_file.read_text("utf-8"))
    step = next(s for s in part["steps"] if s["id"] == STEP)
    step["prompt"]["fit"] = MARK + step["prompt"]["fi"]
    part_file.write_text(yaml.safe_dump(part, allow_unicode=True), "utf-8")
    return tmp_path


@pytest.fixture
def app(translator_files):
    app = new_app(
        LANGUAGES=("sv", "en", "fi", "fit"),
        MODULES_PATH=str(translator_files / "modules"),
        BABEL_TRANSLATION_DIRECTORIES=f"translations;{translator_files / 'translations'}",
    )
    yield app
    with app.app_context():
        db.drop_all()


def test_pages_are_shown_in_the_new_language(client):
    client.get("/language/fit")
    html = client.get("/j").get_data(as_text=True)
    assert '<html lang="fit" data-plurals="fi">' in html
    assert MARK + "Liity" in html  # the join button, from the fit catalog
    # The menu names each language in itself; the new one by what its catalog says.
    assert re.search(r">\s*Meänkieli\s*<", html) and re.search(r">\s*Suomi\s*<", html)


def test_the_browser_can_ask_for_the_new_language(client):
    html = client.get("/j", headers={"Accept-Language": "fit, sv;q=0.5"}).get_data(as_text=True)
    assert '<html lang="fit"' in html


def test_dates_and_numbers_follow_the_configured_language(app):
    """Babel knows no Meänkieli; FORMATS_FOR_LANGUAGE says to write them as Finnish does."""
    with app.test_request_context(headers={"Cookie": f"{LOCALE_COOKIE}=fit"}):
        assert local_date(date(2026, 11, 23)) == "23.11.2026"
        assert number(1234.5, 2) == "1\xa0234,50"
        assert percent(0.45) == "45\xa0%"
    with app.test_request_context(headers={"Cookie": f"{LOCALE_COOKIE}=en"}):
        assert local_date(date(2026, 11, 23)) == "Nov 23, 2026"
        assert number(1234.5, 2) == "1,234.50"
        assert percent(0.45) == "45%"


def test_a_phone_takes_part_in_the_new_language(live):
    phone = live.phone(locale="fit")
    assert live.control("start")["ok"]
    state = live.control("goto", STEP)["state"]
    assert not state["step"]["prompt"].startswith(MARK)  # the leader's console: Swedish
    step = call(phone, "sync")["state"]["step"]
    assert step["prompt"].startswith(MARK) and step["lang"] == "fit"
    # The options have no fit text yet: Swedish, and marked as such for screen readers.
    assert step["options"] and {o["lang"] for o in step["options"]} == {"sv"}
    wrong = answer(phone, STEP, "no-such-option", "s1")
    assert wrong["message"] == MARK + "Vastaus ei sovi kysymykseen. Valitse vaihtoehdoista."
    assert answer(phone, STEP, step["options"][0]["id"], "s2") == {"ok": True, "duplicate": False}
