"""A transcript as an operator sees it in headless Chromium: the latest message, who the customer is, who did what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from business.models import Booking, Business, Customer, Membership, Order
from conversations.models import Conversation

from .talks import talk
from .test_console_in_browser import PASSWORD, log_in, open_browser

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def olive(business: Business, django_user_model):
    user = django_user_model.objects.create_user(
        "olive", "olive@shop.example", PASSWORD, first_name="Olive", last_name="Martin"
    )
    Membership.objects.create(user=user, business=business, role=Membership.Role.OPERATOR)
    return user


@pytest.fixture
def long_conversation(business: Business) -> Conversation:
    """Kim, a known customer with an order and a booking, writing again after an earlier, closed conversation."""
    kim = Customer.objects.create(business=business, name="Kim Lee", phone="+33612345678")
    Order.objects.create(business=business, reference="A-1042", customer=kim, status=Order.Status.READY,
                         total=Decimal("12.40"), updated_at=timezone.now())  # fmt: skip
    Booking.objects.create(business=business, customer=kim, starts_at=datetime(2026, 12, 24, 11, tzinfo=UTC),
                           party_size=4)  # fmt: skip
    nine_days_ago = timezone.now() - timedelta(days=9)
    earlier = talk(business, "messenger", ("customer", "Do you have rye bread?"), ("agent", "Yes, every day."),
                   display_name="Kim", status=Conversation.Status.CLOSED, at=nine_days_ago)  # fmt: skip
    earlier.contact.customer = kim
    earlier.contact.save()
    lines = [("customer" if n % 2 == 0 else "agent", f"Message number {n}") for n in range(30)]
    return talk(business, "messenger", *lines, ("customer", "Where is my order A-1042?"),
                status=Conversation.Status.NEEDS_HUMAN, contact=earlier.contact)  # fmt: skip


def test_the_transcript_opens_at_the_latest_message_beside_the_customer_and_records_handovers(
    live_server, business, olive, long_conversation
):
    conversation = long_conversation
    earlier = Conversation.objects.exclude(pk=conversation.pk).get()
    with sync_playwright() as playwright:
        page = open_browser(playwright)
        log_in(page, f"{live_server.url}/console/login/", "olive")
        page.goto(f"{live_server.url}/console/{business.slug}/c/{conversation.pk}/")
        latest = page.locator(".msg").last
        expect(latest).to_contain_text("Where is my order A-1042?")
        expect(latest).to_be_in_viewport()
        assert page.evaluate("window.scrollY") > 0
        panel = page.locator("#customer-panel")
        expect(panel.locator(".linked")).to_contain_text("Kim Lee")
        expect(panel.locator(".orders")).to_contain_text("A-1042 · Ready for collection · €12.40")
        expect(panel.locator(".bookings")).to_contain_text("2026-12-24 12:00 · 4 people · Requested")
        expect(panel.locator(".past a")).to_have_attribute("href", f"/console/{business.slug}/c/{earlier.pk}/")

        page.locator("#take-over").click()
        expect(page.locator(".event.take_over")).to_contain_text("Olive Martin took over the conversation")
        expect(page.locator("#status")).to_have_text("Taken over by a human")
        page.locator("#hand-back").click()
        expect(page.locator(".event.hand_back")).to_contain_text("Olive Martin handed the conversation back")
        # The agent has not answered since: the status must not say it did.
        expect(page.locator("#status")).to_have_text("Handed back: the agent answers next")
        expect(page.locator(".transcript > *").last).to_have_class("event hand_back")
        page.context.browser.close()

    assert list(conversation.handovers.values_list("action", "operator__username")) == [
        ("take_over", "olive"),
        ("hand_back", "olive"),
    ]
