"""Abuse limits on /live: events per connection, answers per participant, participants per
session. Over a limit a client gets a clear error ack; its connection and everything stored
before stay as they were."""

import importlib.util
import shutil

import pytest

from facilitate.auth import Role
from facilitate.extensions import db, socketio
from facilitate.sessions.models import LiveSession

from .conftest import answer, call, new_app

needs_redis = pytest.mark.skipif(
    importlib.util.find_spec("redis") is None or not shutil.which("redis-server"),
    reason="needs redis-server and the redis client (make cluster-deps, facilitate[redis])",
)

OPEN = "demografi-d-aldre"


@pytest.fixture
def strict():
    """An app with small limits, a running session at an open prompt, and its join code."""

    def make(**limits):
        app = new_app(**limits)
        from facilitate.auth.operations import create_user
        from facilitate.sessions.operations import control, create_session

        with app.app_context():
            db.create_all()
            leader = create_user("leader@example.org", Role.leader, None, min_length=10)
            session = create_session(leader, "norrbotten-for-alla", "demografi")
            control(session, "start")
            control(session, "goto", OPEN)
            db.session.commit()
            code, session_id = session.code, session.id

        def phone():
            sio = socketio.test_client(app, namespace="/live")
            return sio

        return app, code, session_id, phone

    return make


def test_a_flooding_connection_is_told_to_wait_and_stays_connected(strict):
    _, code, _, phone = strict(EVENT_LIMIT_PER_CONNECTION="5 per minute")
    flooder, other = phone(), phone()
    acks = [call(flooder, "sync") for _ in range(8)]
    assert [a["error"] for a in acks[:5]] == ["not_joined"] * 5  # counted, answered
    assert {a["error"] for a in acks[5:]} == {"rate_limited"}
    assert acks[5]["message"]
    assert flooder.is_connected("/live")
    assert call(other, "join", {"code": code})["ok"]  # others are not affected


def test_answers_per_participant_are_limited_and_nothing_stored_over_it(strict):
    app, code, session_id, phone = strict(ANSWER_LIMIT_PER_PARTICIPANT="3 per minute")
    aino = phone()
    assert call(aino, "join", {"code": code})["ok"]
    for n in range(3):
        assert answer(aino, OPEN, f"Bidrag {n}", f"s{n}")["ok"]
    over = answer(aino, OPEN, "Ett för mycket", "s3")
    assert over["error"] == "rate_limited"
    assert call(aino, "sync")["ok"]  # reading is not limited
    with app.app_context():
        stored = db.session.get(LiveSession, session_id)
        texts = [c["text"] for c in call(aino, "sync")["state"]["answer"]]
    assert texts == ["Bidrag 0", "Bidrag 1", "Bidrag 2"] and stored is not None


def test_a_full_session_turns_new_participants_away_but_lets_members_back(strict):
    _, code, _, phone = strict(MAX_PARTICIPANTS_PER_SESSION=2)
    first, second, third = phone(), phone(), phone()
    token = call(first, "join", {"code": code})["token"]
    assert call(second, "join", {"code": code})["ok"]
    full = call(third, "join", {"code": code})
    assert full["error"] == "session_full" and full["message"]
    first.disconnect("/live")
    back = phone()
    assert call(back, "join", {"code": code, "token": token})["ok"]  # a member resumes


def test_limits_are_shared_through_redis_when_the_processes_share_a_message_queue():
    from facilitate.core.throttle import storage_uri

    alone = {"RATELIMIT_STORAGE_URI": "memory://", "MESSAGE_QUEUE": ""}
    assert storage_uri(alone) == "memory://"
    shared = {**alone, "MESSAGE_QUEUE": "redis://127.0.0.1:6379/0"}
    if importlib.util.find_spec("redis") is not None:
        assert storage_uri(shared) == "redis://127.0.0.1:6379/0"
    else:  # without a Redis client the counters stay in this process (and a warning says so)
        assert storage_uri(shared) == "memory://"
    chosen = {**shared, "RATELIMIT_STORAGE_URI": "redis://other:6379/1"}
    assert storage_uri(chosen) == "redis://other:6379/1"


def test_an_unreachable_counter_store_lets_answers_through():
    """A rate limit must not turn a Redis outage into refused answers."""
    from facilitate.core.throttle import Limit, Throttle

    class Down:
        def hit(self, *args):
            raise ConnectionError("redis is down")

    throttle = Throttle(Down(), {"participant-answers": Limit.parse("1 per minute")})
    assert throttle.take(**{"participant-answers": "17"}) is True
    assert throttle.take(**{"participant-answers": "17"}) is True


