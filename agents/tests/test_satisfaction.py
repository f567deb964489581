"""The satisfaction survey is asked once, after an answer and a quiet spell, inside the platform's window; the
customer's rating is stored and thanked for, never answered as a question."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from agents.models import AgentRun
from agents.satisfaction import ask, ask_for_ratings, choice_id
from channels.messenger.tests.harness import HARNESS as MESSENGER
from channels.telegram.tests.harness import HARNESS as TELEGRAM
from conversations import outbox
from conversations.events import Kind
from conversations.models import Conversation, Message

from .outreach_support import at_once, customer_on, customer_taps

QUIET_MINUTES = 30


@pytest.fixture
def surveying(business):
    business.satisfaction_survey_minutes = QUIET_MINUTES
    business.save()
    return business


def answered(conversation: Conversation, ago: timedelta, author: str = Message.Author.AGENT) -> Message:
    """The customer asked, then the agent (or an operator) answered, `ago`."""
    now = timezone.now()
    asked = Message.objects.create(
        conversation=conversation, connection=conversation.connection, direction=Message.Direction.INBOUND,
        author=Message.Author.CUSTOMER, text="Do you deliver?", status=Message.Status.RECEIVED,
    )  # fmt: skip
    answer = Message.objects.create(
        conversation=conversation, connection=conversation.connection, direction=Message.Direction.OUTBOUND,
        author=author, text="Yes, within 5 km.", status=Message.Status.SENT,
        reply_to=asked if author == Message.Author.AGENT else None,
    )  # fmt: skip
    Message.objects.filter(pk=asked.pk).update(created_at=now - ago - timedelta(minutes=1))
    Message.objects.filter(pk=answer.pk).update(created_at=now - ago)
    Conversation.objects.filter(pk=conversation.pk).update(
        last_inbound_at=now - ago - timedelta(minutes=1), last_message_at=now - ago
    )
    return answer


def survey(conversation: Conversation) -> Message:
    return Message.objects.get(conversation=conversation, metadata__satisfaction_survey=True)


def test_a_quiet_conversation_is_asked_once_with_three_ratings(surveying, platform_server):
    server = platform_server(TELEGRAM)
    conversation = customer_on(surveying, TELEGRAM, server.url)
    answered(conversation, timedelta(minutes=QUIET_MINUTES + 5))
    assert ask_for_ratings() == 1
    question = survey(conversation)
    assert question.text == "How did we do? Your rating helps us get better."
    assert question.choices == [
        {"id": "satisfaction:3", "title": "😀 Good"},
        {"id": "satisfaction:2", "title": "😐 OK"},
        {"id": "satisfaction:1", "title": "😞 Poor"},
    ]
    outbox.deliver(question.pk)
    [request] = server.requests
    assert request.path.endswith("/sendMessage") and request.json()["text"] == question.text
    keyboard = request.json()["reply_markup"]["inline_keyboard"]
    assert [row[0]["callback_data"] for row in keyboard] == ["satisfaction:3", "satisfaction:2", "satisfaction:1"]
    # Quiet again after the survey itself: never asked twice.
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=timezone.now() - timedelta(hours=1))
    assert ask_for_ratings() == 0


def test_an_operators_answer_counts_too(surveying, platform_server):
    conversation = customer_on(surveying, TELEGRAM, platform_server(TELEGRAM).url)
    Conversation.objects.filter(pk=conversation.pk).update(status=Conversation.Status.HUMAN)
    answered(conversation, timedelta(minutes=QUIET_MINUTES + 5), author=Message.Author.OPERATOR)
    assert ask_for_ratings() == 1


def test_no_survey_before_the_quiet_time_after_a_customer_message_or_with_the_setting_off(surveying, platform_server):
    conversation = customer_on(surveying, TELEGRAM, platform_server(TELEGRAM).url)
    answered(conversation, timedelta(minutes=QUIET_MINUTES - 5))
    assert ask_for_ratings() == 0
    Message.objects.create(
        conversation=conversation, connection=conversation.connection, direction=Message.Direction.INBOUND,
        author=Message.Author.CUSTOMER, text="One more thing", status=Message.Status.RECEIVED,
    )  # fmt: skip
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=timezone.now() - timedelta(hours=1))
    assert ask_for_ratings() == 0
    surveying.satisfaction_survey_minutes = 0
    surveying.save()
    answered(conversation, timedelta(minutes=QUIET_MINUTES + 5))
    assert ask_for_ratings() == 0


def test_no_survey_once_the_platforms_window_has_closed(surveying, platform_server):
    """An operator answered with the human-agent tag on day 3: a survey may not use it."""
    conversation = customer_on(surveying, MESSENGER, platform_server(MESSENGER).url)
    answered(conversation, timedelta(minutes=QUIET_MINUTES + 5), author=Message.Author.OPERATOR)
    Conversation.objects.filter(pk=conversation.pk).update(last_inbound_at=timezone.now() - timedelta(days=3))
    assert ask_for_ratings() == 0


def test_no_survey_for_a_conversation_handed_to_staff_and_not_yet_answered(surveying, platform_server):
    conversation = customer_on(surveying, TELEGRAM, platform_server(TELEGRAM).url)
    answered(conversation, timedelta(minutes=QUIET_MINUTES + 5))
    Conversation.objects.filter(pk=conversation.pk).update(status=Conversation.Status.NEEDS_HUMAN)
    assert ask_for_ratings() == 0


@pytest.mark.django_db(transaction=True)
def test_two_processes_asking_at_once_ask_once(surveying, platform_server):
    conversation = customer_on(surveying, TELEGRAM, platform_server(TELEGRAM).url)
    answered(conversation, timedelta(minutes=QUIET_MINUTES + 5))
    now = timezone.now()
    assert sorted(at_once(4, lambda: ask(conversation.pk, now))) == [False, False, False, True]
    assert Message.objects.filter(metadata__satisfaction_survey=True).count() == 1


def test_the_rating_is_stored_and_thanked_for_without_an_agent_turn(surveying, platform_server):
    conversation = customer_on(surveying, TELEGRAM, platform_server(TELEGRAM).url)
    answered(conversation, timedelta(minutes=QUIET_MINUTES + 5))
    ask_for_ratings()
    tap = customer_taps(conversation, choice_id(Conversation.Rating.GOOD), "😀 Good")
    assert tap.kind == Kind.HANDLED_CHOICE
    conversation.refresh_from_db()
    assert (conversation.rating, conversation.rated_at is not None) == (Conversation.Rating.GOOD, True)
    assert Message.objects.get(reply_to=tap).text == "Thank you for your rating!"
    assert not AgentRun.objects.filter(inbound_message=tap).exists()
    # A second tap changes nothing: the first rating counts.
    customer_taps(conversation, choice_id(Conversation.Rating.POOR), "😞 Poor", message_id="tap-2")
    conversation.refresh_from_db()
    assert conversation.rating == Conversation.Rating.GOOD


def test_a_rating_nobody_asked_for_is_not_stored(surveying, platform_server):
    conversation = customer_on(surveying, TELEGRAM, platform_server(TELEGRAM).url)
    tap = customer_taps(conversation, choice_id(Conversation.Rating.POOR), "😞 Poor")
    assert tap.kind == Kind.BUTTON  # never offered: a plain message, for the agent
    conversation.refresh_from_db()
    assert conversation.rating is None and not Message.objects.filter(reply_to=tap).exists()


def test_no_survey_after_the_answer_to_a_reminders_confirm(surveying, platform_server):
    conversation = customer_on(surveying, TELEGRAM, platform_server(TELEGRAM).url)
    answer = answered(conversation, timedelta(minutes=QUIET_MINUTES + 5))
    Message.objects.filter(pk=answer.reply_to_id).update(kind=Kind.HANDLED_CHOICE)
    assert ask_for_ratings() == 0
