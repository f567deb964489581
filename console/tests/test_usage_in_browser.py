"""The usage page as an operator reaches it in headless Chromium: from the console's navigation, to an FAQ draft."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from agents.models import AgentRun
from business.models import Business, FaqEntry, Membership
from tests.support import ARTIFACTS

from .talks import talk
from .test_console_in_browser import PASSWORD, log_in, open_browser

pytestmark = pytest.mark.django_db(transaction=True)


def turn(business: Business, platform: str, question: str, answer: str, outcome: str) -> None:
    conversation = talk(business, platform, ("customer", question), ("agent", answer))
    asked, reply = conversation.messages.order_by("created_at")
    reply.reply_to = asked
    reply.save()
    AgentRun.objects.create(conversation=conversation, inbound_message=asked, reply=reply, model="m", outcome=outcome)


def test_an_operator_opens_the_usage_page_from_the_console_and_answers_an_unanswered_question(
    live_server, business, django_user_model
):
    user = django_user_model.objects.create_user("olive", "olive@shop.example", PASSWORD)
    Membership.objects.create(user=user, business=business, role=Membership.Role.OPERATOR)
    for question in ("Do you ship abroad?", "Are you open on Saturday?", "Do you ship abroad?"):
        turn(business, "messenger", question, "Yes.", AgentRun.Outcome.REPLIED)
    for _ in range(2):
        turn(business, "webchat", "Can I pay with gift cards?", "I've asked a colleague.", AgentRun.Outcome.FALLBACK)
    turn(business, "console", "Staff test: do you sell kites?", "I've asked a colleague.", AgentRun.Outcome.FALLBACK)

    with sync_playwright() as playwright:
        page = open_browser(playwright)
        log_in(page, f"{live_server.url}/console/login/", "olive")
        page.locator("header.top").get_by_role("link", name="Usage").click()
        expect(page.locator("h1")).to_have_text("Usage")
        # Styled as the console: its header and stylesheet.
        expect(page.locator("header.top .brand")).to_have_text("Parley")
        expect(page.locator(".tile").first).to_have_text("5conversations")
        rows = page.locator("#unanswered tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Can I pay with gift cards?")
        expect(rows.first.locator(".times")).to_have_text("2")
        rows.first.locator("textarea").fill("Yes: gift cards are accepted in the shop and on the website.")
        page.screenshot(path=ARTIFACTS / "console-usage.png", full_page=True)
        rows.first.get_by_role("button", name="Add to FAQ").click()
        expect(page.locator(".messages")).to_contain_text("FAQ draft made: “Can I pay with gift cards?”")
        expect(rows.first).to_contain_text("FAQ draft made")
        page.context.browser.close()

    draft = FaqEntry.objects.get(business=business, published=False)
    assert (draft.question, draft.answer) == (
        "Can I pay with gift cards?",
        "Yes: gift cards are accepted in the shop and on the website.",
    )
