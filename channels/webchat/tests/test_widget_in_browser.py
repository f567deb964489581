"""A visitor chats through the widget on a website in headless Chromium; the real worker and model answer."""

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from channels.webchat.refusals import last_refused_origin
from channels.webchat.tests.harness import PUBLIC_KEY
from console.operator_actions import reply_as_operator
from conversations import outbox
from conversations.choices import Choice
from conversations.models import Contact, Conversation, Message
from tests.fake_platform import Answer, FakePlatformServer
from tests.support import ARTIFACTS

RETURNING_VISITOR = "4d3c2b1a-0f9e-4d8c-b7a6-5e4d3c2b1a09"
EVERY_DAY_7_TO_19 = {day: [["07:00", "19:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_worker")]

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


def in_browser(
    chromium: Browser,
    website: str,
    steps: Callable[[Page], None],
    language: str = "en-US",
    visitor: str | None = None,
) -> None:
    """`steps` done on the website in Chromium set to `language`, as the returning `visitor` if given."""
    # A context of its own: no cookie or stored visitor of another test's.
    context = chromium.new_context(viewport={"width": 900, "height": 640}, locale=language)
    try:
        page = context.new_page()
        if visitor:
            page.add_init_script(f"localStorage.setItem('parley-webchat:{PUBLIC_KEY}:visitor', '{visitor}')")
        page.goto(website + "/")
        steps(page)
    finally:
        context.close()


def chat_in_browser(chromium: Browser, website: str, message: str) -> dict[str, str]:
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

    in_browser(chromium, website, chat)
    return seen


def test_a_visitor_types_a_message_and_reads_the_agents_reply(webchat_connection, shop_website, chromium):
    webchat_connection.credentials["allowed_origins"] = shop_website.url
    webchat_connection.save()

    seen = chat_in_browser(chromium, shop_website.url, "Are you open on Saturday?")

    reply = Message.objects.get(direction=Message.Direction.OUTBOUND)
    inbound = Message.objects.get(direction=Message.Direction.INBOUND)
    assert seen["reply"] == reply.text and reply.text
    assert reply.reply_to == inbound and reply.author == Message.Author.AGENT
    # The panel was open in front of the visitor when the poll fetched it.
    assert reply.status == Message.Status.READ
    assert inbound.text == "Are you open on Saturday?"
    assert inbound.metadata == {"page_url": shop_website.url + "/"}
    assert inbound.conversation.contact.platform_user_id == seen["visitor"]


def send_with_first_post_answered(page: Page, message: str, answer: Callable[[Route], None], posts: list[str]) -> None:
    """`message` sent from the widget, its first POST answered by `answer` instead of Parley; the POSTs'
    bodies are added to `posts` as they are made (retries come after this returns)."""

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


def stored(text: str) -> int:
    return Message.objects.filter(direction=Message.Direction.INBOUND, text=text).count()


def test_a_send_refused_while_the_server_restarts_is_retried_and_stored_once(
    webchat_connection, shop_website, chromium
):
    webchat_connection.credentials["allowed_origins"] = shop_website.url
    webchat_connection.save()
    posts: list[str] = []

    def restarting(page: Page) -> None:
        restart = {"status": 503, "headers": {"Retry-After": "1"}}
        send_with_first_post_answered(page, "Do you bake on Sundays?", lambda r: r.fulfill(**restart), posts)
        expect(page.locator(".msg.from-visitor .state")).to_have_text("Sent", timeout=15_000)

    in_browser(chromium, shop_website.url, restarting)
    assert len(posts) == 2 and posts[0] == posts[1]
    assert stored("Do you bake on Sundays?") == 1


def test_a_message_not_sent_says_so_and_is_sent_when_tapped(webchat_connection, shop_website, chromium):
    webchat_connection.credentials["allowed_origins"] = shop_website.url
    webchat_connection.save()
    posts: list[str] = []

    def refused_then_tapped(page: Page) -> None:
        send_with_first_post_answered(page, "Do you bake on Sundays?", lambda r: r.fulfill(status=400), posts)
        bubble = page.locator(".msg.from-visitor")
        expect(bubble.locator(".state")).to_have_text("Not sent — tap to retry")
        page.screenshot(path=ARTIFACTS / "webchat-not-sent.png")
        bubble.click()
        expect(bubble.locator(".state")).to_have_text("Sent", timeout=15_000)

    in_browser(chromium, shop_website.url, refused_then_tapped)
    assert len(posts) == 2
    assert stored("Do you bake on Sundays?") == 1


def test_a_page_on_a_refused_origin_tells_the_visitor_and_names_the_origin_in_the_console(
    webchat_connection, shop_website, chromium
):
    # The owner listed the shop's public address; the page is on another (as `localhost` is not `127.0.0.1`).
    webchat_connection.credentials["allowed_origins"] = "https://corner-shop.example"
    webchat_connection.save()
    warnings: list[str] = []

    def refused(page: Page) -> None:
        page.on("console", lambda message: warnings.append(message.text) if message.type == "warning" else None)
        page.locator(".launcher").click()
        expect(page.locator(".refused")).to_have_text("Sorry, the chat cannot be used on this address of the website.")
        expect(page.locator("textarea")).to_be_disabled()
        expect(page.locator("form button")).to_be_disabled()

    in_browser(chromium, shop_website.url, refused)
    assert any(shop_website.url in text and "allowed_origins" in text for text in warnings), warnings
    refusal = last_refused_origin(webchat_connection)
    assert refusal is not None and refusal.origin == shop_website.url
    assert not Message.objects.exists()


def test_the_panel_opens_with_a_greeting_an_ai_disclosure_and_todays_hours(webchat_connection, shop_website, chromium):
    webchat_connection.credentials["allowed_origins"] = shop_website.url
    webchat_connection.save()
    webchat_connection.business.opening_hours = EVERY_DAY_7_TO_19
    webchat_connection.business.save()

    def opened(page: Page) -> None:
        page.locator(".launcher").click()
        expect(page.locator(".greeting")).to_have_text("Hello! How can we help you?")
        expect(page.locator(".disclosure")).to_contain_text("You are chatting with an AI assistant.")
        expect(page.locator(".availability")).to_have_text("Open today 7:00 AM–7:00 PM")
        expect(page.locator("textarea")).to_have_attribute("placeholder", "Write a message…")
        expect(page.locator(".refused")).to_have_count(0)

    in_browser(chromium, shop_website.url, opened)


def test_a_french_visitor_reads_the_panel_in_french_in_the_brands_colour_on_the_left(
    webchat_connection, shop_website, chromium
):
    webchat_connection.credentials.update(
        allowed_origins=shop_website.url, brand_colour="#b45309", position="left", greeting=""
    )
    webchat_connection.save()
    webchat_connection.business.languages = ["en", "fr"]
    webchat_connection.business.opening_hours = EVERY_DAY_7_TO_19
    webchat_connection.business.save()

    def opened(page: Page) -> None:
        launcher = page.locator(".launcher")
        expect(launcher).to_have_attribute("aria-label", "Ouvrir le chat")
        launcher.click()
        expect(page.locator(".greeting")).to_have_text("Bonjour ! Comment pouvons-nous vous aider ?")
        expect(page.locator(".disclosure")).to_contain_text("Vous discutez avec un assistant IA.")
        expect(page.locator(".availability")).to_have_text("Ouvert aujourd'hui 07:00–19:00")
        expect(page.locator("form button")).to_have_text("Envoyer")
        expect(page.locator("header")).to_have_css("background-color", "rgb(180, 83, 9)")
        box = page.locator(".panel").bounding_box()
        assert box is not None and box["x"] < 40  # on the left of a 900 px page

    in_browser(chromium, shop_website.url, opened, language="fr-FR")


def test_an_operators_reply_is_signed_with_their_first_name_and_looks_apart_from_the_agents(
    webchat_connection, shop_website, django_user_model, chromium
):
    webchat_connection.credentials["allowed_origins"] = shop_website.url
    webchat_connection.save()
    webchat_connection.business.opening_hours = EVERY_DAY_7_TO_19
    webchat_connection.business.save()
    # A conversation the visitor had earlier: the agent answered, then a person took over. No model turn.
    contact = Contact.objects.create(connection=webchat_connection, platform_user_id=RETURNING_VISITOR)
    conversation = Conversation.objects.create(
        business=webchat_connection.business, connection=webchat_connection, contact=contact
    )
    question = Message.objects.create(
        conversation=conversation,
        connection=webchat_connection,
        direction=Message.Direction.INBOUND,
        author=Message.Author.CUSTOMER,
        text="Can you keep two baguettes for me at 6 pm?",
        status=Message.Status.RECEIVED,
    )
    bot_reply = "Let me get a colleague to help you."
    outbox.queue_reply(conversation, bot_reply, author=Message.Author.AGENT, reply_to=question, send_here=True)
    camille = django_user_model.objects.create_user("camille", first_name="Camille")
    # Sent by the worker, as the console's replies are.
    reply_as_operator(conversation, "Of course, they will be waiting for you.", operator=camille)

    def returning(page: Page) -> None:
        page.locator(".launcher").click()
        person = page.locator(".msg.from-operator")
        expect(person).to_contain_text("Of course, they will be waiting for you.", timeout=15_000)
        expect(person.locator(".author")).to_have_text("Camille")
        bot = page.locator(".msg.from-agent")
        expect(bot).to_have_text(bot_reply)
        expect(bot.locator(".author")).to_have_count(0)
        assert person.evaluate("e => getComputedStyle(e).backgroundColor") != bot.evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )
        expect(page.locator(".availability")).to_have_text("Open today 7:00 AM–7:00 PM")
        # docs/screenshots/webchat-widget.png is this one.
        page.screenshot(path=ARTIFACTS / "webchat-panel.png")

    in_browser(chromium, shop_website.url, returning, visitor=RETURNING_VISITOR)


