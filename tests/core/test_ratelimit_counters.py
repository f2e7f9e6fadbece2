"""The shared rate-limit counters on both kinds of cache: Redis (production; one pipeline per request) and any
other Django cache (tests, the database cache). fakeredis stands in for the Redis server."""

import fakeredis
import pytest
import time_machine
from django.core.cache import caches
from django.test import override_settings

from sonae.core import ratelimit

REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://ratelimit-test:6379/0",
        "OPTIONS": {"connection_class": fakeredis.FakeRedisConnection},
    }
}
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl-test"}}


@pytest.fixture(params=["redis", "locmem"])
def counters(request):
    with override_settings(CACHES=REDIS if request.param == "redis" else LOCMEM):
        caches["default"].clear()
        yield request.param
        caches["default"].clear()


@time_machine.travel("2026-11-28 10:00:10 +0000", tick=False)
def test_a_limit_allows_its_count_then_answers_the_wait(counters):
    answers = [ratelimit.hit("who", 3, 60) for _ in range(5)]
    assert answers == [None, None, None, 50, 50]


@time_machine.travel("2026-11-28 10:00:10 +0000", tick=False)
def test_several_limits_count_together_and_the_longest_wait_wins(counters):
    checks = [("token", 100, 60), ("user", 2, 3600)]
    assert ratelimit.hit_many(checks) is None
    assert ratelimit.hit_many(checks) is None
    assert ratelimit.hit_many(checks) == 3600 - 10  # the hour's window started at 10:00:00
    # Each counter was incremented every time, also past the other's limit.
    assert ratelimit.hit("token", 3, 60) == 50  # its 4th request in this window


def test_the_window_ends_the_count(counters):
    with time_machine.travel("2026-11-28 10:00:59 +0000", tick=False):
        assert ratelimit.hit("who", 1, 60) is None
        assert ratelimit.hit("who", 1, 60) == 1
    with time_machine.travel("2026-11-28 10:01:00 +0000", tick=False):
        assert ratelimit.hit("who", 1, 60) is None


def test_a_limit_below_one_is_off(counters):
    assert all(ratelimit.hit_many([("who", 0, 60), ("who", 5, 0)]) is None for _ in range(10))


@pytest.fixture
def redis_counters():
    with override_settings(CACHES=REDIS):
        caches["default"].clear()
        yield
        caches["default"].clear()


def test_redis_counts_every_limit_in_one_round_trip(redis_counters, monkeypatch):
    import redis

    calls = []
    real = redis.client.Pipeline.execute

    def execute(self, *args, **kwargs):
        calls.append(len(self.command_stack))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", execute)
    assert ratelimit.hit_many([("a", 5, 60), ("b", 5, 60)]) is None
    assert calls == [4]  # SET NX EX and INCR for each of the two counters, sent together


def test_redis_counters_expire_after_their_window(redis_counters):
    ratelimit.hit("who", 5, 60)
    client = caches["default"]._cache.get_client()
    (key,) = client.keys("*sonae-rl:*")
    assert 0 < client.ttl(key) <= 61
    assert caches["default"].get(key.decode().split(":", 2)[2]) == 1


# -- batching: far below a limit a process tells the cache at most once a second --------------------------------


def _pipelines(monkeypatch):
    import redis

    sent = []
    real = redis.client.Pipeline.execute

    def execute(self, *args, **kwargs):
        sent.append([c[0][2] if c[0][0] == "INCRBY" else None for c in self.command_stack][1::2])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", execute)
    return sent


def test_far_below_the_limit_counts_reach_the_cache_once_a_second(redis_counters, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(ratelimit.time, "monotonic", lambda: clock[0])
    sent = _pipelines(monkeypatch)
    for _ in range(10):
        assert ratelimit.hit("busy token", 10**6, 60) is None
    assert sent == [[1]]  # the first request learns the shared count; the next nine stay in this process
    clock[0] += 1.0
    assert ratelimit.hit("busy token", 10**6, 60) is None
    assert sent == [[1], [10]]  # nine held back plus this one
    counter = caches["default"]._cache.get_client().keys("*sonae-rl:*")
    assert [int(caches["default"]._cache.get_client().get(k)) for k in counter] == [11]


def test_near_the_limit_every_request_is_counted_in_the_cache(counters):
    answers = [ratelimit.hit("operator", 40, 60) for _ in range(42)]
    assert answers[:40] == [None] * 40
    assert all(wait is not None for wait in answers[40:])


def test_another_process_sees_the_held_back_counts_within_the_headroom(counters, monkeypatch):
    """Two processes (two sets of local counts) share one limit: together they cannot go past it by more than
    1/16 of it each."""
    limit = 320
    processes = [{}, {}]
    allowed = 0
    for n in range(800):
        monkeypatch.setattr(ratelimit, "_local", processes[n % 2])
        if ratelimit.hit("shared", limit, 3600) is None:
            allowed += 1
    assert limit <= allowed <= limit + 2 * limit // ratelimit.HEADROOM_SHARE
