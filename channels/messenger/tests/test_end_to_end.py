"""A Messenger customer's message answered by the real worker, model and database, sent to a fake Graph API."""

import pytest

from agents.models import AgentRun
from conversations.models import Message
from tests.fake_platform import Answer, FakePlatformServer
from tests.support import wait_until

from .test_webhook import raw

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_worker")]


def sent_replies() -> list[Message]:
    return list(Message.objects.filter(direction=Message.Direction.OUTBOUND, status=Message.Status.SENT))


def message_sends(fake_platform: FakePlatformServer) -> list[dict]:
    return [request.json() for request in fake_platform.requests if "message" in request.json()]


def test_a_signed_message_is_answered_once_through_the_worker(post_signed, messenger_connection, fake_platform):
    assert post_signed(messenger_connection, raw("text_message")).status_code == 200

    typing, send = fake_platform.wait_for_requests(2)
    reply = wait_until(lambda: sent_replies(), what="the reply to be recorded as sent")[0]
    inbound = Message.objects.get(direction=Message.Direction.INBOUND)
    assert reply.reply_to == inbound
    assert reply.text
    assert typing.json() == {"recipient": {"id": "6785123409871234"}, "sender_action": "typing_on"}
    assert (send.method, send.path) == ("POST", "/v21.0/me/messages")
    assert send.headers["Authorization"] == "Bearer EAAtestpagetoken"
    assert send.json() == {
        "recipient": {"id": "6785123409871234"},
        "messaging_type": "RESPONSE",
        "message": {"text": reply.text},
    }
    assert reply.platform_message_id == "m_fake_2"
    run = AgentRun.objects.get(reply=reply)
    assert run.outcome == AgentRun.Outcome.REPLIED
    assert run.model == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert run.prompt_tokens > 50 and 0 < run.completion_tokens <= 3 * 24
    assert run.total_ms > 0 and run.time_to_first_token_ms is not None


def test_a_throttled_reply_is_retried_by_the_worker_after_retry_after(post_signed, messenger_connection, fake_platform):
    fake_platform.script(
        Answer(200, {"recipient_id": "6785123409871234"}),  # the typing indicator
        Answer(
            429,
            {"error": {"message": "(#613) Calls to this api have exceeded the rate limit.", "code": 613}},
            {"Retry-After": "1"},
        ),
    )
    assert post_signed(messenger_connection, raw("text_message")).status_code == 200
    [reply] = wait_until(lambda: sent_replies(), what="the reply to go out on the second attempt")
    sends = message_sends(fake_platform)
    assert len(sends) == 2 and sends[0] == sends[1]
    assert reply.attempts == 2 and reply.platform_message_id == "m_fake_3"
