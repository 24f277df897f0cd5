"""The step kinds' browser code, as the live pages and the module editor load it.

Every ``static/js/kinds/<kind>.js`` is one step kind's ES module (the contract is at the top of
``static/js/kinds.js`` and in docs/architecture.md, "A step kind's browser code"). A kind's own
interface words, when it has any, live in ``templates/kinds/<kind>.html`` as
``{% set words = {...} %}``. The pages list both in one data block (``templates/_step_kinds.html``)
so that adding a kind adds files and edits none.
"""

from pathlib import Path

from flask import current_app
from jinja2 import TemplateNotFound


def step_kinds() -> list[dict]:
    """``[{"name": kind, "words": template or None}]`` for every kind with browser code, by name."""
    folder = Path(current_app.static_folder or "") / "js" / "kinds"
    kinds = []
    for path in sorted(folder.glob("*.js")):
        template = f"kinds/{path.stem}.html"
        try:
            current_app.jinja_env.get_template(template)
        except TemplateNotFound:
            template = None
        kinds.append({"name": path.stem, "words": template})
    return kinds
