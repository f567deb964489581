"""Twilio webhooks with a JSON body (the URL carries the body's SHA-256 as `bodySHA256` and is signed alone), and
webhooks a Webhooks Rule signs with a shared key and HMAC-SHA256: accepted when authentic, and every forgery
refused with 403 and nothing stored."""

from __future__ import annotations

import json
from typing import Any

import pytest

from channels.twilio.signature import SETTINGS_HEADER, SIGNATURE_HEADER, body_hash, is_valid, sign
from conversations.models import ChannelConnection, Message
from tests.support import load_fixture

from .conftest import raw
from .harness import form_fields

VECTOR = load_fixture(__file__, "signature_test_vector")["signing"]["json_body_variant"]
SIGNATURE = "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")
SETTINGS = "HTTP_" + SETTINGS_HEADER.upper().replace("-", "_")
SHARED_KEY = "whsk_4c1f0e9b7a5d3e2f"
SHA256_SETTINGS = "key=KS2a9d3f6c1e8b7a5d4c3b2a1f0e9d8c7b,algorithm=HMAC_SHA256"


def sms_as_json() -> bytes:
    return json.dumps({name: values[0] for name, values in form_fields(raw("sms_text_message")).items()}).encode()


def post_json(client: Any, connection: ChannelConnection, body: bytes, signed_body: bytes | None = None, **headers):
    """POST `body` as JSON to a URL carrying the hash of `signed_body` (by default the body itself), signed."""
    query = f"?bodySHA256={body_hash(body if signed_body is None else signed_body)}"
    signature = sign(connection.credential("auth_token"), connection.webhook_url() + query, {})
    return client.post(
        connection.webhook_path() + query,
        data=body,
        content_type="application/json",
        **{SIGNATURE: signature, **headers},
    )


def test_twilios_json_vector_is_what_we_compute():
    assert body_hash(VECTOR["raw_body"].encode()) in VECTOR["url"]
    assert is_valid("12345", VECTOR["url"], {}, VECTOR["example_signature"])


def test_a_json_webhook_is_stored_like_its_form_twin(client, twilio_connection):
    response = post_json(client, twilio_connection, sms_as_json())
    assert response.status_code == 200 and response["Content-Type"] == "text/xml"
    [message] = Message.objects.all()
    assert message.text == "Hi, can I move my 3pm appointment to Friday?"
    assert message.conversation.contact.platform_user_id == "+15551234567"


def test_an_altered_json_body_under_a_valid_url_signature_is_refused(client, twilio_connection):
    genuine = sms_as_json()
    altered = genuine.replace(b"Friday", b"Monday")
    assert post_json(client, twilio_connection, altered, signed_body=genuine).status_code == 403
    assert not Message.objects.exists()


@pytest.mark.parametrize("query", ["", "?bodySHA256="])
def test_a_json_body_without_its_hash_in_the_url_is_refused(client, twilio_connection, query):
    signature = sign(twilio_connection.credential("auth_token"), twilio_connection.webhook_url() + query, {})
    response = client.post(
        twilio_connection.webhook_path() + query, data=sms_as_json(), content_type="application/json",
        **{SIGNATURE: signature},
    )  # fmt: skip
    assert response.status_code == 403
    assert not Message.objects.exists()


def test_a_json_webhook_signed_with_another_token_is_refused(client, twilio_connection):
    body = sms_as_json()
    query = f"?bodySHA256={body_hash(body)}"
    forged = sign("another-auth-token", twilio_connection.webhook_url() + query, {})
    response = client.post(
        twilio_connection.webhook_path() + query, data=body, content_type="application/json", **{SIGNATURE: forged}
    )
    assert response.status_code == 403
    assert not Message.objects.exists()


def test_an_authentic_json_body_that_is_not_an_object_is_malformed(client, twilio_connection):
    assert post_json(client, twilio_connection, b'["MessageSid", "From"]').status_code == 400
    assert not Message.objects.exists()


def sha256_post(client: Any, connection: ChannelConnection, key: str, settings_header: str = SHA256_SETTINGS):
    body = raw("sms_text_message")
    signature = sign(key, connection.webhook_url(), form_fields(body), "HMAC_SHA256")
    return client.post(
        connection.webhook_path(), data=body, content_type="application/x-www-form-urlencoded",
        **{SIGNATURE: signature, SETTINGS: settings_header},
    )  # fmt: skip


def with_shared_key(connection: ChannelConnection) -> ChannelConnection:
    connection.credentials = {**connection.credentials, "webhook_signing_key": SHARED_KEY}
    connection.save()
    return connection


def test_a_webhook_signed_with_the_rules_shared_key_and_hmac_sha256_is_accepted(client, twilio_connection):
    connection = with_shared_key(twilio_connection)
    assert "webhook_signing_key" in connection.secrets
    assert sha256_post(client, connection, SHARED_KEY).status_code == 200
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    "key, settings_header",
    [
        ("another-shared-key", SHA256_SETTINGS),
        # The auth token is not the rule's key: an attacker cannot fall back to it by naming SHA-256.
        ("9f8e7d6c5b4a39281706f5e4d3c2b1a0", SHA256_SETTINGS),
        (SHARED_KEY, "key=KS1,algorithm=HMAC_MD5"),
    ],
)
def test_a_sha256_signature_with_the_wrong_key_or_an_unknown_algorithm_is_refused(
    client, twilio_connection, key, settings_header
):
    assert sha256_post(client, with_shared_key(twilio_connection), key, settings_header).status_code == 403
    assert not Message.objects.exists()


def test_a_sha256_signature_on_a_connection_without_a_shared_key_is_refused(client, twilio_connection):
    token = twilio_connection.credential("auth_token")
    assert sha256_post(client, twilio_connection, token).status_code == 403
    assert not Message.objects.exists()
