"""The staff's admin pages: connection secrets are write-only, setup lines are shown, tools toggle."""

from __future__ import annotations

from django.urls import reverse

from agents.models import AgentConfig
from business.models import Business
from conversations.models import ChannelConnection
from tests.fake_platform import Answer
from tests.support import MESSENGER_SECRET

SECRETS_SHOWN_NEVER = ["EAAtestpagetoken", MESSENGER_SECRET]


def change_url(connection: ChannelConnection) -> str:
    return reverse("admin:conversations_channelconnection_change", args=[connection.pk])


def connection_form(connection: ChannelConnection, **credentials: str) -> dict[str, str]:
    data = {
        "business": connection.business_id,
        "name": connection.name,
        "api_base": connection.api_base,
        "is_active": "on",
    }
    return data | {f"credential_{key}": value for key, value in credentials.items()}


def test_the_connection_page_shows_the_webhook_url_and_verify_token_but_no_secret(staff_client, messenger_connection):
    html = staff_client.get(change_url(messenger_connection)).content.decode()
    assert messenger_connection.webhook_url() in html
    assert messenger_connection.credential("verify_token") in html
    assert "(saved)" in html
    assert not any(secret in html for secret in SECRETS_SHOWN_NEVER)


def test_a_blank_secret_keeps_the_saved_one_and_a_new_one_replaces_it(staff_client, messenger_connection):
    page = staff_client.post(
        change_url(messenger_connection),
        connection_form(
            messenger_connection, page_id="999", verify_token="tok", access_token="", app_secret="new-secret"
        ),
    )
    assert page.status_code == 302
    messenger_connection.refresh_from_db()
    expected = {"page_id": "999", "verify_token": "tok", "access_token": "EAAtestpagetoken", "app_secret": "new-secret"}
    assert {key: messenger_connection.credential(key) for key in expected} == expected


def test_a_new_connection_asks_for_the_platform_first_then_generates_what_parley_chooses(staff_client, business):
    add = reverse("admin:conversations_channelconnection_add")
    staff_client.post(add, {"business": business.pk, "platform": "webchat", "name": "Site", "is_active": "on"})
    connection = ChannelConnection.objects.get(platform="webchat")
    assert connection.credential("public_key")
    html = staff_client.get(change_url(connection)).content.decode()
    assert f"/webchat/{connection.credential('public_key')}/widget.js" in html
    assert 'name="credential_allowed_origins"' in html


def test_the_test_message_reaches_the_platform(staff_client, messenger_connection, fake_platform):
    url = reverse("admin:conversations_channelconnection_send_test", args=[messenger_connection.pk])
    assert staff_client.get(url).status_code == 200
    page = staff_client.post(url, {"recipient": "6785123409871234", "text": "Test from Parley"}, follow=True)
    assert "the platform accepted it as m_fake_1" in page.content.decode()
    [request] = fake_platform.requests
    assert request.json()["message"] == {"text": "Test from Parley"}
    assert request.headers["Authorization"] == "Bearer EAAtestpagetoken"


def test_a_refused_test_message_shows_the_platforms_reason(staff_client, messenger_connection, fake_platform):
    fake_platform.script(Answer(400, {"error": {"message": "Invalid OAuth access token.", "code": 190}}))
    url = reverse("admin:conversations_channelconnection_send_test", args=[messenger_connection.pk])
    page = staff_client.post(url, {"recipient": "1", "text": "Test"})
    assert page.status_code == 200 and "Invalid OAuth access token." in page.content.decode()


def test_tools_are_switched_off_and_on_in_the_agent_page(staff_client, business):
    config = AgentConfig.objects.get(business=business)
    url = reverse("admin:agents_agentconfig_change", args=[config.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "enabled_tools"}
    data |= {
        "business": business.pk,
        "instructions": "Be brief.",
        "enabled_tools": ["search_knowledge", "business_info"],
    }
    assert staff_client.post(url, data).status_code == 302
    config.refresh_from_db()
    assert (config.instructions, config.enabled_tools) == ("Be brief.", ["search_knowledge", "business_info"])
    every = [name for name, _ in form.fields["enabled_tools"].choices]
    staff_client.post(url, data | {"enabled_tools": every})
    config.refresh_from_db()
    assert config.enabled_tools == []
    assert reverse("console:playground", args=[business.slug]) in staff_client.get(url).content.decode()


def test_a_superuser_sets_the_model_servers_key_and_never_sees_it_again(admin_client, business):
    config = AgentConfig.objects.get(business=business)
    url = reverse("admin:agents_agentconfig_change", args=[config.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "enabled_tools"}
    assert admin_client.post(url, data | {"business": business.pk, "server_api_key_new": "sk-1"}).status_code == 302
    config.refresh_from_db()
    assert config.server_api_key == "sk-1"
    assert "sk-1" not in admin_client.get(url).content.decode()


def test_the_staff_member_edits_the_business_but_not_its_members(staff_client, business):
    html = staff_client.get(reverse("admin:business_business_change", args=[business.pk])).content.decode()
    assert "FAQ entries" in html and "memberships-TOTAL_FORMS" not in html
    assert Business.objects.count() == 1


def test_the_console_channel_is_not_offered_for_a_new_connection(staff_client, business):
    html = staff_client.get(reverse("admin:conversations_channelconnection_add")).content.decode()
    assert 'value="messenger"' in html and 'value="console"' not in html
    page = staff_client.post(
        reverse("admin:conversations_channelconnection_add"), {"business": business.pk, "platform": "console"}
    )
    assert page.status_code == 200 and not ChannelConnection.objects.filter(platform="console").exists()
