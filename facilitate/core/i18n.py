"""Which language a page is shown in: an explicit choice (remembered in a cookie) > the
session's language (on a participant's page, see :func:`prefer_locale`) > ``Accept-Language``
> Swedish. Once joined, a phone keeps the language it joined in (the participant's choice)."""

from flask import current_app, g, request
from flask_babel import get_locale
from markupsafe import Markup

LOCALE_COOKIE = "facilitate_locale"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in languages:
        return chosen
    if g.get("preferred_locale") in languages:
        return g.preferred_locale
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def prefer_locale(locale: str) -> None:
    """Make ``locale`` (a session's language) the page's unless the visitor chose one; call it
    before anything on the page is translated."""
    g.preferred_locale = locale


#: Each language's name in itself, for the language menu.
LANGUAGE_NAMES = {"sv": "Svenska", "en": "English", "fi": "Suomi"}


def current_locale() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


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


def template_helpers() -> dict:
    from ..auth.models import Role

    return {
        "Role": Role,
        "name_max_length": current_app.config["NAME_MAX_LENGTH"],
        "current_locale": current_locale,
        "language_names": lambda: {
            c: LANGUAGE_NAMES.get(c, c) for c in current_app.config["LANGUAGES"]
        },
        "text": localized,
        "lang_attr": lang_attr,
    }
