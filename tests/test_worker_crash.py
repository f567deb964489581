"""A worker killed with SIGKILL while generating for two customers at once, on two of its threads: after a restart
each customer gets one reply."""

import re

import pytest
import redis
from django.core.management import call_command

from agents.models import AgentConfig, AgentRun
from conversations.models import Message
from tests.reliability_traffic import deliver, messenger_text, replies_sent_to, sent_replies, typing_for
from tests.support import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMERS = ("7003000000000001", "7003000000000002")
# The restarted worker takes back a dead worker's unacknowledged task this soon (in production: an hour).
VISIBILITY_TIMEOUT = "5"


def tasks_received(log: str, task: str) -> list[str]:
    return re.findall(rf"Task {re.escape(task)}\[([0-9a-f-]+)\] received", log)


def unacknowledged_tasks(broker_url: str) -> str:
    """What kombu's Redis transport keeps of the tasks handed to workers and not acknowledged yet."""
    return " ".join(value.decode() for value in redis.Redis.from_url(broker_url).hvals("unacked"))


def test_a_worker_killed_while_generating_answers_each_turn_once_after_a_restart(
    live_server,
    messenger_connection,
    fake_platform,
    own_workers,
    private_broker,
    start_worker,
    settings,
    figures,
    business,
):
    # No settling: each message is one task, started at once.
    AgentConfig.objects.filter(business=business).update(burst_settle_seconds=0)
    victim = start_worker("crash-victim")
    for customer in CUSTOMERS:
        body = messenger_text(customer, f"m_crash_{customer}", "Do you ship abroad?")
        assert deliver(live_server.url, messenger_connection, body) == 200
    # The typing indicator goes out just before the model's first step, which then computes for seconds.
    wait_until(
        lambda: all(typing_for(fake_platform, customer) for customer in CUSTOMERS),
        what="both turns to start generating",
    )
    interrupted = tasks_received(victim.log(), "agents.tasks.answer_message")
    victim.kill()
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()
    # Acknowledged late: the dead worker's tasks, one per thread, are still held by the broker, to be delivered again.
    assert len(interrupted) == 2
    assert all(task in unacknowledged_tasks(private_broker.url) for task in interrupted)

    start_worker("crash-restarted", PARLEY_BROKER_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT)
    # The sweeper enqueues the unanswered messages; the broker may deliver the dead tasks again as well.
    settings.PARLEY_SWEEP_GRACE_SECONDS = 0
    call_command("sweep_unfinished_work")
    wait_until(lambda: len(sent_replies()) == 2, what="the replies")
    call_command("sweep_unfinished_work")
    # A later message's reply proves the worker got past everything the crash left behind.
    body = messenger_text(CUSTOMERS[0], "m_after_crash", "Thanks")
    assert deliver(live_server.url, messenger_connection, body) == 200
    wait_until(lambda: len(sent_replies()) == 3, what="the later message's reply")

    assert [len(replies_sent_to(fake_platform, customer)) for customer in CUSTOMERS] == [2, 1]
    for customer in CUSTOMERS:
        assert Message.objects.get(platform_message_id=f"m_crash_{customer}").reply.status == Message.Status.SENT
    assert AgentRun.objects.count() == 3
    figures["worker_crash_while_generating"] = {"deliveries": 3, "replies": 3, "lost": 0, "duplicated": 0}
