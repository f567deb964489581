"""Platform tokens and model server keys go only to hosts the server's configuration allows, error pages
from those hosts are never shown, and a database dump alone reveals no credential (issue 14, items 2 and 14)."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from io import StringIO
from urllib.parse import urlsplit, urlunsplit

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection as database
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from agents.models import AgentConfig, AgentRun, HttpTool
from agents.turns import answer_inbound_message
from business.models import Business
from channels.playground.connection import playground_connection, store_playground_message
from channels.registry import PLATFORMS
from conversations import outbox
from conversations.events import CustomerMessage
from conversations.inbound import store_customer_message
from conversations.models import ChannelConnection, Message
from infrastructure.encrypted_fields import UndecryptableSecret
from tests.fake_platform import Answer, FakePlatformServer
from tests.support.platform_contract import harness_for, platforms_customers_reach, sends_through_an_api

pytestmark = pytest.mark.django_db


def marked_credentials(platform: str) -> dict[str, str]:
    """The platform harness's credentials, each secret one marked so that a search for it cannot match by chance."""
    secret_keys = PLATFORMS[platform].secret_keys
    credentials = harness_for(platform).credentials()
    return {key: f"{value}-Qx81" if key in secret_keys else value for key, value in credentials.items()}


CREDENTIALS = {platform: marked_credentials(platform) for platform in platforms_customers_reach()}
SECRETS = [value for values in CREDENTIALS.values() for key, value in values.items() if "Qx81" in value]
TOOL_SECRET = "tool-signing-secret-Qx81"
SERVER_KEY = "sk-model-server-key-Qx81"
TOOL_URL = "https://tools.example/stock"
# What an internal service's error page gave away in the review.
LEAKED_PAGE = b"<html>Internal config: db_password=hunter2-Qx81 redis_password=swordfish</html>"
PLATFORMS_THAT_SEND = [platform for platform in CREDENTIALS if sends_through_an_api(platform)]


@pytest.fixture
def internal_service() -> Iterator[FakePlatformServer]:
    """A service inside Parley's own network that no token should ever reach."""
    server = FakePlatformServer(default=lambda request, count: Answer(200, LEAKED_PAGE, {"Content-Type": "text/html"}))
    yield server
    server.close()


def connect(business: Business, platform: str, api_base: str = "") -> ChannelConnection:
    return ChannelConnection.objects.create(
        business=business, platform=platform, credentials=dict(CREDENTIALS[platform]), api_base=api_base
    )


def pending_reply(connection: ChannelConnection) -> Message:
    sender = "whatsapp:+15551230000" if connection.platform == "twilio" else "15551230000"
    event = CustomerMessage(platform_message_id="in-1", sender_id=sender, text="Hi")
    inbound = store_customer_message(connection, event)
    return outbox.queue_reply(inbound.conversation, "Hello!", author=Message.Author.AGENT, reply_to=inbound)


def everything_stored() -> str:
    """Every row of every table, as a database dump has them."""
    rows = []
    with database.cursor() as cursor:
        for table in database.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows)


# Item 2: who may point a credential at a host, and which hosts receive it.


def test_staff_who_are_not_superusers_cannot_point_a_connection_at_an_internal_service(
    staff_client, business, fake_platform, internal_service
):
    connection = connect(business, "messenger", api_base=fake_platform.url)
    change = reverse("admin:conversations_channelconnection_change", args=[connection.pk])
    page = staff_client.get(change).content.decode()
    assert 'name="api_base"' not in page and fake_platform.url not in page
    form = {"business": business.pk, "name": "Page", "is_active": "on", "credential_page_id": "104857361928374"}
    assert staff_client.post(change, form | {"api_base": internal_service.url}).status_code == 302
    add = reverse("admin:conversations_channelconnection_add")
    new = {"business": business.pk, "platform": "telegram", "is_active": "on", "api_base": internal_service.url}
    staff_client.post(add, new)
    assert set(ChannelConnection.objects.values_list("api_base", flat=True)) == {fake_platform.url, ""}
    send_test = reverse("admin:conversations_channelconnection_send_test", args=[connection.pk])
    staff_client.post(send_test, {"recipient": "6785123409871234", "text": "Test"})
    assert internal_service.requests == [] and len(fake_platform.requests) == 1


