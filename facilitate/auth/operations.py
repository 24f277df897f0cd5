"""Changes to accounts. These flush; the caller (view or CLI command) commits."""

import logging
from datetime import timedelta

import sqlalchemy as sa
from zxcvbn import zxcvbn

from ..core.errors import DomainError
from ..core.time import utcnow
from ..core.tokens import hash_token, new_token
from ..extensions import db
from .models import ApiToken, LoginSession, Role, User
from .passwords import hash_password, needs_rehash, verify_password

log = logging.getLogger(__name__)

#: Prefix of every API token, so a leaked one is easy to recognise (e.g. by secret scanners).
TOKEN_PREFIX = "fct_"


#: Key in the Flask session of the login's id (see :class:`LoginSession`).
LOGIN_KEY = "login"


class AccountError(DomainError):
    """A change to accounts that cannot be made; ``code`` is stable, the message is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(code, message)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(email: str, role: Role, password: str | None, *, min_length: int) -> User:
    """Create an account. Raises :class:`AccountError` for a taken e-mail or a weak password."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        raise AccountError("invalid_email", f"{email!r} is not an e-mail address")
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise AccountError("email_taken", f"an account for {email} already exists")
    user = User(email=email, role=role)
    if password is not None:
        set_password(user, password, min_length=min_length)
    db.session.add(user)
    db.session.flush()
    log.info("created %s account %d", role.value, user.id)
    return user


#: zxcvbn's score a password needs (0–4): 3 is "safely unguessable", about 10^8 guesses.
MIN_PASSWORD_SCORE = 3
#: zxcvbn's time grows with length; what is past this is not looked at (it only adds strength).
PASSWORD_CHECK_LENGTH = 100


def check_password(password: str, email: str, *, min_length: int) -> None:
    """The password policy (ASVS 5.0 V6.2): at least ``min_length`` characters, and not easy
    to guess — not a common password, a keyboard pattern, a repetition, or built from the
    account's own e-mail address (zxcvbn, which ships lists of common passwords). Raises
    :class:`AccountError`; no rules about kinds of characters."""
    if len(password) < min_length:
        raise AccountError(
            "weak_password", f"the password must have at least {min_length} characters"
        )
    local = email.partition("@")[0]
    inputs = [email, local, *local.replace("_", ".").replace("-", ".").split(".")]
    result = zxcvbn(password[:PASSWORD_CHECK_LENGTH], user_inputs=[i for i in inputs if i])
    if result["score"] < MIN_PASSWORD_SCORE:
        raise AccountError(
            "guessable_password",
            "the password is too easy to guess (a common password, a pattern, or built from "
            "the e-mail address); a few unrelated words make a good one",
        )


def set_password(user: User, password: str, *, min_length: int) -> None:
    check_password(password, user.email, min_length=min_length)
    user.password_hash = hash_password(password)
    end_logins(user)


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. Upgrades old hashes on success."""
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if not verify_password(user.password_hash if user else None, password):
        return None
    if user is None or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def create_token(user: User) -> str:
    """Create an API token for ``user`` and return it; only its hash is kept."""
    token = TOKEN_PREFIX + new_token(32)
    db.session.add(ApiToken(user=user, token_hash=hash_token(token)))
    db.session.flush()
    log.info("created an API token for user %d", user.id)
    return token


def touch_token(token: str) -> ApiToken | None:
    """Record that ``token`` was used now (flushed with the caller's next commit)."""
    used = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if used is not None:
        used.last_used_at = utcnow()
    return used


def start_login(user: User, max_age_days: int) -> str:
    """A new login of ``user``: returns the random id its session cookie carries. Logins
    older than ``max_age_days`` are deleted on the way."""
    login_id = new_token(32)
    db.session.execute(
        sa.delete(LoginSession).where(
            LoginSession.user_id == user.id,
            LoginSession.created_at < utcnow() - timedelta(days=max_age_days),
        )
    )
    db.session.add(LoginSession(user_id=user.id, token_hash=hash_token(login_id)))
    db.session.flush()
    return login_id


def end_login(login_id: str) -> None:
    """Log out one login: its cookie, even a copy of it, no longer works."""
    db.session.execute(
        sa.delete(LoginSession).where(LoginSession.token_hash == hash_token(login_id))
    )


def end_logins(user: User) -> None:
    """Log out every login of ``user`` (after a password change)."""
    if user.id is not None:
        db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id))
        log.info("ended every login of user %d", user.id)
