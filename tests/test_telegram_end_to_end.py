"""A Telegram customer's message answered by the real worker, model and database, sent to a fake Bot API."""

import pytest

from agents.models import AgentRun
from channels.telegram.tests.support import BOT_TOKEN, fake_platform, post_update, raw, telegram_connection  # noqa: F401 (fixtures)
from conversations.models import Message
from tests.support import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_worker")]


def sent_replies() -> list[Message]:
    return list(Message.objects.filter(direction=Message.Direction.OUTBOUND, status=Message.Status.SENT))


def test_a_message_and_its_redelivery_get_one_reply_through_the_worker(post_update, telegram_connection, fake_platform):
    assert post_update(telegram_connection, raw("text_message")).status_code == 200
    assert post_update(telegram_connection, raw("text_message")).status_code == 200

    typing, send = fake_platform.wait_for_requests(2)
    [reply] = wait_until(lambda: sent_replies(), what="the reply to be recorded as sent")
    assert reply.reply_to == Message.objects.get(direction=Message.Direction.INBOUND)
    assert (typing.path, typing.json()) == (
        f"/bot{BOT_TOKEN}/sendChatAction",
        {"chat_id": 731245980, "action": "typing"},
    )
    assert (send.path, send.json()) == (f"/bot{BOT_TOKEN}/sendMessage", {"chat_id": 731245980, "text": reply.text})
    assert reply.platform_message_id == "731245980:5002"
    assert AgentRun.objects.get(reply=reply).outcome == AgentRun.Outcome.REPLIED
    # A button press answered next proves the worker went past anything the duplicate could have caused.
    assert post_update(telegram_connection, raw("callback_query")).status_code == 200
    wait_until(lambda: len(sent_replies()) == 2, what="the button press's reply")
    assert [r.path.rsplit("/", 1)[1] for r in fake_platform.requests].count("sendMessage") == 2
