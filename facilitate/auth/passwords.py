"""Password hashing with argon2id, with parameters from one of argon2-cffi's profiles
(``ARGON2_PROFILE``: RFC 9106's low-memory profile by default; tests use the cheapest).

Under gevent (``facilitate serve``) hashing runs in gevent's pool of real threads, at most
:data:`CONCURRENT_HASHES` at once: argon2 holds no GIL while it works, so the event loop goes
on serving every live session while logins are checked (issue #23: a burst of 150 logins had
held a participant's ack for seconds). Elsewhere (CLI, tests) it runs where it is called."""

from collections.abc import Callable
from functools import cache
from typing import Any

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


@cache
def _hasher(profile: str) -> tuple[PasswordHasher, str]:
    """The hasher of a profile and a hash of nothing in particular, verified against when no
    account matches, so a wrong e-mail takes as long as a wrong password."""
    hasher = PasswordHasher.from_parameters(getattr(profiles, profile))
    return hasher, hasher.hash("not a password of anyone")


#: Password hashes computed at once per process; more logins wait (without blocking anyone).
CONCURRENT_HASHES = 2


@cache
def _gate():
    from gevent.lock import BoundedSemaphore

    return BoundedSemaphore(CONCURRENT_HASHES)


def _off_the_loop(work: Callable[..., Any], *args: Any) -> Any:
    """``work(*args)`` in gevent's thread pool when this process runs gevent, else here."""
    from gevent import monkey

    if not monkey.is_module_patched("socket"):
        return work(*args)
    import gevent

    with _gate():
        return gevent.get_hub().threadpool.apply(work, args)


def _current() -> tuple[PasswordHasher, str]:
    return _hasher(current_app.config["ARGON2_PROFILE"])


def hash_password(password: str) -> str:
    return _off_the_loop(_current()[0].hash, password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; costs the same time whether or not there is a hash."""
    hasher, dummy = _current()
    return _off_the_loop(_verify, hasher, password_hash or dummy, password) and bool(password_hash)


def _verify(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than the configured profile's."""
    return _current()[0].check_needs_rehash(password_hash)
