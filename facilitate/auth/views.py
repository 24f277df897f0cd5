"""Log in and log out."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..core.network import safe_next
from ..core.throttle import throttle
from ..extensions import db
from . import sockets
from .forms import LoginForm
from .operations import LOGIN_KEY, authenticate, end_login, hash_token, normalise_email, start_login

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login page. A wrong e-mail and a wrong password get the same answer."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
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
            login_id = start_login(user, current_app.config["LOGIN_MAX_AGE_DAYS"])
            db.session.commit()
            target = safe_next(request.args.get("next"), url_for("home.index"))
            # A new session: nothing of before the login (its CSRF token) carries over.
            session.clear()
            session[LOGIN_KEY] = login_id
            login_user(user)
            return redirect(target)
        flash(_("Fel e-postadress eller lösenord."), "error")
        status = 401
    elif form.errors:
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """End this login for good: a copy of its cookie no longer works either."""
    login_id = session.get(LOGIN_KEY)
    if isinstance(login_id, str):
        end_login(login_id)
        db.session.commit()
        # Its consoles and screens here close now; other processes' within a check.
        sockets.close_login(hash_token(login_id))
    logout_user()
    session.clear()
    flash(_("Du är utloggad."), "info")
    return redirect(url_for("auth.login"))
