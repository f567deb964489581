"""A visitor chats through the widget on a website in headless Chromium; the real worker and model answer."""

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, Route, expect, sync_playwright

from channels.webchat.tests.harness import PUBLIC_KEY
from conversations.models import Message
from tests.fake_platform import Answer, FakePlatformServer
from tests.support import ARTIFACTS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_worker")]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOST_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Corner Shop</title>
<script src="{widget}" async></script></head>
<body style="font-family: sans-serif; margin: 40px; background: #f3f4f6">
<h1>Corner Shop</h1><p>Fresh bread every morning, groceries all day.</p></body></html>"""


@pytest.fixture
def shop_website(live_server) -> Iterator[FakePlatformServer]:
    """The business's own website, on another origin than Parley, with the widget's snippet in its pages."""
    page = HOST_PAGE.format(widget=f"{live_server.url}/webchat/{PUBLIC_KEY}/widget.js").encode()
    html = Answer(200, page, {"Content-Type": "text/html; charset=utf-8"})
    site = FakePlatformServer(default=lambda request, count: html)
    yield site
    site.close()


def in_browser(website: str, steps: Callable[[Page], None]) -> None:
    """`steps` done on the website in Chromium.

    Read the database only after this returns: Playwright's event loop in this thread makes Django
    refuse queries meanwhile.
    """
    with sync_playwright() as playwright:
        # Each launch runs on a fresh temporary profile (user-data-dir) that Playwright deletes afterwards.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 900, "height": 640})
        page.goto(website + "/")
        steps(page)
        browser.close()


def chat_in_browser(website: str, message: str) -> dict[str, str]:
    """What a visitor sees after writing `message` in the widget on the website and waiting for the reply."""
    seen: dict[str, str] = {}

    def chat(page: Page) -> None:
        page.locator(".launcher").click()
        page.locator("textarea").fill(message)
        page.keyboard.press("Enter")
        expect(page.locator(".msg.from-visitor")).to_contain_text(message)
        agent_bubble = page.locator(".msg.from-agent")
        expect(agent_bubble).to_have_count(1, timeout=120_000)
        expect(page.locator(".typing")).to_be_hidden()
        page.screenshot(path=ARTIFACTS / "webchat-widget.png")
        seen["reply"] = agent_bubble.inner_text()
        seen["visitor"] = page.evaluate(f"localStorage.getItem('parley-webchat:{PUBLIC_KEY}:visitor')")

    in_browser(website, chat)
    return seen


def test_a_visitor_types_a_message_and_reads_the_agents_reply(webchat_connection, shop_website):
    webchat_connection.credentials["allowed_origins"] = shop_website.url
    webchat_connection.save()

    seen = chat_in_browser(shop_website.url, "Are you open on Saturday?")

    reply = Message.objects.get(direction=Message.Direction.OUTBOUND)
    inbound = Message.objects.get(direction=Message.Direction.INBOUND)
    assert seen["reply"] == reply.text and reply.text
    assert reply.reply_to == inbound and reply.author == Message.Author.AGENT
    # The panel was open in front of the visitor when the poll fetched it.
    assert reply.status == Message.Status.READ
    assert inbound.text == "Are you open on Saturday?"
    assert inbound.metadata == {"page_url": shop_website.url + "/"}
    assert inbound.conversation.contact.platform_user_id == seen["visitor"]


def send_with_first_post_answered(page: Page, message: str, answer: Callable[[Route], None]) -> list[str]:
    """`message` sent from the widget, its first POST answered by `answer` instead of Parley; the POSTs' bodies."""
    posts: list[str] = []

    def intercept(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        posts.append(route.request.post_data or "")
        if len(posts) == 1:
            answer(route)
        else:
            route.continue_()

    page.route("**/messages*", intercept)
    page.locator(".launcher").click()
    page.locator("textarea").fill(message)
    page.keyboard.press("Enter")
    return posts


def stored(text: str) -> int:
    return Message.objects.filter(direction=Message.Direction.INBOUND, text=text).count()


def test_a_send_refused_while_the_server_restarts_is_retried_and_stored_once(webchat_connection, shop_website):
    webchat_connection.credentials["allowed_origins"] = shop_website.url
    webchat_connection.save()
    posts: list[str] = []

    def restarting(page: Page) -> None:
        restart = {"status": 503, "headers": {"Retry-After": "1"}}
        posts.extend(send_with_first_post_answered(page, "Do you bake on Sundays?", lambda r: r.fulfill(**restart)))
        expect(page.locator(".msg.from-visitor .state")).to_have_text("Sent", timeout=15_000)

    in_browser(shop_website.url, restarting)
    assert len(posts) == 2 and posts[0] == posts[1]
    assert stored("Do you bake on Sundays?") == 1


def test_a_message_not_sent_says_so_and_is_sent_when_tapped(webchat_connection, shop_website):
    webchat_connection.credentials["allowed_origins"] = shop_website.url
    webchat_connection.save()
    posts: list[str] = []

    def refused_then_tapped(page: Page) -> None:
        posts.extend(send_with_first_post_answered(page, "Do you bake on Sundays?", lambda r: r.fulfill(status=400)))
        bubble = page.locator(".msg.from-visitor")
        expect(bubble.locator(".state")).to_have_text("Not sent — tap to retry")
        page.screenshot(path=ARTIFACTS / "webchat-not-sent.png")
        bubble.click()
        expect(bubble.locator(".state")).to_have_text("Sent", timeout=15_000)

    in_browser(shop_website.url, refused_then_tapped)
    assert len(posts) == 2
    assert stored("Do you bake on Sundays?") == 1
