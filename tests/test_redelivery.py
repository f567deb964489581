"""A webhook delivered many times at once, and again later, is one stored message and one reply."""

import pytest

from conversations.models import Message
from tests.reliability_traffic import deliver_concurrently, messenger_text, replies_sent_to, sent_replies
from tests.support import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

DELIVERIES = 20
CUSTOMER = "7001000000000001"


def test_twenty_concurrent_deliveries_and_twenty_late_ones_are_one_message_and_one_reply(
    live_server, messenger_connection, fake_platform, worker_pool, figures
):
    body = messenger_text(CUSTOMER, "m_redelivered_1", "Do you ship abroad?")

    first = deliver_concurrently(live_server.url, messenger_connection, body, DELIVERIES)
    wait_until(lambda: len(sent_replies()) == 1, what="the reply")
    later = deliver_concurrently(live_server.url, messenger_connection, body, DELIVERIES)
    # A later message's reply proves the worker got past anything the late copies could have caused.
    assert deliver_concurrently(
        live_server.url, messenger_connection, messenger_text(CUSTOMER, "m_next", "Thanks!"), 1
    ) == [200]
    wait_until(lambda: len(sent_replies()) == 2, what="the next message's reply")

    assert first == later == [200] * DELIVERIES
    assert Message.objects.filter(platform_message_id="m_redelivered_1").count() == 1
    [answer, _] = sent_replies()
    assert answer.reply_to.platform_message_id == "m_redelivered_1"
    assert len(replies_sent_to(fake_platform, CUSTOMER)) == 2
    figures["redelivery"] = {
        "deliveries": 2 * DELIVERIES, "stored": 1, "replies": 1, "lost": 0, "duplicated": 0,
    }  # fmt: skip
