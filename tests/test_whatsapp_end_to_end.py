"""A WhatsApp customer's message answered by the real worker and model, sent to a fake Cloud API."""

import pytest

from agents.models import AgentRun
from channels.whatsapp.tests.conftest import cloud_api, raw, whatsapp_connection  # noqa: F401 (fixtures)
from conversations.models import Message
from tests.support import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_worker")]


def test_a_signed_message_is_answered_once_after_marking_it_read(post_signed, whatsapp_connection, cloud_api):  # noqa: F811
    assert post_signed(whatsapp_connection, raw("text_message")).status_code == 200
    assert post_signed(whatsapp_connection, raw("text_message")).status_code == 200

    reply = wait_until(
        lambda: Message.objects.filter(direction=Message.Direction.OUTBOUND, status=Message.Status.SENT).first(),
        what="the reply to be recorded as sent",
    )
    typing, send = cloud_api.wait_for_requests(2)
    inbound = Message.objects.get(direction=Message.Direction.INBOUND)
    assert reply.reply_to == inbound and reply.platform_message_id == "wamid.fake_2"
    assert typing.json()["message_id"] == inbound.platform_message_id
    assert send.path == "/v21.0/113355779900246/messages"
    assert send.json()["to"] == "447700900123" and send.json()["text"]["body"] == reply.text
    # The redelivery was stored once (the inbound .get() above), so it could start no second turn.
    assert AgentRun.objects.get(reply=reply).outcome == AgentRun.Outcome.REPLIED
    assert post_signed(whatsapp_connection, raw("status_read")).status_code == 200
    assert Message.objects.get(pk=reply.pk).status == Message.Status.READ
