"""'Save and check the webhook' for Meta's platforms: the subscription read from a fake Graph API on 127.0.0.1,
in Graph's own shapes, and what is missing said in words."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from business.models import Business
from channels.registry import PLATFORMS
from conversations.models import ChannelConnection
from tests.fake_platform import Answer, FakePlatformServer

CHECK = {"_register_webhook": "Save and check the webhook"}
APP_ID = "1234567890123"


def check(client, connection: ChannelConnection) -> list[str]:
    url = reverse("admin:conversations_channelconnection_change", args=[connection.pk])
    data = {"business": connection.business_id, "name": connection.name, "is_active": "on"}
    # The ids are shown in the form and posted back as they are; secrets left blank keep theirs.
    spec = PLATFORMS[connection.platform]
    data |= {
        f"credential_{key}": connection.credential(key) for key in spec.settable_keys() if key not in spec.secret_keys
    }
    page = client.post(url, data | CHECK, follow=True)
    return [str(message) for message in get_messages(page.wsgi_request)]


@pytest.fixture
def whatsapp_connection(business: Business, fake_platform: FakePlatformServer) -> ChannelConnection:
    credentials = {"phone_number_id": "106540352242922", "access_token": "EAAwhatsapp", "app_secret": "wa-secret",
                   "verify_token": "verify-7731", "app_id": APP_ID}  # fmt: skip
    return ChannelConnection.objects.create(
        business=business, platform="whatsapp", credentials=credentials, api_base=fake_platform.url
    )


def page_subscribed(*fields: str, app_id: str = APP_ID) -> Answer:
    """`GET /{page-id}/subscribed_apps`: the apps the Page delivers to."""
    return Answer(200, {"data": [{"category": "Business", "link": "https://parley.example", "name": "Parley",
                                  "id": app_id, "subscribed_fields": list(fields)}]})  # fmt: skip


def app_subscribed(webhook_object: str, callback_url: str, *fields: str, active: bool = True) -> Answer:
    """`GET /{app-id}/subscriptions`: the app's webhooks, one per object."""
    subscription = {"object": webhook_object, "callback_url": callback_url, "active": active,
                    "fields": [{"name": field, "version": "v21.0"} for field in fields]}  # fmt: skip
    return Answer(200, {"data": [subscription]})


def test_a_page_subscribed_without_postbacks_is_told_what_is_missing(staff_client, messenger_connection, fake_platform):
    fake_platform.script(page_subscribed("messages"))
    messages = check(staff_client, messenger_connection)
    [request] = fake_platform.requests
    assert (
        request.method == "GET"
        and request.path == f"/v21.0/{messenger_connection.credential('page_id')}/subscribed_apps"
    )
    assert request.headers["Authorization"] == "Bearer EAAtestpagetoken"
    assert any("lacks these webhook fields: messaging_postbacks" in message for message in messages)


def test_a_page_subscribed_to_no_app_is_told_so(staff_client, messenger_connection, fake_platform):
    fake_platform.script(Answer(200, {"data": []}))
    assert any("The Page is not subscribed to the app" in m for m in check(staff_client, messenger_connection))


def test_a_page_and_app_subscribed_as_parley_needs_is_confirmed(staff_client, messenger_connection, fake_platform):
    messenger_connection.credentials["app_id"] = APP_ID
    messenger_connection.save()
    fake_platform.script(
        page_subscribed("messages", "messaging_postbacks", "message_reads"),
        app_subscribed("page", messenger_connection.webhook_url(), "messages", "messaging_postbacks"),
    )
    messages = check(staff_client, messenger_connection)
    assert any("Meta sends this connection's messages to its webhook URL." in m for m in messages)
    assert fake_platform.requests[1].path == f"/v21.0/{APP_ID}/subscriptions"


def test_whatsapp_reads_the_apps_webhook_with_the_apps_own_token(staff_client, whatsapp_connection, fake_platform):
    fake_platform.script(app_subscribed("whatsapp_business_account", "https://old-host.example/hook", "statuses"))
    messages = check(staff_client, whatsapp_connection)
    [request] = fake_platform.requests
    assert request.path == f"/v21.0/{APP_ID}/subscriptions"
    assert request.headers["Authorization"] == f"Bearer {APP_ID}|{whatsapp_connection.credential('app_secret')}"
    assert any("sends its webhooks to https://old-host.example/hook, not to this connection" in m for m in messages)
    assert any("lacks these webhook fields: messages" in m for m in messages)


def test_whatsapp_without_an_app_id_asks_for_it_and_calls_nothing(staff_client, whatsapp_connection, fake_platform):
    whatsapp_connection.credentials["app_id"] = ""
    whatsapp_connection.save()
    messages = check(staff_client, whatsapp_connection)
    assert any("Type the App ID above" in m for m in messages) and fake_platform.requests == []


def test_an_expired_token_is_refused_not_unreachable(staff_client, messenger_connection, fake_platform):
    expired = {"error": {"message": "Error validating access token: Session has expired", "type": "OAuthException",
                         "code": 190, "error_subcode": 463}}  # fmt: skip
    fake_platform.script(Answer(400, expired))
    messages = check(staff_client, messenger_connection)
    assert any("Refused by Facebook Messenger: HTTP 400: Error validating access token" in m for m in messages)
