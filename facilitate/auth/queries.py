"""Reads of accounts."""

from datetime import timedelta

import sqlalchemy as sa

from ..core.time import utcnow
from ..core.tokens import hash_token
from ..extensions import db
from .models import ApiToken, LoginSession, User
from .operations import normalise_email


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def user_by_token(token: str) -> User | None:
    """The active user an API token belongs to, or None for an unknown token."""
    user = db.session.scalar(
        sa.select(User).join(ApiToken).where(ApiToken.token_hash == hash_token(token))
    )
    return user if user is not None and user.active else None


def user_by_login(user_id: int, login_id: str, max_age_days: int) -> User | None:
    """The active user of a login that has not ended (logout, password change) nor expired."""
    user = db.session.scalar(
        sa.select(User)
        .join(LoginSession)
        .where(
            User.id == user_id,
            LoginSession.token_hash == hash_token(login_id),
            LoginSession.created_at >= utcnow() - timedelta(days=max_age_days),
        )
    )
    return user if user is not None and user.active else None


def live_logins(login_hashes: set[str], max_age_days: int) -> set[str]:
    """Which of ``login_hashes`` (stored SHA-256s) are of logins that have not ended nor
    expired, of active users."""
    if not login_hashes:
        return set()
    return set(
        db.session.scalars(
            sa.select(LoginSession.token_hash)
            .join(User)
            .where(
                LoginSession.token_hash.in_(login_hashes),
                LoginSession.created_at >= utcnow() - timedelta(days=max_age_days),
                User.active.is_(True),
            )
        )
    )
