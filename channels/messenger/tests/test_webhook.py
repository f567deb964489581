import json

import pytest

from channels.meta.signature import sign
from conversations.models import Contact, Conversation, Message
from tests.support import load_fixture


def raw(name: str) -> str:
    return load_fixture(__file__, name)["raw_body"]


def handshake(client, connection, token):
    query = {**load_fixture(__file__, "verify_handshake")["query"], "hub.verify_token": token}
    return client.get(connection.webhook_path(), query)


def test_handshake_with_the_right_token_returns_the_challenge(client, messenger_connection):
    response = handshake(client, messenger_connection, messenger_connection.credential("verify_token"))
    assert response.status_code == 200
    assert response.content == b"1158201444"
    assert response["Content-Type"].startswith("text/plain")


def test_handshake_with_a_wrong_token_is_refused(client, messenger_connection):
    response = handshake(client, messenger_connection, "wrong-token")
    assert response.status_code == 403
    assert b"1158201444" not in response.content


def test_the_fixture_signature_is_what_we_compute():
    fixture = load_fixture(__file__, "text_message")
    signing = fixture["signing"]
    assert sign(signing["example_secret"], fixture["raw_body"].encode()) == signing["example_signature"]


def test_a_signed_text_message_is_stored_and_its_turn_enqueued_after_commit(
    post_signed, messenger_connection, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_signed(messenger_connection, raw("text_message"))
    assert response.status_code == 200
    [message] = Message.objects.all()
    assert message.text == "Hi! Do you ship to Canada?"
    assert message.direction == Message.Direction.INBOUND
    assert message.conversation.contact.platform_user_id == "6785123409871234"
    assert message.conversation.status == Conversation.Status.BOT
    assert len(callbacks) == 1


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64, "sha1=def010f1556d4202759a92b90558828d69c25b24"])
def test_a_bad_or_missing_signature_is_refused_and_nothing_stored(post_signed, messenger_connection, signature):
    response = post_signed(messenger_connection, raw("text_message"), signature=signature)
    assert response.status_code == 403
    assert not Message.objects.exists() and not Contact.objects.exists()


def test_a_signature_made_with_another_secret_is_refused(post_signed, messenger_connection):
    body = raw("text_message")
    response = post_signed(messenger_connection, body, signature=sign("another-secret", body.encode()))
    assert response.status_code == 403
    assert not Message.objects.exists()


def test_signatures_cover_the_raw_bytes_with_meta_escaping(post_signed, messenger_connection):
    response = post_signed(messenger_connection, raw("escaped_unicode_text"))
    assert response.status_code == 200
    assert Message.objects.get().text == "Café open? 🥐 https://x.example/a"


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "\xff\xfe",
        '["a list"]',
        '{"object": "page"}',
        '{"object": "page", "entry": [{"id": "1", "time": NaN, "messaging": []}]}',
    ],
)
def test_malformed_payload_with_a_valid_signature_is_a_400(post_signed, messenger_connection, body):
    response = post_signed(messenger_connection, body.encode("latin-1"))
    assert response.status_code == 400
    assert not Message.objects.exists()


def test_a_redelivered_message_is_stored_once(post_signed, messenger_connection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = post_signed(messenger_connection, raw("text_message"))
        second = post_signed(messenger_connection, raw("text_message"))
    assert (first.status_code, second.status_code) == (200, 200)
    assert Message.objects.count() == 1
    assert len(callbacks) == 1


@pytest.mark.parametrize("name", ["echo", "read_receipt", "delivery_receipt"])
def test_echoes_and_receipts_store_nothing_and_enqueue_nothing(
    post_signed, messenger_connection, django_capture_on_commit_callbacks, name
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_signed(messenger_connection, raw(name))
    assert response.status_code == 200
    assert not Message.objects.exists()
    assert callbacks == []


def test_a_batched_delivery_stores_every_customers_message(post_signed, messenger_connection):
    assert post_signed(messenger_connection, raw("batched_entries")).status_code == 200
    stored = Message.objects.order_by("id")
    assert [(m.conversation.contact.platform_user_id, m.text) for m in stored] == [
        ("111", "Are you open today?"),
        ("222", "Do you sell bread?"),
    ]
    assert Conversation.objects.count() == 2


def test_an_unknown_webhook_is_404(client, db):
    response = client.post(
        "/webhooks/messenger/00000000-0000-0000-0000-000000000000/", data="{}", content_type="application/json"
    )
    assert response.status_code == 404


def test_an_inactive_connection_is_404(post_signed, messenger_connection):
    messenger_connection.is_active = False
    messenger_connection.save()
    assert post_signed(messenger_connection, raw("text_message")).status_code == 404


def test_a_body_over_the_limit_is_refused_before_parsing(post_signed, messenger_connection, settings):
    settings.WEBHOOK_MAX_BODY_BYTES = 1000
    body = json.dumps({"object": "page", "entry": [], "padding": "x" * 2000})
    assert post_signed(messenger_connection, body).status_code == 413
    assert not Message.objects.exists()


def test_other_methods_are_not_allowed(client, messenger_connection):
    assert client.put(messenger_connection.webhook_path()).status_code == 405


def test_delivery_and_read_receipts_move_our_messages_forward_only(post_signed, messenger_connection):
    from datetime import UTC, datetime

    post_signed(messenger_connection, raw("text_message"))
    inbound = Message.objects.get()
    reply = Message.objects.create(
        conversation=inbound.conversation,
        connection=messenger_connection,
        direction=Message.Direction.OUTBOUND,
        author=Message.Author.AGENT,
        text="Yes.",
        platform_message_id="m_echo_1",
        status=Message.Status.SENT,
        sent_at=datetime.fromtimestamp(1749812346, tz=UTC),
    )
    post_signed(messenger_connection, raw("read_receipt"))
    reply.refresh_from_db()
    assert reply.status == Message.Status.READ
    post_signed(messenger_connection, raw("delivery_receipt"))
    reply.refresh_from_db()
    assert reply.status == Message.Status.READ


@pytest.mark.parametrize("name", ["reaction", "message_edit", "unsupported_message"])
def test_reactions_edits_and_unsupported_messages_are_stored_but_not_answered(
    post_signed, messenger_connection, django_capture_on_commit_callbacks, name
):
    with django_capture_on_commit_callbacks() as callbacks:
        assert post_signed(messenger_connection, raw(name)).status_code == 200
    assert Message.objects.count() == 1
    assert callbacks == []
