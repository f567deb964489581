import pytest

from channels.meta.signature import sign
from conversations.models import Contact, Message
from tests.support import load_fixture

from .conftest import CUSTOMER, raw


def handshake(client, connection, token):
    query = {**load_fixture(__file__, "verify_handshake")["query"], "hub.verify_token": token}
    return client.get(connection.webhook_path(), query)


def test_handshake_with_the_right_token_returns_the_challenge(client, instagram_connection):
    response = handshake(client, instagram_connection, "my-verify-token-7731")
    assert (response.status_code, response.content) == (200, b"3318907725")


def test_handshake_with_a_wrong_token_is_refused(client, instagram_connection):
    assert handshake(client, instagram_connection, "nope").status_code == 403


def test_the_fixture_signature_is_what_we_compute():
    fixture = load_fixture(__file__, "text_message")
    assert (
        sign(fixture["signing"]["example_secret"], fixture["raw_body"].encode())
        == fixture["signing"]["example_signature"]
    )


def test_a_signed_message_is_stored_and_its_turn_enqueued(
    post_signed, instagram_connection, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        assert post_signed(instagram_connection, raw("text_message")).status_code == 200
    [message] = Message.objects.all()
    assert message.text == "hey! is the linen shirt back in stock in M? 👀"
    assert message.conversation.contact.platform_user_id == CUSTOMER
    assert len(callbacks) == 1


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64, "sha1=7403313765dbffeca134a9a29d90d1fb3673d20d"])
def test_a_bad_or_missing_signature_is_refused_and_nothing_stored(post_signed, instagram_connection, signature):
    assert post_signed(instagram_connection, raw("text_message"), signature=signature).status_code == 403
    assert not Message.objects.exists() and not Contact.objects.exists()


def test_a_messenger_delivery_sent_to_an_instagram_webhook_is_a_400(post_signed, instagram_connection):
    assert post_signed(instagram_connection, '{"object": "page", "entry": []}').status_code == 400


def test_a_redelivered_message_is_stored_once(post_signed, instagram_connection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        post_signed(instagram_connection, raw("text_message"))
        post_signed(instagram_connection, raw("text_message"))
    assert Message.objects.count() == 1 and len(callbacks) == 1


@pytest.mark.parametrize("name", ["echo", "seen"])
def test_echoes_and_seen_receipts_store_nothing_and_enqueue_nothing(
    post_signed, instagram_connection, django_capture_on_commit_callbacks, name
):
    with django_capture_on_commit_callbacks() as callbacks:
        assert post_signed(instagram_connection, raw(name)).status_code == 200
    assert not Message.objects.exists() and callbacks == []


def test_an_unsent_message_is_recorded_beside_the_original_and_not_answered(
    post_signed, instagram_connection, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        post_signed(instagram_connection, raw("story_reply"))
        post_signed(instagram_connection, raw("unsend"))
    original, unsent = Message.objects.order_by("id")
    assert unsent.metadata == {"deleted": original.platform_message_id}
    assert len(callbacks) == 1


@pytest.mark.parametrize("name", ["reaction", "message_edit", "unsupported_message"])
def test_reactions_edits_and_unsupported_messages_are_stored_but_not_answered(
    post_signed, instagram_connection, django_capture_on_commit_callbacks, name
):
    with django_capture_on_commit_callbacks() as callbacks:
        assert post_signed(instagram_connection, raw(name)).status_code == 200
    assert Message.objects.count() == 1 and callbacks == []


def test_a_batched_delivery_stores_every_customers_message(post_signed, instagram_connection):
    assert post_signed(instagram_connection, raw("batched_entries")).status_code == 200
    assert [m.text for m in Message.objects.order_by("id")] == ["Do you ship to Ireland?", "Any discount codes?"]


def test_seen_moves_our_message_to_read(post_signed, instagram_connection):
    post_signed(instagram_connection, raw("text_message"))
    inbound = Message.objects.get()
    reply = Message.objects.create(
        conversation=inbound.conversation,
        connection=instagram_connection,
        direction=Message.Direction.OUTBOUND,
        author=Message.Author.AGENT,
        text="Yes!",
        platform_message_id="m_ig_fake_2",
        status=Message.Status.SENT,
    )
    post_signed(instagram_connection, raw("seen"))
    reply.refresh_from_db()
    assert reply.status == Message.Status.READ
