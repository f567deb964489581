import pytest

from conversations import outbox
from conversations.choices import Choice
from conversations.events import CustomerMessage, Kind
from conversations.inbound import store_customer_message
from conversations.models import Message
from tests.fake_platform import Answer
from tests.support import load_fixture

from .conftest import CUSTOMER, PHONE_NUMBER_ID

INBOUND_WAMID = "wamid.HBgMfacE3DNzZ6WWVU8qtMlYBllZ2ZjIvvTIW8L2oK9Ye1pWLE8AA="


def cloud_api_error(status: int, code: int, message: str) -> Answer:
    return Answer(
        status, {"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEf"}}
    )


def customer_says(connection, text: str, wamid: str = INBOUND_WAMID, kind: str = Kind.TEXT) -> Message:
    return store_customer_message(
        connection, CustomerMessage(platform_message_id=wamid, sender_id=CUSTOMER, text=text, kind=kind)
    )


@pytest.fixture
def pending_reply(whatsapp_connection):
    inbound = customer_says(whatsapp_connection, "Hi, is my table for 4 tonight still confirmed?")
    reply_text = load_fixture(__file__, "outbound_reply")["given"]["reply_text"]
    return outbox.queue_reply(inbound.conversation, reply_text, author=Message.Author.AGENT, reply_to=inbound)


def test_a_reply_is_posted_in_the_cloud_api_shape(pending_reply, cloud_api):
    expected = load_fixture(__file__, "outbound_reply")
    outbox.deliver(pending_reply.pk)
    [request] = cloud_api.requests
    assert (request.method, request.path) == ("POST", f"/v21.0/{PHONE_NUMBER_ID}/messages")
    assert request.headers["Authorization"] == "Bearer EAAwhatsappsystemusertoken"
    assert request.json() == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": expected["body"]["to"],
        "type": "text",
        "text": {"body": expected["given"]["reply_text"], "preview_url": False},
    }
    pending_reply.refresh_from_db()
    assert (pending_reply.status, pending_reply.platform_message_id) == (Message.Status.SENT, "wamid.fake_1")


def test_the_typing_indicator_marks_the_customers_last_turn_read(pending_reply, whatsapp_connection, cloud_api):
    customer_says(whatsapp_connection, "[customer reacted 👍]", wamid="wamid.reaction", kind=Kind.REACTION)
    outbox.show_typing(pending_reply.conversation)
    [request] = cloud_api.requests
    assert request.path == f"/v21.0/{PHONE_NUMBER_ID}/messages"
    assert request.json() == load_fixture(__file__, "outbound_reply")["additional_requests"][0]["body"]


def test_no_typing_indicator_without_a_message_to_mark_read(pending_reply, cloud_api):
    Message.objects.filter(direction=Message.Direction.INBOUND).delete()
    outbox.show_typing(pending_reply.conversation)
    assert cloud_api.requests == []


def test_a_reply_over_4096_characters_is_sent_in_parts_in_order(whatsapp_connection, cloud_api):
    inbound = customer_says(whatsapp_connection, "Tell me everything")
    text = " ".join(f"Dish {index}: slow-cooked ragù 🍝 with fresh basil." for index in range(200))
    reply = outbox.queue_reply(inbound.conversation, text, author=Message.Author.AGENT, reply_to=inbound)
    outbox.deliver(reply.pk)
    bodies = [request.json()["text"]["body"] for request in cloud_api.requests]
    assert len(bodies) == 3
    assert all(len(body.encode("utf-16-le")) // 2 <= 4096 for body in bodies)
    assert " ".join(bodies) == text
    reply.refresh_from_db()
    assert reply.metadata["sent_parts"] == ["wamid.fake_1", "wamid.fake_2", "wamid.fake_3"]


def test_an_answer_without_a_wamid_is_not_sent_again(pending_reply, cloud_api):
    cloud_api.script(Answer(200, {"messaging_product": "whatsapp", "messages": []}))
    outbox.deliver(pending_reply.pk)
    pending_reply.refresh_from_db()
    assert (pending_reply.status, pending_reply.error_code) == (Message.Status.FAILED, "no_message_id")


def test_a_connection_without_a_phone_number_id_cannot_send(pending_reply, whatsapp_connection, cloud_api):
    whatsapp_connection.credentials.pop("phone_number_id")
    whatsapp_connection.save()
    outbox.deliver(pending_reply.pk)
    pending_reply.refresh_from_db()
    assert (pending_reply.status, pending_reply.error_code) == (Message.Status.FAILED, "no_phone_number_id")
    assert cloud_api.requests == []


def test_four_to_ten_choices_go_as_a_list_whose_long_titles_continue_in_the_rows_description(
    whatsapp_connection, cloud_api
):
    inbound = customer_says(whatsapp_connection, "What time?")
    slots = [Choice(f"slot:{hour}", f"{hour}:00") for hour in (18, 19, 20)]
    terrace = Choice("slot:terrace", "21:00 on the terrace, heated in winter")
    reply = outbox.queue_reply(
        inbound.conversation, "Which time suits you?", author=Message.Author.AGENT, choices=[*slots, terrace]
    )
    outbox.deliver(reply.pk)
    [request] = cloud_api.requests
    interactive = request.json()["interactive"]
    assert interactive["type"] == "list" and interactive["body"] == {"text": "Which time suits you?"}
    assert interactive["action"]["button"] == "Choose"
    rows = interactive["action"]["sections"][0]["rows"]
    assert rows[:3] == [{"id": slot.id, "title": slot.title} for slot in slots]
    assert rows[3] == {
        "id": "slot:terrace",
        "title": "21:00 on the terrace,…",
        "description": "21:00 on the terrace, heated in winter",
    }


def test_more_choices_than_a_list_holds_go_as_numbered_lines(whatsapp_connection, cloud_api):
    inbound = customer_says(whatsapp_connection, "What do you have?")
    many = [Choice(f"product:{number}", f"Tea {number}") for number in range(1, 12)]
    reply = outbox.queue_reply(inbound.conversation, "We have:", author=Message.Author.AGENT, choices=many)
    outbox.deliver(reply.pk)
    [request] = cloud_api.requests
    assert request.json()["text"]["body"] == "We have:\n\n" + "\n".join(f"{n}. Tea {n}" for n in range(1, 12))
    assert customer_says(whatsapp_connection, "11", wamid="wamid.pick").chosen == "product:11"


def test_a_long_reply_with_buttons_ends_with_an_interactive_part_within_its_1024_characters(
    whatsapp_connection, cloud_api
):
    inbound = customer_says(whatsapp_connection, "Tell me about the menu")
    text = " ".join(f"Dish {index}: slow-cooked ragù 🍝." for index in range(100))
    choices = [Choice("handoff:person", "Talk to a person")]
    reply = outbox.queue_reply(inbound.conversation, text, author=Message.Author.AGENT, choices=choices)
    outbox.deliver(reply.pk)
    *texts, last = [request.json() for request in cloud_api.requests]
    assert [body["type"] for body in texts] == ["text"] * len(texts) and last["type"] == "interactive"
    assert len(last["interactive"]["body"]["text"]) <= 1024
    sent = [body["text"]["body"] for body in texts] + [last["interactive"]["body"]["text"]]
    assert " ".join(sent) == text
