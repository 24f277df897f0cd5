"""Accounts and roles (admin, leader, analyst), login, and API tokens."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from ..extensions import db, login_manager
from .models import ApiToken, Role, User

__all__ = ["ApiToken", "Role", "User", "init_app"]


def init_app(app: Flask) -> None:
    from .views import bp

    app.register_blueprint(bp)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Logga in för att se sidan.")
    login_manager.login_message_category = "info"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None
