"""One business's flood of turns waits its turn on the shared worker; another business's turn goes ahead.

A real worker with PARLEY_TURNS_PER_BUSINESS_PER_MINUTE set, the bundled model, web chat messages
posted through the real endpoint.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.conf import settings

from agents.models import AgentConfig, AgentRun
from business.models import Business, FaqEntry
from conversations.models import ChannelConnection, Message
from conversations.sweeper import sweep_unfinished_work, unanswered_messages
from infrastructure.metrics import scrape_registry
from tests.support import TEST_REPLY_TOKENS, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

CAP = 3
FLOOD = 2 * CAP
ORIGIN = "https://shop.example"


def webchat_of(business: Business) -> ChannelConnection:
    return ChannelConnection.objects.create(
        business=business,
        platform="webchat",
        credentials={"public_key": f"pk_{business.slug}", "allowed_origins": ORIGIN},
    )


def write(client, connection: ChannelConnection, text: str) -> Message:
    body = {"visitor_id": str(uuid.uuid4()), "client_message_id": str(uuid.uuid4()), "text": text}
    url = f"/webchat/{connection.credential('public_key')}/messages"
    response = client.post(url, json.dumps(body), "application/json", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 201
    return Message.objects.get(pk=response.json()["id"])


def answered(messages: list[Message]) -> list[Message]:
    return list(Message.objects.filter(reply_to__in=messages).order_by("id"))


def deferred_turns() -> float:
    return scrape_registry().get_sample_value("parley_deferred_turns_total") or 0.0


def test_a_flood_for_one_business_waits_its_turn_in_order_without_delaying_another_business(
    client, business, own_workers, start_worker, figures
):
    start_worker("turn-cap", PARLEY_TURNS_PER_BUSINESS_PER_MINUTE=str(CAP))
    counted_before = deferred_turns()
    rival = Business.objects.create(name="Rival Bakery", slug="rival-bakery")
    AgentConfig.objects.create(
        business=rival, max_reply_tokens=TEST_REPLY_TOKENS, temperature=0.0, burst_settle_seconds=0.2
    )
    FaqEntry.objects.create(business=rival, question="Do you ship abroad?", answer="No, we deliver in Lyon only.")
    flooded, other = webchat_of(business), webchat_of(rival)

    flood = [write(client, flooded, f"Do you ship abroad? ({number})") for number in range(FLOOD)]
    theirs = write(client, other, "Do you ship abroad?")

    [their_reply] = wait_until(lambda: answered([theirs]), timeout=300, what="the other business's reply")
    # Without the cap its turn would wait behind all of the flood's; with it, behind CAP at most.
    ahead = [reply for reply in answered(flood) if reply.pk < their_reply.pk]
    assert len(ahead) <= CAP

    after_a_minute = flood[-1].created_at + timedelta(seconds=30)
    deferred = Message.objects.filter(pk__in=[m.pk for m in flood], turn_not_before__gt=after_a_minute)
    assert deferred.count() == FLOOD - CAP
    # The sweeper, a moment before their starts are past its grace, leaves the deferred turns to their countdown.
    grace = timedelta(seconds=settings.PARLEY_SWEEP_GRACE_SECONDS)
    sweep_at = min(message.turn_not_before for message in deferred) + grace - timedelta(seconds=1)
    assert not unanswered_messages(sweep_at, sweep_at - grace).filter(pk__in=deferred).exists()
    sweep_unfinished_work(now=sweep_at)

    replies = wait_until(
        lambda: len(answered(flood)) == FLOOD and answered(flood), timeout=400, what="the whole flood's replies"
    )
    # The turns let start at once run together on the worker's threads and finish in any order (each customer's
    # own turns still one at a time, in order: test_turn_ordering.py); the deferred ones all come after them.
    later = set(deferred.values_list("pk", flat=True))
    assert max(r.pk for r in replies if r.reply_to_id not in later) < min(
        r.pk for r in replies if r.reply_to_id in later
    )
    assert AgentRun.objects.filter(inbound_message__in=flood).count() == FLOOD  # each answered once
    assert deferred_turns() - counted_before == FLOOD - CAP
    figures["turn_cap"] = {
        "cap_per_minute": CAP,
        "flood": FLOOD,
        "deferred": FLOOD - CAP,
        "flood_replies_before_other_business": len(ahead),
        "deferred_answered_before_the_others": 0,
        "duplicated": 0,
        "lost": 0,
    }
