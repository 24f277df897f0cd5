"""Accounts and roles (admin, leader, analyst), login, and API tokens."""

from flask import Flask, current_app, session
from flask_babel import lazy_gettext as _l

from ..extensions import login_manager
from .models import ApiToken, Role, User

__all__ = ["ApiToken", "Role", "User", "init_app"]


def init_app(app: Flask) -> None:
    from .views import bp

    app.register_blueprint(bp)
    app.add_template_global(Role, "Role")
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Logga in för att se sidan.")
    login_manager.login_message_category = "info"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """The user of this request's login, checked on every request and at socket connect: a
    login that was ended (logout, password change) is no login."""
    from .operations import LOGIN_KEY
    from .queries import user_by_login

    login_id = session.get(LOGIN_KEY)
    if not user_id.isdigit() or not isinstance(login_id, str):
        return None
    return user_by_login(int(user_id), login_id, current_app.config["LOGIN_MAX_AGE_DAYS"])
