"""A worker killed with SIGKILL while the platform holds its reply's send request (the agent's
worker sends the reply it wrote): the reply is never sent twice, and since nobody can know whether
the platform took it, it fails and staff take the conversation."""

from collections.abc import Iterator

import pytest
from django.core.management import call_command

from conversations.models import Conversation, Message
from conversations.tasks import deliver_message
from tests.fake_platform import FakePlatformServer, HeldAnswer, serve_held
from tests.reliability_traffic import deliver, messenger_text, replies_sent_to
from tests.support import wait_until
from tests.test_worker_crash import VISIBILITY_TIMEOUT, tasks_received, unacknowledged_tasks

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMER = "7003000000000002"


@pytest.fixture
def held_send() -> HeldAnswer:
    """The platform does not answer the first message send: the sender waits on it when killed."""
    return HeldAnswer(lambda request: "message" in request.json(), timeout=60)


@pytest.fixture
def fake_platform(held_send: HeldAnswer) -> Iterator[FakePlatformServer]:
    yield from serve_held(held_send)


def test_a_sender_killed_mid_send_is_never_sent_twice_and_its_reply_goes_to_staff(
    live_server,
    messenger_connection,
    fake_platform,
    held_send,
    own_workers,
    private_broker,
    start_worker,
    settings,
    figures,
):
    victim = start_worker("send-victim")
    assert (
        deliver(live_server.url, messenger_connection, messenger_text(CUSTOMER, "m_send_crash", "Do you ship abroad?"))
        == 200
    )
    wait_until(held_send.held.is_set, what="the reply's send to reach the platform")
    victim.kill()
    reply = Message.objects.get(direction=Message.Direction.OUTBOUND)
    assert reply.status == Message.Status.SENDING

    interrupted = tasks_received(victim.log(), "agents.tasks.answer_message")[-1]
    assert interrupted in unacknowledged_tasks(private_broker.url)
    # Redelivered, the turn finds its message answered; the row stays "sending", and a send task
    # finds nothing pending to claim: neither sends anything.
    start_worker("send-restarted", PARLEY_BROKER_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT)
    deliver_message.delay(reply.pk)
    settings.PARLEY_SEND_CLAIM_TIMEOUT_SECONDS = 0
    call_command("sweep_unfinished_work")
    call_command("sweep_unfinished_work")
    # A later message's reply proves the worker got past everything the crash left behind.
    Conversation.objects.update(status=Conversation.Status.BOT)
    assert (
        deliver(live_server.url, messenger_connection, messenger_text(CUSTOMER, "m_after_send_crash", "Hello?")) == 200
    )
    wait_until(lambda: len(replies_sent_to(fake_platform, CUSTOMER)) == 2, what="the later message's reply")
    Conversation.objects.update(status=Conversation.Status.NEEDS_HUMAN)

    reply.refresh_from_db()
    assert replies_sent_to(fake_platform, CUSTOMER).count(reply.text) == 1
    assert (reply.status, reply.error_code) == (Message.Status.FAILED, "send_interrupted")
    assert Conversation.objects.get().status == Conversation.Status.NEEDS_HUMAN
    figures["worker_crash_while_sending"] = {
        "platform_requests_for_the_reply": 1,
        "duplicated": 0,
        "reply_state": "failed (send_interrupted), conversation needs a human",
    }
