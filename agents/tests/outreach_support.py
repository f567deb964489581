"""Customers on each platform, with a conversation and a fake platform server behind it, for the reminder and
survey tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

from django.db import connection as db_connection
from django.utils import timezone

from business.models import Business, Customer
from conversations.events import CustomerMessage, Kind
from conversations.inbound import store_customer_message
from conversations.models import Contact, Conversation, Message
from tests.support.platform_contract import PlatformHarness

CUSTOMER_ID = "447700900123"


def customer_on(
    business: Business, harness: PlatformHarness, api_base: str, wrote_ago: timedelta = timedelta(hours=2)
) -> Conversation:
    """A customer record linked to a contact on the platform, whose conversation's last message was theirs."""
    connection = harness.connect(business, api_base)
    customer = Customer.objects.create(business=business, name="Olivia Bennett", phone="+" + CUSTOMER_ID)
    contact = Contact.objects.create(connection=connection, platform_user_id=CUSTOMER_ID, customer=customer)
    wrote = timezone.now() - wrote_ago
    conversation = Conversation.objects.create(
        business=business, connection=connection, contact=contact, last_inbound_at=wrote, last_message_at=wrote
    )
    return Conversation.objects.select_related("connection", "contact__customer", "business").get(pk=conversation.pk)


def customer_taps(conversation: Conversation, choice_id: str, title: str, message_id: str = "tap-1") -> Message:
    """The customer's tap on a choice, stored as the webhook stores it."""
    tap = CustomerMessage(
        platform_message_id=message_id,
        sender_id=conversation.contact.platform_user_id,
        text=title,
        kind=Kind.BUTTON,
        details={"payload": choice_id},
    )
    return store_customer_message(conversation.connection, tap)


def at_once(count: int, action: Callable[[], object]) -> list[object]:
    """Run `action` in `count` threads released together, each on its own database connection."""
    barrier = threading.Barrier(count)
    results: list[object] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(action())
        finally:
            db_connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
