"""Failed-login throttling with the ``limits`` library: per account and per client address.

Counters live in ``RATELIMIT_STORAGE_URI`` (memory in one process, Redis in several). Only
failures count, so a person who types their password right is never slowed down.
"""

import time
from dataclasses import dataclass

from flask import Flask, current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

EXTENSION_KEY = "facilitate.login_throttle"


@dataclass
class LoginThrottle:
    limiter: MovingWindowRateLimiter
    per_account: object
    per_address: object

    def _keys(self, email: str, address: str):
        return (
            (self.per_account, "login-account", email),
            (self.per_address, "login-address", address),
        )

    def allowed(self, email: str, address: str) -> bool:
        return all(self.limiter.test(limit, *key) for limit, *key in self._keys(email, address))

    def failed(self, email: str, address: str) -> None:
        for limit, *key in self._keys(email, address):
            self.limiter.hit(limit, *key)

    def retry_after(self, email: str, address: str) -> int:
        """Seconds until the next attempt is allowed (at least one)."""
        resets = [
            self.limiter.get_window_stats(limit, *key).reset_time
            for limit, *key in self._keys(email, address)
            if not self.limiter.test(limit, *key)
        ]
        return max(1, int(max(resets, default=time.time()) - time.time()))


def init_app(app: Flask) -> None:
    storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    app.extensions[EXTENSION_KEY] = LoginThrottle(
        limiter=MovingWindowRateLimiter(storage),
        per_account=parse(app.config["LOGIN_LIMIT_PER_ACCOUNT"]),
        per_address=parse(app.config["LOGIN_LIMIT_PER_ADDRESS"]),
    )


def login_throttle() -> LoginThrottle:
    return current_app.extensions[EXTENSION_KEY]
