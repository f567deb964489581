"""A WhatsApp customer on Twilio answered by the real worker, model and database, sent to a fake Twilio API."""

import pytest

from agents.models import AgentRun
from conversations.models import Message
from tests.support import wait_until

from .conftest import ACCOUNT_SID, raw, sent_form

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_worker")]


def sent_replies() -> list[Message]:
    return list(Message.objects.filter(direction=Message.Direction.OUTBOUND, status=Message.Status.SENT))


def test_a_signed_whatsapp_message_is_answered_once_on_whatsapp(post_twilio, twilio_connection, twilio_api):
    assert post_twilio(twilio_connection, raw("whatsapp_text_message")).status_code == 200
    assert post_twilio(twilio_connection, raw("whatsapp_text_message")).status_code == 200
    [reply] = wait_until(lambda: sent_replies(), what="the reply to be recorded as sent")
    [request] = twilio_api.wait_for_requests(1)
    assert request.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert sent_form(request) == {
        "To": "whatsapp:+447700900456",
        "From": "whatsapp:+15557654321",
        "Body": reply.text,
        "StatusCallback": twilio_connection.webhook_url(),
    }
    assert reply.reply_to == Message.objects.get(direction=Message.Direction.INBOUND)
    # The corner shop knows nothing about this question: the agent answers honestly and hands over.
    assert AgentRun.objects.get(reply=reply).outcome in (AgentRun.Outcome.REPLIED, AgentRun.Outcome.FALLBACK)
    # Twilio's status callbacks for the reply move it forward and are never answered.
    read_receipt = raw("status_read_whatsapp").replace("SM205ef0616ed503237922ac2987136a4b", reply.platform_message_id)
    assert post_twilio(twilio_connection, read_receipt).status_code == 200
    reply.refresh_from_db()
    assert reply.status == Message.Status.READ
    assert Message.objects.count() == 2 and len(twilio_api.requests) == 1
