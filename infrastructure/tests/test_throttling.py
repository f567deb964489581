"""Throttle counters in Redis: every hit counted once, the window's first included, and the counter expiring."""

import uuid

import pytest
from django.core.cache import caches

from infrastructure.throttling import count_hit, current_count, over_limit, window_key


@pytest.mark.usefixtures("fresh_throttle_window")
def test_each_hit_is_counted_once_from_the_first_of_its_window():
    name = f"test-{uuid.uuid4().hex}"
    assert [count_hit(name, 60) for _ in range(3)] == [1, 2, 3]
    assert current_count(name, 60) == 3


@pytest.mark.usefixtures("fresh_throttle_window")
def test_a_windows_counter_expires_after_two_windows():
    name = f"test-{uuid.uuid4().hex}"
    count_hit(name, 60)
    backend = caches["default"]
    stored_key = backend.make_and_validate_key(window_key(name, 60))
    assert 0 < backend._cache.get_client(stored_key).ttl(stored_key) <= 120


@pytest.mark.usefixtures("fresh_throttle_window")
def test_the_hit_past_the_limit_is_the_first_refused():
    name = f"test-{uuid.uuid4().hex}"
    assert [over_limit(name, 2, 60) for _ in range(4)] == [False, False, True, True]


@pytest.mark.usefixtures("fresh_throttle_window")
def test_counting_goes_on_when_redis_has_forgotten_the_counting_script():
    name = f"test-{uuid.uuid4().hex}"
    count_hit(name, 60)
    caches["default"]._cache.get_client(write=True).script_flush()  # as after a Redis restart
    assert count_hit(name, 60) == 2