def test_a_reply_shows_its_formatting_and_choices_and_a_pressed_button_comes_back_as_that_choice(
    chromium, webchat_connection, shop_website
):
    webchat_connection.credentials["allowed_origins"] = shop_website.url
    webchat_connection.save()
    contact = Contact.objects.create(connection=webchat_connection, platform_user_id=RETURNING_VISITOR)
    conversation = Conversation.objects.create(
        business=webchat_connection.business,
        connection=webchat_connection,
        contact=contact,
        # A person has the conversation: the agent stays out of this test.
        status=Conversation.Status.HUMAN,
    )
    text = "**2 baguettes** at *6 pm*, see [our hours](https://corner-shop.example/hours) <img src=x onerror=alert(1)>"
    choices = [Choice("booking:confirm", "Yes"), Choice("booking:change", "Change the time")]
    outbox.queue_reply(conversation, text, author=Message.Author.OPERATOR, choices=choices, send_here=True)

    def press(page: Page) -> None:
        page.locator(".launcher").click()
        reply = page.locator(".msg.from-operator")
        expect(reply.locator("strong")).to_have_text("2 baguettes", timeout=15_000)
        expect(reply.locator("em")).to_have_text("6 pm")
        expect(reply.locator("a")).to_have_attribute("href", "https://corner-shop.example/hours")
        expect(reply).to_contain_text("<img src=x onerror=alert(1)>")
        expect(reply.locator("img")).to_have_count(0)
        page.locator(".choices button", has_text="Change the time").click()
        expect(page.locator(".msg.from-visitor .state")).to_have_text("Sent", timeout=15_000)
        expect(page.locator(".choices")).to_have_count(0)

    in_browser(chromium, shop_website.url, press, visitor=RETURNING_VISITOR)
    picked = Message.objects.get(direction=Message.Direction.INBOUND)
    assert (picked.chosen, picked.text, picked.kind) == ("booking:change", "Change the time", "button")
