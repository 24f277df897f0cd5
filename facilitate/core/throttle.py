"""Rate limits as fixed-window counters where checking and counting is one atomic step.

Every limit is "N per W" (``limits`` notation, e.g. ``"20 per minute"``), counted per key (an
e-mail address, a client address, a connection...). A key's window starts at its first hit
and lasts W seconds. :meth:`Throttle.take` counts one use and says in the same step whether it
was within the limit, so attempts released together cannot all pass a check before any of
them is counted (issue #23: 40 of 40 simultaneous wrong passwords were checked when the check
and the count were two steps). What should count only when it fails (a wrong password, an
unknown join code) is either taken first and handed back with :meth:`Throttle.give_back`
when it turns out to be right (a password), or looked up first and taken only when it failed,
with :meth:`Throttle.spent` refusing the right ones too once a limit is used up (a join code:
see ``sessions/events.py``).

Counters live in this process (one dictionary step per hit: no timer, thread or lock wait)
or, with several processes, in Redis (one Lua call: INCR and, for a new key, EXPIRE).
"""

import importlib.util
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from flask import Flask, current_app
from limits import parse

log = logging.getLogger(__name__)

EXTENSION_KEY = "facilitate.throttle"

#: The settings of the named limits.
LIMIT_SETTINGS = {
    "login-account": "LOGIN_LIMIT_PER_ACCOUNT",
    "login-address": "LOGIN_LIMIT_PER_ADDRESS",
    "join-address": "JOIN_LIMIT_PER_ADDRESS",
    "join-connection": "JOIN_LIMIT_PER_CONNECTION",
    "join-session-address": "JOIN_LIMIT_PER_SESSION_ADDRESS",
    "socket-events": "EVENT_LIMIT_PER_CONNECTION",
    "socket-address": "EVENT_LIMIT_PER_ADDRESS",
    "participant-answers": "ANSWER_LIMIT_PER_PARTICIPANT",
}


@dataclass(frozen=True)
class Limit:
    amount: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Limit":
        item = parse(text)
        return cls(item.amount, item.get_expiry())


class MemoryCounters:
    """Fixed windows in a dictionary: ``{key: [window end, count]}``. Under gevent nothing in
    :meth:`hit` yields, and the lock (uncontended) only matters with real threads."""

    #: How often windows that ended are dropped (seconds).
    SWEEP_EVERY = 60

    def __init__(self):
        self.windows: dict[str, list] = {}
        self.lock = threading.Lock()
        self.next_sweep = time.monotonic() + self.SWEEP_EVERY

    def hit(self, key: str, seconds: int) -> tuple[int, float]:
        """Count one; return the count in the current window and seconds until it ends."""
        now = time.monotonic()
        with self.lock:
            if now >= self.next_sweep:
                self._sweep(now)
            window = self.windows.get(key)
            if window is None or window[0] <= now:
                window = self.windows[key] = [now + seconds, 0]
            window[1] += 1
            return window[1], window[0] - now

    def give_back(self, key: str) -> None:
        with self.lock:
            window = self.windows.get(key)
            if window is not None and window[1] > 0:
                window[1] -= 1

    def peek(self, key: str) -> tuple[int, float]:
        now = time.monotonic()
        window = self.windows.get(key)
        if window is None or window[0] <= now:
            return 0, 0.0
        return window[1], window[0] - now

    def _sweep(self, now: float) -> None:
        self.windows = {k: w for k, w in self.windows.items() if w[0] > now}
        self.next_sweep = now + self.SWEEP_EVERY


#: INCR, and EXPIRE for the hit that created the key: atomic in Redis, one round trip.
_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]); ttl = ARGV[1] * 1000 end
return {count, ttl}
"""
#: DECR, never below zero and never for a window that already ended.
_GIVE_BACK = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
return 0
"""

#: Connections to Redis per process for the counters; handlers beyond that wait their turn.
REDIS_CONNECTIONS = 50
#: How long a handler waits for one of them before the check fails (seconds).
REDIS_WAIT = 10
#: Prefix of every counter's key in Redis.
REDIS_PREFIX = "facilitate:limit:"


