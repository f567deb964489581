"""A cap on the agent turns each business starts per minute, so that one business's flood cannot starve the others.

Every business shares the `llm` workers. A turn over its business's PARLEY_TURNS_PER_BUSINESS_PER_MINUTE
is never dropped: it is given its business's next free start, after every turn that asked before it,
and waits for it on the broker (a countdown) while the worker answers other businesses. The start is
kept on the message (`turn_not_before`), so the same turn enqueued again (after the settle wait, by a
newer message, by the sweeper) waits for that start and takes no other.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime, timedelta
from typing import cast

import redis
from django.conf import settings
from django.utils import timezone

from conversations.models import Conversation, Message
from infrastructure import metrics

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60
# A turn waits on the broker this long at a time at most, well inside the visibility timeout after
# which Redis would hand a task still waiting to a worker again.
MAX_COUNTDOWN_SECONDS = 300

# KEYS[1]: the business's latest starts (seconds, ascending). ARGV: the cap, the window. Returns the
# seconds from now to this turn's start, as text (Lua numbers come back as integers). Atomic, and on
# Redis's clock, so that every web and worker machine counts the same starts. A start is kept a
# millisecond after the one before, to keep them in order; a turn within the cap starts now all the same
# (turns taken at the same moment by a worker's threads were otherwise deferred by a millisecond). A start
# put off to later is always the cap's: the starts before it are as late, so the cap holds the next too.
NEXT_START = """
local cap, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local start = now
local latest = redis.call('LINDEX', KEYS[1], -1)
if latest then start = math.max(start, tonumber(latest) + 0.001) end
local cap_ago = redis.call('LINDEX', KEYS[1], -cap)
local over_cap = cap_ago and tonumber(cap_ago) + window > now
if over_cap then start = math.max(start, tonumber(cap_ago) + window) end
redis.call('RPUSH', KEYS[1], string.format('%.6f', start))
redis.call('LTRIM', KEYS[1], -cap, -1)
redis.call('EXPIRE', KEYS[1], math.ceil(start - now + window) + 1)
if not over_cap then return '0' end
return string.format('%.6f', start - now)
"""


def seconds_until_turn(message_id: int) -> float:
    """How long this customer message's turn must wait for its business's next free start; 0: start now."""
    cap = settings.PARLEY_TURNS_PER_BUSINESS_PER_MINUTE
    if cap <= 0 or not settings.REDIS_URL:
        return 0.0
    waiting = Message.objects.filter(
        pk=message_id,
        direction=Message.Direction.INBOUND,
        reply__isnull=True,
        conversation__status=Conversation.Status.BOT,
    )
    row = waiting.values_list("conversation__business_id", "turn_not_before").first()
    if row is None:
        return 0.0  # answered, with staff, or gone: the turn itself says so
    business_id, not_before = row
    if not_before is None:
        not_before = _reserve_start(message_id, business_id, cap)
    return max(0.0, (not_before - timezone.now()).total_seconds())


def _reserve_start(message_id: int, business_id: int, cap: int) -> datetime:
    wait = _next_start(business_id, cap)
    not_before = timezone.now() + timedelta(seconds=wait)
    if not Message.objects.filter(pk=message_id, turn_not_before__isnull=True).update(turn_not_before=not_before):
        # The same task delivered twice reserved a start a moment ago: that one stands (set, as the
        # update found no row without one).
        return cast(datetime, Message.objects.values_list("turn_not_before", flat=True).get(pk=message_id))
    if wait > 0:
        metrics.deferred_turns.inc()
        metrics.turn_deferral.observe(wait)
        logger.info("business %s over %s turns a minute: message %s waits %.1f s", business_id, cap, message_id, wait)
    return not_before


def starts_key(business_id: int) -> str:
    return f"parley:turn-starts:{business_id}"


def _next_start(business_id: int, cap: int) -> float:
    try:
        return float(_next_start_script()(keys=[starts_key(business_id)], args=[cap, WINDOW_SECONDS]))
    except redis.RedisError:
        # As the throttles do: an unreachable Redis lets the turn through rather than holding it forever.
        logger.warning("turn starts of business %s unavailable: starting the turn now", business_id, exc_info=True)
        return 0.0


@functools.cache
def _next_start_script() -> redis.commands.core.Script:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
    return client.register_script(NEXT_START)
