"""Reads of accounts."""

import sqlalchemy as sa

from ..extensions import db
from .models import ApiToken, User
from .operations import hash_token, normalise_email


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def user_by_token(token: str) -> User | None:
    """The active user an API token belongs to, or None for an unknown token."""
    user = db.session.scalar(
        sa.select(User).join(ApiToken).where(ApiToken.token_hash == hash_token(token))
    )
    return user if user is not None and user.active else None
