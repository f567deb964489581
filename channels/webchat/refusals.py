"""The last website whose origin a web chat connection refused, and when: its admin page shows it, so that an
owner whose widget stays silent on `www.` or on `localhost` learns which origin to add to allowed_origins.

Kept in the cache (Redis) rather than the database: a refused page polls once per panel opened, and a
diagnostic lost with Redis is recorded again by the next refused visitor."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone
from redis.exceptions import RedisError

from conversations.models import ChannelConnection

logger = logging.getLogger(__name__)

KEPT_FOR = timedelta(days=30)
MAX_ORIGIN_CHARS = 200


@dataclass(frozen=True)
class RefusedOrigin:
    origin: str
    at: datetime


def record_refused_origin(connection: ChannelConnection, origin: str) -> None:
    value = {"origin": origin[:MAX_ORIGIN_CHARS], "at": timezone.now().isoformat()}
    try:
        cache.set(_key(connection), value, int(KEPT_FOR.total_seconds()))
    except RedisError:
        # The refusal is answered all the same; only the owner's hint is lost.
        logger.warning("web chat %s: could not record the refused origin %r", connection.pk, origin)


def last_refused_origin(connection: ChannelConnection) -> RefusedOrigin | None:
    try:
        value = cache.get(_key(connection))
    except RedisError:
        return None
    return RefusedOrigin(value["origin"], datetime.fromisoformat(value["at"])) if value else None


def _key(connection: ChannelConnection) -> str:
    return f"webchat-refused-origin:{connection.pk}"
