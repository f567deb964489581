"""The guided connection form: each platform's rules refuse what the platform would, and accept what it takes."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse
from django.utils import translation

from channels.admin import connection_form_for
from channels.connections import complete_credentials
from conversations.models import ChannelConnection

WEBCHAT_ORIGINS = "https://www.corner-shop.example, https://corner-shop.example, http://localhost:8000"


def connect(business, platform: str) -> ChannelConnection:
    """A connection as the add page leaves it: what Parley generates, no credential of the platform's."""
    connection = ChannelConnection(business=business, platform=platform, is_active=False)
    complete_credentials(connection)
    connection.save()
    return connection


def save(client, connection: ChannelConnection, **credentials: str):
    url = reverse("admin:conversations_channelconnection_change", args=[connection.pk])
    data = {"business": connection.business_id, "name": "", "is_active": "on"}
    return client.post(url, data | {f"credential_{key}": value for key, value in credentials.items()})


@pytest.mark.parametrize(
    ("platform", "key", "refused", "error"),
    [
        ("whatsapp", "phone_number_id", "+33 6 12 34 56 78", "digits only"),
        ("messenger", "page_id", "corner-shop", "digits only"),
        ("instagram", "account_id", "@cornershop", "digits only"),
        ("twilio", "account_sid", "SK0123456789abcdef0123456789abcdef", "AC followed by 32 hexadecimal digits"),
        ("twilio", "from_number", "06 12 34 56 78", "international form"),
        ("webchat", "allowed_origins", "www.corner-shop.example", "is not a website origin"),
        ("webchat", "allowed_origins", "https://corner-shop.example/shop", "is not a website origin"),
    ],
)
def test_a_value_the_platform_would_refuse_is_refused_and_nothing_is_saved(
    staff_client, business, platform, key, refused, error
):
    connection = connect(business, platform)
    page = save(staff_client, connection, **{key: refused})
    assert page.status_code == 200 and error in page.content.decode()
    connection.refresh_from_db()
    assert connection.credential(key) == ""


def test_a_complete_whatsapp_connection_is_saved_active(staff_client, business):
    connection = connect(business, "whatsapp")
    credentials = {"phone_number_id": "106540352242922", "access_token": "EAAG", "app_secret": "s3cret"}
    assert save(staff_client, connection, **credentials).status_code == 302
    connection.refresh_from_db()
    assert connection.is_active and connection.credential("verify_token")


def test_a_twilio_connection_takes_its_sid_and_a_whatsapp_number(staff_client, business):
    connection = connect(business, "twilio")
    credentials = {
        "account_sid": "AC" + "0123456789abcdef" * 2,
        "auth_token": "t0k",
        "from_number": "whatsapp:+14155238886",
    }
    assert save(staff_client, connection, **credentials).status_code == 302
    connection.refresh_from_db()
    assert connection.is_active and connection.credential("from_number") == "whatsapp:+14155238886"


def test_a_web_chat_needs_no_credential_and_takes_origins_as_the_browser_sends_them(staff_client, business):
    connection = connect(business, "webchat")
    assert save(staff_client, connection, allowed_origins=WEBCHAT_ORIGINS).status_code == 302
    connection.refresh_from_db()
    assert connection.is_active and connection.credential("allowed_origins") == WEBCHAT_ORIGINS


def test_an_incomplete_meta_connection_names_each_missing_credential_in_words(staff_client, business):
    connection = connect(business, "messenger")
    page = save(staff_client, connection, page_id="109876543210987")
    assert page.status_code == 302
    connection.refresh_from_db()
    assert connection.is_active is False
    html = staff_client.get(page.url).content.decode()
    assert "Saved inactive" in html and "Page access token, App secret" in html


def test_the_form_is_labelled_and_translated(business):
    connection = connect(business, "whatsapp")
    with translation.override("fr"):
        field = connection_form_for(connection)(instance=connection).fields["credential_phone_number_id"]
        assert field.label == "Identifiant du numéro de téléphone"
        assert "API Setup" in str(field.help_text) and "Dans l'app Meta" in str(field.help_text)


def test_a_connection_whose_secrets_no_key_opens_is_listed_shown_and_given_its_secrets_again(
    staff_client, business, settings
):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PARLEY_ENCRYPTION_KEYS = [old_key]
    connection = connect(business, "whatsapp")
    credentials = {"phone_number_id": "106540352242922", "access_token": "EAAG", "app_secret": "s3cret"}
    assert save(staff_client, connection, **credentials).status_code == 302
    settings.PARLEY_ENCRYPTION_KEYS = [new_key]  # the old key removed before the rotation ran
    assert staff_client.get(reverse("admin:conversations_channelconnection_changelist")).status_code == 200
    page = staff_client.get(reverse("admin:conversations_channelconnection_change", args=[connection.pk]))
    assert page.status_code == 200 and "cannot be decrypted" in page.content.decode()
    assert save(staff_client, connection, **credentials).status_code == 302
    connection.refresh_from_db()
    assert connection.is_active and connection.credential("app_secret") == "s3cret"


def test_a_web_chat_written_without_its_public_key_shows_its_page_and_gets_the_key_on_save(staff_client, business):
    connection = ChannelConnection.objects.create(business=business, platform="webchat", is_active=False)
    page = staff_client.get(reverse("admin:conversations_channelconnection_change", args=[connection.pk]))
    assert page.status_code == 200 and "Save this connection once" in page.content.decode()
    assert save(staff_client, connection, allowed_origins="").status_code == 302
    connection.refresh_from_db()
    assert connection.credential("public_key") and connection.is_active