class RedisCounters:
    """Fixed windows in Redis, shared by every process."""

    def __init__(self, uri: str):
        import redis

        # A blocking pool: under gevent hundreds of handlers count at once, and redis-py's
        # default pool fails ("Too many connections") past 100.
        pool = redis.BlockingConnectionPool.from_url(
            uri, max_connections=REDIS_CONNECTIONS, timeout=REDIS_WAIT
        )
        self.redis = redis.Redis(connection_pool=pool)
        self._hit = self.redis.register_script(_HIT)
        self._give_back = self.redis.register_script(_GIVE_BACK)

    def hit(self, key: str, seconds: int) -> tuple[int, float]:
        count, ttl = self._hit(keys=[REDIS_PREFIX + key], args=[seconds])
        return int(count), int(ttl) / 1000

    def give_back(self, key: str) -> None:
        self._give_back(keys=[REDIS_PREFIX + key])

    def peek(self, key: str) -> tuple[int, float]:
        pipe = self.redis.pipeline()
        pipe.get(REDIS_PREFIX + key)
        pipe.pttl(REDIS_PREFIX + key)
        count, ttl = pipe.execute()
        return int(count or 0), max(int(ttl), 0) / 1000


#: Limits counted per Socket.IO connection. A connection lives in one process, so these are
#: counted in that process's memory even when the others are shared in Redis: a Redis round
#: trip per event saved, for the same count (bench/NOTES.md, third round).
PER_CONNECTION = frozenset({"socket-events", "join-connection"})


class Throttle:
    """Named limits, each counted per key: in ``counters`` (memory or Redis), but the
    :data:`PER_CONNECTION` ones always in this process's memory."""

    def __init__(self, counters, limits: Mapping[str, Limit]):
        self.counters = counters
        self.limits = limits
        self.local = counters if isinstance(counters, MemoryCounters) else MemoryCounters()

    def _counters(self, name: str):
        return self.local if name in PER_CONNECTION else self.counters

    @staticmethod
    def _key(name: str, key: str) -> str:
        return f"{name}:{key}"

    def take(self, **keys: str) -> bool:
        """Count one use against every named limit (``{limit_name: key}``) and return whether
        every one was within its limit, in one atomic step per limit. A refused use is handed
        back to every limit, so the counts are of uses let through. If the counters cannot be
        reached (Redis down), the use is allowed: a limit must not turn a storage fault into
        lost answers."""
        try:
            within = [
                self._counters(name).hit(self._key(name, key), self.limits[name].seconds)[0]
                <= self.limits[name].amount
                for name, key in keys.items()
            ]
        except Exception:
            log.warning("rate-limit storage unavailable; allowing %s", sorted(keys), exc_info=True)
            return True
        if all(within):
            return True
        self.give_back(**keys)
        return False

    def give_back(self, **keys: str) -> None:
        """Undo one :meth:`take` of a use that is not to be counted (a right password)."""
        try:
            for name, key in keys.items():
                self._counters(name).give_back(self._key(name, key))
        except Exception:
            log.warning("rate-limit storage unavailable", exc_info=True)

    def spent(self, **keys: str) -> bool:
        """Whether any named limit is used up, so that the next :meth:`take` would be refused,
        without counting anything (for uses that count only when they fail, decided after a
        look-up: a join with a code that turns out to be a session's). False when the counters
        cannot be reached, like :meth:`take`."""
        try:
            return any(
                self._counters(name).peek(self._key(name, key))[0] >= self.limits[name].amount
                for name, key in keys.items()
            )
        except Exception:
            log.warning("rate-limit storage unavailable; allowing %s", sorted(keys), exc_info=True)
            return False

    def retry_after(self, **keys: str) -> int:
        """Seconds until every named limit has room again (at least one)."""
        waits = []
        for name, key in keys.items():
            try:
                count, left = self._counters(name).peek(self._key(name, key))
            except Exception:
                continue
            if count >= self.limits[name].amount:  # full: the next use would be refused
                waits.append(left)
        return max(1, int(-(-max(waits, default=1) // 1)))


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


def counters_for(uri: str):
    if uri.startswith(("redis://", "rediss://")):
        return RedisCounters(uri)
    if uri.startswith("memory://"):
        return MemoryCounters()
    raise ValueError(f"RATELIMIT_STORAGE_URI must be memory:// or redis://..., not {uri!r}")


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = Throttle(
        counters_for(storage_uri(app.config)),
        {name: Limit.parse(app.config[setting]) for name, setting in LIMIT_SETTINGS.items()},
    )


def throttle() -> Throttle:
    return current_app.extensions[EXTENSION_KEY]
