"""One conversation's turns run one at a time in arrival order, across worker processes and across the threads of
one worker; others run meanwhile."""

from collections.abc import Iterator

import pytest

from agents.models import AgentConfig
from conversations.models import Message
from tests.fake_platform import FakePlatformServer, HeldAnswer, RecordedRequest, serve_held
from tests.reliability_traffic import deliver, messenger_text, replies_sent_to, sent_replies, typing_for
from tests.support import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

HELD = "7002000000000001"  # the customer whose first turn the platform holds up
OTHER = "7002000000000002"


# Below the 10 s our platform client waits for an answer, after which the turn would go on anyway.
HOLD_SECONDS = 8


def holds_first_typing(request: RecordedRequest) -> bool:
    body = request.json()
    return "sender_action" in body and body["recipient"]["id"] == HELD


@pytest.fixture
def held_typing() -> HeldAnswer:
    """The platform's answer to HELD's first typing indicator waits, so that the turn sending it
    stays in the middle of its work meanwhile."""
    return HeldAnswer(holds_first_typing, timeout=HOLD_SECONDS)


@pytest.fixture
def fake_platform(held_typing: HeldAnswer) -> Iterator[FakePlatformServer]:
    yield from serve_held(held_typing)


def test_a_conversations_turns_wait_for_each_other_while_another_conversation_goes_ahead(
    live_server, messenger_connection, fake_platform, held_typing, worker_pool, business, figures
):
    # Two worker processes: the second message's turn may meet the first's lock in either.
    answers_in_order(live_server, messenger_connection, fake_platform, held_typing, worker_pool.workers, business)
    figures["ordering"] = {"deliveries": 3, "replies": 3, "out_of_order": 0, "overlapping_turns_in_one_conversation": 0}


def test_two_threads_of_one_worker_never_answer_one_conversation_at_once(
    live_server, messenger_connection, fake_platform, held_typing, own_workers, start_worker, business, figures
):
    # One worker process, its turns on threads: the second message's turn runs beside the first, in a thread of
    # the same process, with a database session of its own.
    worker = start_worker("threads-only")
    assert "concurrency: 4 (thread)" in worker.log()
    answers_in_order(live_server, messenger_connection, fake_platform, held_typing, [worker], business)
    figures["ordering_on_threads"] = {
        "deliveries": 3,
        "replies": 3,
        "out_of_order": 0,
        "overlapping_turns_in_one_conversation": 0,
    }


def answers_in_order(
    live_server, messenger_connection, fake_platform: FakePlatformServer, held_typing: HeldAnswer, workers, business
) -> None:
    # No settling: each message's turn starts at once, so that two turns can reach one conversation together.
    AgentConfig.objects.filter(business=business).update(burst_settle_seconds=0)
    assert (
        deliver(live_server.url, messenger_connection, messenger_text(HELD, "m_held_1", "Do you ship abroad?")) == 200
    )
    wait_until(lambda: typing_for(fake_platform, HELD), what="the first turn to start")

    # The first turn is held mid-way: the second message's turn, beside it, finds it busy.
    assert deliver(live_server.url, messenger_connection, messenger_text(HELD, "m_held_2", "And to Mexico?")) == 200
    wait_until(
        lambda: any("another worker is answering conversation" in worker.log() for worker in workers),
        what="the second turn to meet the first one's lock",
    )
    # Meanwhile another customer's turn is not held up by that lock.
    assert (
        deliver(live_server.url, messenger_connection, messenger_text(OTHER, "m_other_1", "Do you ship abroad?")) == 200
    )
    wait_until(lambda: typing_for(fake_platform, OTHER), what="the other conversation's turn to start")
    assert len(typing_for(fake_platform, HELD)) == 1
    held_typing.release.set()
    wait_until(lambda: len(replies_sent_to(fake_platform, HELD)) == 2, what="both replies to the held customer")
    wait_until(lambda: len(sent_replies()) == 3, what="the other customer's reply")

    first, second, other = (
        Message.objects.get(platform_message_id=mid) for mid in ("m_held_1", "m_held_2", "m_other_1")
    )
    assert first.reply.id < second.reply.id
    assert replies_sent_to(fake_platform, HELD) == [first.reply.text, second.reply.text]
    # The second turn began only after the first had stored its reply; the other customer's began before.
    assert typing_for(fake_platform, HELD)[1] > first.reply.created_at.timestamp()
    assert typing_for(fake_platform, OTHER)[0] < first.reply.created_at.timestamp()
    assert other.reply.status == Message.Status.SENT
