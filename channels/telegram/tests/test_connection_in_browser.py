"""Connecting a Telegram bot as staff do, in headless Chromium against the live server and a fake Bot API."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from console.tests.test_console_in_browser import PASSWORD, log_in
from conversations.models import ChannelConnection
from tests.fake_platform import FakePlatformServer
from tests.support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

from .test_connection_admin import VALID_TOKEN

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOT = "connection-telegram.png"


def test_staff_connect_a_telegram_bot_and_register_its_webhook(
    live_server, business, django_user_model, fake_platform: FakePlatformServer, settings
):
    settings.PUBLIC_BASE_URL = "https://corner-shop.example"
    django_user_model.objects.create_superuser("ada", "ada@shop.example", PASSWORD)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        log_in(page, f"{live_server.url}/admin/login/?next=/admin/conversations/channelconnection/add/", "ada")
        page.select_option("#id_business", label="Corner Shop")
        page.select_option("#id_platform", label="Telegram")
        page.fill("#id_name", "Corner Shop bot")
        page.locator("input[name=_continue]").click()
        expect(page.locator(".messagelist")).to_contain_text("Saved inactive")
        expect(page.locator(".messagelist")).to_contain_text("Bot token")

        expect(page.get_by_label("Bot token")).to_be_visible()
        expect(page.locator(".form-row.field-credential_bot_token")).to_contain_text("@BotFather")
        page.screenshot(path=ARTIFACTS / SCREENSHOT, full_page=True)
        page.get_by_label("Bot token").fill("my bot")
        page.locator("input[name=_continue]").click()
        expect(page.locator(".errorlist")).to_contain_text("35 letters")

        page.get_by_label("Bot token").fill(VALID_TOKEN)
        page.check("#id_is_active")
        page.locator("fieldset.collapse summary, fieldset.collapse h2").first.click()
        page.fill("#id_api_base", fake_platform.url)
        page.locator("input[name=_register_webhook]").click()
        expect(page.locator(".messagelist")).to_contain_text("Telegram now sends this bot's updates to https://")
        browser.close()

    connection = ChannelConnection.objects.get(platform="telegram")
    assert connection.is_active and connection.credential("bot_token") == VALID_TOKEN
    [request] = fake_platform.requests
    assert request.path == f"/bot{VALID_TOKEN}/setWebhook"
    assert request.json()["url"] == connection.webhook_url()
    assert request.json()["secret_token"] == connection.credential("secret_token")
