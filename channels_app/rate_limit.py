"""Per-connection webhook rate limit: a flood at one connection's URL is answered 429 before any parsing.

Platforms deliver again after a 429, so a burst over the limit is delayed, not lost.
"""
from __future__ import annotations

from django.conf import settings

from config.throttling import count_hit

from .models import ChannelConnection

WINDOW_SECONDS = 60


def over_rate_limit(connection: ChannelConnection) -> bool:
    limit = settings.WEBHOOK_RATE_LIMIT_PER_MINUTE
    if limit <= 0:
        return False
    count = count_hit(f"webhook:{connection.pk}", WINDOW_SECONDS)
    return count is not None and count > limit
