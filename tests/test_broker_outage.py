"""Redis stopped while webhooks arrive: each is stored and acknowledged, and answered once when it returns."""

import time

import pytest
from django.core.management import call_command
from django.db import transaction

from conversations import outbox
from conversations.models import Conversation, Message
from tests.reliability_traffic import deliver, messenger_text, replies_sent_to, sent_replies
from tests.support import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMERS = [f"70050000000000{index:02}" for index in range(3)]


def test_webhooks_during_a_broker_outage_are_stored_acknowledged_and_answered_once_it_returns(
    live_server,
    messenger_connection,
    fake_platform,
    worker_pool,
    private_broker,
    start_worker,
    tmp_path,
    settings,
    figures,
):
    assert deliver(live_server.url, messenger_connection, messenger_text(CUSTOMERS[0], "m_before", "Hello")) == 200
    wait_until(lambda: sent_replies(), what="the reply before the outage")
    conversation = Conversation.objects.get()

    private_broker.stop()
    # Staff writing meanwhile: the reply is stored, its send task lost with the broker.
    with transaction.atomic():
        operator_reply = outbox.queue_reply(conversation, "Your order is ready.", author=Message.Author.OPERATOR)
    statuses, seconds = [], []
    for index, customer in enumerate(CUSTOMERS):
        started = time.monotonic()
        statuses.append(
            deliver(
                live_server.url,
                messenger_connection,
                messenger_text(customer, f"m_outage_{index}", "Do you ship abroad?"),
            )
        )
        seconds.append(time.monotonic() - started)
    stored = Message.objects.filter(platform_message_id__startswith="m_outage_").count()

    private_broker.start()
    # Celery beat sends the sweep every second once the broker is back (here with the production
    # grace of a minute, so that it leaves the test's fresh messages alone); the pool's workers
    # reconnect by themselves; the sweep command does what the beat's task does, at once.
    beat = start_worker("beat", "-s", str(tmp_path / "beat-schedule"), beat=True, PARLEY_SWEEP_INTERVAL_SECONDS="1")
    settings.PARLEY_SWEEP_GRACE_SECONDS = 0
    call_command("sweep_unfinished_work")
    wait_until(lambda: len(sent_replies()) == 2 + len(CUSTOMERS), timeout=300, what="every reply after the outage")
    call_command("sweep_unfinished_work")
    assert "Sending due task sweep-unfinished-work" in beat.log()
    # A later message's reply proves the workers got past everything the sweeps enqueued.
    assert deliver(live_server.url, messenger_connection, messenger_text(CUSTOMERS[0], "m_after", "Thanks")) == 200
    wait_until(lambda: len(sent_replies()) == 3 + len(CUSTOMERS), what="the reply after the outage")

    assert statuses == [200] * len(CUSTOMERS)
    assert stored == len(CUSTOMERS)
    for index, customer in enumerate(CUSTOMERS):
        assert Message.objects.get(platform_message_id=f"m_outage_{index}").reply.status == Message.Status.SENT
        assert len(replies_sent_to(fake_platform, customer)) == (4 if index == 0 else 1)
    assert Message.objects.get(pk=operator_reply.pk).status == Message.Status.SENT
    figures["broker_outage"] = {
        "deliveries_during_outage": len(CUSTOMERS), "acknowledged": statuses.count(200), "stored": stored,
        "replies": len(CUSTOMERS), "operator_replies_sent": 1, "lost": 0, "duplicated": 0,
        "slowest_acknowledgement_ms": round(max(seconds) * 1000),
    }  # fmt: skip
