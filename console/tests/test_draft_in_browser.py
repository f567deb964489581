"""Proving a change before customers see it, in headless Chromium against the real worker and model: a wrong
reply is corrected and becomes a test case, the FAQ is fixed in a draft, the case goes from fail to pass while
the other stays green, real conversations are replayed against the draft, and the draft is published."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from agents.models import AgentRun, Version
from business.models import Business, FaqEntry, Membership
from conversations.models import Message
from test_cases.models import Case, CaseTurn
from tests.support import ROOT

from .talks import talk
from .test_console_in_browser import PASSWORD, log_in, open_browser

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_worker")]
SCREENSHOTS = ROOT / "docs" / "screenshots"
SLOW = 300_000  # ms: four turns of the real model, and a replay, on a busy 2-core machine


@pytest.fixture
def shop(business: Business, django_user_model) -> Business:
    """A wrong reply in a customer's conversation, and a test case the shop has already, which passes."""
    sam = django_user_model.objects.create_user("sam", password=PASSWORD, is_staff=True)
    Membership.objects.create(user=sam, business=business, role=Membership.Role.OWNER)
    abroad = Case.objects.create(business=business, name="Shipping abroad")
    CaseTurn.objects.create(case=abroad, text="Do you ship abroad?", must_contain="3 to 5")
    return business


def test_a_wrong_reply_becomes_a_case_that_the_fixed_draft_passes_and_is_published(live_server, shop):
    conversation = talk(
        shop, "messenger", ("customer", "Do you ship to Japan?"), ("agent", "I don't know the answer to that, sorry.")
    )
    reply = conversation.messages.get(author=Message.Author.AGENT)
    AgentRun.objects.create(
        conversation=conversation, inbound_message=reply.reply_to, reply=reply, model="smollm2.gguf",
        outcome=AgentRun.Outcome.FALLBACK,
    )  # fmt: skip
    with sync_playwright() as playwright:
        page = open_browser(playwright)
        log_in(page, f"{live_server.url}/console/login/?next=/console/{shop.slug}/c/{conversation.pk}/", "sam")
        page.get_by_role("link", name="Mark wrong…").click()
        page.fill("#id_correct_answer", "Yes, we ship to Japan in 7 days.")
        page.get_by_role("button", name="Save the correction").click()
        page.locator("[data-correction-to-case]").click()
        expect(page.locator(".messages")).to_contain_text("Test case saved")

        page.locator("#nav-draft").click()
        page.locator("#open-draft").click()
        expect(page.locator("#draft h2")).to_contain_text("Draft of Corner Shop")

        page.locator("#edit-draft-data").click()
        expect(page.locator(".messagelist")).to_contain_text("This is the draft of Corner Shop")
        page.locator("#faq_entries-group .add-row a").click()
        page.fill("#id_faq_entries-1-question", "Do you ship to Japan?")
        page.fill("#id_faq_entries-1-answer", "Yes, we ship to Japan in 7 days.")
        page.locator("input[name=_save]").click()
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

        page.goto(f"{live_server.url}/console/{shop.slug}/draft/")
        page.locator("#replay").click()
        page.locator("#start-replay").click()
        expect(page.locator("#summary")).to_contain_text("1 reply changed.", timeout=SLOW)
        expect(page.locator(".turn.changed .side.draft")).to_contain_text("Japan in 7 days")
        page.screenshot(path=SCREENSHOTS / "draft-replay.png", full_page=True)

        page.goto(f"{live_server.url}/console/{shop.slug}/draft/")
        page.locator("#run-tests").click()
        summary = page.locator("#summary")
        expect(summary).to_contain_text("Better in the draft: Correction: Do you ship to Japan?", timeout=SLOW)
        expect(summary).to_contain_text("Live passes 1 of 2 cases, the draft 2.")
        expect(summary.locator(".worse")).to_have_count(0)
        japan = page.locator("section.case[data-case='Correction: Do you ship to Japan?']")
        expect(japan.locator(".live-result")).to_contain_text("fail")
        expect(japan.locator(".draft-result")).to_contain_text("pass")
        expect(japan.locator(".side.draft .words")).to_contain_text("Yes, we ship to Japan in 7 days.")
        expect(japan.locator(".side.draft ins").last).to_have_text("Japan in 7 days.")
        page.screenshot(path=SCREENSHOTS / "draft-comparison.png", full_page=True)

        page.fill("#id_note", "Japan shipping")
        page.locator("#publish").click()
        expect(page.locator(".messages")).to_contain_text("Published as version 2")
        expect(page.locator("#versions tr")).to_have_count(3)  # the header, version 2 and what was live before
        page.screenshot(path=SCREENSHOTS / "draft-page.png", full_page=True)
        page.context.browser.close()

    assert FaqEntry.objects.get(business=shop, question="Do you ship to Japan?").answer.endswith("in 7 days.")
    assert Version.objects.get(business=shop, number=2).note == "Japan shipping"
    # Tests and replays sent nothing: the customer's conversation holds its two messages still.
    assert Message.objects.count() == 2
    assert Case.objects.get(business=shop, source=Case.Source.ANNOTATION).turns.get().text == "Do you ship to Japan?"
