"""A send retried after the platform accepted (part of) a reply sends nothing it already sent."""

import pytest
from django.db import transaction

from conversations import outbox
from conversations.models import Contact, Conversation, Message
from conversations.tasks import deliver_message
from tests.fake_platform import Answer
from tests.support import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMER = "7004000000000001"


def part_sends(fake_platform) -> list[str]:
    return [
        request.json()["message"]["text"] for request in list(fake_platform.requests) if "message" in request.json()
    ]


def test_a_reply_whose_second_part_failed_is_finished_without_repeating_the_first_and_never_sent_again(
    messenger_connection, fake_platform, worker_pool, figures
):
    contact = Contact.objects.create(connection=messenger_connection, platform_user_id=CUSTOMER)
    conversation = Conversation.objects.create(
        business=messenger_connection.business, connection=messenger_connection, contact=contact
    )
    fake_platform.script(
        Answer(200, {"recipient_id": CUSTOMER, "message_id": "m_part_1"}),
        Answer(500, {"error": {"message": "An unexpected error has occurred.", "code": 2, "is_transient": True}}),
    )
    # Over Messenger's 2,000 characters: two parts.
    text = " ".join(["Our sourdough is baked fresh every morning."] * 60)
    with transaction.atomic():
        reply = outbox.queue_reply(conversation, text, author=Message.Author.OPERATOR)

    wait_until(
        lambda: Message.objects.get(pk=reply.pk).status == Message.Status.SENT, what="the retried reply to be sent"
    )
    first, failed, retried = part_sends(fake_platform)
    # The task is delivered again after it succeeded, twice, as a broker redelivery would.
    deliver_message.delay(reply.pk)
    deliver_message.delay(reply.pk)
    wait_until(
        lambda: (
            sum(worker.log().count(f"message {reply.pk} is not pending any more") for worker in worker_pool.workers)
            >= 2
        ),
        what="both redelivered tasks to run",
    )

    reply.refresh_from_db()
    assert failed == retried != first
    assert first + " " + retried == text
    assert len(part_sends(fake_platform)) == 3
    assert reply.metadata["sent_parts"] == ["m_part_1", reply.platform_message_id]
    assert reply.attempts == 2
    figures["retry_after_send"] = {"parts": 2, "platform_requests": 3, "redelivered_tasks": 2, "duplicated": 0}
