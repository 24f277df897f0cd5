"""View guards by role."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .models import Role


def role_required(*roles: Role):
    """Only logged-in users with one of ``roles`` (or admins); others get 403."""

    def decorate(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate


def analyst_required(view):
    """Analysts and admins; a clear 401 for anonymous users and 403 for other roles."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_user.is_authenticated:
            abort(401)
        if not current_user.has_role(Role.analyst):
            abort(403)
        return view(*args, **kwargs)

    return guarded
