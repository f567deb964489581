"""The inbox as an operator sees it in headless Chromium: every conversation, named and previewed."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from business.models import Business, Membership
from conversations.models import Conversation
from tests.support import ARTIFACTS

from .talks import talk
from .test_console_in_browser import PASSWORD, log_in, open_browser

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def inbox(business: Business, django_user_model) -> dict[str, Conversation]:
    user = django_user_model.objects.create_user("olive", "olive@shop.example", PASSWORD)
    Membership.objects.create(user=user, business=business, role=Membership.Role.OPERATOR)
    tries = [talk(business, "console", ("customer", f"test {n}"), ("agent", "Hello!")) for n in range(3)]
    return {
        "kim": talk(business, "messenger", ("customer", "Hi"), ("agent", "Hello! How can I help?"),
                    ("customer", "Do you deliver on Sunday mornings?"), display_name="Kim Lee"),
        "visitor": talk(business, "webchat", ("customer", "Is the sourdough vegan?"),
                        ("agent", "I've asked a colleague."), status=Conversation.Status.NEEDS_HUMAN, page_url="https://corner.example/bread"),
        "try": tries[0],
    }  # fmt: skip


def test_the_inbox_names_previews_and_counts_the_hidden_staff_tries(live_server, inbox):
    visitor = inbox["visitor"]
    with sync_playwright() as playwright:
        page = open_browser(playwright)
        log_in(page, f"{live_server.url}/console/login/", "olive")
        rows = page.locator("tr[data-conversation]")
        expect(rows).to_have_count(2)
        expect(page.locator("#staff-tries-hidden")).to_contain_text("3 staff tries hidden")
        web = page.locator(f"tr[data-conversation='{visitor.pk}']")
        # The conversation needing a person comes first.
        expect(rows.first).to_have_attribute("data-conversation", str(visitor.pk))
        expect(web.locator(".name")).to_have_text(f"Website visitor #{visitor.contact.pk}")
        expect(web.locator(".page")).to_have_text("https://corner.example/bread")
        expect(web.locator(".preview")).to_have_text("I've asked a colleague.")
        expect(web.locator(".channel-icon")).to_have_text("WEB")
        kim = page.locator(f"tr[data-conversation='{inbox['kim'].pk}']")
        expect(kim.locator(".name")).to_have_text("Kim Lee")
        expect(kim.locator(".preview")).to_have_text("Do you deliver on Sunday mornings?")
        expect(kim.locator(".channel-icon")).to_have_text("M")
        page.screenshot(path=ARTIFACTS / "console-inbox.png", full_page=True)
        table_text = page.locator("#rows").inner_text()
        with page.expect_download() as download:
            page.get_by_role("link", name="Export CSV").click()
        exported = Path(download.value.path()).read_bytes()
        page.get_by_role("link", name="show").click()
        expect(rows).to_have_count(5)
        expect(page.locator("#staff-tries-hidden")).to_have_count(0)
        staff_try = page.locator(f"tr[data-conversation='{inbox['try'].pk}']")
        expect(staff_try.locator(".name")).to_contain_text("Playground customer #")
        page.context.browser.close()

    # What Excel opens: UTF-8 by its byte-order mark, labels rather than codes, the customers (no staff tries).
    assert exported.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig"))))
    assert {(row["Customer"], row["Conversation status"]) for row in rows} == {
        ("Kim Lee", "Answered by the agent"),
        (f"Website visitor #{visitor.contact.pk}", "Needs a human"),
    }
    # No platform id or UUID reaches the operator's eyes.
    for contact_id in (visitor.contact.platform_user_id, inbox["kim"].contact.platform_user_id):
        assert contact_id not in table_text


def test_asking_for_the_playground_channel_shows_the_staff_tries_without_a_notice(client, inbox, business):
    client.login(username="olive", password=PASSWORD)
    page = client.get(f"/console/{business.slug}/?channel=console")
    assert [row.connection.platform for row in page.context["page"]] == ["console"] * 3
    assert page.context["hidden_staff_tries"] == 0
    assert b"staff-tries-hidden" not in page.content
