"""Counting requests in fixed time windows in the shared cache (Redis in production), for throttles.

A counter's store being down must not take the site down with it: the caller is then told None
and lets the request through, logged.
"""

from __future__ import annotations

import ipaddress
import logging
import time

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache

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
    # One round trip: the window's counter made if missing, then counted. Django's incr costs two (it
    # checks that the key exists first), and the first hit of a window four (bench/results.md).
    stored_key = backend.make_and_validate_key(key)
    client = backend._cache.get_client(stored_key, write=True)  # type: ignore[attr-defined]  # not in the stubs
    with client.pipeline(transaction=False) as pipe:
        pipe.set(stored_key, 0, ex=timeout, nx=True)
        pipe.incr(stored_key)
        return int(pipe.execute()[1])


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
