"""Each business starts at most PARLEY_TURNS_PER_BUSINESS_PER_MINUTE turns a minute; the rest wait, in order.

On the real Redis and database; the flood through a real worker is in tests/test_turn_fairness.py.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest
import redis
from django.conf import settings as django_settings

from agents import turn_quota
from agents.turn_quota import seconds_until_turn
from business.models import Business
from conversations.events import CustomerMessage
from conversations.inbound import store_customer_message
from conversations.models import ChannelConnection, Message
from conversations.sweeper import unanswered_messages
from infrastructure.metrics import scrape_registry

CAP = 3
MINUTE = turn_quota.WINDOW_SECONDS


def connection_of(business: Business) -> ChannelConnection:
    redis.Redis.from_url(django_settings.REDIS_URL).delete(turn_quota.starts_key(business.pk))
    credentials = {"public_key": business.slug}
    return ChannelConnection.objects.create(business=business, platform="webchat", credentials=credentials)


def visitor_writes(connection: ChannelConnection, number: int) -> Message:
    event = CustomerMessage(platform_message_id=f"v{number}:m", sender_id=f"visitor-{number}", text="Do you ship?")
    return store_customer_message(connection, event)


def deferred_turns() -> float:
    return scrape_registry().get_sample_value("parley_deferred_turns_total") or 0.0


@pytest.fixture
def capped(settings):
    settings.PARLEY_TURNS_PER_BUSINESS_PER_MINUTE = CAP


@pytest.fixture
def shop(business: Business, capped) -> ChannelConnection:
    return connection_of(business)


def test_turns_taken_at_the_same_moment_within_the_cap_all_start_now(shop):
    # A worker's threads take a business's turns together: starts a millisecond apart are within the cap.
    assert [turn_quota._next_start(shop.business_id, CAP) for _ in range(CAP)] == [0.0] * CAP
    assert turn_quota._next_start(shop.business_id, CAP) > MINUTE - 2


def test_turns_over_the_cap_wait_for_later_starts_in_arrival_order_and_are_counted(shop):
    counted_before = deferred_turns()
    waits = [seconds_until_turn(visitor_writes(shop, number).pk) for number in range(CAP + 2)]
    assert waits[:CAP] == [0.0] * CAP
    assert all(MINUTE - 2 < wait <= MINUTE for wait in waits[CAP:])
    assert deferred_turns() - counted_before == 2
    starts = list(Message.objects.order_by("id").values_list("turn_not_before", flat=True))
    assert all(earlier < later for earlier, later in pairwise(starts))


def test_a_flooded_business_does_not_hold_back_another_businesss_turn(shop, db):
    for number in range(CAP * 3):
        seconds_until_turn(visitor_writes(shop, number).pk)
    other = connection_of(Business.objects.create(name="Rival Bakery", slug="rival-bakery"))
    assert seconds_until_turn(visitor_writes(other, 100).pk) == 0.0


def test_a_turn_enqueued_again_keeps_its_start_and_takes_no_other(shop):
    messages = [visitor_writes(shop, number) for number in range(CAP + 1)]
    waits = [seconds_until_turn(message.pk) for message in messages]
    # Its settle wait, a newer message's turn or the sweeper enqueue the deferred turn again.
    again = [seconds_until_turn(messages[-1].pk) for _ in range(5)]
    assert all(waits[-1] - 1 < wait <= waits[-1] for wait in again)
    # The next minute still has room for CAP - 1 more: the repeats took none of it.
    following = [seconds_until_turn(visitor_writes(shop, 10 + number).pk) for number in range(CAP)]
    assert [round(wait / MINUTE) for wait in following] == [1] * (CAP - 1) + [2]


def test_the_sweeper_leaves_a_deferred_turn_to_its_countdown_then_recovers_it_if_lost(shop, settings):
    messages = [visitor_writes(shop, number) for number in range(CAP + 1)]
    for message in messages:
        seconds_until_turn(message.pk)
    deferred = Message.objects.get(pk=messages[-1].pk)
    grace = timedelta(seconds=settings.PARLEY_SWEEP_GRACE_SECONDS)
    # Past the grace after it arrived, before its start: waiting, not lost.
    now = deferred.created_at + grace + timedelta(seconds=5)
    swept = unanswered_messages(now, now - grace)
    assert deferred.pk not in swept.values_list("pk", flat=True)
    # Past the grace after its start and still unanswered: its task was lost, the sweeper enqueues it again.
    now = deferred.turn_not_before + grace + timedelta(seconds=1)
    assert deferred.pk in unanswered_messages(now, now - grace).values_list("pk", flat=True)


def test_with_no_cap_no_turn_waits(business, settings):
    settings.PARLEY_TURNS_PER_BUSINESS_PER_MINUTE = 0
    shop = connection_of(business)
    assert [seconds_until_turn(visitor_writes(shop, number).pk) for number in range(CAP * 3)] == [0.0] * CAP * 3
