import base64

import pytest

from conversations import outbox
from conversations.events import CustomerMessage
from conversations.inbound import store_customer_message
from conversations.models import Message
from conversations.sending import TemporarySendError
from tests.fake_platform import Answer
from tests.support import load_fixture

from .harness import ACCOUNT_SID, AUTH_TOKEN, sent_form

MESSAGES_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
OUTBOUND = load_fixture(__file__, "outbound_send")
ERRORS = load_fixture(__file__, "outbound_errors")["responses"]


def error_answer(name: str) -> Answer:
    response = ERRORS[name]
    return Answer(response["status"], response["body"], response["headers"])


def reply_to(connection, customer: str, text: str) -> Message:
    inbound = store_customer_message(
        connection, CustomerMessage(platform_message_id=f"SMin{customer}", sender_id=customer, text="Hi")
    )
    return outbox.queue_reply(inbound.conversation, text, author=Message.Author.AGENT, reply_to=inbound)


@pytest.fixture
def sms_reply(twilio_connection):
    return reply_to(twilio_connection, OUTBOUND["body"]["To"], OUTBOUND["given"]["reply_text"])


@pytest.fixture
def whatsapp_reply(twilio_connection):
    return reply_to(twilio_connection, "whatsapp:+447700900456", OUTBOUND["alternatives"]["whatsapp"]["Body"])


def test_an_sms_reply_is_posted_in_the_messages_api_shape(sms_reply, twilio_api, twilio_connection):
    outbox.deliver(sms_reply.pk)
    [request] = twilio_api.requests
    assert (request.method, request.path) == ("POST", MESSAGES_PATH)
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert (
        request.headers["Authorization"] == "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    )
    assert sent_form(request) == {**OUTBOUND["body"], "StatusCallback": twilio_connection.webhook_url()}
    sms_reply.refresh_from_db()
    assert sms_reply.status == Message.Status.SENT
    assert sms_reply.platform_message_id == "SMfake00000000000000000000000001"


def test_a_whatsapp_customer_is_answered_on_whatsapp_from_the_same_number(whatsapp_reply, twilio_api):
    outbox.deliver(whatsapp_reply.pk)
    form = sent_form(twilio_api.requests[0])
    assert (form["To"], form["From"], form["Body"]) == (
        "whatsapp:+447700900456",
        "whatsapp:+15557654321",
        "¡Claro! Mesa para dos a las 21h reservada 🍷",
    )


def test_a_from_number_stored_with_the_whatsapp_prefix_still_answers_sms_from_the_bare_number(
    sms_reply, twilio_api, twilio_connection
):
    twilio_connection.credentials["from_number"] = "whatsapp:+15557654321"
    twilio_connection.save()
    outbox.deliver(sms_reply.pk)
    assert sent_form(twilio_api.requests[0])["From"] == "+15557654321"


@pytest.fixture
def long_reply(twilio_connection):
    text = " ".join(f"Table {index} is free at 9pm 🍷." for index in range(120))
    return reply_to(twilio_connection, "whatsapp:+447700900456", text)


def test_a_reply_over_1600_characters_is_sent_in_parts_in_order(long_reply, twilio_api):
    outbox.deliver(long_reply.pk)
    bodies = [sent_form(request)["Body"] for request in twilio_api.requests]
    assert len(bodies) == 3
    assert all(len(body.encode("utf-16-le")) // 2 <= 1600 for body in bodies)
    assert " ".join(bodies) == long_reply.text
    long_reply.refresh_from_db()
    assert long_reply.status == Message.Status.SENT
    assert long_reply.metadata["sent_parts"] == [f"SMfake{n:026d}" for n in (1, 2, 3)]


def test_a_throttled_part_is_retried_without_repeating_the_parts_before_it(long_reply, twilio_api):
    twilio_api.script(
        Answer(201, {"sid": "SMpart1", "status": "queued"}),
        error_answer("throttled"),
    )
    with pytest.raises(TemporarySendError):
        outbox.deliver(long_reply.pk)
    outbox.deliver(long_reply.pk)
    bodies = [sent_form(request)["Body"] for request in twilio_api.requests]
    assert len(bodies) == 4 and bodies[1] == bodies[2]
    assert " ".join([bodies[0], *bodies[2:]]) == long_reply.text


def test_there_is_no_typing_indicator_and_no_request_for_one(sms_reply, twilio_api):
    outbox.show_typing(sms_reply.conversation)
    assert twilio_api.requests == []
