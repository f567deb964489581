"""Counting requests in fixed time windows in the shared cache (Redis in production), for throttles.

A counter's store being down must not take the site down with it: the caller is then told None
and lets the request through, logged.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from typing import Any
from weakref import WeakKeyDictionary

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from redis.commands.core import Script

logger = logging.getLogger(__name__)


def window_key(name: str, window_seconds: int) -> str:
    return f"throttle:{name}:{int(time.time() // window_seconds)}"


def count_hit(name: str, window_seconds: int) -> int | None:
    """This window's count for `name`, this hit included; None when the cache is unreachable."""
    try:
        return _incremented(window_key(name, window_seconds), timeout=window_seconds * 2)
    except Exception:
        logger.warning("throttle counter %s unavailable: letting the request through", name, exc_info=True)
        return None


def _incremented(key: str, timeout: int) -> int:
    backend = caches[DEFAULT_CACHE_ALIAS]
    if not isinstance(backend, RedisCache):  # the per-process cache of a server without Redis
        backend.add(key, 0, timeout=timeout)
        return backend.incr(key)
    return int(_counting_script(backend)(keys=[backend.make_and_validate_key(key)], args=[timeout]))


# Counted, and the window's expiry set on its first hit, by one command: one round trip, atomic (a process
# dying between an INCR and an EXPIRE would leave a counter that never expires).
COUNT_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""
_scripts: WeakKeyDictionary[Any, Script] = WeakKeyDictionary()


def _counting_script(backend: RedisCache) -> Script:
    """The counting script on a Redis client kept for the cache's connections: Django's get_client builds a
    new client for every call, which cost a webhook about as much as the count itself (bench/results.md)."""
    pools = backend._cache  # type: ignore[attr-defined]  # not in the stubs
    script = _scripts.get(pools)
    if script is None:
        script = _scripts[pools] = pools.get_client(write=True).register_script(COUNT_HIT)
    return script


def current_count(name: str, window_seconds: int) -> int:
    try:
        return int(cache.get(window_key(name, window_seconds)) or 0)
    except Exception:
        logger.warning("throttle counter %s unavailable: letting the request through", name, exc_info=True)
        return 0


def over_limit(name: str, limit: int, window_seconds: int) -> bool:
    """Counts this hit of `name`; True once it has had more than `limit` this window (never when limit <= 0)."""
    if limit <= 0:
        return False
    count = count_hit(name, window_seconds)
    return count is not None and count > limit


IPV6_CLIENT_PREFIX = 64


def address_bucket(address: str) -> str:
    """What a throttle counts a client address as: an IPv6 client is given a whole /64, so it counts as one."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(ip)
