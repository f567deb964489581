import pytest

from conversations import outbox
from conversations.events import CustomerMessage
from conversations.inbound import store_customer_message
from conversations.models import Message
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
    assert request.json() == {
        "chat_id": CHAT_ID,
        "text": "Your parcel is with Yamato Transport 🚚.",
        "parse_mode": "HTML",
    }
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
    assert all(
        body == {"chat_id": fixture["body"]["chat_id"], "text": body["text"], "parse_mode": "HTML"} for body in bodies
    )
    reply.refresh_from_db()
    assert reply.metadata["sent_parts"] == [f"{CHAT_ID}:5001", f"{CHAT_ID}:5002"]


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


def test_a_reply_is_sent_as_telegram_html_with_its_text_escaped(telegram_connection, fake_platform):
    reply = reply_to_customer(telegram_connection, "**Order #JP-8812** ships *today* <b>not bold</b> & fast")
    outbox.deliver(reply.pk)
    [request] = fake_platform.requests
    assert request.json()["text"] == "<b>Order #JP-8812</b> ships <i>today</i> &lt;b&gt;not bold&lt;/b&gt; &amp; fast"


def test_choices_are_an_inline_keyboard_whose_buttons_carry_the_choice_ids(telegram_connection, fake_platform):
    reply = reply_to_customer(telegram_connection, "Shall I book it?")
    long_title = "Change the day, the time or the number of people"
    reply.choices = [{"id": "booking:confirm", "title": "Yes"}, {"id": "booking:change", "title": long_title}]
    reply.save()
    outbox.deliver(reply.pk)
    [request] = fake_platform.requests
    assert request.json()["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Yes", "callback_data": "booking:confirm"}],
            [{"text": "Change the day, the time or the number…", "callback_data": "booking:change"}],
        ]
    }
