"""Throttling with the ``limits`` library. Failed logins (per account and per client address)
and failed joins (per client address) count only failures, so a person who gets it right is
never slowed down; events per connection and answers per participant count every one, to keep
one misbehaving phone from flooding a session.

Counters live in ``RATELIMIT_STORAGE_URI`` (memory in one process, Redis in several).
"""

import importlib.util
import logging
import time
from collections.abc import Mapping

from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

log = logging.getLogger(__name__)

EXTENSION_KEY = "facilitate.throttle"


class FailureThrottle:
    """Named limits, each counted per key (an e-mail address, a client address...)."""

    def __init__(
        self,
        limiter: MovingWindowRateLimiter,
        limits: Mapping[str, RateLimitItem],
        counter: FixedWindowRateLimiter | None = None,
    ):
        self.limiter = limiter
        self.limits = limits
        #: For :meth:`take`, counted on every event: a fixed window. The moving window's
        #: in-memory storage re-sorts every key's events under a lock a hundred times a second
        #: while hits come in, which with a thousand connected phones took most of the CPU
        #: (bench/NOTES.md).
        self.counter = counter or limiter

    def allowed(self, **keys: str) -> bool:
        """True while every named limit still has room for its key (``{limit_name: key}``)."""
        return all(self.limiter.test(self.limits[name], name, key) for name, key in keys.items())

    def take(self, **keys: str) -> bool:
        """Count one use against every named limit; False (and nothing counted for that limit)
        when one has no room left. If the counters cannot be reached (Redis down), the use is
        allowed: a limit must not turn a storage fault into lost answers."""
        try:
            return all(
                [self.counter.hit(self.limits[name], name, key) for name, key in keys.items()]
            )
        except Exception:
            log.warning("rate-limit storage unavailable; allowing %s", sorted(keys), exc_info=True)
            return True

    def failed(self, **keys: str) -> None:
        for name, key in keys.items():
            self.limiter.hit(self.limits[name], name, key)

    def retry_after(self, **keys: str) -> int:
        """Seconds until the next attempt is allowed (at least one)."""
        now = time.time()
        resets = [
            self.limiter.get_window_stats(self.limits[name], name, key).reset_time
            for name, key in keys.items()
            if not self.limiter.test(self.limits[name], name, key)
        ]
        return max(1, int(max(resets, default=now) - now))


def storage_uri(config: Mapping) -> str:
    """``RATELIMIT_STORAGE_URI``; left at memory while the processes share a Redis message
    queue, the counters go to that Redis too, so that every process counts the same."""
    uri = config["RATELIMIT_STORAGE_URI"]
    queue = config.get("MESSAGE_QUEUE") or ""
    if uri == "memory://" and queue.startswith(("redis://", "rediss://")):
        if importlib.util.find_spec("redis") is not None:
            return queue
        log.warning("no redis client installed: rate limits are counted per process")
    return uri


#: Connections to Redis per process for the counters; handlers beyond that wait their turn.
REDIS_CONNECTIONS = 50
#: How long a handler waits for one of them before the check fails (seconds).
REDIS_WAIT = 10


def _storage(uri: str):
    """The counters' storage. With Redis, a blocking pool: under gevent hundreds of handlers
    count at once, and redis-py's default pool fails ("Too many connections") past 100."""
    if uri.startswith(("redis://", "rediss://")):
        import redis

        pool = redis.BlockingConnectionPool.from_url(
            uri, max_connections=REDIS_CONNECTIONS, timeout=REDIS_WAIT
        )
        return storage_from_string(uri, connection_pool=pool)
    return storage_from_string(uri)


def init_app(app: Flask) -> None:
    storage = _storage(storage_uri(app.config))
    app.extensions[EXTENSION_KEY] = FailureThrottle(
        MovingWindowRateLimiter(storage),
        {
            "login-account": parse(app.config["LOGIN_LIMIT_PER_ACCOUNT"]),
            "login-address": parse(app.config["LOGIN_LIMIT_PER_ADDRESS"]),
            "join-address": parse(app.config["JOIN_LIMIT_PER_ADDRESS"]),
            "socket-events": parse(app.config["EVENT_LIMIT_PER_CONNECTION"]),
            "participant-answers": parse(app.config["ANSWER_LIMIT_PER_PARTICIPANT"]),
        },
        FixedWindowRateLimiter(storage),
    )


def throttle() -> FailureThrottle:
    return current_app.extensions[EXTENSION_KEY]
