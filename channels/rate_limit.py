"""Per-connection webhook rate limit: a flood at one connection's URL is answered 429 before any parsing.

Platforms deliver again after a 429, so a burst over the limit is delayed, not lost. The web chat,
whose callers are visitors' browsers, is limited per client address instead (webchat/limits.py).
"""

from __future__ import annotations

from django.conf import settings

from conversations.models import ChannelConnection
from infrastructure.throttling import over_limit

WINDOW_SECONDS = 60


def over_rate_limit(connection: ChannelConnection) -> bool:
    return over_limit(f"webhook:{connection.pk}", settings.WEBHOOK_RATE_LIMIT_PER_MINUTE, WINDOW_SECONDS)
