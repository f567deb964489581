"""A replay, end to end: started from its page, run by the real `llm` worker on the real model, shown side by side."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agents.drafts import open_draft
from business.models import Booking, Business, FaqEntry, Lead, Membership
from console.models import Handover, Replay
from conversations.models import Conversation, Message
from tests.support import wait_until

from .talks import talk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_worker")]


def kept() -> dict[str, int]:
    return {
        "messages": Message.objects.count(),
        "bookings": Booking.objects.count(),
        "leads": Lead.objects.count(),
        "handovers": Handover.objects.count(),
        "needing a person": Conversation.objects.exclude(status=Conversation.Status.BOT).count(),
    }


def test_a_replay_shows_the_drafts_replies_beside_the_originals_and_sends_and_keeps_nothing(
    client, business: Business, django_user_model
):
    conversation = talk(
        business, "messenger",
        ("customer", "Do you ship to Japan?"), ("agent", "I don't know the answer to that, sorry."),
        ("customer", "Can I talk to a person, please?"), ("agent", "A colleague will answer you here shortly."),
    )  # fmt: skip
    draft = open_draft(business)
    FaqEntry.objects.create(business=draft, question="Do you ship to Japan?", answer="Yes, we ship to Japan in 7 days.")
    sam = django_user_model.objects.create_user("sam", is_staff=True)
    Membership.objects.create(user=sam, business=business)
    client.force_login(sam)
    before = kept()

    started = client.post(reverse("console:replays", args=[business.slug]), {"conversation": [conversation.pk]})
    replay = wait_until(lambda: Replay.objects.filter(status__in=["done", "failed"]).first(), 300, "the replay")

    assert replay.status == Replay.Status.DONE, replay.error
    html = client.get(started.url).content.decode()
    [replayed] = replay.conversations.all()
    asked, handed = replayed.turns
    assert asked["original"] == "I don't know the answer to that, sorry." and "Japan in 7 days" in asked["reply"]
    assert "<ins>" in html and 'class="turn changed"' in html
    assert html.count('class="turn') == 2 and "Then" in html
    # The turns ran, a handover among them, and nothing of them is left: no message sent, nothing booked.
    assert handed["trace"] and kept() == before
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND, status=Message.Status.PENDING).exists()
