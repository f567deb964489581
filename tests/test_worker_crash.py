"""A worker killed with SIGKILL while generating: after a restart the customer gets one reply."""

import re

import pytest
import redis
from django.core.management import call_command

from agents.models import AgentRun
from conversations.models import Message
from tests.reliability_traffic import deliver, messenger_text, replies_sent_to, sent_replies, typing_for
from tests.support import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMER = "7003000000000001"
# The restarted worker takes back a dead worker's unacknowledged task this soon (in production: an hour).
VISIBILITY_TIMEOUT = "5"


def tasks_received(log: str, task: str) -> list[str]:
    return re.findall(rf"Task {re.escape(task)}\[([0-9a-f-]+)\] received", log)


def unacknowledged_tasks(broker_url: str) -> str:
    """What kombu's Redis transport keeps of the tasks handed to workers and not acknowledged yet."""
    return " ".join(value.decode() for value in redis.Redis.from_url(broker_url).hvals("unacked"))


def test_a_worker_killed_while_generating_answers_once_after_a_restart(
    live_server, messenger_connection, fake_platform, own_workers, private_broker, start_worker, settings, figures
):
    victim = start_worker("crash-victim")
    assert (
        deliver(live_server.url, messenger_connection, messenger_text(CUSTOMER, "m_crash", "Do you ship abroad?"))
        == 200
    )
    # The typing indicator goes out just before the model's first step, which then computes for seconds.
    wait_until(lambda: typing_for(fake_platform, CUSTOMER), what="the turn to start generating")
    interrupted = tasks_received(victim.log(), "agents.tasks.answer_message")[-1]
    victim.kill()
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()
    # Acknowledged late: the dead worker's task is still held by the broker, to be delivered again.
    assert interrupted in unacknowledged_tasks(private_broker.url)

    start_worker("crash-restarted", PARLEY_BROKER_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT)
    # The sweeper enqueues the unanswered message; the broker may deliver the dead task again as well.
    settings.PARLEY_SWEEP_GRACE_SECONDS = 0
    call_command("sweep_unfinished_work")
    wait_until(lambda: sent_replies(), what="the reply")
    call_command("sweep_unfinished_work")
    # A later message's reply proves the worker got past everything the crash left behind.
    assert deliver(live_server.url, messenger_connection, messenger_text(CUSTOMER, "m_after_crash", "Thanks")) == 200
    wait_until(lambda: len(sent_replies()) == 2, what="the later message's reply")

    assert len(replies_sent_to(fake_platform, CUSTOMER)) == 2
    assert Message.objects.get(platform_message_id="m_crash").reply.status == Message.Status.SENT
    assert AgentRun.objects.count() == 2
    figures["worker_crash_while_generating"] = {"deliveries": 2, "replies": 2, "lost": 0, "duplicated": 0}
