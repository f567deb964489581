import pytest

from conversations import outbox
from conversations.events import CustomerMessage
from conversations.inbound import store_customer_message
from conversations.models import Message
from conversations.sending import TemporarySendError
from tests.fake_platform import Answer
from tests.support import load_fixture


@pytest.fixture
def pending_reply(messenger_connection):
    inbound = store_customer_message(
        messenger_connection, CustomerMessage(platform_message_id="m_in_1", sender_id="6785123409871234", text="Hi")
    )
    return outbox.queue_reply(
        inbound.conversation,
        "Yes, we ship to Canada 🇨🇦 (3–5 business days).",
        author=Message.Author.AGENT,
        reply_to=inbound,
    )


def test_a_reply_is_posted_in_the_send_api_shape(pending_reply, fake_platform):
    expected = load_fixture(__file__, "outbound_reply")
    outbox.deliver(pending_reply.pk)
    [request] = fake_platform.requests
    assert (request.method, request.path) == ("POST", "/v21.0/me/messages")
    assert request.headers["Authorization"] == "Bearer EAAtestpagetoken"
    assert request.headers["Content-Type"] == "application/json"
    body = request.json()
    assert body == {
        "recipient": expected["body"]["recipient"],
        "messaging_type": "RESPONSE",
        "message": {"text": expected["given"]["reply_text"]},
    }
    pending_reply.refresh_from_db()
    assert pending_reply.status == Message.Status.SENT
    assert pending_reply.platform_message_id == "m_fake_1"
    assert pending_reply.attempts == 1 and pending_reply.sent_at is not None


@pytest.mark.parametrize(("asked", "waited"), [("inf", None), ("nan", None), ("-5", None), ("99999999999", 3600)])
def test_a_pause_no_clock_can_wait_is_not_taken_at_its_word(pending_reply, fake_platform, asked, waited):
    fake_platform.script(Answer(429, {"error": {"message": "Too many calls", "code": 613}}, {"Retry-After": asked}))
    with pytest.raises(TemporarySendError) as raised:
        outbox.deliver(pending_reply.pk)
    assert raised.value.retry_after == waited


@pytest.fixture
def long_reply(messenger_connection):
    inbound = store_customer_message(
        messenger_connection,
        CustomerMessage(platform_message_id="m_in_2", sender_id="6785123409871234", text="Tell me all"),
    )
    text = " ".join(f"Our bread number {index} is baked at dawn 🥖." for index in range(100))
    return outbox.queue_reply(inbound.conversation, text, author=Message.Author.AGENT, reply_to=inbound)


def test_a_reply_over_2000_characters_is_sent_in_parts_in_order(long_reply, fake_platform):
    outbox.deliver(long_reply.pk)
    texts = [request.json()["message"]["text"] for request in fake_platform.requests]
    assert len(texts) == 3
    assert all(len(text.encode("utf-16-le")) // 2 <= 2000 for text in texts)
    assert " ".join(texts) == long_reply.text
    long_reply.refresh_from_db()
    assert long_reply.status == Message.Status.SENT
    assert long_reply.metadata["sent_parts"] == ["m_fake_1", "m_fake_2", "m_fake_3"]
    assert long_reply.platform_message_id == "m_fake_3"


def test_a_retry_continues_after_the_parts_already_accepted(long_reply, fake_platform):
    fake_platform.script(
        Answer(200, {"recipient_id": "6785123409871234", "message_id": "m_part_1"}),
        Answer(500, {"error": {"message": "An unknown error occurred", "code": 1, "is_transient": True}}),
    )
    with pytest.raises(TemporarySendError):
        outbox.deliver(long_reply.pk)
    outbox.deliver(long_reply.pk)
    texts = [request.json()["message"]["text"] for request in fake_platform.requests]
    assert len(texts) == 4 and texts[1] == texts[2]
    assert " ".join([texts[0], *texts[2:]]) == long_reply.text


def test_the_typing_indicator_is_a_request_of_its_own(pending_reply, fake_platform):
    fake_platform.script(Answer(200, {"recipient_id": "6785123409871234"}))
    outbox.show_typing(pending_reply.conversation)
    [request] = fake_platform.requests
    assert request.json() == {"recipient": {"id": "6785123409871234"}, "sender_action": "typing_on"}


def test_a_failing_typing_indicator_is_not_an_error(pending_reply, fake_platform):
    fake_platform.script(Answer(400, {"error": {"message": "(#100) Invalid parameter", "code": 100}}))
    outbox.show_typing(pending_reply.conversation)
    assert len(fake_platform.requests) == 1


def test_a_send_refused_because_the_window_closed_hands_the_conversation_to_staff(pending_reply, fake_platform):
    from conversations.models import Conversation

    fake_platform.script(
        Answer(
            400,
            {
                "error": {
                    "message": "(#10) This message is sent outside of allowed window.",
                    "code": 10,
                    "error_subcode": 2018278,
                }
            },
        )
    )
    outbox.deliver(pending_reply.pk)
    assert Conversation.objects.get(pk=pending_reply.conversation_id).status == Conversation.Status.NEEDS_HUMAN
