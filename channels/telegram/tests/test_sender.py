from datetime import timedelta

import pytest
from django.utils import timezone

from conversations import outbox
from conversations.events import CustomerMessage
from conversations.inbound import store_customer_message
from conversations.models import Conversation, Message
from conversations.sending import TemporarySendError
from tests.fake_platform import Answer
from tests.support import load_fixture

from .harness import BOT_TOKEN

CHAT_ID = 731245980


def reply_to_customer(connection, text: str) -> Message:
    inbound = store_customer_message(
        connection, CustomerMessage(platform_message_id=f"{CHAT_ID}:4521", sender_id=str(CHAT_ID), text="Order status?")
    )
    return outbox.queue_reply(inbound.conversation, text, author=Message.Author.AGENT, reply_to=inbound)


def scripted_error(name: str) -> Answer:
    response = load_fixture(__file__, name)["simulated_response"]
    return Answer(response["status"], response["body"])


@pytest.fixture
def pending_reply(telegram_connection):
    return reply_to_customer(telegram_connection, "Your parcel is with Yamato Transport 🚚.")


def test_a_reply_is_posted_to_send_message_with_the_bot_token_in_the_path(pending_reply, fake_platform):
    outbox.deliver(pending_reply.pk)
    [request] = fake_platform.requests
    assert (request.method, request.path) == ("POST", f"/bot{BOT_TOKEN}/sendMessage")
    assert request.headers["Content-Type"] == "application/json"
    assert request.json() == {"chat_id": CHAT_ID, "text": "Your parcel is with Yamato Transport 🚚."}
    pending_reply.refresh_from_db()
    assert pending_reply.status == Message.Status.SENT
    assert pending_reply.platform_message_id == f"{CHAT_ID}:5001"


def test_a_group_chat_id_is_sent_as_a_negative_integer(telegram_connection, fake_platform):
    inbound = store_customer_message(
        telegram_connection,
        CustomerMessage(platform_message_id="-1001234567890:912", sender_id="-1001234567890", text="Open?"),
    )
    reply = outbox.queue_reply(inbound.conversation, "Yes.", author=Message.Author.AGENT, reply_to=inbound)
    outbox.deliver(reply.pk)
    assert fake_platform.requests[0].json()["chat_id"] == -1001234567890


def test_a_reply_over_4096_characters_is_split_as_telegram_expects(telegram_connection, fake_platform):
    fixture = load_fixture(__file__, "outbound_reply_split")
    reply = reply_to_customer(telegram_connection, fixture["given"]["reply_text"])
    outbox.deliver(reply.pk)
    bodies = [request.json() for request in fake_platform.requests]
    texts = [body["text"] for body in bodies]
    assert len(texts) >= fixture["expect"]["min_chunks"]
    assert all(0 < len(text.encode("utf-16-le")) // 2 <= fixture["expect"]["max_text_chars"] for text in texts)
    assert " ".join(texts) == fixture["given"]["reply_text"]
    assert texts[-1].endswith("🙇\u200d♀️")
    assert all(body == {"chat_id": fixture["body"]["chat_id"], "text": body["text"]} for body in bodies)
    reply.refresh_from_db()
    assert reply.metadata["sent_parts"] == [f"{CHAT_ID}:5001", f"{CHAT_ID}:5002"]


def test_throttling_is_temporary_and_honours_retry_after(pending_reply, fake_platform):
    fake_platform.script(scripted_error("send_throttled"))
    with pytest.raises(TemporarySendError) as raised:
        outbox.deliver(pending_reply.pk)
    assert raised.value.retry_after == 7
    pending_reply.refresh_from_db()
    assert (pending_reply.status, pending_reply.error_code) == (Message.Status.PENDING, "429")
    outbox.deliver(pending_reply.pk)
    pending_reply.refresh_from_db()
    assert pending_reply.status == Message.Status.SENT and pending_reply.attempts == 2
    assert fake_platform.requests[0].body == fake_platform.requests[1].body


def test_a_server_error_is_temporary(pending_reply, fake_platform):
    fake_platform.script(scripted_error("send_server_error"))
    with pytest.raises(TemporarySendError):
        outbox.deliver(pending_reply.pk)


@pytest.mark.parametrize("name", ["send_blocked", "send_chat_not_found"])
def test_a_blocked_bot_or_a_bad_request_is_permanent_and_recorded(pending_reply, fake_platform, name):
    fixture = load_fixture(__file__, name)
    fake_platform.script(scripted_error(name))
    outbox.deliver(pending_reply.pk)
    pending_reply.refresh_from_db()
    assert (pending_reply.status, pending_reply.error_code) == (Message.Status.FAILED, fixture["expect"]["code"])
    assert fixture["simulated_response"]["body"]["description"] in pending_reply.error_detail
    outbox.deliver(pending_reply.pk)
    assert len(fake_platform.requests) == 1


def test_an_unreachable_api_is_temporary_and_the_token_is_not_recorded(pending_reply, telegram_connection):
    telegram_connection.api_base = "http://127.0.0.1:9"
    telegram_connection.save()
    with pytest.raises(TemporarySendError):
        outbox.deliver(pending_reply.pk)
    pending_reply.refresh_from_db()
    assert pending_reply.error_code == "network"
    assert BOT_TOKEN not in pending_reply.error_detail


def test_the_typing_indicator_is_send_chat_action(pending_reply, fake_platform):
    outbox.show_typing(pending_reply.conversation)
    [request] = fake_platform.requests
    assert request.path == f"/bot{BOT_TOKEN}/sendChatAction"
    assert request.json() == {"chat_id": CHAT_ID, "action": "typing"}


def test_a_failing_typing_indicator_is_not_an_error(pending_reply, fake_platform):
    fake_platform.script(scripted_error("send_blocked"))
    outbox.show_typing(pending_reply.conversation)
    assert len(fake_platform.requests) == 1


def test_a_reply_goes_out_however_long_ago_the_customer_wrote(pending_reply, fake_platform):
    Conversation.objects.filter(pk=pending_reply.conversation_id).update(
        last_inbound_at=timezone.now() - timedelta(days=30)
    )
    outbox.deliver(pending_reply.pk)
    pending_reply.refresh_from_db()
    assert pending_reply.status == Message.Status.SENT
