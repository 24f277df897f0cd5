"""Pages of the whole app: accessibility statement, privacy notice, health check and the language
menu (the home page is :mod:`facilitate.home`)."""

import logging
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for

from ..extensions import db
from .i18n import LOCALE_COOKIE
from .network import safe_next

log = logging.getLogger(__name__)

bp = Blueprint("core", __name__)

#: How long an explicit language choice is remembered (one year).
LOCALE_COOKIE_MAX_AGE = 365 * 24 * 3600
#: When the accessibility statement was last reviewed against the software (update with it).
STATEMENT_REVIEWED = date(2026, 11, 23)


@bp.get("/tillganglighet")
def accessibility_statement():
    """The accessibility statement (tillgänglighetsredogörelse) that the Swedish law on
    accessible digital public services (DOS-lagen) asks for, linked from every page."""
    return render_template(
        "core/accessibility.html",
        organisation=current_app.config["ORGANISATION_NAME"],
        contact=current_app.config["ACCESSIBILITY_CONTACT"],
        reviewed=STATEMENT_REVIEWED,
    )


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        log.exception("health check: the database does not answer")
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")


@bp.get("/integritet")
def privacy():
    """What is stored about participants, why, for how long, and who is responsible."""
    return render_template(
        "core/privacy.html",
        controller_name=current_app.config["CONTROLLER_NAME"],
        controller_contact=current_app.config["CONTROLLER_CONTACT"],
        retention_months=current_app.config["RETENTION_MONTHS"],
    )


@bp.get("/language/<code>")
def choose_language(code: str):
    """Remember the chosen language and go back to the page the choice was made on."""
    response = redirect(safe_next(request.args.get("next"), url_for("home.index")))
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LOCALE_COOKIE,
            code,
            max_age=LOCALE_COOKIE_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure,
        )
    return response
