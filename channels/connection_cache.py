"""Active connections found by their webhook URL's key, kept in the web process for a few seconds.

Looking a connection up (and decrypting its secrets) cost every delivery a query, about a fifth of a
stored delivery's time (bench/results.md). A connection saved or deleted in this process is dropped
from its cache at once; another process (the admin's request served by another gunicorn worker) sees
the change within PARLEY_CONNECTION_CACHE_SECONDS: a deactivated connection, an edited one, a rotated
app secret are all enforced from then on.
"""

from __future__ import annotations

from time import monotonic
from typing import Any
from uuid import UUID

from django.conf import settings

from conversations.models import ChannelConnection

_found: dict[tuple[str, str, str], tuple[float, ChannelConnection]] = {}


def active_connection(platform: str, lookup: str, key: UUID | str) -> ChannelConnection:
    """The active connection whose `lookup` field is `key`; ChannelConnection.DoesNotExist when there is none."""
    cache_key = (platform, lookup, str(key))
    now = monotonic()
    kept = _found.get(cache_key)
    if kept is not None and kept[0] > now:
        return kept[1]
    # Without its business: only the web chat's widget script reads it, and joining it costs every delivery.
    connection = ChannelConnection.objects.get(**{lookup: key}, platform=platform, is_active=True)
    if settings.PARLEY_CONNECTION_CACHE_SECONDS > 0:
        _found[cache_key] = (now + settings.PARLEY_CONNECTION_CACHE_SECONDS, connection)
    return connection


def forget_connections(**_: Any) -> None:
    """Connected to ChannelConnection's post_save and post_delete (channels/apps.py): the next delivery reads
    the row again. Every entry goes, not only the saved connection's: a save may change the key it is found by."""
    _found.clear()
