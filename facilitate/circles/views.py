"""Pages where a leader creates a circle and starts its meetings, one part at a time."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.decorators import role_required
from ..auth.models import Role
from ..authoring.queries import any_module, visible_modules
from ..core.messages import message
from ..extensions import db
from . import operations
from .models import CircleError
from .municipalities import by_name, municipality
from .queries import circle_for, circles_of

bp = Blueprint("circles", __name__, url_prefix="/circles")

#: Study associations and organisations suggested when a circle is created (any name is fine).
ORGANISERS = (
    "ABF",
    "Bilda",
    "Folkuniversitetet",
    "Ibn Rushd",
    "Kulturens",
    "Medborgarskolan",
    "NBV",
    "Sensus",
    "Studiefrämjandet",
    "Studieförbundet Vuxenskolan",
)


@bp.app_template_filter("municipality_name")
def municipality_name(municipality_id: str) -> str:
    """A municipality's name from its id, in every template."""
    place = municipality(municipality_id)
    return place.name if place else municipality_id


@bp.get("/")
@role_required(Role.leader)
def index():
    """The leader's circles (an admin's: every circle)."""
    return render_template("circles/index.html", circles=circles_of(current_user))


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.leader)
def new():
    """A form for a new circle; on success the circle's page, where its meetings start."""
    error = None
    if request.method == "POST":
        try:
            circle = operations.create_circle(
                current_user,
                request.form.get("name"),
                request.form.get("municipality"),
                request.form.get("organiser"),
                request.form.get("module"),
            )
        except CircleError as failure:
            error = failure.code
        else:
            db.session.commit()
            return redirect(url_for("circles.circle", circle_id=circle.id))
    return render_template(
        "circles/new.html",
        modules=visible_modules(current_user),
        municipalities=by_name(),
        organisers=ORGANISERS,
        form=request.form,
        error=error,
        message=message(error) if error else None,
    ), (400 if error else 200)


@bp.get("/<int:circle_id>")
@role_required(Role.leader)
def circle(circle_id: int):
    """A circle: its meetings so far and a start button per part of its module."""
    try:
        found = circle_for(current_user, circle_id)
    except CircleError as failure:
        abort(403 if failure.code == "forbidden" else 404)
    held = found.meetings
    return render_template(
        "circles/circle.html",
        circle=found,
        module=any_module(found.module_id),
        place=municipality(found.municipality),
        meetings=held,
        parts_held={s.part_id for s in held},
    )