def test_a_superuser_may_choose_only_a_host_the_server_lists(admin_client, business, fake_platform, settings):
    settings.PARLEY_PLATFORM_API_HOSTS = ["graph.example-proxy.test"]
    connection = connect(business, "messenger")
    change = reverse("admin:conversations_channelconnection_change", args=[connection.pk])
    assert 'name="api_base"' in admin_client.get(change).content.decode()
    form = {"business": business.pk, "name": "Page", "is_active": "on", "credential_page_id": "104857361928374"}
    refused = admin_client.post(change, form | {"api_base": fake_platform.url})
    assert refused.status_code == 200 and "PARLEY_PLATFORM_API_HOSTS" in refused.content.decode()
    assert admin_client.post(change, form | {"api_base": "https://graph.example-proxy.test/"}).status_code == 302
    connection.refresh_from_db()
    assert connection.api_base == "https://graph.example-proxy.test/"


@pytest.mark.parametrize("platform", PLATFORMS_THAT_SEND)
def test_a_connection_written_to_point_at_an_unlisted_host_sends_it_nothing(
    platform, business, internal_service, settings
):
    settings.PARLEY_PLATFORM_API_HOSTS = []
    connection = connect(business, platform)
    # As an import, a script or an old row would: past the admin's and the model's checks.
    ChannelConnection.objects.filter(pk=connection.pk).update(api_base=internal_service.url)
    reply = pending_reply(connection)
    outbox.show_typing(reply.conversation)
    outbox.deliver(reply.pk)
    reply.refresh_from_db()
    assert internal_service.requests == []
    assert (reply.status, reply.error_code) == (Message.Status.FAILED, "api_host_not_allowed")
    assert "PARLEY_PLATFORM_API_HOSTS" in reply.error_detail


def the_platforms_own_host(platform: str, scheme: str, port: int | None) -> str:
    own = urlsplit(PLATFORMS[platform].default_api_base)
    return urlunsplit(own._replace(scheme=scheme, netloc=f"{own.hostname}:{port}" if port else own.hostname))


@pytest.mark.parametrize("platform", PLATFORMS_THAT_SEND)
@pytest.mark.parametrize("scheme, port", [("http", None), ("https", 8443), ("http", 443)])
def test_a_connection_written_to_reach_the_platforms_own_host_unencrypted_or_elsewhere_sends_nothing(
    platform, scheme, port, business, settings
):
    settings.PARLEY_PLATFORM_API_HOSTS = []
    connection = connect(business, platform)
    api_base = the_platforms_own_host(platform, scheme, port)
    ChannelConnection.objects.filter(pk=connection.pk).update(api_base=api_base)
    reply = pending_reply(connection)
    outbox.deliver(reply.pk)
    reply.refresh_from_db()
    assert (reply.status, reply.error_code) == (Message.Status.FAILED, "api_host_not_allowed")
    assert "receives a token only at https://" in reply.error_detail


def test_a_superuser_may_name_the_platforms_own_host_only_over_https_on_its_port(admin_client, business, settings):
    settings.PARLEY_PLATFORM_API_HOSTS = []
    connection = connect(business, "messenger")
    change = reverse("admin:conversations_channelconnection_change", args=[connection.pk])
    form = {"business": business.pk, "name": "Page", "is_active": "on", "credential_page_id": "104857361928374"}
    refused = admin_client.post(change, form | {"api_base": the_platforms_own_host("messenger", "http", None)})
    assert refused.status_code == 200
    assert "receives a token only at https://graph.facebook.com" in refused.content.decode()
    explicit_port = the_platforms_own_host("messenger", "https", 443)
    assert admin_client.post(change, form | {"api_base": explicit_port}).status_code == 302
    connection.refresh_from_db()
    assert connection.api_base == explicit_port


