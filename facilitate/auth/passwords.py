"""Password hashing with argon2id, with parameters from one of argon2-cffi's profiles
(``ARGON2_PROFILE``: RFC 9106's low-memory profile by default; tests use the cheapest)."""

from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


@cache
def _hasher(profile: str) -> tuple[PasswordHasher, str]:
    """The hasher of a profile and a hash of nothing in particular, verified against when no
    account matches, so a wrong e-mail takes as long as a wrong password."""
    hasher = PasswordHasher.from_parameters(getattr(profiles, profile))
    return hasher, hasher.hash("not a password of anyone")


def _current() -> tuple[PasswordHasher, str]:
    return _hasher(current_app.config["ARGON2_PROFILE"])


def hash_password(password: str) -> str:
    return _current()[0].hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; costs the same time whether or not there is a hash."""
    hasher, dummy = _current()
    try:
        return hasher.verify(password_hash or dummy, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than the configured profile's."""
    return _current()[0].check_needs_rehash(password_hash)
