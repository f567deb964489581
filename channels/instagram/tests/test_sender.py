import pytest

from conversations import outbox
from conversations.events import CustomerMessage
from conversations.inbound import store_customer_message
from conversations.models import Message
from tests.support import load_fixture

from .conftest import ACCOUNT_ID, CUSTOMER


def queue(connection, text: str) -> Message:
    inbound = store_customer_message(
        connection, CustomerMessage(platform_message_id="m_ig_in_1", sender_id=CUSTOMER, text="Hi")
    )
    return outbox.queue_reply(inbound.conversation, text, author=Message.Author.AGENT, reply_to=inbound)


@pytest.fixture
def pending_reply(instagram_connection):
    return queue(instagram_connection, load_fixture(__file__, "outbound_reply")["given"]["reply_text"])


def test_a_reply_is_posted_to_the_accounts_messages_endpoint(pending_reply, fake_platform):
    expected = load_fixture(__file__, "outbound_reply")
    outbox.deliver(pending_reply.pk)
    [request] = fake_platform.requests
    assert (request.method, request.path) == ("POST", f"/v21.0/{ACCOUNT_ID}/messages")
    assert request.headers["Authorization"] == "Bearer EAAinstagrampagetoken"
    assert request.json() == expected["body"]
    pending_reply.refresh_from_db()
    assert (pending_reply.status, pending_reply.platform_message_id) == (Message.Status.SENT, "m_fake_1")


def test_without_a_page_id_the_token_owner_sends(pending_reply, instagram_connection, fake_platform):
    instagram_connection.credentials.pop("page_id")
    instagram_connection.save()
    outbox.deliver(pending_reply.pk)
    assert fake_platform.requests[0].path == "/v21.0/me/messages"


def test_the_typing_indicator_is_a_sender_action(pending_reply, fake_platform):
    outbox.show_typing(pending_reply.conversation)
    [request] = fake_platform.requests
    assert request.path == f"/v21.0/{ACCOUNT_ID}/messages"
    assert request.json() == {"recipient": {"id": CUSTOMER}, "sender_action": "typing_on"}


def test_a_reply_over_1000_utf8_bytes_is_sent_in_parts_in_order(instagram_connection, fake_platform):
    reply = queue(instagram_connection, " ".join(f"Linen shirt n°{index} — €49 ✨" for index in range(80)))
    outbox.deliver(reply.pk)
    texts = [request.json()["message"]["text"] for request in fake_platform.requests]
    # Under 2000 characters, which would make two parts: measured in bytes, it makes three.
    assert len(reply.text) < 2000 and len(texts) == 3
    assert all(len(text.encode()) <= 1000 for text in texts)
    assert " ".join(texts) == reply.text
