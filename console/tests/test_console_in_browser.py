"""Staff and operators in headless Chromium, against the live server, the real worker and the real model."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from agents.models import AgentConfig, AgentRun
from business.models import Business, Membership
from channels.messenger.tests.test_webhook import raw
from conversations.models import ChannelConnection, Conversation, Message
from tests.fake_platform import FakePlatformServer
from tests.support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_worker")]

PASSWORD = "correct horse battery"
SLOW = 120_000  # ms: a turn of the real model on a busy 2-core machine


def open_browser(playwright) -> Page:
    # Each launch runs on a fresh temporary profile (user-data-dir) that Playwright deletes afterwards.
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    return browser.new_page(viewport={"width": 1200, "height": 820})


def log_in(page: Page, url: str, username: str) -> None:
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form [type=submit]").click()


@pytest.fixture
def member(business: Business, django_user_model):
    def member(username: str, role: str, is_staff: bool):
        user = django_user_model.objects.create_user(username, f"{username}@shop.example", PASSWORD, is_staff=is_staff)
        Membership.objects.create(user=user, business=business, role=role)
        return user

    return member


def test_staff_edits_the_instructions_and_sees_a_tool_call_in_the_playground(live_server, business, member):
    member("sam", Membership.Role.OWNER, is_staff=True)
    config = AgentConfig.objects.get(business=business)
    new_instructions = "You are Corner, the shop's helper. Answer in one short sentence."
    # The database is read only before and after the browser: Playwright's event loop in this thread
    # makes Django refuse queries meanwhile.
    with sync_playwright() as playwright:
        page = open_browser(playwright)
        log_in(page, f"{live_server.url}/admin/login/?next=/admin/agents/agentconfig/{config.pk}/change/", "sam")
        page.fill("#id_instructions", new_instructions)
        page.screenshot(path=ARTIFACTS / "agent-config.png", full_page=True)
        page.locator("input[name=_continue]").click()
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
        page.get_by_role("link", name="Open the playground").click()
        page.fill("input[name=text]", "Are you open on Saturday?")
        page.locator("#say").click()
        tool_step = page.locator(".step.tool")
        expect(tool_step.first).to_contain_text("search_knowledge", timeout=SLOW)
        expect(page.locator(".msg.agent .text")).to_contain_text("10:00 AM–1:00 PM")
        page.screenshot(path=ARTIFACTS / "playground.png", full_page=True)
        page.context.browser.close()

    config.refresh_from_db()
    assert config.instructions == new_instructions
    run = AgentRun.objects.get(conversation__connection__platform="console")
    assert any(step.get("tool") == "search_knowledge" for step in run.trace)


def test_an_operator_takes_over_a_conversation_that_needs_a_human_replies_and_hands_back(
    live_server,
    business,
    member,
    messenger_connection: ChannelConnection,
    post_signed,
    fake_platform: FakePlatformServer,
):
    member("olive", Membership.Role.OPERATOR, is_staff=False)
    # A real customer question the shop's data cannot answer: the agent says so and asks for a person.
    assert (
        post_signed(
            messenger_connection,
            raw("text_message").replace("Hi! Do you ship to Canada?", "Can you repair my bicycle?"),
        ).status_code
        == 200
    )
    conversation = wait_until(
        lambda: Conversation.objects.filter(status=Conversation.Status.NEEDS_HUMAN).first(), what="the agent's handoff"
    )
    wait_until(
        lambda: conversation.messages.filter(author=Message.Author.AGENT, status=Message.Status.SENT).exists(),
        what="the agent's reply",
    )
    before = len(fake_platform.requests)
    operator_words = "Hello, Olive here: we don't repair bicycles, but the shop next door does."
    with sync_playwright() as playwright:
        page = open_browser(playwright)
        log_in(page, f"{live_server.url}/console/login/", "olive")
        row = page.locator(f"tr[data-conversation='{conversation.pk}']")
        expect(row.locator(".attention-mark")).to_be_visible()
        expect(row).to_contain_text("Needs a human")
        row.get_by_role("link").click()
        page.locator("details.trace summary").first.click()
        expect(page.locator(".step.tool").first).to_contain_text("search_knowledge")
        page.locator("#take-over").click()
        expect(page.locator("#status")).to_have_text("Taken over by a human")
        page.fill("textarea[name=text]", operator_words)
        page.locator("#send-reply").click()
        sent = fake_platform.wait_for_requests(before + 1)[before]
        # The transcript updates itself once the worker has delivered the reply.
        expect(page.locator(".msg.operator .badge")).to_have_text("Sent", timeout=30_000)
        page.locator("#hand-back").click()
        expect(page.locator("#status")).to_have_text("Handed back: the agent answers next")
        page.context.browser.close()

    assert sent.json() == {
        "recipient": {"id": "6785123409871234"},
        "messaging_type": "RESPONSE",
        "message": {"text": operator_words},
    }
    reply = Message.objects.get(author=Message.Author.OPERATOR)
    assert (reply.text, reply.status, reply.platform_message_id) == (
        operator_words,
        Message.Status.SENT,
        sent_id(fake_platform, sent),
    )
    assert Conversation.objects.get(pk=conversation.pk).status == Conversation.Status.BOT


def sent_id(fake_platform: FakePlatformServer, request) -> str:
    """The message id the fake Graph API answered that request with (m_fake_<its position>)."""
    return f"m_fake_{fake_platform.requests.index(request) + 1}"
