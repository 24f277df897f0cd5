"""Which language a page is shown in: an explicit choice (remembered in a cookie) >
``Accept-Language`` (the phone's own language, where it is one of ours) > the session's
language (on a participant's page, see :func:`prefer_locale`) > Swedish. Once joined, a
phone keeps the language it joined in (the participant's choice).

A language is turned on by configuration alone (``LANGUAGES`` plus its catalog), including one
Babel has no locale data for, such as Meänkieli (``fit``): its texts come from its own catalog and
content, while dates, numbers and plural rules follow the language named for it in
``FORMATS_FOR_LANGUAGE`` (docs/translating.md)."""

from datetime import date, datetime
from functools import cache

from babel import Locale, localedata
from flask import current_app, g, request
from flask_babel import (
    force_locale,
    format_date,
    format_decimal,
    format_percent,
    get_locale,
    get_translations,
    pgettext,
)
from markupsafe import Markup

LOCALE_COOKIE = "facilitate_locale"


def select_locale() -> str:
    """The language code of this request."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in languages:
        return chosen
    browser = request.accept_languages.best_match(languages)
    if browser:
        return browser
    if g.get("preferred_locale") in languages:
        return g.preferred_locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def prefer_locale(locale: str) -> None:
    """Make ``locale`` (a session's language) the page's unless the visitor chose one or their
    browser asks for one we have; call it before anything on the page is translated."""
    g.preferred_locale = locale


class _Language(Locale):
    """A language Babel has no locale data for: it keeps its own code — which picks its gettext
    catalog (Flask-Babel loads catalogs by ``str(locale)``), its content texts and ``lang``
    attributes — and formats dates, numbers and plurals like ``formats``."""

    def __init__(self, code: str, formats: str):
        like = Locale.parse(formats)
        self._code = str(like)  # Locale.__init__ looks its data up under str(self)
        super().__init__(like.language, like.territory, like.script, like.variant)
        self._code = code

    def __str__(self) -> str:
        return self._code

    def __repr__(self) -> str:
        return f"<Language {self._code!r} formatted as {self.language!r}>"

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self._code)


@cache
def _babel_locale(code: str, formats_for: tuple[str, ...]) -> Locale:
    if localedata.exists(code):
        return Locale.parse(code)
    like = dict(pair.partition(":")[::2] for pair in formats_for).get(code)
    return _Language(code, like if like and localedata.exists(like) else "sv")


def babel_locale(code: str) -> Locale:
    """The Babel locale for a language code, also for languages Babel does not know."""
    return _babel_locale(code, tuple(current_app.config["FORMATS_FOR_LANGUAGE"]))


def babel_locale_selector() -> Locale:
    """Flask-Babel's locale selector: the request's language as a Babel locale."""
    return babel_locale(select_locale())


def in_language(code: str):
    """Translate in language ``code`` inside the ``with`` block (``flask_babel.force_locale``
    for any configured language)."""
    return force_locale(babel_locale(code))


def current_locale() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def language_name(code: str) -> str:
    """A language's name in itself, for the language menu: from its own catalog (a translator
    turning a language on writes it there), else from Babel's locale data, else the code."""
    with in_language(code):
        # i18n: the name of the catalog's language in that language, as the language menu shows
        # it (English, Suomi, Meänkieli, Davvisámegiella).
        name = pgettext("language name", "Svenska")
    if name != "Svenska" or code == "sv":
        return name
    if localedata.exists(code):
        return Locale.parse(code).get_display_name(code).capitalize()
    return code


@cache
def _plural_samples(locale: Locale) -> dict[str, int]:
    """A number for each plural category of ``locale`` (CLDR: one, two, few, many, other)."""
    samples: dict[str, int] = {}
    for n in range(1000):
        samples.setdefault(locale.plural_form(n), n)
    return samples


def plural_forms(singular: str, plural: str, **variables) -> dict[str, str]:
    """A plural message in every form the page's language has, by CLDR plural category, for the
    live pages' scripts to choose with ``Intl.PluralRules`` (``static/js/dom.js``): two forms in
    Swedish, three in Northern Sami, and so on."""
    samples = _plural_samples(get_locale() or babel_locale(current_locale()))
    catalog = get_translations()
    return {
        category: catalog.ngettext(singular, plural, n) % {"num": n, **variables}
        for category, n in samples.items()
    }


def plural_rules_locale() -> str:
    """The language whose plural rules the scripts use: the page's, or for a language Babel
    does not know, the one it is formatted like."""
    locale = get_locale() or babel_locale(current_locale())
    return locale.language


def localized(text) -> str:
    """A content text in the page's language, falling back to Swedish."""
    return text.get(current_locale()) if text is not None else ""


def lang_attr(text):
    """``lang="sv"`` when a content text falls back to another language than the page's, so that
    screen readers pronounce it right; nothing otherwise."""
    if text is None:
        return Markup("")
    language = text.language_for(current_locale())
    return Markup(f'lang="{language}"') if language != current_locale() else Markup("")


def local_date(value: date | datetime | None) -> str:
    """A date the way the page's language writes it (``23 nov. 2026``, ``23.11.2026``)."""
    if value is None:
        return "–"
    return format_date(value, "medium")


def number(value: float | int | None, digits: int = 0) -> str:
    """A number the way the page's language writes it (``3,50`` in Swedish, ``3.50`` in
    English), with ``digits`` decimals; a dash for nothing."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern)


def percent(share: float | None) -> str:
    """A share as a whole per cent the way the page's language writes it (``45 %``, ``45%``)."""
    return "–" if share is None else format_percent(share)


def template_helpers() -> dict:
    """The ground floor's helpers in every template; features add their own globals when the
    app is built (``Role`` by :mod:`facilitate.auth`, ``kind_names`` by the app factory)."""
    return {
        "name_max_length": current_app.config["NAME_MAX_LENGTH"],
        "current_locale": current_locale,
        "language_names": lambda: {c: language_name(c) for c in current_app.config["LANGUAGES"]},
        "text": localized,
        "lang_attr": lang_attr,
        "local_date": local_date,
        "number": number,
        "percent": percent,
        "plural_forms": plural_forms,
        "plural_rules_locale": plural_rules_locale,
    }