def test_connect_channel_refuses_an_unlisted_host(business, settings):
    settings.PARLEY_PLATFORM_API_HOSTS = []
    with pytest.raises(CommandError, match="PARLEY_PLATFORM_API_HOSTS"):
        call_command("connect_channel", business.slug, "telegram", "--set", "api_base=http://10.0.0.7")
    assert not ChannelConnection.objects.filter(platform="telegram").exists()


@pytest.mark.parametrize("platform", PLATFORMS_THAT_SEND)
def test_an_error_page_from_an_allowed_host_is_neither_stored_nor_shown(
    platform, admin_client, business, fake_platform
):
    connection = connect(business, platform, api_base=fake_platform.url)
    fake_platform.script(
        Answer(400, LEAKED_PAGE, {"Content-Type": "text/html"}),
        Answer(400, {"debug": LEAKED_PAGE.decode()}),  # JSON, but not the platform's error shape
        Answer(400, LEAKED_PAGE, {"Content-Type": "text/html"}),
    )
    reply = pending_reply(connection)
    outbox.deliver(reply.pk)
    reply.refresh_from_db()
    send_test = reverse("admin:conversations_channelconnection_send_test", args=[connection.pk])
    test_message = {"recipient": "15551230000", "text": "Test"}
    shown = [admin_client.post(send_test, test_message).content.decode() for _ in range(2)]
    assert len(fake_platform.requests) == 3
    assert reply.status == Message.Status.FAILED and reply.error_detail == "HTTP 400"
    for page in shown:
        assert f"Refused by {connection.get_platform_display()}: HTTP 400" in page
        assert "db_password" not in page and "hunter2" not in page
    transcript = admin_client.get(reverse("console:transcript", args=[business.slug, reply.conversation_id]))
    assert "HTTP 400" in transcript.content.decode() and "hunter2" not in transcript.content.decode()


def test_staff_who_are_not_superusers_cannot_see_or_change_the_model_server_or_its_key(
    staff_client, business, internal_service
):
    server_url = "http://gpu.internal.test:8080/v1"
    AgentConfig.objects.filter(business=business).update(server_url=server_url, server_api_key=SERVER_KEY)
    config = AgentConfig.objects.get(business=business)
    change = reverse("admin:agents_agentconfig_change", args=[config.pk])
    page = staff_client.get(change).content.decode()
    assert 'name="server_url"' not in page and 'name="server_api_key_new"' not in page and server_url not in page
    form = {
        "business": business.pk, "instructions": config.instructions, "tool_strategy": "planned", "max_steps": 4,
        "time_budget_seconds": 60, "burst_settle_seconds": 2, "backend": "openai", "temperature": 0.3,
        "max_reply_tokens": 160, "context_size": 4096, "acknowledgements": "reply",
    }  # fmt: skip
    attack = {"server_url": f"{internal_service.url}/v1", "server_api_key_new": "sk-stolen"}
    assert staff_client.post(change, form | attack).status_code == 302
    config.refresh_from_db()
    assert (config.backend, config.server_url, config.server_api_key) == ("openai", server_url, SERVER_KEY)


def test_a_superuser_may_put_the_model_server_only_on_a_host_the_server_lists(admin_client, business, settings):
    settings.PARLEY_MODEL_SERVER_HOSTS = ["gpu.internal.test"]
    config = AgentConfig.objects.get(business=business)
    change = reverse("admin:agents_agentconfig_change", args=[config.pk])
    form = admin_client.get(change).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "enabled_tools"}
    data |= {"business": business.pk, "backend": "openai", "server_api_key_new": "sk-new"}
    refused = admin_client.post(change, data | {"server_url": "http://10.0.0.7:8080/v1"})
    assert refused.status_code == 200 and "PARLEY_MODEL_SERVER_HOSTS" in refused.content.decode()
    assert admin_client.post(change, data | {"server_url": "http://gpu.internal.test:8080/v1"}).status_code == 302
    config.refresh_from_db()
    assert (config.server_url, config.server_api_key) == ("http://gpu.internal.test:8080/v1", "sk-new")


