"""The Redis transport Celery publishes through (settings.py's CELERY_BROKER_TRANSPORT when REDIS_URL is set).

kombu's own makes a new Redis client for every command it sends outside the worker's polling loop, each
publish included: building one (its response callbacks, its retry policy) took a webhook about 0.13 ms
of the 0.8 ms its turn's publish cost (bench/results.md). Here each channel keeps one, on the channel's
own connection pool. A Redis client holds no connection of its own between commands (it takes one from
the pool for each), so one client serves a channel as many fresh ones did, from any thread; after a fork
the pool notices the new process and opens its own connections (redis-py checks the pid), and Celery
makes new channels in a forked worker anyway.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kombu.transport import redis
from kombu.utils.objects import cached_property


class Channel(redis.Channel):
    @cached_property
    def kept_client(self) -> Any:
        return self._create_client()  # type: ignore[attr-defined]  # kombu's stubs leave it out

    @contextmanager
    def conn_or_acquire(self, client: Any = None) -> Iterator[Any]:
        yield client or self.kept_client


class Transport(redis.Transport):
    Channel = Channel
