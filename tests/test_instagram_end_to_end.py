"""An Instagram customer's message answered by the real worker and model, sent to a fake Graph API."""

import pytest

from agents.models import AgentRun
from channels.instagram.tests.conftest import instagram_connection, raw  # noqa: F401 (fixture)
from conversations.models import Message
from tests.support import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_worker")]


def test_a_signed_message_is_answered_once_and_its_echo_is_not(post_signed, instagram_connection, fake_platform):  # noqa: F811
    assert post_signed(instagram_connection, raw("text_message")).status_code == 200
    assert post_signed(instagram_connection, raw("text_message")).status_code == 200

    reply = wait_until(
        lambda: Message.objects.filter(direction=Message.Direction.OUTBOUND, status=Message.Status.SENT).first(),
        what="the reply to be recorded as sent",
    )
    typing, send = fake_platform.wait_for_requests(2)
    assert typing.json() == {"recipient": {"id": "1153982671234567"}, "sender_action": "typing_on"}
    assert send.path == "/v21.0/17841400123456789/messages"
    assert send.json() == {"recipient": {"id": "1153982671234567"}, "message": {"text": reply.text}}
    # The redelivery was stored once, so it could start no second turn.
    assert reply.reply_to == Message.objects.get(direction=Message.Direction.INBOUND)
    # The corner shop knows nothing about this question: the agent answers honestly and hands over.
    assert AgentRun.objects.get(reply=reply).outcome in (AgentRun.Outcome.REPLIED, AgentRun.Outcome.FALLBACK)
    assert post_signed(instagram_connection, raw("echo")).status_code == 200
    assert Message.objects.count() == 2
