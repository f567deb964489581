"""A Messenger customer's message answered by the real worker, model and database, sent to a fake Graph API."""
import pytest

from agents.models import AgentRun
from channels_app.messenger.tests.test_webhook import raw
from channels_app.models import Message
from conftest import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_worker")]


def sent_replies() -> list[Message]:
    return list(Message.objects.filter(direction=Message.Direction.OUTBOUND, status=Message.Status.SENT))


def test_a_signed_message_is_answered_once_through_the_worker(post_signed, messenger_connection, fake_platform):
    assert post_signed(messenger_connection, raw("text_message")).status_code == 200

    [request] = fake_platform.wait_for_requests(1)
    reply = wait_until(lambda: sent_replies(), what="the reply to be recorded as sent")[0]
    inbound = Message.objects.get(direction=Message.Direction.INBOUND)
    assert reply.reply_to == inbound
    assert reply.text
    assert (request.method, request.path) == ("POST", "/v21.0/me/messages")
    assert request.headers["Authorization"] == "Bearer EAAtestpagetoken"
    assert request.json() == {
        "recipient": {"id": "6785123409871234"},
        "messaging_type": "RESPONSE",
        "message": {"text": reply.text},
    }
    assert reply.platform_message_id == "m_fake_1"
    run = AgentRun.objects.get(reply=reply)
    assert run.outcome == AgentRun.Outcome.REPLIED
    assert run.model == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert run.prompt_tokens > 50 and 0 < run.completion_tokens <= 8
    assert run.total_ms > 0 and run.time_to_first_token_ms is not None


def test_the_same_delivery_twice_gets_one_reply(post_signed, messenger_connection, fake_platform):
    assert post_signed(messenger_connection, raw("text_message")).status_code == 200
    assert post_signed(messenger_connection, raw("text_message")).status_code == 200
    fake_platform.wait_for_requests(1)
    # A later message's reply proves the worker has gone past anything the duplicate could have caused.
    assert post_signed(messenger_connection, raw("postback")).status_code == 200
    requests = fake_platform.wait_for_requests(2)
    wait_until(lambda: len(sent_replies()) == 2, what="both replies to be recorded")
    assert len(requests) == 2
    assert Message.objects.filter(direction=Message.Direction.INBOUND).count() == 2


def test_an_echo_and_a_read_receipt_get_no_reply(post_signed, messenger_connection, fake_platform):
    assert post_signed(messenger_connection, raw("echo")).status_code == 200
    assert post_signed(messenger_connection, raw("read_receipt")).status_code == 200
    assert post_signed(messenger_connection, raw("postback")).status_code == 200
    [request] = fake_platform.wait_for_requests(1)
    wait_until(lambda: sent_replies(), what="the postback's reply to be recorded")
    assert len(fake_platform.requests) == 1
    assert Message.objects.get(direction=Message.Direction.INBOUND).text == "Opening hours"
