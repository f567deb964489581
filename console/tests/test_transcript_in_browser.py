"""A transcript as an operator sees it in headless Chromium: the latest message, who the customer is, who did what."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from agents.models import AgentRun
from business.models import Booking, Business, Customer, Membership, Order
from conversations.models import Contact, Conversation
from tests.support import ARTIFACTS

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


def test_the_trace_tells_each_step_in_plain_words_and_a_failed_tool_marks_the_turn(live_server, business, olive):
    conversation = talk(business, "messenger", ("customer", "Is the rye loaf in stock, and is it vegan?"),
                        ("agent", "Our rye loaf is vegan."), display_name="Kim Lee")  # fmt: skip
    kim = Customer.objects.create(business=business, name="Kim Lee", phone="+33612345678")
    Order.objects.create(business=business, reference="A-1042", customer=kim, total=Decimal("12.40"),
                         updated_at=timezone.now())  # fmt: skip
    Contact.objects.filter(pk=conversation.contact_id).update(customer=kim)
    asked, reply = conversation.messages.order_by("created_at")
    draft = "Yes! The rye loaf is vegan and costs 3.90 EUR."
    AgentRun.objects.create(
        conversation=conversation, inbound_message=asked, reply=reply, model="m.gguf",
        outcome=AgentRun.Outcome.REPLIED, total_ms=2400,
        trace=[
            {"type": "tool", "tool": "search_knowledge", "args": {"query": "rye loaf vegan"}, "found": True,
             "failed": False, "result": "Our rye loaf is vegan.", "chosen_by": "server", "duration_ms": 12},
            {"type": "tool", "tool": "check_stock", "args": {"item": "rye loaf"}, "found": False, "failed": True,
             "result": "The tool failed: ConnectTimeout.", "chosen_by": "server", "duration_ms": 3000},
            {"type": "model", "output": {"reply": draft}, "duration_ms": 900, "prompt_tokens": 800,
             "prompt_tokens_evaluated": 120, "completion_tokens": 14},
            {"type": "reply", "source": "extractive", "draft": draft},
            {"type": "final", "text": "Our rye loaf is vegan."},
        ],
    )  # fmt: skip
    with sync_playwright() as playwright:
        page = open_browser(playwright)
        log_in(page, f"{live_server.url}/console/login/", "olive")
        page.goto(f"{live_server.url}/console/{business.slug}/c/{conversation.pk}/")
        turn = page.locator(".msg.agent")
        # Marked while the trace is still folded.
        expect(turn).to_have_class(re.compile(r"\btool-failed\b"))
        expect(turn.locator("details.trace > summary .badge.failed")).to_have_text("A tool failed")
        turn.locator("details.trace > summary").click()
        steps = turn.locator("ol.steps > li")
        expect(steps).to_have_count(4)
        expect(steps.nth(0)).to_contain_text(
            "Searched the FAQ and documents (search_knowledge: rye loaf vegan) and found: Our rye loaf is vegan. "
            "Chosen by the rules."
        )
        expect(steps.nth(1)).to_have_class(re.compile(r"\bfailed\b"))
        expect(steps.nth(1)).to_contain_text("(check_stock: rye loaf): it failed. The tool failed: ConnectTimeout.")
        expect(steps.nth(2)).to_contain_text(f"The model wrote a draft: “{draft}”")
        expect(steps.nth(3)).to_contain_text("The model's draft was not used: it said something the tools did not find")
        raw = turn.locator("details.raw")
        expect(raw.locator("pre")).to_be_hidden()
        page.screenshot(path=ARTIFACTS / "console-transcript.png", full_page=True)
        expect(turn.locator("details.trace")).not_to_contain_text('"chosen_by"', use_inner_text=True)
        raw.locator("summary").click()
        expect(raw.locator("pre")).to_contain_text('"chosen_by": "server"')
        page.context.browser.close()
