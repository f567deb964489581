"""Connecting a Telegram bot in the admin: the guided form, inactive until complete, setWebhook, and failures
told apart (unreachable, refused)."""

from __future__ import annotations

import socket

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from channels.webhook_setup import failure
from conversations.models import ChannelConnection
from conversations.sending import PermanentSendError, TemporarySendError
from tests.fake_platform import Answer

from .harness import SECRET_TOKEN

# A token of today's shape: the bot's number, a colon, 35 characters.
VALID_TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSe1ofSAs0K5PALDsaw"
# The connection page's "Save and register the webhook" button.
REGISTER = {"_register_webhook": "Save and register the webhook"}


def change_url(connection: ChannelConnection) -> str:
    return reverse("admin:conversations_channelconnection_change", args=[connection.pk])


def form(connection: ChannelConnection, **fields: str) -> dict[str, object]:
    data: dict[str, object] = {"business": connection.business_id, "name": connection.name, "is_active": "on"}
    if connection.api_base:
        data["api_base"] = connection.api_base
    return data | {f"credential_{key}": value for key, value in fields.items()}


def shown(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def new_telegram_connection(client, business) -> ChannelConnection:
    add = reverse("admin:conversations_channelconnection_add")
    client.post(add, {"business": business.pk, "platform": "telegram", "name": "Bot", "is_active": "on"})
    return ChannelConnection.objects.get(platform="telegram")


def test_the_form_asks_for_the_bot_token_by_name_and_says_where_to_find_it(staff_client, business):
    connection = new_telegram_connection(staff_client, business)
    html = staff_client.get(change_url(connection)).content.decode()
    assert "Bot token" in html and "@BotFather" in html and "Secret token" in html
    assert "Save and register the webhook" in html and "calls Telegram&#x27;s setWebhook" in html
    assert "Paste into the platform" not in html


def test_a_new_connection_without_credentials_is_saved_inactive_saying_what_is_missing(staff_client, business):
    add = reverse("admin:conversations_channelconnection_add")
    page = staff_client.post(add, {"business": business.pk, "platform": "telegram", "is_active": "on"}, follow=True)
    connection = ChannelConnection.objects.get(platform="telegram")
    assert connection.is_active is False
    assert any("Saved inactive" in message and "Bot token" in message for message in shown(page))
    # Parley chose the secret token, in the characters Telegram accepts.
    assert len(connection.credential("secret_token")) >= 32


def test_it_cannot_be_activated_until_the_bot_token_is_set(staff_client, business):
    connection = new_telegram_connection(staff_client, business)
    staff_client.post(change_url(connection), form(connection))
    connection.refresh_from_db()
    assert connection.is_active is False
    assert staff_client.post(change_url(connection), form(connection, bot_token=VALID_TOKEN)).status_code == 302
    connection.refresh_from_db()
    assert connection.is_active is True and connection.credential("bot_token") == VALID_TOKEN


def test_a_malformed_bot_token_and_a_secret_token_telegram_refuses_are_refused(staff_client, business):
    connection = new_telegram_connection(staff_client, business)
    chosen = connection.credential("secret_token")
    page = staff_client.post(
        change_url(connection), form(connection, bot_token="my-bot-token", secret_token="not allowed: spaces!")
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "the bot&#x27;s number, a colon and 35 letters" in html
    assert "1 to 256 characters" in html
    connection.refresh_from_db()
    assert connection.credential("bot_token") == "" and connection.credential("secret_token") == chosen


def test_register_the_webhook_calls_set_webhook_with_the_url_and_the_secret_token(
    staff_client, telegram_connection, fake_platform, settings
):
    settings.PUBLIC_BASE_URL = "https://shop.example"
    page = staff_client.post(change_url(telegram_connection), form(telegram_connection) | REGISTER, follow=True)
    [request] = fake_platform.requests
    assert request.path.endswith("/setWebhook") and request.method == "POST"
    body = request.json()
    assert body["url"] == f"https://shop.example{telegram_connection.webhook_path()}"
    assert body["secret_token"] == SECRET_TOKEN
    assert "message" in body["allowed_updates"] and "callback_query" in body["allowed_updates"]
    messages = shown(page)
    assert any("Telegram now sends this bot's updates to https://shop.example" in m for m in messages)
    assert not any("not https" in m for m in messages)


def test_a_webhook_url_that_is_not_https_is_warned_about(staff_client, telegram_connection, settings):
    settings.PUBLIC_BASE_URL = "http://localhost:8000"
    page = staff_client.get(change_url(telegram_connection))
    assert any("is not https" in message for message in shown(page))


def test_telegram_refusing_the_webhook_says_refused_with_telegrams_reason(
    staff_client, telegram_connection, fake_platform, settings
):
    settings.PUBLIC_BASE_URL = "http://localhost:8000"
    refusal = {"ok": False, "error_code": 400, "description": "Bad Request: bad webhook: An HTTPS URL must be provided"}
    fake_platform.script(Answer(400, refusal))
    page = staff_client.post(change_url(telegram_connection), form(telegram_connection) | REGISTER, follow=True)
    messages = shown(page)
    assert any("Refused by Telegram: HTTP 400: Bad Request: bad webhook" in m for m in messages)
    assert any("is not https" in m for m in messages)


def test_the_register_action_of_the_list_registers_each_selected_connection(
    staff_client, telegram_connection, fake_platform
):
    changelist = reverse("admin:conversations_channelconnection_changelist")
    staff_client.post(changelist, {"action": "register_webhooks", "_selected_action": [telegram_connection.pk]})
    assert [request.path.rsplit("/", 1)[-1] for request in fake_platform.requests] == ["setWebhook"]


def test_a_test_message_to_an_unreachable_platform_says_unreachable(staff_client, telegram_connection):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    ChannelConnection.objects.filter(pk=telegram_connection.pk).update(api_base=f"http://127.0.0.1:{port}")
    url = reverse("admin:conversations_channelconnection_send_test", args=[telegram_connection.pk])
    html = staff_client.post(url, {"recipient": "12345", "text": "Test"}).content.decode()
    assert "Unreachable: Telegram could not be reached" in html and "Refused by" not in html


def test_a_test_message_with_a_wrong_token_says_refused(staff_client, telegram_connection, fake_platform):
    fake_platform.script(Answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"}))
    url = reverse("admin:conversations_channelconnection_send_test", args=[telegram_connection.pk])
    html = staff_client.post(url, {"recipient": "12345", "text": "Test"}).content.decode()
    assert "Refused by Telegram: HTTP 401: Unauthorized" in html and "Unreachable" not in html


def test_unreachable_and_refused_are_told_in_the_staff_members_language(telegram_connection):
    no_answer = TemporarySendError("could not reach api.telegram.org: ConnectError", code="network")
    wrong_token = PermanentSendError("HTTP 401: Unauthorized", code="401")
    with translation.override("de"):
        assert failure(telegram_connection, no_answer).startswith("Nicht erreichbar: Telegram konnte nicht")
        assert failure(telegram_connection, wrong_token).startswith("Abgelehnt von Telegram: HTTP 401")


def test_a_changed_secret_token_saved_without_registering_warns_that_telegram_still_sends_the_old_one(
    staff_client, business
):
    connection = new_telegram_connection(staff_client, business)
    staff_client.post(change_url(connection), form(connection, bot_token=VALID_TOKEN))
    page = staff_client.post(change_url(connection), form(connection, secret_token="a-new-secret_token-1"), follow=True)
    assert any("Secret token changed" in message and "still uses the old value" in message for message in shown(page))
    page = staff_client.post(change_url(connection), form(connection, bot_token=VALID_TOKEN), follow=True)
    assert not any("still uses the old value" in message for message in shown(page))  # nothing changed
