"""The step kinds' browser code is pluggable: every ``static/js/kinds/<kind>.js`` is listed in the
pages' ``step-kinds`` data block with the kind's own words, and no shared script asks which kind a
step is (docs/architecture.md, "A step kind's browser code")."""

import json
import re

from flask import render_template_string
from jinja2 import ChoiceLoader, DictLoader

from facilitate.core.browser_kinds import step_kinds

from .conftest import ROOT

KINDS = ROOT / "static" / "js" / "kinds"
INCLUDE = '{% include "_step_kinds.html" with context %}'


def _data_block(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="step-kinds">(.*?)</script>', html, re.S)
    assert match, "the page has no step-kinds data block"
    return json.loads(match.group(1))


def test_every_kind_file_is_listed(app):
    with app.test_request_context():
        names = [kind["name"] for kind in step_kinds()]
    assert names == sorted(path.stem for path in KINDS.glob("*.js"))
    assert {"poll", "quiz", "scale", "open", "wordcloud", "rank", "statements", "info"} <= set(
        names
    )


def test_a_kinds_own_words_reach_the_page_in_its_language(app):
    """A new kind's words template is found without editing any shared file, and translated."""
    app.jinja_env.loader = ChoiceLoader(
        [
            DictLoader({"kinds/poll.html": '{% set words = {"poll_extra": _("Skicka")} %}'}),
            app.jinja_env.loader,
        ]
    )
    with app.test_request_context("/?lang=en"):
        from flask_babel import force_locale

        with force_locale("en"):
            html = render_template_string(INCLUDE)
    block = _data_block(html)
    assert "poll" in block["names"]
    assert block["words"]["poll"] == {"poll_extra": "Send"}


def test_the_pages_that_show_steps_carry_the_kinds(client):
    """The phone view lists the kinds (the console, screen and editor include the same block)."""
    for template in (
        "sessions/participant.html",
        "sessions/console.html",
        "sessions/screen.html",
        "authoring/edit.html",
    ):
        assert (
            '{% include "_step_kinds.html" with context %}'
            in (ROOT / "templates" / template).read_text()
        )


#: A shared script asking for a kind by name: `kind === "…"`, `kind !== "…"`, `[…].includes(…kind)`.
KIND_BRANCH = re.compile(r"""kind\s*[!=]==\s*["']|\.includes\([^)]*\bkind\)|\bMANY\b""")


def test_no_shared_script_branches_on_a_kind():
    offenders = []
    for path in sorted((ROOT / "static" / "js").glob("*.js")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if KIND_BRANCH.search(line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    # The one marked fallback until the server sends `step.many` everywhere (participant.js).
    allowed = [o for o in offenders if '["open", "wordcloud"].includes(step.kind)' in o]
    assert [o for o in offenders if o not in allowed] == []
    assert len(allowed) <= 1
