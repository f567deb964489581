import pytest
from django.core.management import call_command

from channels.meta.signature import sign
from conversations.models import ChannelConnection, Contact, Message
from tests.support import load_fixture

from .conftest import CUSTOMER, connect, raw


def handshake(client, connection, token):
    query = {**load_fixture(__file__, "verify_handshake")["query"], "hub.verify_token": token}
    return client.get(connection.webhook_path(), query)


def test_handshake_with_the_right_token_returns_the_challenge(client, whatsapp_connection):
    response = handshake(client, whatsapp_connection, "my-verify-token-7731")
    assert (response.status_code, response.content) == (200, b"2093781544")


def test_handshake_with_a_wrong_token_is_refused(client, whatsapp_connection):
    assert handshake(client, whatsapp_connection, "nope").status_code == 403


def test_the_fixture_signature_is_what_we_compute():
    fixture = load_fixture(__file__, "text_message")
    assert (
        sign(fixture["signing"]["example_secret"], fixture["raw_body"].encode())
        == fixture["signing"]["example_signature"]
    )


def test_a_signed_text_message_is_stored_with_the_customers_name_and_its_turn_enqueued(
    post_signed, whatsapp_connection, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_signed(whatsapp_connection, raw("text_message"))
    assert response.status_code == 200
    [message] = Message.objects.all()
    assert message.text == "Hi, is my table for 4 tonight still confirmed?"
    assert message.platform_message_id == "wamid.HBgMfacE3DNzZ6WWVU8qtMlYBllZ2ZjIvvTIW8L2oK9Ye1pWLE8AA="
    assert message.conversation.contact.platform_user_id == CUSTOMER
    assert message.conversation.contact.display_name == "Olivia Bennett"
    assert len(callbacks) == 1


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64, "sha1=d7893fd33148fe3b2de17cc5f14bdef235d00714"])
def test_a_bad_or_missing_signature_is_refused_and_nothing_stored(post_signed, whatsapp_connection, signature):
    assert post_signed(whatsapp_connection, raw("text_message"), signature=signature).status_code == 403
    assert not Message.objects.exists() and not Contact.objects.exists()


@pytest.mark.parametrize(
    "body", ["{not json", '{"object": "page", "entry": []}', '{"object": "whatsapp_business_account"}']
)
def test_a_malformed_payload_with_a_valid_signature_is_a_400(post_signed, whatsapp_connection, body):
    assert post_signed(whatsapp_connection, body).status_code == 400


def test_a_redelivered_message_is_stored_once(post_signed, whatsapp_connection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert post_signed(whatsapp_connection, raw("text_message")).status_code == 200
        assert post_signed(whatsapp_connection, raw("text_message")).status_code == 200
    assert Message.objects.count() == 1 and len(callbacks) == 1


@pytest.mark.parametrize("name", ["reaction", "edited_message", "unsupported_message"])
def test_reactions_edits_and_unsupported_messages_are_stored_but_not_answered(
    post_signed, whatsapp_connection, django_capture_on_commit_callbacks, name
):
    with django_capture_on_commit_callbacks() as callbacks:
        assert post_signed(whatsapp_connection, raw(name)).status_code == 200
    assert Message.objects.count() == 1
    assert callbacks == []


@pytest.mark.parametrize("name", ["status_read", "template_status_update", "platform_error"])
def test_statuses_and_other_changes_store_nothing_and_enqueue_nothing(
    post_signed, whatsapp_connection, django_capture_on_commit_callbacks, name
):
    with django_capture_on_commit_callbacks() as callbacks:
        assert post_signed(whatsapp_connection, raw(name)).status_code == 200
    assert not Message.objects.exists()
    assert callbacks == []


def test_a_batched_delivery_stores_every_customers_message(post_signed, whatsapp_connection):
    assert post_signed(whatsapp_connection, raw("batched_messages")).status_code == 200
    stored = Message.objects.order_by("id")
    assert [(m.conversation.contact.display_name, m.text) for m in stored] == [
        ("Olivia Bennett", "Are you open on Sunday?"),
        ("Liam O'Brien", "Do you do gluten-free pizza?"),
    ]


@pytest.fixture
def our_reply(post_signed, whatsapp_connection):
    post_signed(whatsapp_connection, raw("text_message"))
    inbound = Message.objects.get()
    return Message.objects.create(
        conversation=inbound.conversation,
        connection=whatsapp_connection,
        direction=Message.Direction.OUTBOUND,
        author=Message.Author.AGENT,
        text="Yes, it is.",
        platform_message_id="wamid.fake_2",
        status=Message.Status.SENT,
    )


def test_statuses_move_our_message_forward_only(post_signed, whatsapp_connection, our_reply):
    post_signed(whatsapp_connection, raw("status_read"))
    our_reply.refresh_from_db()
    assert our_reply.status == Message.Status.READ
    post_signed(whatsapp_connection, raw("status_delivered"))
    our_reply.refresh_from_db()
    assert our_reply.status == Message.Status.READ


def test_a_reply_refused_after_the_window_closed_is_failed_with_131047(post_signed, whatsapp_connection, our_reply):
    post_signed(whatsapp_connection, raw("status_failed_window_closed"))
    our_reply.refresh_from_db()
    assert (our_reply.status, our_reply.error_code) == (Message.Status.FAILED, "131047")
    assert "24 hours" in our_reply.error_detail


def test_a_change_for_another_business_number_goes_to_that_numbers_connection(
    post_signed, whatsapp_connection, business, cloud_api
):
    other = connect(business, cloud_api.url, "224466880011357")
    assert post_signed(whatsapp_connection, raw("other_business_number")).status_code == 200
    message = Message.objects.get()
    assert (message.connection, message.text) == (other, "Is the terrace open?")


@pytest.mark.parametrize(
    "phone_number_id, app_secret",
    [("999999999999999", "f1c2d3e4a5b6978812345678abcdef90"), ("224466880011357", "another-app-secret")],
)
def test_a_change_for_a_number_we_cannot_trust_with_it_is_skipped(
    post_signed, whatsapp_connection, business, cloud_api, phone_number_id, app_secret
):
    connect(business, cloud_api.url, phone_number_id, app_secret)
    assert post_signed(whatsapp_connection, raw("other_business_number")).status_code == 200
    assert not Message.objects.exists()


def test_connect_channel_sets_up_a_whatsapp_number(business, capsys):
    call_command(
        "connect_channel", business.slug, "whatsapp",
        "--set", "phone_number_id=113355779900246", "--set", "access_token=EAAsecret", "--set", "app_secret=s3cret",
    )  # fmt: skip
    connection = ChannelConnection.objects.get(platform="whatsapp")
    assert connection.credential("phone_number_id") == "113355779900246" and connection.credential("verify_token")
    output = capsys.readouterr().out
    assert "access_token: (set)" in output and "EAAsecret" not in output
    assert output.strip().endswith(connection.webhook_path())


def test_a_reply_failing_because_the_window_closed_hands_the_conversation_to_staff(
    post_signed, whatsapp_connection, our_reply
):
    from conversations.models import Conversation

    post_signed(whatsapp_connection, raw("status_failed_window_closed"))
    assert Conversation.objects.get(pk=our_reply.conversation_id).status == Conversation.Status.NEEDS_HUMAN