def ask_the_agent(business: Business) -> AgentRun:
    inbound = store_playground_message(playground_connection(business), "visitor-1", "Do you ship abroad?")
    answer_inbound_message(inbound.pk, settle=False)
    return AgentRun.objects.get(inbound_message=inbound)


def test_an_agent_written_to_use_an_unlisted_model_server_sends_it_neither_key_nor_conversation(
    business, internal_service, settings
):
    settings.PARLEY_MODEL_SERVER_HOSTS = []
    AgentConfig.objects.filter(business=business).update(
        backend=AgentConfig.Backend.OPENAI, server_url=f"{internal_service.url}/v1", server_api_key=SERVER_KEY
    )
    run = ask_the_agent(business)
    assert internal_service.requests == []
    assert run.outcome == AgentRun.Outcome.FAILED and "PARLEY_MODEL_SERVER_HOSTS" in run.error


def test_an_error_page_from_the_model_server_is_not_shown(admin_client, business, internal_service):
    AgentConfig.objects.filter(business=business).update(
        backend=AgentConfig.Backend.OPENAI, server_url=f"{internal_service.url}/v1", server_api_key=SERVER_KEY
    )
    internal_service.script(Answer(500, LEAKED_PAGE, {"Content-Type": "text/html"}))
    run = ask_the_agent(business)
    [request] = internal_service.requests
    assert request.headers["Authorization"] == f"Bearer {SERVER_KEY}"
    page = admin_client.get(reverse("admin:agents_agentrun_change", args=[run.pk])).content.decode()
    assert run.outcome == AgentRun.Outcome.FAILED and "hunter2" not in run.error + page


# Item 14: credentials encrypted at rest.


def store_every_kind_of_secret(business: Business) -> list[ChannelConnection]:
    connections = [connect(business, platform) for platform in CREDENTIALS]
    HttpTool.objects.create(business=business, name="stock", description="-", url=TOOL_URL, signing_secret=TOOL_SECRET)
    config = AgentConfig.objects.get(business=business)
    config.server_api_key = SERVER_KEY
    config.save()
    return connections


def test_a_database_dump_reveals_no_credential(business):
    connections = store_every_kind_of_secret(business)
    dump = everything_stored()
    assert CREDENTIALS["messenger"]["page_id"] in dump  # the dump is real: the ids webhooks look up are there
    assert [secret for secret in [*SECRETS, TOOL_SECRET, SERVER_KEY] if secret in dump] == []
    for connection in connections:
        stored = ChannelConnection.objects.get(pk=connection.pk)
        expected = CREDENTIALS[connection.platform]
        assert {key: stored.credential(key) for key in expected} == expected
    assert HttpTool.objects.get().signing_secret == TOOL_SECRET
    assert AgentConfig.objects.get(business=business).server_api_key == SERVER_KEY


def test_dumpdata_writes_no_credential_decrypted_nor_encrypted(business):
    store_every_kind_of_secret(business)
    dump = StringIO()
    call_command("dumpdata", "conversations", "agents", stdout=dump)
    assert CREDENTIALS["messenger"]["page_id"] in dump.getvalue()  # the connections are in it
    assert [secret for secret in [*SECRETS, TOOL_SECRET, SERVER_KEY] if secret in dump.getvalue()] == []
    assert [token for token in raw_tokens() if token.decode() in dump.getvalue()] == []


