"""The contract's end: on every platform Parley sends replies to, a customer's message and its redelivery get one
reply from the real worker and model, sent through the platform's API (a fake one in its wire format)."""

from __future__ import annotations

import pytest

from agents.models import AgentRun
from conversations.models import Message
from tests.fake_platform import FakePlatformServer
from tests.support import wait_until
from tests.support.platform_contract import harness_for, platforms_customers_reach, sends_through_an_api

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_worker")]


def sent_replies() -> list[Message]:
    return list(Message.objects.filter(direction=Message.Direction.OUTBOUND, status=Message.Status.SENT))


@pytest.mark.parametrize("platform", [name for name in platforms_customers_reach() if sends_through_an_api(name)])
def test_a_message_and_its_redelivery_get_one_reply_sent_through_the_platforms_api(client, business, platform):
    harness = harness_for(platform)
    api = FakePlatformServer(default=harness.api_answer)
    try:
        connection = harness.connect(business, api.url)
        delivery = harness.deliver(connection, harness.raw(harness.text_message))
        for _ in range(2):
            assert harness.post(client, connection, delivery).status_code in harness.accepted_statuses

        [reply] = wait_until(sent_replies, what="the reply to be recorded as sent")
        inbound = Message.objects.get(direction=Message.Direction.INBOUND)
        assert reply.reply_to == inbound and reply.text
        # The corner shop knows nothing of the question: the agent answers honestly, or hands over.
        assert AgentRun.objects.get().outcome in (AgentRun.Outcome.REPLIED, AgentRun.Outcome.FALLBACK)
        assert [text for text in map(harness.sent_text, api.requests) if text is not None] == [reply.text]
    finally:
        api.close()
