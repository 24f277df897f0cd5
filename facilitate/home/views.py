"""The home page and the module library."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..auth.models import Role
from ..authoring.queries import visible_modules
from ..circles.municipalities import MUNICIPALITIES
from ..circles.queries import circles_of
from ..steps import prompt_count, quiz_count

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Logged-in users land where their work is: analysts on the analyst pages, leaders and
    admins in the module library; everyone else sees what this is."""
    if current_user.is_authenticated:
        if current_user.role is Role.analyst:
            return redirect(url_for("analysis.sessions"))
        return redirect(url_for("home.module_library"))
    return render_template("home/index.html")


@bp.get("/modules")
@login_required
def module_library():
    """The module library: every module and its parts, where a session is started from (for
    one of the leader's circles following the module, if they choose one)."""
    circles: dict[str, list] = {}
    if current_user.has_role(Role.leader):
        for circle in circles_of(current_user):
            circles.setdefault(circle.module_id, []).append(circle)
    return render_template(
        "home/library.html",
        modules=visible_modules(current_user),
        circles=circles,
        municipalities=MUNICIPALITIES,
        quiz_count=quiz_count,
        prompt_count=prompt_count,
    )