@needs_redis
def test_redis_counters_are_atomic(tmp_path):
    """Fifty uses at once against a limit of five in Redis: exactly five get through, and the
    window ends by itself (the key expires)."""
    from concurrent.futures import ThreadPoolExecutor

    from facilitate.core.throttle import REDIS_PREFIX, Limit, RedisCounters, Throttle

    from . import services

    with services.redis(tmp_path / "redis") as uri:
        throttle = Throttle(RedisCounters(uri), {"login-account": Limit.parse("5 per minute")})
        with ThreadPoolExecutor(25) as pool:
            results = list(
                pool.map(lambda _: throttle.take(**{"login-account": "a@example.org"}), range(50))
            )
        assert results.count(True) == 5
        ttl = throttle.counters.redis.ttl(REDIS_PREFIX + "login-account:a@example.org")
        assert 0 < ttl <= 60
        assert throttle.retry_after(**{"login-account": "a@example.org"}) >= 1
        throttle.give_back(**{"login-account": "a@example.org"})
        assert throttle.take(**{"login-account": "a@example.org"}) is True


@needs_redis
def test_with_redis_a_connections_own_limits_stay_in_its_process(tmp_path):
    """A connection lives in one process: its event count is kept there (no Redis round trip
    per event) and still limits; an address's count, which several processes share, is in
    Redis."""
    from facilitate.core.throttle import REDIS_PREFIX, Limit, RedisCounters, Throttle

    from . import services

    with services.redis(tmp_path / "redis") as uri:
        limits = {
            "socket-events": Limit.parse("3 per minute"),
            "socket-address": Limit.parse("100 per minute"),
        }
        throttle, elsewhere = (
            Throttle(RedisCounters(uri), limits),
            Throttle(RedisCounters(uri), limits),
        )
        keys = {"socket-events": "sid-1", "socket-address": "10.0.0.1"}
        assert [throttle.take(**keys) for _ in range(4)] == [True, True, True, False]
        redis = throttle.counters.redis
        assert redis.get(REDIS_PREFIX + "socket-events:sid-1") is None
        assert int(redis.get(REDIS_PREFIX + "socket-address:10.0.0.1")) == 3  # refused: given back
        # The other process shares the address's count, not the connection's.
        assert elsewhere.take(**{"socket-events": "sid-2", "socket-address": "10.0.0.1"})
        assert int(redis.get(REDIS_PREFIX + "socket-address:10.0.0.1")) == 4
        for one in (throttle, elsewhere):
            one.counters.redis.connection_pool.disconnect()


def test_memory_counters_count_every_use_once():
    from facilitate.core.throttle import Limit, MemoryCounters, Throttle

    throttle = Throttle(MemoryCounters(), {"socket-events": Limit.parse("3 per minute")})
    assert [throttle.take(**{"socket-events": "sid"}) for _ in range(5)] == [True] * 3 + [False] * 2
    assert throttle.take(**{"socket-events": "other"}) is True  # per key
    throttle.give_back(**{"socket-events": "sid"})
    assert throttle.take(**{"socket-events": "sid"}) is True
    assert throttle.retry_after(**{"socket-events": "sid"}) >= 1


def test_the_default_per_address_event_limit_lets_a_whole_forum_answer_behind_one_address():
    """docs/security.md, "A shared address": 2,000 phones behind one address may each join and
    send three answers and a sync within the same window without one being refused."""
    from facilitate.config import Defaults
    from facilitate.core.throttle import Limit

    limit = Limit.parse(Defaults.EVENT_LIMIT_PER_ADDRESS)
    assert limit.amount >= 2000 * (1 + 3 + 1) and limit.seconds <= 10


def test_the_default_per_session_address_limit_lets_a_hall_in_but_not_fill_a_session():
    """docs/security.md, "A shared address": 2,000 phones behind one address join within a
    minute; two windows back to back stay below a full session."""
    from facilitate.config import Defaults
    from facilitate.core.throttle import Limit

    limit = Limit.parse(Defaults.JOIN_LIMIT_PER_SESSION_ADDRESS)
    assert limit.amount >= 2000 and limit.seconds >= 60
    assert 2 * limit.amount < Defaults.MAX_PARTICIPANTS_PER_SESSION
