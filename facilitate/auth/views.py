"""Log in and log out."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..core.throttle import throttle
from ..extensions import db
from .forms import LoginForm
from .operations import authenticate, normalise_email

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after login, never another host."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("core.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login page. A wrong e-mail and a wrong password get the same answer."""
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        email = normalise_email(form.email.data)
        address = request.remote_addr or "unknown"
        keys = {"login-account": email, "login-address": address}
        # Counted before the check and given back when it succeeds: attempts sent together
        # are counted one by one, so no more than the limit are ever checked.
        if not throttle().take(**keys):
            minutes = -(-throttle().retry_after(**keys) // 60)
            flash(
                _(
                    "För många misslyckade inloggningar. Försök igen om %(minutes)d minuter.",
                    minutes=minutes,
                ),
                "error",
            )
            return render_template("auth/login.html", form=form), 429
        user = authenticate(email, form.password.data)
        if user is not None:
            throttle().give_back(**keys)
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Fel e-postadress eller lösenord."), "error")
        status = 401
    elif form.errors:
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("Du är utloggad."), "info")
    return redirect(url_for("auth.login"))
