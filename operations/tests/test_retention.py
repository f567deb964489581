"""Transcripts older than a business's retention period are purged, by the periodic task in the worker."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from agents.models import AgentRun
from business.models import Business, FaqEntry
from console.operator_actions import add_to_knowledge, annotate
from conversations.models import ChannelConnection, Contact, Conversation, Message
from operations.retention import purge_expired_transcripts
from operations.tasks import purge_expired_transcripts as purge_task
from tests.support import wait_until


def conversation_with(business: Business, *ages_in_days: int) -> Conversation:
    connection, _ = ChannelConnection.objects.get_or_create(business=business, platform="console")
    contact = Contact.objects.create(connection=connection, platform_user_id=f"c-{Contact.objects.count()}")
    conversation = Conversation.objects.create(business=business, connection=connection, contact=contact)
    oldest = timezone.now() - timedelta(days=max(ages_in_days))
    Conversation.objects.filter(pk=conversation.pk).update(created_at=oldest)
    for age in ages_in_days:
        message = Message.objects.create(
            conversation=conversation,
            connection=connection,
            direction="in",
            author="customer",
            text=f"{age} days ago",
            status="received",
        )
        Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(days=age))
        AgentRun.objects.create(conversation=conversation, inbound_message=message, model="m", outcome="replied")
    return conversation


@pytest.mark.django_db
def test_messages_older_than_the_retention_period_are_purged(business):
    business.transcript_retention_days = 30
    business.save()
    old = conversation_with(business, 45, 40)
    ongoing = conversation_with(business, 35, 2)

    assert purge_expired_transcripts() == {business.slug: 3}
    assert not Conversation.objects.filter(pk=old.pk).exists()
    assert list(Message.objects.filter(conversation=ongoing).values_list("text", flat=True)) == ["2 days ago"]
    assert AgentRun.objects.count() == 1


@pytest.mark.django_db
def test_an_faq_draft_goes_with_the_expired_message_whose_words_it_holds(business):
    business.transcript_retention_days = 30
    business.save()
    asked = conversation_with(business, 45).messages.get()
    reply = Message.objects.create(
        conversation=asked.conversation, connection=asked.connection, direction="out", author="agent",
        text="I don't know.", reply_to=asked, status="sent",
    )  # fmt: skip
    draft = add_to_knowledge(annotate(reply, None, "Yes, on Sundays too."))
    published = FaqEntry.objects.create(business=business, question="Open on Sundays?", answer="Yes, on Sundays too.")

    purge_expired_transcripts()
    assert not FaqEntry.objects.filter(pk=draft.pk).exists()
    assert FaqEntry.objects.filter(pk=published.pk).exists()


@pytest.mark.django_db
def test_a_business_without_a_retention_period_keeps_everything(business):
    conversation_with(business, 400)
    assert purge_expired_transcripts() == {}
    assert Message.objects.count() == 1


def test_beat_runs_the_purge_every_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-expired-transcripts"]
    assert entry["task"] == purge_task.name and entry["schedule"] == 3600.0


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_worker")
def test_the_worker_runs_the_purge_task(business):
    business.transcript_retention_days = 7
    business.save()
    conversation_with(business, 10)
    purge_task.delay()
    wait_until(lambda: not Message.objects.exists(), timeout=60, what="the worker to purge the old message")