def test_the_migrations_encrypt_the_secrets_stored_before_them(business):
    connection = connect(business, "twilio")
    tool = HttpTool.objects.create(business=business, name="check_stock", description="Stock", url=TOOL_URL)
    # The rows as the earlier schema stored them: secrets in the clear.
    ChannelConnection.objects.filter(pk=connection.pk).update(credentials=CREDENTIALS["twilio"], secrets={})
    with database.cursor() as cursor:
        cursor.execute("UPDATE agents_httptool SET signing_secret = %s WHERE id = %s", [TOOL_SECRET, tool.pk])
    assert CREDENTIALS["twilio"]["auth_token"] in everything_stored() and TOOL_SECRET in everything_stored()
    # The connection as that migration knew it, in the app that held it then.
    then = MigrationExecutor(database).loader.project_state(("channels_app", "0004_connection_secrets")).apps
    import_module("channels.migrations.0004_connection_secrets").encrypt_secrets(then, None)
    import_module("agents.migrations.0004_agent_secrets").encrypt_existing(apps, None)
    dump = everything_stored()
    assert CREDENTIALS["twilio"]["auth_token"] not in dump and TOOL_SECRET not in dump
    assert (
        ChannelConnection.objects.get(pk=connection.pk).credential("auth_token") == CREDENTIALS["twilio"]["auth_token"]
    )
    assert HttpTool.objects.get(pk=tool.pk).signing_secret == TOOL_SECRET


def raw_tokens() -> list[bytes]:
    tokens = []
    with database.cursor() as cursor:
        for column, table in [
            ("secrets", "channels_app_channelconnection"),
            ("signing_secret", "agents_httptool"),
            ("server_api_key", "agents_agentconfig"),
        ]:
            cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''")
            tokens += [row[0].encode() for row in cursor.fetchall()]
    return tokens


def test_after_rotation_the_newest_key_alone_decrypts_every_secret(business, settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PARLEY_ENCRYPTION_KEYS = [old_key]
    store_every_kind_of_secret(business)
    settings.PARLEY_ENCRYPTION_KEYS = [new_key]
    with pytest.raises(UndecryptableSecret):
        HttpTool.objects.get()
    settings.PARLEY_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_encryption_keys", stdout=StringIO())
    settings.PARLEY_ENCRYPTION_KEYS = [new_key]
    for token in raw_tokens():
        Fernet(new_key.encode()).decrypt(token)
        with pytest.raises(InvalidToken):
            Fernet(old_key.encode()).decrypt(token)
    assert HttpTool.objects.get().signing_secret == TOOL_SECRET
    assert AgentConfig.objects.get(business=business).server_api_key == SERVER_KEY
    messenger = ChannelConnection.objects.get(platform="messenger")
    assert messenger.credential("access_token") == CREDENTIALS["messenger"]["access_token"]


def test_an_installation_that_started_without_keys_moves_to_its_own_with_one_rotation(business, settings):
    settings.PARLEY_ENCRYPTION_KEYS = []
    store_every_kind_of_secret(business)
    own_key = Fernet.generate_key().decode()
    settings.PARLEY_ENCRYPTION_KEYS = [own_key]
    assert HttpTool.objects.get().signing_secret == TOOL_SECRET  # still read with the key derived from SECRET_KEY
    call_command("rotate_encryption_keys", stdout=StringIO())
    for token in raw_tokens():
        Fernet(own_key.encode()).decrypt(token)
    assert AgentConfig.objects.get(business=business).server_api_key == SERVER_KEY


@pytest.mark.parametrize("platform", [platform for platform in CREDENTIALS if PLATFORMS[platform].secret_keys])
def test_a_changed_secret_key_makes_webhooks_ask_for_redelivery_and_says_why(business, settings, caplog, platform):
    settings.PARLEY_ENCRYPTION_KEYS = []
    connection = connect(business, platform)
    # Secrets stored under the key derived from DJANGO_SECRET_KEY; the operator then changes that key.
    settings.SECRET_KEY = "a-new-secret-key-chosen-after-the-secrets-were-stored-Qx81"
    response = Client(raise_request_exception=False).post(
        connection.webhook_path(), data=b"{}", content_type="application/json"
    )
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "cannot be decrypted with PARLEY_ENCRYPTION_KEYS" in caplog.text
    assert not Message.objects.exists()
